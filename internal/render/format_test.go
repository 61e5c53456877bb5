package render

import (
	"bytes"
	"testing"
)

// TestWriteJSON: one JSON writer for every command: indented, a final newline, and no
// HTML escaping (a tag value "a&b" or a message "<none>" stays readable).
func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, map[string]any{"message": "a&b <none>", "n": 1}); err != nil {
		t.Fatal(err)
	}
	const want = "{\n  \"message\": \"a&b <none>\",\n  \"n\": 1\n}\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range append(Formats, YAML) {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}
