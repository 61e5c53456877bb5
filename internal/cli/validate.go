package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/spec"
)

func init() { commands = append(commands, newValidateCmd) }

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check imagecaches.yaml offline",
		Long: "Check imagecaches.yaml offline: keys, types, the API's limits, image references,\n" +
			"duplicates. Every problem is reported at once as FILE:LINE:COL: PATH: MESSAGE on\n" +
			"stderr; with -o json, as an object with format_version, valid and problems on stdout.\n" +
			"Exit status 0 valid, 1 invalid.",
		Example: "  # In a pre-commit hook or a pull-request check\n" +
			"  imcsync validate -f imagecaches.yaml\n" +
			"\n" +
			"  # Problems as JSON, for an editor or a bot\n" +
			"  imcsync validate -f imagecaches.yaml -o json",
		Args: cobra.NoArgs,
		RunE: runE(&validateOptions{app: a}),
	}
}

// validateOptions are `imcsync validate`'s options: the global -f and -o only.
type validateOptions struct {
	*app
}

func (o *validateOptions) complete(*cobra.Command, []string) error { return nil }

func (o *validateOptions) validate() error { return nil }

// validateFormatVersion is the format_version of `validate -o json`.
const validateFormatVersion = "1"

// validationJSON is `validate -o json`: the verdict, and the problems (an invalid file)
// or the warnings (a valid one), each with its place.
type validationJSON struct {
	FormatVersion string            `json:"format_version"`
	Valid         bool              `json:"valid"`
	Problems      []validationError `json:"problems"`
	Warnings      []validationError `json:"warnings"`
}

// validationError is one problem as `validate -o json` prints it.
type validationError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// run loads -f and prints the verdict: the problems of an invalid file, or a line and
// the warnings of a valid one.
func (o *validateOptions) run(context.Context) error {
	f, err := engine.Load(o.file)
	var problems spec.Errors
	if err != nil && !errors.As(err, &problems) {
		return loadError(o.file, err)
	}
	if o.format == render.JSON {
		out := validationJSON{FormatVersion: validateFormatVersion, Valid: err == nil, Problems: listed(problems), Warnings: []validationError{}}
		if f != nil {
			out.Warnings = listed(f.Warnings)
		}
		if err := render.WriteJSON(o.stdout, out); err != nil {
			return err
		}
		if o.inGitHubActions() {
			writeAnnotations(o.stderr, "error", problems)
		}
	} else if err != nil {
		o.printSpecError(err)
	}
	if err != nil {
		return errReported
	}
	o.printWarnings(f)
	if o.format != render.JSON {
		fmt.Fprintf(o.stdout, "%s: %s in %s, valid\n", o.file, count(len(f.Caches), "image cache"), count(len(regions(f)), "region"))
	}
	return nil
}

// listed are problems as validate -o json lists them; none is an empty list.
func listed(problems spec.Errors) []validationError {
	out := make([]validationError, len(problems))
	for i, p := range problems {
		out[i] = validationError{p.File, p.Pos.Line, p.Pos.Column, p.Path, p.Message}
	}
	return out
}

// printWarnings prints the warnings of a valid file on stderr, one per line as
// FILE:LINE:COL: PATH: warning: MESSAGE (in GitHub Actions, as warning annotations).
func (a *app) printWarnings(f *spec.File) {
	if len(f.Warnings) == 0 {
		return
	}
	if a.inGitHubActions() {
		writeAnnotations(a.stderr, "warning", f.Warnings)
		return
	}
	warnings := make(spec.Errors, len(f.Warnings))
	for i, w := range f.Warnings {
		warned := *w
		warned.Message = "warning: " + w.Message
		warnings[i] = &warned
	}
	fmt.Fprintln(a.stderr, warnings.Error())
}

// printSpecError prints an error of spec.Load on stderr: each problem of an invalid
// file on its own line as FILE:LINE:COL: PATH: MESSAGE (in GitHub Actions, as an error
// annotation), anything else as an Error line.
func (a *app) printSpecError(err error) {
	var problems spec.Errors
	if errors.As(err, &problems) {
		if a.inGitHubActions() {
			writeAnnotations(a.stderr, "error", problems)
			return
		}
		fmt.Fprintln(a.stderr, problems.Error())
		return
	}
	fmt.Fprintf(a.stderr, "Error: %v\n", loadError(a.file, err))
}

// loadError words an error of reading the file, which is not a problem in it.
func loadError(file string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: file not found (name the file with -f)", file)
	}
	return err
}

// regions lists the distinct regions of the file's caches.
func regions(f *spec.File) []string {
	var rs []string
	for _, c := range f.Caches {
		if !slices.Contains(rs, c.Region) {
			rs = append(rs, c.Region)
		}
	}
	return rs
}

// count spells n with its noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
