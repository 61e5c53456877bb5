package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Load reads, decodes, defaults and validates the imagecaches.yaml at path. Problems in
// the file come back as Errors; a file that cannot be read as the *fs.PathError. It
// reads at most maxFileSize bytes and one more, so that an endless file (/dev/zero, a
// pipe) is refused as too large instead of read forever.
func Load(path string) (*File, error) {
	data, err := ReadAtMost(path, maxFileSize)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// LoadRegular is Load for a file read again and again by a long-running process: only a
// regular file is read, within timeout and until ctx ends (see ReadRegular).
func LoadRegular(ctx context.Context, path string, timeout time.Duration) (*File, error) {
	data, err := ReadRegular(ctx, path, maxFileSize, timeout)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Read is Load for a file read from r (standard input), named name in error positions;
// like Load, it reads at most maxFileSize bytes and one more.
func Read(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Parse(name, data)
}

// Parse decodes, defaults and validates an imagecaches.yaml held in data; name is the
// file name used in error positions. Every problem is reported at once, as Errors
// sorted by position; after maxProblems of them, a last one says that more were not
// listed. Problems that are likely mistakes but valid are File.Warnings.
func Parse(name string, data []byte) (*File, error) {
	d := &decoder{file: name}
	var f *File
	if d.checkText(data) && d.prescanLists(data) {
		f = d.decodeFile(data)
	}
	if len(d.errs) > 0 {
		sortErrors(d.errs)
		if d.dropped > 0 {
			last := d.errs[len(d.errs)-1]
			d.errs = append(d.errs, &Error{File: name, Pos: last.Pos, uncollected: d.dropped,
				Message: fmt.Sprintf("%d more problems were found and not listed: fix these first", d.dropped)})
		}
		return nil, d.errs
	}
	sortErrors(d.warnings)
	f.Warnings = d.warnings
	return f, nil
}

// topLevel is the top-level mapping while it is decoded; defaults and the caches are
// decoded after it, since they depend on other top-level keys.
type topLevel struct {
	file     File
	defaults *yaml.Node
	caches   *yaml.Node
	region   *yaml.Node
}

// fileFields are the top-level keys.
var fileFields = []objectField[topLevel]{
	{Field{Key: "apiVersion", Managed: Local}, stringInto(func(t *topLevel) *string { return &t.file.APIVersion }, checkAPIVersion)},
	{Field{Key: "owner", Managed: Local}, stringInto(func(t *topLevel) *string { return &t.file.Owner }, checkName)},
	{Field{Key: "region", Param: "RegionId", Managed: Identity}, func(d *decoder, n *yaml.Node, path string, t *topLevel) {
		t.region = n
		regionInto(func(t *topLevel) *string { return &t.file.Region })(d, n, path, t)
	}},
	{Field{Key: "defaults", Managed: Local}, func(_ *decoder, n *yaml.Node, _ string, t *topLevel) { t.defaults = n }},
	{Field{Key: "imageCaches", Managed: Local}, func(_ *decoder, n *yaml.Node, _ string, t *topLevel) { t.caches = n }},
	{Field{Key: "pricing", Managed: Local}, decodePricing},
	{Field{Key: "workloads", Managed: Local}, decodeWorkloads},
}

func checkAPIVersion(s string) string {
	if s != APIVersion {
		return fmt.Sprintf("unsupported apiVersion %s: write apiVersion: %s", shown(s), APIVersion)
	}
	return ""
}

// entry is one decoded cache mapping (or defaults) before merging.
type entry struct {
	cache   Cache
	node    *yaml.Node
	path    string
	present map[string]*yaml.Node // value node of each key the mapping has
}

func (d *decoder) entry(n *yaml.Node, path string, fields []objectField[Cache], special func(key string, k, v *yaml.Node) bool) *entry {
	e := &entry{node: n, path: path, present: map[string]*yaml.Node{}}
	decodeObject(d, n, path, fields, &e.cache, func(key string, k, v *yaml.Node) bool {
		e.present[key] = v
		return special != nil && special(key, k, v)
	})
	return e
}

var syntaxErrRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml.v3 parse error into an Error. yaml.v3 gives a line only, and
// for a problem inside a block it is the line where the block started, which can be far
// above the mistake; ProblemLine finds the mistake's line, and the message then names
// both.
func (d *decoder) syntaxError(data []byte, err error) {
	msg, line := err.Error(), 1
	if m := syntaxErrRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	text := "invalid YAML: " + msg
	if at := ProblemLine(data, err.Error()); at > line {
		text = fmt.Sprintf("invalid YAML: %s (yaml.v3 reports line %d, where the block that holds it starts)", msg, line)
		line = at
	}
	d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{line, 1}, Message: text})
}

