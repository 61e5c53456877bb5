package render

import (
	"fmt"
	"io"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// Validation is validate's verdict on a file: its problems (invalid), or its size and
// warnings (valid).
type Validation struct {
	File            string
	Caches, Regions int // of a valid file
	Problems        spec.Errors
	Warnings        spec.Errors
	// Policy lists what the --policy rules found; nil without --policy. An
	// error-severity result makes the file invalid.
	Policy []planner.PolicyResult
}

// Validate writes the verdict: as text, the line of a valid file (problems and warnings
// are the caller's, on stderr with their places); as JSON, the verdict with every
// problem and warning.
func Validate(w io.Writer, v Validation, f Format) error {
	return validationRenderer.write(w, validationJSON{
		FormatVersion: validateFormatVersion, Valid: len(v.Problems) == 0 && !policyFailed(v.Policy),
		Problems: listed(v.Problems), Warnings: listed(v.Warnings), Policy: v.Policy, v: v,
	}, f, false)
}

// validateFormatVersion is the format_version of `validate -o json`.
const validateFormatVersion = "1"

// validationJSON is `validate -o json`: the verdict, and the problems (an invalid file)
// or the warnings (a valid one), each with its place.
type validationJSON struct {
	FormatVersion string            `json:"format_version"`
	Valid         bool              `json:"valid"`
	Problems      []validationError `json:"problems"`
	Warnings      []validationError `json:"warnings"`
	// Policy lists what the --policy rules found; absent without --policy.
	Policy []planner.PolicyResult `json:"policy,omitzero"`
	v      Validation
}

// validationError is one problem as `validate -o json` prints it.
type validationError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// policyFailed says whether a policy result is of error severity.
func policyFailed(results []planner.PolicyResult) bool {
	for _, r := range results {
		if r.Severity == planner.SeverityError {
			return true
		}
	}
	return false
}

// listed are problems as validate -o json lists them; none is an empty list.
func listed(problems spec.Errors) []validationError {
	out := make([]validationError, len(problems))
	for i, p := range problems {
		out[i] = validationError{p.File, p.Pos.Line, p.Pos.Column, p.Path, p.Message}
	}
	return out
}

var validationRenderer = renderer[validationJSON]{text: func(j validationJSON, _ styles) string {
	if !j.Valid {
		return ""
	}
	return fmt.Sprintf("%s: %s in %s, valid\n", j.v.File, plural(j.v.Caches, "image cache"), plural(j.v.Regions, "region"))
}}
