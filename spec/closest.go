package spec

import (
	"cmp"
	"slices"
	"strings"
)

// Closest returns up to n of the distinct candidates, nearest to word first (edit
// distance, without case); candidates equally near keep their order. It is for "did you
// mean" lists in messages.
func Closest(word string, candidates []string, n int) []string {
	type scored struct {
		name string
		dist int
	}
	var all []scored
	for _, c := range candidates {
		if !slices.ContainsFunc(all, func(s scored) bool { return s.name == c }) {
			all = append(all, scored{c, levenshtein(strings.ToLower(word), strings.ToLower(c))})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(a.dist, b.dist) })
	out := make([]string, 0, min(n, len(all)))
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}

// Suggestion is the candidate nearest to word (Closest) when it is near enough to be a
// likely misspelling of it, as "did you mean" messages want; "" otherwise.
func Suggestion(word string, candidates []string) string {
	near := Closest(word, candidates, 1)
	if len(near) == 0 {
		return ""
	}
	limit := max(len(word)/4, 2)
	if len(word) < 4 {
		limit = 1
	}
	if levenshtein(strings.ToLower(word), strings.ToLower(near[0])) > limit {
		return ""
	}
	return near[0]
}
