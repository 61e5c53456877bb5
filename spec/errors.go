package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in an imagecaches.yaml, at a position and a field path such as
// imageCaches[1].images[0]. Its text is `FILE:LINE:COL: PATH: MESSAGE`.
type Error struct {
	File    string // the file name given to Load or Parse
	Pos     Pos    // where the offending key or value starts
	Path    string // field path, empty for problems of the whole file
	Message string

	// uncollected, when above 0, makes this the entry that tells how many problems
	// were found beyond the ones collected: it stands for them, not for one problem.
	uncollected int
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Column, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Pos.Line, e.Pos.Column, e.Path, e.Message)
}

// Errors are all the problems found in one file, sorted by position. Load and Parse
// return them as their error; use errors.As to reach each one.
type Errors []*Error

// Error prints one problem per line, the first MaxPrintedErrors of them, then how many
// more there are. List the errors themselves to reach every one.
func (es Errors) Error() string {
	lines := make([]string, 0, min(len(es), MaxPrintedErrors)+1)
	for i, e := range es {
		if i == MaxPrintedErrors {
			lines = append(lines, fmt.Sprintf("and %d more problems", es[i:].Count()))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// Count is how many problems es holds, those found beyond the ones collected included.
func (es Errors) Count() int {
	n := 0
	for _, e := range es {
		if e.uncollected > 0 {
			n += e.uncollected
		} else {
			n++
		}
	}
	return n
}

// sortErrors orders errors by position, keeping the order of errors at one position.
func sortErrors(es Errors) {
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
}
