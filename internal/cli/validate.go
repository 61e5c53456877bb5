package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/spec"
)

func newValidateCmd(a *app) *cobra.Command {
	o := &validateOptions{app: a}
	cmd := declare(&cobra.Command{
		Use:   "validate",
		Short: "Check imagecaches.yaml offline",
		Long: "Check imagecaches.yaml offline: keys, types, the API's limits, image references,\n" +
			"duplicates. Every problem is reported at once as FILE:LINE:COL: PATH: MESSAGE on\n" +
			"stderr; with -o json, as an object with format_version, valid and problems on stdout.\n" +
			"With --policy, every cache is checked against the policy's rules that read only cache\n" +
			"(rules that read change or plan are checked by plan and apply).\n" +
			"Exit status 0 valid, 1 invalid or an error-severity policy rule broken.",
		Example: "  # In a pre-commit hook or a pull-request check\n" +
			"  imcsync validate -f imagecaches.yaml\n" +
			"\n" +
			"  # Problems as JSON, for an editor or a bot\n" +
			"  imcsync validate -f imagecaches.yaml -o json",
		Args: cobra.NoArgs,
		RunE: runE(o),
	}, []string{"file", "output"}, render.Text, render.JSON)
	registerPolicy(cmd, &o.policy)
	return cmd
}

// validateOptions are `imcsync validate`'s options: the global -f and -o, and --policy.
type validateOptions struct {
	*app
	policy []string // --policy files
}

func (o *validateOptions) complete(*cobra.Command, []string) error { return nil }

func (o *validateOptions) validate() error { return nil }

// run loads -f and prints the verdict: the problems of an invalid file, or a line and
// the warnings of a valid one.
func (o *validateOptions) run(context.Context) error {
	pol, err := o.loadPolicy(o.policy)
	if err != nil {
		return err
	}
	f, loadErr := o.loadSpec()
	var problems spec.Errors
	if loadErr != nil && !errors.As(loadErr, &problems) {
		return loadError(o.fileName(), loadErr)
	}
	view := render.NewValidateView(o.format, o.streams())
	v := render.Validation{File: o.fileName(), Problems: problems}
	if f != nil {
		if pol != nil {
			results, err := pol.CheckFile(f)
			if err != nil {
				return err
			}
			v.Policy = results
		}
		v.Caches, v.Regions, v.Warnings = len(f.Caches), len(regions(f)), f.Warnings
		o.printWarnings(f)
		if o.inGitHubActions() {
			o.annotatePolicy(v.Policy)
		} else {
			lines := make([]string, len(v.Policy))
			for i, r := range v.Policy {
				lines[i] = policy.String(r)
			}
			view.Findings(lines...)
		}
	} else if o.inGitHubActions() {
		writeAnnotations(o.stderr, "error", problems)
	} else {
		view.Findings(problems.Error())
	}
	if err := view.Verdict(v); err != nil {
		return err
	}
	if f == nil {
		return errReported
	}
	return policyError(v.Policy, "fix the file or the policy")
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
	fmt.Fprintf(a.stderr, "Error: %v\n", loadError(a.fileName(), err))
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
