package render

import "io"

// Export writes the imagecaches.yaml that `imcsync export` made of the live caches.
func Export(w io.Writer, file []byte, f Format) error {
	return exportRenderer.write(w, file, f, false)
}

var exportRenderer = renderer[[]byte]{yaml: func(file []byte) string { return string(file) }}
