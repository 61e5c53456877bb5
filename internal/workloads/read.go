package workloads

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/spec"
)

// Bounds on what one run reads: manifests come from pull requests.
const (
	// MaxFileSize is the largest manifest file read, in bytes (64 MiB: far more than the
	// objects of a large cluster rendered into one file).
	MaxFileSize = 64 << 20
	// maxFiles is how many files the sources may name in all.
	maxFiles = 10_000
	// maxDepth is the deepest nesting of mappings and lists a manifest may have.
	maxDepth = 100
	// maxListItems is the most items one list may hold (a kind: List of a whole
	// cluster's objects stays far below); a longer list is refused before it is decoded,
	// so that a file of millions of tiny items never becomes millions of YAML nodes.
	maxListItems = 100_000
)

// StdinName names standard input in positions.
const StdinName = "<stdin>"

// Options tune Read.
type Options struct {
	// Stdin is read for the source "-".
	Stdin io.Reader
	// Parallelism is how many files are parsed at once; 0 means GOMAXPROCS.
	Parallelism int
}

// unit is one thing to parse: a file, standard input, or a kustomization directory.
type unit struct {
	src   *Source
	file  string // the file or directory, as shown in positions
	kust  bool   // a directory built with kustomize
	data  []byte // standard input, already read
	stdin bool
}

// Read reads every source and returns their workloads in source order, then file
// order, then document order. Every problem is reported at once, as Errors; no
// workload is returned with them.
func Read(ctx context.Context, sources []Source, o Options) ([]Workload, error) {
	var errs Errors
	var units []unit
	stdinRead := false
	for i := range sources {
		s := &sources[i]
		us, err := expand(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for j := range us {
			if us[j].stdin {
				if stdinRead {
					errs = append(errs, &Error{File: s.Origin, Message: "standard input (-) is named twice: name it once"})
					continue
				}
				stdinRead = true
				data, err := readStdin(o.Stdin)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				us[j].data = data
			}
		}
		units = append(units, us...)
	}
	if len(units) > maxFiles {
		errs = append(errs, &Error{File: sources[0].Origin, Message: fmt.Sprintf("the workload sources name %d files, more than %d: name fewer", len(units), maxFiles)})
		return nil, errs
	}
	results := make([][]Workload, len(units))
	problems := make([]Errors, len(units))
	g, gctx := errgroup.WithContext(ctx)
	limit := o.Parallelism
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	g.SetLimit(limit)
	for i := range units {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			results[i], problems[i] = units[i].read()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []Workload
	for i := range units {
		errs = append(errs, problems[i]...)
		for _, w := range results[i] {
			if units[i].src.Labelled && !w.OnVirtualNode {
				continue
			}
			w.Region = units[i].src.Region
			out = append(out, w)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func readStdin(r io.Reader) ([]byte, *Error) {
	if r == nil {
		r = os.Stdin
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: StdinName, Message: err.Error()}
	}
	return data, nil
}

// expand turns a source into the units it names: standard input, a kustomization
// directory, the files of a directory or glob.
func expand(s *Source) ([]unit, *Error) {
	if s.Path == "-" {
		return []unit{{src: s, file: StdinName, stdin: true}}, nil
	}
	p := s.Path
	if s.Within != "" && filepath.IsAbs(p) {
		return nil, &Error{File: s.Origin, Message: fmt.Sprintf("%s: a workloads path in the file is relative to the file, inside its repository: write it so, or pass the path with --workloads", s.Path)}
	}
	if !filepath.IsAbs(p) && s.Base != "" {
		p = filepath.Join(s.Base, p)
	}
	if !strings.ContainsAny(s.Path, "*?[") {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, &Error{File: s.Origin, Message: fmt.Sprintf("%s: %s", s.Path, notFound(err))}
		}
		if e := s.contains(p); e != nil {
			return nil, e
		}
		if !fi.IsDir() {
			return []unit{{src: s, file: p}}, nil
		}
		if kustomization(p) != "" {
			return []unit{{src: s, file: p, kust: true}}, nil
		}
		// A plain directory: its YAML files, as kubectl apply -f DIR reads them.
		p = filepath.Join(p, "*.y*ml")
	}
	files, err := glob(p)
	if err != nil {
		return nil, &Error{File: s.Origin, Message: fmt.Sprintf("%s: %v", s.Path, err)}
	}
	if len(files) == 0 {
		return nil, &Error{File: s.Origin, Message: fmt.Sprintf("%s matches no file: check the path (relative to %s)", s.Path, baseName(s.Base))}
	}
	us := make([]unit, len(files))
	for i, f := range files {
		if e := s.contains(f); e != nil {
			return nil, e
		}
		us[i] = unit{src: s, file: f}
	}
	return us, nil
}

// contains refuses a path outside s.Within (symbolic links followed), if s has one.
func (s *Source) contains(p string) *Error {
	if s.Within == "" || inside(s.Within, p) {
		return nil
	}
	return &Error{File: s.Origin, Message: fmt.Sprintf("%s: %s lies outside %s, the repository of the file: a workloads path in the file reads that repository's manifests; pass others with --workloads", s.Path, p, s.Within)}
}

// inside reports whether path, symbolic links followed, lies in the directory root.
func inside(root, path string) bool {
	r, err1 := filepath.EvalSymlinks(root)
	p, err2 := filepath.EvalSymlinks(path)
	if err1 != nil || err2 != nil {
		return false
	}
	if r, err1 = filepath.Abs(r); err1 != nil {
		return false
	}
	if p, err2 = filepath.Abs(p); err2 != nil {
		return false
	}
	rel, err := filepath.Rel(r, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func baseName(base string) string {
	if base == "" || base == "." {
		return "the working directory"
	}
	return base
}

func notFound(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file or directory"
	}
	return err.Error()
}

// read parses the unit's workloads.
func (u *unit) read() ([]Workload, Errors) {
	if u.kust {
		return buildKustomization(u.file, u.src.Within)
	}
	data := u.data
	if !u.stdin {
		var err error
		if data, err = spec.ReadAtMost(u.file, MaxFileSize); err != nil {
			return nil, Errors{{File: u.file, Message: err.Error()}}
		}
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{File: u.file, Line: 1, Message: fmt.Sprintf("the file is larger than %d MiB, the most imcsync reads from one manifest file: split it", MaxFileSize>>20)}}
	}
	return Parse(u.file, data)
}

// lineOf is the 1-based line of byte offset i of data.
func lineOf(data []byte, i int) int { return bytes.Count(data[:i], []byte("\n")) + 1 }
