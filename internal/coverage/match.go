package coverage

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/imcsync/imcsync/internal/workloads"
)

// Result is what a workload gets from the caches. Its values are the JSON spellings.
type Result string

// The results.
const (
	Full    Result = "full"    // the chosen cache holds every image of the pod
	Partial Result = "partial" // it holds some: the others are pulled
	None    Result = "none"    // no cache ECI would use holds any: ECI pulls, then auto-creates one
	Off     Result = "off"     // automatic matching is off and no cache is named
	Missing Result = "missing" // the named cache is not there (or not Ready)
)

// Results lists every Result, in the order above.
var Results = []Result{Full, Partial, None, Off, Missing}

// Note qualifies a result.
type Note string

// The notes.
const (
	// Digest: an image is referenced by digest; ECI does not document how it matches a
	// cache built from a tag, so imcsync matches it only to the same digest reference.
	Digest Note = "digest"
	// PullAlways: a container pulls at every start (imagePullPolicy Always, or :latest
	// with none), where ECI advises IfNotPresent so that cached layers are used.
	PullAlways Note = "pull-always"
)

// The pod-template annotations ECI reads (docs/coverage.md cites the sources).
const (
	AnnotationIMCID        = "k8s.aliyun.com/eci-imc-id"
	AnnotationSnapshotID   = "k8s.aliyun.com/eci-image-snapshot-id" // legacy name of eci-imc-id
	AnnotationAutoIMC      = "k8s.aliyun.com/eci-auto-imc"
	AnnotationPerfectMatch = "k8s.aliyun.com/imc-perfect-match"
	AnnotationMatchCount   = "k8s.aliyun.com/imc-match-count-request"
	// AnnotationExtraStorage adds temporary storage to the pod (e.g. "50Gi"); the pod's
	// size is 30 GiB plus it, for ranking caches by size.
	AnnotationExtraStorage = "k8s.aliyun.com/eci-extra-ephemeral-storage"
)

// podBaseSize is the temporary storage an ECI pod has by default, in GiB.
const podBaseSize = 30

// Cache is an image cache as ECI sees it at pod creation.
type Cache struct {
	Region string
	Name   string
	ID     string // "" for a cache not created yet
	// Images as listed (normalised by NewIndex).
	Images []string
	Size   int32
	// Ready says ECI may use it: only a Ready cache serves pods.
	Ready bool
	// Status is the live status, for people ("" once the plan is applied).
	Status  string
	Created time.Time
}

// Outcome is one workload's result against one set of caches.
type Outcome struct {
	Result Result
	// Cache is the cache ECI would use ("" for none, off, or missing).
	Cache string
	// Named is the cache id the pod names, when it names one.
	Named string
	// Missing lists the pod's images the cache does not hold (partial), normalised.
	Missing []string
	// Reason says why a named cache is missing ("not live in cn-hangzhou", its status),
	// or why no cache counts under imc-perfect-match or imc-match-count-request.
	Reason string
}

// Normalize writes an image reference as a registry client reads it:
// nginx = docker.io/library/nginx:latest. A reference that does not parse is kept as
// written (it can match only itself).
func Normalize(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref
	}
	s := r.Name()
	if rest, ok := strings.CutPrefix(s, name.DefaultRegistry+"/"); ok {
		s = "docker.io/" + rest
	}
	return s
}

// Index holds caches by region and image. Match is not safe for concurrent use: it
// counts in the index's scratch space.
type Index struct {
	caches  []Cache
	byImage map[string]map[string][]int // region → normalised image → caches holding it
	byID    map[string]int
	byName  map[string]int // region/name → cache
	// counts[i] is how many of the pod's images cache i holds, for the caches in touched;
	// both are reset after each Match.
	counts  []int32
	touched []int
}

// NewIndex indexes caches; their images are normalised.
func NewIndex(caches []Cache) *Index {
	ix := &Index{caches: make([]Cache, len(caches)), byImage: map[string]map[string][]int{}, byID: map[string]int{}, byName: map[string]int{},
		counts: make([]int32, len(caches))}
	for i, c := range caches {
		imgs := make([]string, 0, len(c.Images))
		for _, im := range c.Images {
			imgs = append(imgs, Normalize(im))
		}
		slices.Sort(imgs)
		c.Images = slices.Compact(imgs)
		ix.caches[i] = c
		m := ix.byImage[c.Region]
		if m == nil {
			m = map[string][]int{}
			ix.byImage[c.Region] = m
		}
		for _, im := range c.Images {
			m[im] = append(m[im], i)
		}
		if c.ID != "" {
			ix.byID[c.ID] = i
		}
		ix.byName[c.Region+"/"+c.Name] = i
	}
	return ix
}

// Cache returns the indexed cache of that region and name.
func (ix *Index) Cache(region, name string) (Cache, bool) {
	i, ok := ix.byName[region+"/"+name]
	if !ok {
		return Cache{}, false
	}
	return ix.caches[i], true
}