// ProblemLine is the first line at which the file, cut after that line, fails to parse
// with the error text want: where the mistake is. 0 when no cut reproduces it. A
// binary search: once a mistake is in, the lines after it do not take it out.
func ProblemLine(data []byte, want string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(n int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:n], nil)))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if err == nil {
				continue
			}
			return !errors.Is(err, io.EOF) && err.Error() == want
		}
	}
	lo, hi := 1, len(lines)
	if !fails(hi) {
		return 0
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func (d *decoder) decodeFile(data []byte) *File {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{1, 1}, Message: "the file is empty: start it with apiVersion: " + APIVersion})
		} else {
			d.syntaxError(data, err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.errorf(&extra, "", "a second YAML document: the file holds one document (remove the --- separator)")
	case !errors.Is(err, io.EOF):
		d.syntaxError(data, err)
	}
	if len(doc.Content) == 0 {
		d.errorf(&doc, "", "the file is empty: start it with apiVersion: %s", APIVersion)
		return nil
	}
	sizes := newSizer()
	if !d.checkExpansion(&doc, sizes) {
		return nil
	}
	top := resolve(doc.Content[0])
	switch {
	case top.Kind == yaml.ScalarNode && top.ShortTag() == "!!null":
		d.errorf(top, "", "the file is empty: start it with apiVersion: %s", APIVersion)
		return nil
	case top.Kind != yaml.MappingNode:
		d.errorf(top, "", "the top level must be a mapping with apiVersion, region and imageCaches, got %s", describe(top))
		return nil
	}

	var t topLevel
	decodeObject(d, top, "", fileFields, &t, nil)
	if !has(top, "apiVersion") {
		d.errorf(top, "", "missing apiVersion: write apiVersion: %s at the top of the file", APIVersion)
	}
	var defaults *entry
	if t.defaults != nil && d.fits(t.defaults, "defaults", sizes) {
		defaults = d.entry(t.defaults, "defaults", objectFields(defaultsFields()), func(key string, k, _ *yaml.Node) bool {
			if f, ok := FieldByKey(key); !ok || !f.PerCache {
				return false
			}
			d.errorf(k, join("defaults", key), "%s cannot be set in defaults: each cache has its own", key)
			return true
		})
	}
	if t.caches == nil {
		d.errorf(top, "", "missing imageCaches: list the image caches under imageCaches (imageCaches: [] for none)")
		return nil
	}
	items, ok := d.sequence(t.caches, "imageCaches")
	if !ok {
		return nil
	}
	// A copy, not &t.file: a pointer into t would keep t's YAML nodes, the whole
	// document, alive as long as the File.
	f := new(File)
	*f = t.file
	f.Path = d.file
	for i := range f.Workloads {
		if w := &f.Workloads[i]; w.Region == "" {
			if f.Region == "" {
				d.errorf(&yaml.Node{Line: w.Pos.Line, Column: w.Pos.Column}, index("workloads", i), "missing region: set region on the entry or at the top of the file")
			}
			w.Region = f.Region
		}
	}
	entries := make([]*entry, 0, len(items))
	for i, n := range items {
		if path := index("imageCaches", i); d.fits(n, path, sizes) {
			entries = append(entries, d.entry(n, path, cacheDecoders(), nil))
		}
	}
	f.Caches = make([]Cache, 0, len(entries))
	for _, e := range entries {
		if e.node.Kind != yaml.MappingNode {
			continue
		}
		d.complete(f, e, defaults, t.region != nil)
		f.Caches = append(f.Caches, e.cache)
	}
	d.checkUnique(entries)
	return f
}

// complete merges defaults and the file's region into a cache and checks what needs
// the merged cache: required fields and the tag count.
func (d *decoder) complete(f *File, e *entry, defaults *entry, fileRegion bool) {
	c := &e.cache
	c.Pos = Pos{e.node.Line, e.node.Column}
	inDefaults := func(key string) bool { return defaults != nil && defaults.present[key] != nil }
	if defaults != nil {
		for _, fld := range cacheFields {
			fld.cache.merge(c, &defaults.cache)
		}
	}
	if c.Region == "" {
		c.Region = f.Region
	}
	if e.present["name"] == nil {
		d.errorf(e.node, e.path, "missing name")
	}
	if e.present["region"] == nil && !inDefaults("region") && !fileRegion {
		d.errorf(e.node, e.path, "missing region: set region on the cache, in defaults or at the top of the file")
	}
	if e.present["images"] == nil && !inDefaults("images") {
		d.errorf(e.node, e.path, "missing images: list at least one image")
	}

	reserved := reservedTags(f, c)
	if total := len(c.Tags) + len(reserved); total > MaxTags {
		at, path := e.node, e.path
		if n := e.present["tags"]; n != nil {
			at, path = n, join(e.path, "tags")
		}
		msg := fmt.Sprintf("%d tags, at most %d allowed", total, MaxTags)
		if len(reserved) > 0 {
			msg = fmt.Sprintf("%d tags with the reserved tags imcsync adds, at most %d allowed: %d user tags (defaults included) plus %s",
				total, MaxTags, len(c.Tags), strings.Join(reserved, " and "))
		}
		d.errorf(at, path, "%s", msg)
	}
}

// fits reports a cache entry (or defaults) whose aliases make it stand for more values
// than any valid one holds (maxCacheNodes); such an entry is not decoded. An entry
// without aliases is decoded whatever its size: its problems are named one by one.
func (d *decoder) fits(n *yaml.Node, path string, sizes *sizer) bool {
	if !d.aliased {
		return true
	}
	if size := sizes.expanded(n); size > maxCacheNodes() && size > written(n) {
		d.errorf(n, path, "stands for %d values once YAML aliases are expanded, more than a valid image cache holds (%d): check the lists it aliases against the API's limits", size, maxCacheNodes())
		return false
	}
	return true
}

// checkUnique reports caches that repeat a (region, name) or a pinned id.
func (d *decoder) checkUnique(entries []*entry) {
	byName := map[string]*entry{}
	byID := map[string]*entry{}
	for _, e := range entries {
		c := &e.cache
		if c.Name != "" && c.Region != "" {
			key := c.Region + "/" + c.Name
			if first, dup := byName[key]; dup {
				d.errorf(e.present["name"], join(e.path, "name"), "duplicate image cache %s (first at %s, line %d)", key, first.path, first.node.Line)
			} else {
				byName[key] = e
			}
		}
		if c.ID != "" {
			if first, dup := byID[c.ID]; dup {
				d.errorf(e.present["id"], join(e.path, "id"), "id %s is already pinned by %s (line %d)", c.ID, first.path, first.node.Line)
			} else {
				byID[c.ID] = e
			}
		}
	}
}
