// Package render writes what the commands output, in each Format: text for terminals
// (coloured on request), JSON (the value itself, through the one JSON writer) and
// markdown (pull-request comments, job summaries, issues). A command output is one
// renderer; a new format is a case in write and a function per output. Commands whose
// output depends on the format beyond one renderer print through a view (view.go),
// given the format once.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Format is an output format (-o).
type Format string

// The formats.
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
	YAML     Format = "yaml" // an imagecaches.yaml (export)
)

// Formats lists the formats of most outputs in the order help texts name them.
var Formats = []Format{Text, JSON, Markdown}

// ParseFormat reads an -o value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, JSON, Markdown, YAML:
		return f, nil
	}
	return "", fmt.Errorf("--output %q: want text, json, markdown or yaml", s)
}

// WriteJSON is the one JSON writer of every command: indented by two spaces, with a
// final newline, and strings as they are ("a&b", not "a\u0026b").
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// renderer is one command output for people; its JSON is the value itself.
type renderer[T any] struct {
	text     func(T, styles) string
	markdown func(T) string
	yaml     func(T) string // an imagecaches.yaml, for the one output that is a file
}

// write renders v in format f; colour applies to text only, and only when color. A
// format the output has no form in is an error. Every output has JSON (the value
// itself) unless it is a file of its own (yaml).
func (r renderer[T]) write(w io.Writer, v T, f Format, color bool) error {
	var out string
	switch {
	case f == JSON && r.yaml == nil:
		return WriteJSON(w, v)
	case f == Text && r.text != nil:
		out = r.text(v, newStyles(color))
	case f == Markdown && r.markdown != nil:
		out = r.markdown(v)
	case f == YAML && r.yaml != nil:
		out = r.yaml(v)
	default:
		return fmt.Errorf("this output has no %s form", f)
	}
	_, err := io.WriteString(w, out)
	return err
}