// Images returns a workload's images, normalised, without repeats, in manifest order.
func Images(w *workloads.Workload) []string {
	out := make([]string, 0, len(w.Images))
	for _, im := range w.Images {
		if n := Normalize(im.Ref); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Notes returns the workload's notes.
func Notes(w *workloads.Workload) []Note {
	var notes []Note
	for _, im := range w.Images {
		if strings.Contains(im.Ref, "@") && !slices.Contains(notes, Digest) {
			notes = append(notes, Digest)
		}
	}
	for _, im := range w.Images {
		if im.PullsAlways() {
			notes = append(notes, PullAlways)
			break
		}
	}
	return notes
}

// Match is the cache ECI would give the workload's pods, and how much of the pod it
// holds. images are Images(w).
func (ix *Index) Match(w *workloads.Workload, images []string) Outcome {
	a := w.Annotations
	named := a[AnnotationIMCID]
	if named == "" {
		named = a[AnnotationSnapshotID]
	}
	if named != "" {
		i, ok := ix.byID[named]
		if !ok || ix.caches[i].Region != w.Region {
			return Outcome{Result: Missing, Named: named, Reason: "not live in " + w.Region}
		}
		c := ix.caches[i]
		if !c.Ready {
			return Outcome{Result: Missing, Named: named, Cache: c.Name, Reason: c.Name + " is " + c.Status + ", not Ready"}
		}
		o := ix.outcome(c, images)
		o.Named = named
		return o
	}
	if strings.EqualFold(a[AnnotationAutoIMC], "false") {
		return Outcome{Result: Off}
	}
	need, rule := 1, ""
	if strings.EqualFold(a[AnnotationPerfectMatch], "true") {
		need, rule = len(images), "no Ready cache holds all its images, which imc-perfect-match requires"
	} else if n, err := strconv.Atoi(strings.TrimSpace(a[AnnotationMatchCount])); err == nil && n > 1 {
		need, rule = n, fmt.Sprintf("no Ready cache holds %d of its images, which imc-match-count-request requires", n)
	}
	// The work is the pod's images times the caches holding each: caches holding none of
	// them are never visited.
	byImage := ix.byImage[w.Region]
	for _, im := range images {
		for _, i := range byImage[im] {
			if ix.caches[i].Ready {
				if ix.counts[i] == 0 {
					ix.touched = append(ix.touched, i)
				}
				ix.counts[i]++
			}
		}
	}
	// The most images any cache holds, then the best of the caches holding that many.
	most := int32(need)
	for _, i := range ix.touched {
		most = max(most, ix.counts[i])
	}
	size := podSize(a)
	best := -1
	for _, i := range ix.touched {
		if ix.counts[i] == most && (best < 0 || ix.better(i, best, size)) {
			best = i
		}
	}
	for _, i := range ix.touched {
		ix.counts[i] = 0
	}
	ix.touched = ix.touched[:0]
	if best < 0 {
		return Outcome{Result: None, Missing: images, Reason: rule}
	}
	return ix.outcome(ix.caches[best], images)
}

// better ranks cache i above cache j, which hold as many of the pod's images: the size
// closest to the pod's, then the newest; the name decides a tie, so that the answer
// never depends on the order of the caches.
func (ix *Index) better(i, j int, size int32) bool {
	ci, cj := &ix.caches[i], &ix.caches[j]
	di, dj := distance(ci.Size, size), distance(cj.Size, size)
	if di != dj {
		return di < dj
	}
	if !ci.Created.Equal(cj.Created) {
		return ci.Created.After(cj.Created)
	}
	return ci.Name < cj.Name
}

func distance(a, b int32) int64 {
	d := int64(a) - int64(b)
	if d < 0 {
		return -d
	}
	return d
}

// podSize is the pod's temporary storage in GiB: 30, plus the extra the annotation asks
// for ("50Gi" or "50").
func podSize(a map[string]string) int32 {
	extra := strings.TrimSuffix(strings.TrimSpace(a[AnnotationExtraStorage]), "Gi")
	if n, err := strconv.Atoi(extra); err == nil && n > 0 && n < 1<<20 {
		return podBaseSize + int32(n)
	}
	return podBaseSize
}

// outcome is how much of the pod's images cache c holds.
func (ix *Index) outcome(c Cache, images []string) Outcome {
	o := Outcome{Cache: c.Name}
	for _, im := range images {
		if _, ok := slices.BinarySearch(c.Images, im); !ok {
			o.Missing = append(o.Missing, im)
		}
	}
	switch {
	case len(o.Missing) == 0:
		o.Result = Full
	case len(o.Missing) < len(images):
		o.Result = Partial
	default:
		o.Result = None
		o.Cache = c.Name // named, holding none of the images
	}
	return o
}
