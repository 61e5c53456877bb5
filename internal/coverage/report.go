package coverage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/workloads"
)

// Entry is one workload's coverage, as the plan JSON's coverage list holds it (SPEC §10,
// docs/json.md): before the change (the live caches) and after it (the planned ones).
// A drift report fills After only: coverage by the live caches.
type Entry struct {
	// Workload is "Kind namespace/name"; Kind, Namespace and Name are its parts.
	Workload  string `json:"workload"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Source is the FILE:LINE the workload was read from.
	Source string   `json:"source"`
	Region string   `json:"region"`
	Images []string `json:"images"`
	// Before is the result against the live caches; "" when not compared (drift).
	Before Result `json:"before,omitempty"`
	After  Result `json:"after"`
	// Cache is the cache ECI would use after the change; BeforeCache before it.
	Cache       string `json:"cache,omitempty"`
	BeforeCache string `json:"before_cache,omitempty"`
	// Named is the cache id the pod's annotations name.
	Named string `json:"named,omitempty"`
	// Missing lists the images the cache does not hold, after the change.
	Missing []string `json:"missing,omitempty"`
	Notes   []Note   `json:"notes,omitempty"`
	// Why says, for people, what made the result change (or a named cache missing).
	Why string `json:"why,omitempty"`
}

// Changed reports whether the change moves the workload's result or cache.
func (e *Entry) Changed() bool {
	return e.Before != "" && (e.Before != e.After || e.BeforeCache != e.Cache)
}

// Shown reports whether people are shown the entry: its result changes, is not full,
// or has a note.
func (e *Entry) Shown() bool { return e.Changed() || e.After != Full || len(e.Notes) > 0 }

// AutoMatched reports whether ECI chooses the workload's cache itself (no cache named,
// automatic matching on): the workloads `imcsync suggest` covers.
func (e *Entry) AutoMatched() bool { return e.Named == "" && e.After != Off }

// Against is every workload's coverage by caches (a drift report: After only).
func Against(ws []workloads.Workload, caches []Cache) []Entry {
	ix := NewIndex(caches)
	out := make([]Entry, len(ws))
	for i := range ws {
		w := &ws[i]
		out[i] = entry(w, Images(w))
		fill(&out[i], ix.Match(w, out[i].Images), false)
	}
	return out
}

// Compare is every workload's coverage before the change (caches before) and after
// it (caches after), with why a result changes.
func Compare(ws []workloads.Workload, before, after []Cache) []Entry {
	bx, ax := NewIndex(before), NewIndex(after)
	out := make([]Entry, len(ws))
	for i := range ws {
		w := &ws[i]
		e := entry(w, Images(w))
		b, a := bx.Match(w, e.Images), ax.Match(w, e.Images)
		fill(&e, b, true)
		fill(&e, a, false)
		if e.Changed() && e.Why == "" {
			e.Why = why(&e, w.Region, b, a, ax)
		}
		out[i] = e
	}
	return out
}

func entry(w *workloads.Workload, images []string) Entry {
	return Entry{Workload: w.ID(), Kind: w.Kind, Namespace: w.Namespace, Name: w.Name, Source: w.Position(),
		Region: w.Region, Images: images, Notes: Notes(w)}
}

func fill(e *Entry, o Outcome, before bool) {
	if before {
		e.Before, e.BeforeCache = o.Result, o.Cache
		return
	}
	e.After, e.Cache, e.Named = o.Result, o.Cache, o.Named
	if o.Result == Partial || (o.Result == None && o.Cache != "") {
		e.Missing = o.Missing
	}
	if o.Reason != "" {
		e.Why = strings.TrimSpace(o.Named + " " + o.Reason)
	}
}

// why explains a changed result: the cache used before is deleted or drops the images,
// or another cache now holds them.
func why(e *Entry, region string, b, a Outcome, after *Index) string {
	if a.Cache != "" && rank(a.Result) > rank(b.Result) {
		return a.Cache + " holds " + imagesPhrase(held(e.Images, a.Missing), len(e.Images))
	}
	if b.Cache != "" && b.Cache != a.Cache {
		c, ok := after.Cache(region, b.Cache)
		if !ok {
			return b.Cache + " is deleted"
		}
		if dropped := missingFrom(c, e.Images, b.Missing); len(dropped) > 0 {
			return fmt.Sprintf("%s drops %s", b.Cache, imagesPhrase(dropped, len(e.Images)))
		}
	}
	if b.Cache != "" && b.Cache == a.Cache && len(a.Missing) > len(b.Missing) {
		c, _ := after.Cache(region, a.Cache)
		return fmt.Sprintf("%s drops %s", a.Cache, imagesPhrase(missingFrom(c, e.Images, b.Missing), len(e.Images)))
	}
	return ""
}

// missingFrom lists the images c does not hold, of those it held before (images minus
// missingBefore).
func missingFrom(c Cache, images, missingBefore []string) []string {
	var out []string
	for _, im := range images {
		if slices.Contains(missingBefore, im) {
			continue
		}
		if _, ok := slices.BinarySearch(c.Images, im); !ok {
			out = append(out, im)
		}
	}
	return out
}

func held(images, missing []string) []string {
	var out []string
	for _, im := range images {
		if !slices.Contains(missing, im) {
			out = append(out, im)
		}
	}
	return out
}

// imagesPhrase names ims among a workload's total images: "its image" (its only one),
// "its image redis:7", "its 2 images", "2 of its 3 images".
func imagesPhrase(ims []string, total int) string {
	switch {
	case len(ims) == 1 && total == 1:
		return "its image"
	case len(ims) == 1:
		return "its image " + short(ims[0])
	case len(ims) == total:
		return fmt.Sprintf("its %d images", total)
	}
	return fmt.Sprintf("%d of its %d images", len(ims), total)
}

// short drops docker.io/library/ from an image for people.
func short(im string) string {
	return strings.TrimPrefix(strings.TrimPrefix(im, "docker.io/library/"), "docker.io/")
}

func rank(r Result) int {
	switch r {
	case Full:
		return 3
	case Partial:
		return 2
	}
	return 1
}

// Summary counts workloads by result.
type Summary struct {
	Workloads int `json:"workloads"`
	Full      int `json:"full"`
	Partial   int `json:"partial"`
	None      int `json:"none"`
	Off       int `json:"off"`
	Missing   int `json:"missing"`
	// Changed counts the workloads whose result or cache the change moves.
	Changed int `json:"changed"`
}

// Summarize counts entries by their result after the change.
func Summarize(es []Entry) Summary {
	s := Summary{Workloads: len(es)}
	for i := range es {
		switch es[i].After {
		case Full:
			s.Full++
		case Partial:
			s.Partial++
		case None:
			s.None++
		case Off:
			s.Off++
		case Missing:
			s.Missing++
		}
		if es[i].Changed() {
			s.Changed++
		}
	}
	return s
}

// Line is the one summary line: "12 workloads — 9 full, 2 partial, 1 none" (results
// with no workload left out).
func (s Summary) Line() string {
	noun := "workloads"
	if s.Workloads == 1 {
		noun = "workload"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		name Result
	}{{s.Full, Full}, {s.Partial, Partial}, {s.None, None}, {s.Off, Off}, {s.Missing, Missing}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", s.Workloads, noun)
	}
	return fmt.Sprintf("%d %s — %s", s.Workloads, noun, strings.Join(parts, ", "))
}
