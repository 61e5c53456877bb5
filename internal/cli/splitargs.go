package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/google/shlex"
	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
)

// newSplitArgsCmd is the hidden helper the GitHub Action splits its `args` input with:
// standard input holds the text, split as a shell would split words (quotes, backslashes,
// newlines, # comments; nothing is expanded), and each word goes to stdout ending in a
// NUL byte.
func newSplitArgsCmd(a *app) *cobra.Command {
	return declare(&cobra.Command{
		Use:    "split-args",
		Short:  "Split standard input into words as a shell would, each printed ending in NUL (for the GitHub Action)",
		Hidden: true,
		Example: "  # What the GitHub Action does with its args input\n" +
			"  printf '%s' \"--target web --commit 'a b'\" | imcsync split-args | xargs -0 -n1 echo",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			text, err := io.ReadAll(io.LimitReader(a.stdin, maxArgsInput))
			if err != nil {
				return err
			}
			words, err := shlex.Split(string(text))
			if err != nil {
				return fmt.Errorf("args %q: %w: close every quote", strings.TrimSpace(string(text)), err)
			}
			for _, w := range words {
				if _, err := io.WriteString(a.stdout, w+"\x00"); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil, render.Text)
}

// maxArgsInput is the most of standard input split-args reads: far more than any
// command line.
const maxArgsInput = 1 << 20
