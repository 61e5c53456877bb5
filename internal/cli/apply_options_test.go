package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/render"
)

// givenFlags is a command on which the named flags were given, as complete sees them.
func givenFlags(t *testing.T, given ...string) *cobra.Command {
	t.Helper()
	cmd := &cobra.Command{}
	for _, name := range []string{"poll-interval", "poll-interval-max", "target", "file"} {
		cmd.Flags().String(name, "", "")
	}
	for _, name := range given {
		if err := cmd.Flags().Set(name, "x"); err != nil {
			t.Fatal(err)
		}
	}
	return cmd
}

// TestApplyOptions: complete fills in the defaults that depend on other flags; validate
// refuses what cannot run, before anything is read or sent.
func TestApplyOptions(t *testing.T) {
	newOptions := func(sim string, interval, max time.Duration) *applyOptions {
		opts := applier.DefaultOptions()
		opts.PollInterval, opts.PollIntervalMax = interval, max
		a := &app{sim: sim, getenv: func(string) string { return "" }}
		return &applyOptions{app: a, opts: opts, mf: markdownFlags{maxChars: render.CommentLimit}}
	}

	o := newOptions("state.yaml", 5*time.Second, time.Minute)
	if err := o.complete(givenFlags(t), nil); err != nil {
		t.Fatal(err)
	}
	if o.opts.PollInterval != 200*time.Millisecond || o.opts.Getenv == nil || o.planFile != "" {
		t.Errorf("with --sim: poll interval %v, getenv set %v, plan file %q", o.opts.PollInterval, o.opts.Getenv != nil, o.planFile)
	}

	o = newOptions("", 10*time.Second, 5*time.Second)
	if err := o.complete(givenFlags(t), []string{"plan.json"}); err != nil {
		t.Fatal(err)
	}
	if o.opts.PollIntervalMax != 10*time.Second || o.planFile != "plan.json" {
		t.Errorf("longest pause %v, want raised to 10s; plan file %q", o.opts.PollIntervalMax, o.planFile)
	}
	if err := o.validate(); err != nil {
		t.Errorf("validate: %v", err)
	}

	for name, c := range map[string]struct {
		o     *applyOptions
		given []string
		args  []string
		want  string
	}{
		"longest pause below the first": {newOptions("", 10*time.Second, 5*time.Second), []string{"poll-interval-max"}, nil, "--poll-interval-max 5s is below --poll-interval 10s"},
		"no parallelism":                {func() *applyOptions { o := newOptions("", time.Second, time.Minute); o.opts.Parallelism = 0; return o }(), nil, nil, "--parallelism 0"},
		"saved plan narrowed":           {newOptions("", time.Second, time.Minute), []string{"target"}, []string{"plan.json"}, "--target would change it"},
		"saved plan of another file":    {newOptions("", time.Second, time.Minute), []string{"file"}, []string{"plan.json"}, "--file would change it"},
	} {
		if err := c.o.complete(givenFlags(t, c.given...), c.args); err != nil {
			t.Fatal(err)
		}
		if err := c.o.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}
