package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Bounds on the work and the output of reading one file, whatever its content: the file
// comes from pull requests, so anyone who can open one controls it.
const (
	// maxFileSize is the largest imagecaches.yaml imcsync reads, in bytes (8 MiB).
	maxFileSize = 8 << 20
	// MaxPrintedErrors is how many problems Errors.Error lists before "and N more".
	MaxPrintedErrors = 50
	// maxProblems is how many distinct problems are collected; checking goes on
	// without collecting more, and one last problem says so.
	maxProblems = 1000
	// maxStringLength bounds every string value the API documents no limit for, in bytes.
	maxStringLength = 4096
	// minAliasAllowance is how many values YAML aliases may add to any file; larger
	// files may add as many values as they hold (see aliasAllowance).
	minAliasAllowance = 100_000
	// sizeCap saturates expanded sizes so that they never overflow.
	sizeCap = 1 << 40
)

// maxIgnoreEntries bounds ignoreChanges: each field it may name once, and at most one
// tags.<key> per tag a cache can have.
func maxIgnoreEntries() int { return len(ignorable()) + MaxTags }

// maxCacheNodes is the most YAML nodes (mappings, lists, keys and values, aliases
// expanded) that a valid imageCaches entry can hold, derived from the table's limits: a
// larger entry is refused before it is decoded.
func maxCacheNodes() int {
	n := 1 // the mapping
	for _, f := range cacheFields {
		n += 1 + maxNodes(f) // the key and its value
	}
	return n
}

// maxNodes is the most YAML nodes a valid value of field f can hold: a scalar one, a list
// its items, a tag set a key and a value per tag, a list of objects a mapping per item
// with each key and its value.
func maxNodes(f Field) int {
	switch {
	case len(f.Items) > 0:
		item := 1
		for _, k := range f.Items {
			item += 1 + maxNodes(k)
		}
		return 1 + f.MaxItems*item
	case f.Type == TypeTags:
		return 1 + 2*f.MaxItems
	default:
		return 1 + f.MaxItems
	}
}

// aliasAllowance is how many values aliases may add to a file that holds written values
// (mappings, lists, keys and values as written): as many again, and at least
// minAliasAllowance. Sharing a list among caches stays far below it; alias
// amplification ("billion laughs") goes far above.
func aliasAllowance(written int) int { return max(written, minAliasAllowance) }

// sizer measures YAML nodes with every alias replaced by the node it names, which is
// what decoding visits. Only anchored nodes can be reached more than once: their sizes
// are memoized, so measuring is linear in the written file.
type sizer struct {
	memo map[*yaml.Node]int
	open map[*yaml.Node]bool // anchored nodes being measured: an alias to one is a cycle
}

func newSizer() *sizer {
	return &sizer{memo: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
}

// expanded returns the number of nodes n stands for once aliases are expanded, at most
// sizeCap; an alias inside the value it names counts as sizeCap.
func (s *sizer) expanded(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		return s.expanded(n.Alias)
	}
	anchored := n.Anchor != ""
	if anchored {
		if v, ok := s.memo[n]; ok {
			return v
		}
		if s.open[n] {
			return sizeCap
		}
		s.open[n] = true
	}
	total := 1
	for _, c := range n.Content {
		total = min(total+s.expanded(c), sizeCap)
	}
	if anchored {
		delete(s.open, n)
		s.memo[n] = total
	}
	return total
}

// written counts the nodes of n as written: an alias counts once, not as what it names.
func written(n *yaml.Node) int {
	total := 1
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			total += written(c)
		}
	}
	return total
}

// checkExpansion refuses a document whose aliases add more values than aliasAllowance.
func (d *decoder) checkExpansion(doc *yaml.Node, s *sizer) bool {
	w, e := written(doc), s.expanded(doc)
	d.aliased = e > w
	if e-w <= aliasAllowance(w) {
		return true
	}
	total := fmt.Sprint(e)
	if e >= sizeCap {
		total = "an unbounded number of" // an alias inside the value it names
	}
	d.errorf(doc, "", "YAML aliases (*name) expand this file's %d written values to %s values, more than imcsync reads (%d added at most): write the values out, or share them through defaults",
		w, total, aliasAllowance(w))
	return false
}
