package spec

import (
	"bytes"
	"io"
	"os"
)

// ReadAtMost reads at most limit bytes of the file at path and one more, so that a
// caller can tell a file over its limit from one at it, and an endless file (/dev/zero,
// a pipe) is never read forever. The buffer is sized from the file's size up front, so
// a large regular file is read without the doublings of io.ReadAll.
func ReadAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(bytes.MinRead)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = min(fi.Size(), limit) + 1 + bytes.MinRead
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
