package cli

import (
	"fmt"
	"io"
	"os"
)

// maxInputFile bounds the files imcsync reads besides imagecaches.yaml (plan files,
// saved DescribeImageCaches output): a plan of 10,000 caches is a few MB.
const maxInputFile = 256 << 20

// readBounded reads the file at path, refusing one larger than maxInputFile without
// reading on (a path such as /dev/zero would never end).
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInputFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("%s is larger than %d MiB, the most imcsync reads: is it the right file?", path, maxInputFile>>20)
	}
	return data, nil
}
