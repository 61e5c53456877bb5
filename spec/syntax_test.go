package spec

import (
	"fmt"
	"strings"
	"testing"
)

// TestSyntaxErrorLine: a YAML mistake deep in a block is reported at its own line, with
// the line yaml.v3 reports (where the block starts) named too; a mistake on the line
// yaml.v3 reports is reported there alone.
func TestSyntaxErrorLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n")
	for i := range 6 {
		fmt.Fprintf(&b, "  - name: c%d\n    images:\n      - nginx:1.25\n    size: 20\n", i)
	}
	b.WriteString("  - name: bad\n    images: [a:1]\n   size: 20\n  - name: after\n    images: [a:1]\n")
	for _, tt := range []struct{ name, data, want string }{
		{"deep in a block", b.String(), "f.yaml:30:1: invalid YAML: did not find expected '-' indicator (yaml.v3 reports line 3, where the block that holds it starts)"},
		{"on the line reported", "apiVersion: imcsync/v1\nimageCaches: [\n", "f.yaml:2:1: invalid YAML: did not find expected node content"},
		{"a tab", "apiVersion: imcsync/v1\n\tregion: x\n", "f.yaml:2:1: invalid YAML: found a tab character that violates indentation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}
