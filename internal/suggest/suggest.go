// Package suggest proposes image caches that give workloads full coverage: for every
// workload ECI matches automatically and no cache serves fully, one cache holding all
// its images, shared by workloads whose images overlap when that saves caches. It is
// pure: coverage entries in, imagecaches.yaml entries out.
package suggest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/internal/coverage"
)

// MaxImages is the most images a suggested cache holds.
const MaxImages = 20

// Cache is one suggested cache.
type Cache struct {
	Name   string
	Region string // "" when it is the file's region
	Images []string
	// Serves lists the workloads it covers ("Deployment shop/web (k8s/web.yaml:12)").
	Serves []string
}

// Skipped is a workload no cache of at most MaxImages images can cover.
type Skipped struct {
	Workload, Source string
	Images           int
}

// Suggest returns the caches that give every auto-matched workload that is not full a
// cache holding all its images, named after the workloads and not clashing with taken
// names (region/name). Workloads with the same images share a cache; a workload whose
// images overlap a suggested cache's joins it while the cache stays within MaxImages.
// fileRegion is the file's region, left out of the entries.
func Suggest(es []coverage.Entry, taken map[string]bool, fileRegion string) ([]Cache, []Skipped) {
	type group struct {
		region string
		images []string // normalised, sorted
		serves []*coverage.Entry
	}
	var groups []*group
	var skipped []Skipped
	for i := range es {
		e := &es[i]
		if !e.AutoMatched() || e.After == coverage.Full || len(e.Images) == 0 {
			continue
		}
		if len(e.Images) > MaxImages {
			skipped = append(skipped, Skipped{e.Workload, e.Source, len(e.Images)})
			continue
		}
		imgs := slices.Sorted(slices.Values(e.Images))
		var best *group
		bestShared := 0
		for _, g := range groups {
			if g.region != e.Region {
				continue
			}
			shared := 0
			for _, im := range imgs {
				if _, ok := slices.BinarySearch(g.images, im); ok {
					shared++
				}
			}
			if shared == 0 || len(union(g.images, imgs)) > MaxImages {
				continue
			}
			if shared > bestShared {
				best, bestShared = g, shared
			}
		}
		if best == nil {
			groups = append(groups, &group{region: e.Region, images: imgs, serves: []*coverage.Entry{e}})
			continue
		}
		best.images = union(best.images, imgs)
		best.serves = append(best.serves, e)
	}
	out := make([]Cache, 0, len(groups))
	for _, g := range groups {
		c := Cache{Images: g.images}
		if g.region != fileRegion {
			c.Region = g.region
		}
		for _, e := range g.serves {
			c.Serves = append(c.Serves, fmt.Sprintf("%s (%s)", e.Workload, e.Source))
		}
		c.Name = uniqueName(groupName(g.serves), g.region, taken)
		taken[g.region+"/"+c.Name] = true
		out = append(out, c)
	}
	return out, skipped
}

func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

var notNameChar = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// groupName names a cache after the workloads it serves: "cartservice",
// "frontend-checkoutservice", or the first name and how many more.
func groupName(es []*coverage.Entry) string {
	var names []string
	for _, e := range es {
		names = append(names, clean(e.Name))
	}
	name := strings.Join(names, "-")
	if len(names) > 2 || len(name) > 60 {
		name = fmt.Sprintf("%s-and-%d-more", names[0], len(names)-1)
	}
	return name
}

// clean makes s a valid cache name: 2 to 128 letters, digits, '-', '_' or '.',
// starting with a letter or digit.
func clean(s string) string {
	s = strings.Trim(notNameChar.ReplaceAllString(s, "-"), "-._")
	if len(s) > 100 {
		s = s[:100]
	}
	if len(s) < 2 {
		s = "workload" + s
	}
	return s
}

func uniqueName(name, region string, taken map[string]bool) string {
	if !taken[region+"/"+name] {
		return name
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s-%d", name, i); !taken[region+"/"+n] {
			return n
		}
	}
}

// YAML writes the caches as a list ready to paste under imageCaches:, each with a
// comment naming the workloads it serves; size and the other settings come from the
// file's defaults.
func YAML(caches []Cache, skipped []Skipped) ([]byte, error) {
	var b strings.Builder
	switch len(caches) {
	case 0:
		b.WriteString("# Every workload ECI matches automatically is fully covered: nothing to suggest.\n")
	default:
		what := fmt.Sprintf("%d image caches that give", len(caches))
		if len(caches) == 1 {
			what = "1 image cache that gives"
		}
		fmt.Fprintf(&b, "# %s %s full coverage.\n# Paste under imageCaches: (size and other settings come from defaults).\n",
			what, workloadsPhrase(caches))
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "# Not covered: %s (%s) has %d images, more than the %d a suggested cache holds.\n", s.Workload, s.Source, s.Images, MaxImages)
	}
	if len(caches) == 0 {
		return []byte(b.String()), nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, c := range caches {
		m := &yaml.Node{Kind: yaml.MappingNode, HeadComment: "serves " + strings.Join(c.Serves, ", ")}
		add := func(k string, v *yaml.Node) {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
		}
		add("name", &yaml.Node{Kind: yaml.ScalarNode, Value: c.Name})
		if c.Region != "" {
			add("region", &yaml.Node{Kind: yaml.ScalarNode, Value: c.Region})
		}
		imgs := &yaml.Node{Kind: yaml.SequenceNode}
		for _, im := range c.Images {
			imgs.Content = append(imgs.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: im})
		}
		add("images", imgs)
		seq.Content = append(seq.Content, m)
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(seq); err != nil {
		return nil, err
	}
	b.WriteString(out.String())
	return []byte(b.String()), nil
}

func workloadsPhrase(caches []Cache) string {
	n := 0
	for _, c := range caches {
		n += len(c.Serves)
	}
	if n == 1 {
		return "1 workload"
	}
	return fmt.Sprintf("%d workloads", n)
}
