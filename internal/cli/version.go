package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/internal/version"
)

func newVersionCmd(a *app) *cobra.Command {
	return declare(&cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version of imcsync",
		Long: "version prints the module version, the commit, the build date and the Go version of this\n" +
			"build (also `imcsync --version`); with -o json, as an object with format_version.",
		Example: "  imcsync version\n" +
			"  imcsync version -o json",
		Args: cobra.NoArgs,
		RunE: runE(&versionOptions{app: a}),
	}, []string{"output"}, render.Text, render.JSON)
}

// versionOptions are `imcsync version`'s options: -o only.
type versionOptions struct {
	*app
}

func (o *versionOptions) complete(*cobra.Command, []string) error { return nil }

func (o *versionOptions) validate() error { return nil }

func (o *versionOptions) run(context.Context) error { return o.printVersion() }

// addVersionFlag gives the root command `--version`, which prints what `imcsync version`
// prints (honouring -o); without it the root command prints its help.
func (a *app) addVersionFlag(root *cobra.Command) {
	var show bool
	root.Flags().BoolVar(&show, "version", false, "print the version and exit (as imcsync version)")
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		if show {
			return a.printVersion()
		}
		return cmd.Help()
	}
}

// printVersion prints which build is running, as `imcsync version` and `--version` do.
func (a *app) printVersion() error {
	return render.Version(a.stdout, version.Get(), a.format)
}
