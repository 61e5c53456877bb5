package spec

import (
	"fmt"
	"strings"
	"testing"
)

// TestMoreProblemsCountsThoseNotCollected: past the problems collected, checking goes
// on and counts; the last printed line tells the whole count, not only the collected
// problems that were not printed.
func TestMoreProblemsCountsThoseNotCollected(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	const n = 3000 // two problems each: an unknown key and a leading zero
	for i := range n {
		fmt.Fprintf(&b, "  - {name: c%d, images: [a:1], bogus: 1, size: 010}\n", i)
	}
	_, err := Parse("t.yaml", []byte(b.String()))
	es, ok := err.(Errors)
	if !ok {
		t.Fatalf("err = %v, want Errors", err)
	}
	if got := es.Count(); got != 2*n {
		t.Errorf("Count() = %d, want %d", got, 2*n)
	}
	lines := strings.Split(err.Error(), "\n")
	if want := fmt.Sprintf("and %d more problems", 2*n-MaxPrintedErrors); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
}
