// Package schema holds the JSON Schema (draft 2020-12) of imagecaches.yaml, for editors
// (yaml-language-server) and for `imcsync schema`. It is generated from the spec
// package's field table (`go generate ./schema`); TestGenerated fails when the checked-in
// files differ from what the table makes.
package schema

//go:generate go test -run ^TestGenerated$ -update

import _ "embed"

//go:embed imagecaches.schema.json
var schemaJSON []byte

// JSON returns the schema document.
func JSON() []byte {
	return append([]byte(nil), schemaJSON...)
}
