package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/spec"
)

// maxInputFile bounds the files imcsync reads besides imagecaches.yaml (plan files,
// saved DescribeImageCaches output): a plan of 10,000 caches is a few MB.
const maxInputFile = 256 << 20

// readBounded reads the file at path, refusing one larger than maxInputFile without
// reading on (a path such as /dev/zero would never end).
func readBounded(path string) ([]byte, error) {
	data, err := spec.ReadAtMost(path, maxInputFile)
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("%s is larger than %d MiB, the most imcsync reads: is it the right file?", path, maxInputFile>>20)
	}
	return data, nil
}

// Stdin is the path that names standard input, and StdinName how positions name it.
const (
	Stdin     = "-"
	StdinName = "<stdin>"
)

// Load reads, decodes and validates an imagecaches.yaml: the file at path, or stdin
// when path is Stdin. An invalid file gives spec.Errors, every problem with its
// position; a valid one may carry Warnings.
func Load(path string, stdin io.Reader) (*spec.File, error) {
	if path == Stdin {
		return spec.Read(StdinName, stdin)
	}
	return spec.Load(path)
}

// regularReadTimeout bounds one read of the file by LoadRegular.
const regularReadTimeout = 10 * time.Second

// LoadRegular is Load for a long-running process that reads the file again and again:
// only a regular file is read, and the read gives up after 10 s or when ctx ends
// (spec.ReadRegular), so that neither a FIFO nor a stalled file system can hold it.
func LoadRegular(ctx context.Context, path string) (*spec.File, error) {
	return spec.LoadRegular(ctx, path, regularReadTimeout)
}

// Saved is a Source that reads saved DescribeImageCaches output from a file instead of
// calling the API. Its failures are SavedLiveErrors.
type Saved string

// Live reads the file. A saved page may lack RegionId: its caches then belong to the
// one region planned.
func (s Saved) Live(_ context.Context, regions []string) ([]cloud.Cache, error) {
	data, err := readBounded(string(s))
	if err != nil {
		return nil, &SavedLiveError{Path: string(s), Err: err}
	}
	region := ""
	if len(regions) == 1 {
		region = regions[0]
	}
	caches, err := eci.ParseDescribe(data, region)
	if err != nil {
		return nil, &SavedLiveError{Path: string(s), Err: err}
	}
	return caches, nil
}

// sourcePath is the file's path relative to the root of the Git repository that holds
// it (the nearest directory above it with a .git entry), with forward slashes; "" outside
// a repository, where no path would name the file the same way from every checkout.
func sourcePath(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	if _, err := os.Stat(abs); err != nil { // e.g. standard input (-f -)
		return ""
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			if rel, err := filepath.Rel(dir, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return ""
}
