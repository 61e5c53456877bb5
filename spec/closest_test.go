package spec

import (
	"slices"
	"testing"
)

// TestClosest: the nearest candidates first, ties in their order, without case, each once.
func TestClosest(t *testing.T) {
	got := Closest("Web-Frontnd", []string{"batch", "web-backend", "web-frontend", "web-frontend"}, 2)
	if want := []string{"web-frontend", "web-backend"}; !slices.Equal(got, want) {
		t.Errorf("Closest = %v, want %v", got, want)
	}
	if got := Closest("x", nil, 3); len(got) != 0 {
		t.Errorf("Closest of nothing = %v", got)
	}
}

// TestEditDistance: insertions, deletions and substitutions count one each, with case.
func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"prune", "prune", 0},
		{"prnue", "prune", 2},
		{"prun", "prune", 1},
		{"parallelism", "paralelism", 1},
		{"kitten", "sitting", 3},
		{"Size", "size", 1},
	} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
