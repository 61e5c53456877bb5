package cli

import (
	"context"
	"errors"
	"slices"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/export"
	"github.com/imcsync/imcsync/internal/render"
)

func newExportCmd(a *app) *cobra.Command {
	return declare(&cobra.Command{
		Use:   "export",
		Short: "Print an imagecaches.yaml for the live image caches, to adopt them",
		Long: "export lists the live image caches of the --region regions and prints an imagecaches.yaml\n" +
			"that declares them as they are, so that imcsync can manage caches made elsewhere.\n" +
			"-f is not read. Fields the API never reads back (securityGroupId, vSwitchId,\n" +
			"credentials, …) cannot be exported: add them by hand before the file creates caches.\n\n" +
			"Exit status: 0 printed, 1 error.",
		Example: "  imcsync export --region cn-hangzhou --region cn-shanghai > imagecaches.yaml",
		Args:    cobra.NoArgs,
		RunE:    runE(&exportOptions{app: a}),
	}, []string{"output", "region", "endpoint", "sim"}, render.YAML)
}

// exportOptions are `imcsync export`'s options.
type exportOptions struct {
	*app
	regions []string // --region, each once, in the order given
}

func (o *exportOptions) complete(*cobra.Command, []string) error {
	o.regions = nil
	for _, r := range o.app.regions {
		if !slices.Contains(o.regions, r) {
			o.regions = append(o.regions, r)
		}
	}
	return nil
}

func (o *exportOptions) validate() error {
	if err := checkRegionIDs(o.regions); err != nil {
		return err
	}
	if len(o.regions) == 0 {
		return errors.New("export needs at least one --region, e.g. imcsync export --region cn-hangzhou")
	}
	return nil
}

// run lists the live caches of the regions and prints the file that adopts them.
func (o *exportOptions) run(ctx context.Context) error {
	conn, err := o.connect(engine.Config{})
	if err != nil {
		return err
	}
	defer conn.Close()
	caches, err := conn.Live(ctx, o.regions)
	if err != nil {
		return err
	}
	out, err := export.YAML(caches, o.regions)
	if err != nil {
		return err
	}
	return render.Export(o.stdout, out, o.format)
}
