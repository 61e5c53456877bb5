// Package cli is imcsync's command line (cobra): it parses flags and files' paths, runs
// the engine's sequence, prompts where a person must confirm, writes what package
// render makes of the results, and turns them into exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
)

// Exit codes shared by every command (docs/commands.md).
const (
	exitOK      = 0
	exitFailure = 1
	exitChanges = 2 // plan: changes pending; drift: drift found
)

// errChanges ends plan, drift and reconcile --once with exitChanges: there is something
// to do, and nothing failed.
var errChanges = errors.New("changes pending")

// errReported ends a command that has already printed why it failed: exitFailure, and
// nothing more is printed.
var errReported = errors.New("failed, as reported")

// exitCode is the one mapping from a command's error to its exit code; it prints the
// error on stderr, in the terms of the flags, unless the command has reported it.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.Is(err, errReported):
		return exitFailure
	}
	fmt.Fprintf(stderr, "Error: %v\n", inFlagTerms(err))
	return exitFailure
}

// app is what every command shares: the streams and the global flags.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	file     string        // -f/--file
	output   string        // -o/--output as given
	format   render.Format // -o/--output, parsed
	color    string        // --color: auto|always|never
	regions  []string      // --region filter (repeatable)
	endpoint string        // --endpoint or IMCSYNC_ENDPOINT
	sim      string        // --sim STATE
}

// subcommands are imcsync's commands, all listed here: the file's checks, the plan and
// its application, the reports, and the tools. Help lists them sorted by name.
func (a *app) subcommands() []*cobra.Command {
	return []*cobra.Command{
		newValidateCmd(a), newPlanCmd(a), newShowCmd(a), newApplyCmd(a),
		newDriftCmd(a), newReconcileCmd(a), newExportCmd(a), newSuggestCmd(a),
		newSchemaCmd(a), newSimCmd(a), newVersionCmd(a), newSplitArgsCmd(a),
	}
}

// Main runs imcsync with the process's arguments and streams and returns the exit code.
func Main() int {
	return Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// Run runs imcsync with the given arguments, streams and environment lookup, and returns
// the exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	return exitCode(root.Execute(), stderr)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "imcsync",
		Short: "Keep Alibaba Cloud ECI image caches equal to what Git declares",
		Long: "imcsync reads imagecaches.yaml, lists the live ECI image caches, prints a field-level\n" +
			"plan and applies it with the fewest, smallest UpdateImageCache calls.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	pf := root.PersistentFlags()
	pf.StringVarP(&a.file, "file", "f", "imagecaches.yaml", "the imagecaches.yaml to read")
	pf.StringVarP(&a.output, "output", "o", "text", outputUsage(render.Formats))
	pf.StringArrayVar(&a.regions, "region", nil, "only these regions (repeatable)")
	pf.StringVar(&a.endpoint, "endpoint", "", "ECI API endpoint URL, e.g. http://127.0.0.1:8080 (env IMCSYNC_ENDPOINT)")
	pf.StringVar(&a.sim, "sim", "", "use an in-process emulator seeded from this state file; no credentials needed")
	pf.StringVar(&a.color, "color", "auto", "colour: auto (on a terminal, unless NO_COLOR; CLICOLOR_FORCE forces it), always or never")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		format, err := render.ParseFormat(a.output)
		if err != nil {
			return err
		}
		if g, ok := globalsOf(cmd); ok && !cmd.Flags().Changed("output") {
			format = g.formats[0] // the command's own output when -o is left out
		}
		a.format = format
		if err := checkFormat(cmd, a.format); err != nil {
			return err
		}
		if !slices.Contains(colorModes, a.color) {
			return usageError("--color %q: want auto, always or never", a.color)
		}
		if a.sim != "" && cmd.Flags().Changed("endpoint") {
			return usageError("--sim %s and --endpoint %s both say where the API is: --sim runs an emulator in process, --endpoint names a running one; give one of them", a.sim, a.endpoint)
		}
		if a.endpoint == "" && a.sim == "" { // --sim wins over the environment's endpoint
			a.endpoint = a.getenv("IMCSYNC_ENDPOINT")
		}
		return nil
	}
	a.addVersionFlag(root)
	explainMistakes(root)
	root.AddCommand(a.subcommands()...)
	hintFileArgs(root)
	a.registerCompletions(root)
	hideUnusedGlobals(root)
	a.wrapHelp(root)
	return root
}
