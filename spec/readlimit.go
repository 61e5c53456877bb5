package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// ReadAtMost reads at most limit bytes of the file at path and one more, so that a
// caller can tell a file over its limit from one at it, and an endless file (/dev/zero,
// a pipe) is never read forever. The buffer is sized from the file's size up front, so
// a large regular file is read without the doublings of io.ReadAll.
func ReadAtMost(path string, limit int64) ([]byte, error) {
	// Opened without blocking: a FIFO with no writer reads as empty instead of holding
	// the open (and the process, deaf to SIGTERM in apply) for ever.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
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

// ReadRegular is ReadAtMost for a file read again and again by a long-running process:
// only a regular file is read (a FIFO or a device put in its place is refused without
// blocking), and the read gives up after timeout, or when ctx ends, so that a stalled
// file system never holds the process.
func ReadRegular(ctx context.Context, path string, limit int64, timeout time.Duration) ([]byte, error) {
	if fi, err := os.Stat(path); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // as a plain read says it
		}
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	// Opened without blocking: a FIFO swapped in after the check cannot hold the open.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = notRegular(path, fi.Mode())
		}
		return nil, err
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer f.Close()
		buf := bytes.NewBuffer(make([]byte, 0, min(fi.Size(), limit)+1+bytes.MinRead))
		_, err := buf.ReadFrom(io.LimitReader(f, limit+1))
		done <- result{buf.Bytes(), err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.data, r.err
	case <-timer.C:
		return nil, fmt.Errorf("%s: reading it took longer than %s: is its file system stalled?", path, timeout)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", path, context.Cause(ctx))
	}
}

// notRegular is the error of a path that is not a regular file.
func notRegular(path string, mode os.FileMode) error {
	what := "not a regular file"
	switch {
	case mode&os.ModeNamedPipe != 0:
		what = "a FIFO (named pipe), not a regular file"
	case mode&os.ModeDevice != 0:
		what = "a device, not a regular file"
	case mode.IsDir():
		what = "a directory, not a file"
	}
	return fmt.Errorf("%s is %s: only a regular file is read", path, what)
}
