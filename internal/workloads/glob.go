package workloads

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// glob returns the files pattern matches, sorted. Besides filepath.Match's syntax, a
// path element ** matches any number of directories (none included), as in
// .gitignore and most CI tools. Hidden directories are searched only when named.
func glob(pattern string) ([]string, error) {
	pattern = filepath.ToSlash(pattern)
	if !strings.Contains(pattern, "**") {
		files, err := filepath.Glob(filepath.FromSlash(pattern))
		return regular(files), err
	}
	// The fixed directory before the first element with a wildcard is where the walk
	// starts.
	elems := strings.Split(pattern, "/")
	i := slices.IndexFunc(elems, func(e string) bool { return strings.ContainsAny(e, "*?[") })
	root := strings.Join(elems[:i], "/")
	if root == "" {
		root = "."
		if strings.HasPrefix(pattern, "/") {
			root = "/"
		}
	}
	rest := elems[i:]
	if _, err := os.Stat(filepath.FromSlash(root)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // matches nothing, like filepath.Glob
	}
	var files []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != filepath.FromSlash(root) && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(filepath.FromSlash(root), p)
		if match(rest, strings.Split(filepath.ToSlash(rel), "/")) && d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// match reports whether the path elements name match the pattern elements pat.
func match(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for skip := 0; skip <= len(name); skip++ {
				if match(pat[1:], name[skip:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// regular keeps the regular files of a glob's matches (not directories).
func regular(files []string) []string {
	return slices.DeleteFunc(files, func(f string) bool {
		fi, err := os.Stat(f)
		return err != nil || !fi.Mode().IsRegular()
	})
}
