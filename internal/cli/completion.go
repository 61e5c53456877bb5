package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/spec"
)

// registerCompletions offers values in shell completion: the caches of -f for --target
// and --replace (NAME and REGION/NAME), its regions for --region, and the formats a
// command prints for -o.
func (a *app) registerCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("region", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		f := a.completionFile()
		if f == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var regions []string
		for _, c := range f.Caches {
			regions = append(regions, c.Region)
		}
		slices.Sort(regions)
		return slices.Compact(regions), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("output", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		formats := render.Formats
		if g, ok := globalsOf(cmd); ok {
			formats = g.formats
		}
		out := make([]string, len(formats))
		for i, f := range formats {
			out[i] = string(f)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	caches := func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		f := a.completionFile()
		if f == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, c := range f.Caches {
			// REGION/NAME once the user types a slash; NAME alone otherwise.
			name := c.Name
			if strings.Contains(prefix, "/") {
				name = c.Region + "/" + c.Name
			}
			out = append(out, name)
		}
		slices.Sort(out)
		return slices.Compact(out), cobra.ShellCompDirectiveNoFileComp
	}
	for _, c := range root.Commands() {
		for _, name := range []string{"target", "replace"} {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, caches)
			}
		}
	}
}

// completionFile is -f, loaded quietly for completion; nil when it cannot be read or is
// invalid (completion then offers nothing rather than an error).
func (a *app) completionFile() *spec.File {
	if a.file == engine.Stdin {
		return nil
	}
	f, err := engine.Load(a.file, nil)
	if err != nil {
		return nil
	}
	return f
}
