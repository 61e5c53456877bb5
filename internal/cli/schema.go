package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/schema"
)

func newSchemaCmd(a *app) *cobra.Command {
	return declare(&cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of imagecaches.yaml",
		Long: "Print the JSON Schema (draft 2020-12) of imagecaches.yaml, for editors:\n" +
			"save it beside the file and start the file with\n" +
			"  # yaml-language-server: $schema=./imagecaches.schema.json",
		Example: "  # Save it beside the file for editor completion and checks\n" +
			"  imcsync schema > imagecaches.schema.json",
		Args: cobra.NoArgs,
		RunE: runE(&schemaOptions{app: a}),
	}, []string{"output"}, render.Text, render.JSON)
}

// schemaOptions are `imcsync schema`'s options: -o only.
type schemaOptions struct {
	*app
}

func (o *schemaOptions) complete(*cobra.Command, []string) error { return nil }

func (o *schemaOptions) validate() error { return nil }

func (o *schemaOptions) run(context.Context) error {
	return render.Schema(o.stdout, schema.JSON(), o.format)
}
