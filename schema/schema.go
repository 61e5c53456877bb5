// Package schema holds the JSON Schema (draft 2020-12) of imagecaches.yaml, for editors
// (yaml-language-server) and for `imcsync schema`. A test keeps it equal to what the
// spec package's loader takes.
package schema

import _ "embed"

//go:embed imagecaches.schema.json
var schemaJSON []byte

// JSON returns the schema document.
func JSON() []byte {
	return append([]byte(nil), schemaJSON...)
}
