package render

import (
	"encoding/json"
	"io"
)

// Schema writes the JSON Schema document doc, which is its own text.
func Schema(w io.Writer, doc []byte, f Format) error {
	return schemaRenderer.write(w, json.RawMessage(doc), f, false)
}

var schemaRenderer = renderer[json.RawMessage]{text: func(doc json.RawMessage, _ styles) string { return string(doc) }}
