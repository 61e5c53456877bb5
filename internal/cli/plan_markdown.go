package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
)

// markdownFlags shape `plan -o markdown`: a pull-request comment that fits, or the plan
// split into numbered comments.
type markdownFlags struct {
	commit   string
	fullPlan string
	maxChars int
	split    string
}

func (mf *markdownFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&mf.commit, "commit", "", "the commit `SHA` the markdown plan names (default $IMCSYNC_COMMIT, else $GITHUB_SHA)")
	cmd.Flags().StringVar(&mf.fullPlan, "full-plan", "", "where the whole plan can be read, named when the markdown plan is cut to fit (default $IMCSYNC_FULL_PLAN), e.g. an artifact's URL")
	cmd.Flags().IntVar(&mf.maxChars, "max-chars", render.CommentLimit, "the markdown plan's limit in characters (GitHub's comment limit by default)")
	cmd.Flags().StringVar(&mf.split, "split", "", "with -o markdown: write the whole plan, nothing cut, as numbered comments `DIR`/plan-1.md, plan-2.md, … each within --max-chars, and print their paths")
}

// check refuses flag values that cannot work, before anything is read.
func (mf *markdownFlags) check(given func(flag string) bool, format render.Format) error {
	if mf.maxChars < render.MinMarkdownChars {
		return usageError("--max-chars %d: want %d or more", mf.maxChars, render.MinMarkdownChars)
	}
	for _, name := range []string{"split", "max-chars", "full-plan", "commit"} {
		if given(name) && format != render.Markdown {
			return usageError("--%s shapes the markdown plan: add -o markdown", name)
		}
	}
	return nil
}

// options are the renderer's options: the file as given with -f, the commit and the
// full plan's place from the flags or the environment.
func (a *app) markdownOptions(mf markdownFlags) render.MarkdownOptions {
	o := render.MarkdownOptions{File: a.file, Commit: mf.commit, FullPlan: mf.fullPlan, MaxChars: mf.maxChars}
	if o.Commit == "" {
		o.Commit = a.getenv("IMCSYNC_COMMIT")
	}
	if o.Commit == "" {
		o.Commit = a.getenv("GITHUB_SHA")
	}
	if o.FullPlan == "" {
		o.FullPlan = a.getenv("IMCSYNC_FULL_PLAN")
	}
	return o
}

// comment shapes a view's markdown under the flags: one comment on stdout, or with
// --split numbered comments DIR/KIND-1.md, … whose paths go to stdout, one a line.
func (a *app) comment(mf markdownFlags) render.Comment {
	c := render.Comment{Options: a.markdownOptions(mf)}
	if mf.split != "" {
		c.Split = func(kind string, parts []string) error { return a.writeParts(mf.split, kind, parts) }
	}
	return c
}

// writeParts writes numbered comments DIR/NAME-1.md, … and prints their paths.
func (a *app) writeParts(dir, name string, parts []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--split: %w", err)
	}
	for i, part := range parts {
		path := filepath.Join(dir, name+"-"+strconv.Itoa(i+1)+".md")
		if err := os.WriteFile(path, []byte(part), 0o644); err != nil {
			return fmt.Errorf("--split: %w", err)
		}
		fmt.Fprintln(a.stdout, path)
	}
	return nil
}
