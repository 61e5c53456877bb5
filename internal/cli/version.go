package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/internal/version"
)

func init() { commands = append(commands, newVersionCmd) }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version of imcsync",
		Long: "version prints the module version, the commit, the build date and the Go version of this\n" +
			"build (also `imcsync --version`); with -o json, as an object with format_version.",
		Example: "  imcsync version\n" +
			"  imcsync version -o json",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.printVersion() },
	}
}

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

// versionJSON is `imcsync version -o json`.
type versionJSON struct {
	FormatVersion string `json:"format_version"`
	version.Info
}

func (a *app) printVersion() error {
	info := version.Get()
	if a.format == render.JSON {
		return render.WriteJSON(a.stdout, versionJSON{FormatVersion: "1", Info: info})
	}
	commit := info.Commit
	if info.Modified {
		commit += " (modified)"
	}
	fmt.Fprintf(a.stdout, "imcsync %s\ncommit: %s\nbuilt:  %s\ngo:     %s %s\n", info.Version, commit, info.Date, info.GoVersion, info.Platform)
	return nil
}
