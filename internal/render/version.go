package render

import (
	"fmt"
	"io"

	"github.com/imcsync/imcsync/internal/version"
)

// Version writes which build is running: text lines, or JSON with a format_version.
func Version(w io.Writer, info version.Info, f Format) error {
	return versionRenderer.write(w, versionJSON{FormatVersion: "1", Info: info}, f, false)
}

// versionJSON is `imcsync version -o json`.
type versionJSON struct {
	FormatVersion string `json:"format_version"`
	version.Info
}

var versionRenderer = renderer[versionJSON]{text: func(v versionJSON, _ styles) string {
	commit := v.Commit
	if v.Modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("imcsync %s\ncommit: %s\nbuilt:  %s\ngo:     %s %s\n", v.Version, commit, v.Date, v.GoVersion, v.Platform)
}}
