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
			all = append(all, scored{c, EditDistance(strings.ToLower(word), strings.ToLower(c))})
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
	if EditDistance(strings.ToLower(word), strings.ToLower(near[0])) > limit {
		return ""
	}
	return near[0]
}

// EditDistance is the Levenshtein distance between a and b, counted in bytes, with case:
// the measure Closest orders by (on lowered words).
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
