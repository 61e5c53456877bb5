package planner

import (
	"crypto/sha256"
	"encoding/base64"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// The built tag (spec.BuiltTag) records what a cache was built from: for each image
// reference with a tag, the digest the tag pointed to when the plan that built the
// cache was made. The API never returns digests, so this record is how a later plan
// sees that a tag moved. Entries are keyed by a short hash of the reference, sorted,
// and read back as a map (adding or removing an image changes no other entry):
//
//	v1;Abc=0123456789;x_9=fedcba9876
//
// A key is 3 base64url characters (18 bits of the reference's SHA-256), a value the
// first 10 hex digits (40 bits) of the digest: enough to tell a moved tag, and 8
// entries fit the 128 characters of a tag value. A cache with more tag references
// (or two whose keys collide) records one digest of the whole set instead:
//
//	v1;*=<22 base64url characters: 128 bits of SHA-256 over "reference@digest" lines>
//
// which tells that something moved but not what from. "v1" alone records nothing
// known (the image list changed while digests were not resolved).
const (
	builtVersion = "v1"
	builtKeyLen  = 3
	builtHexLen  = 10
	builtSetKey  = "*"
)

// builtRecord is a parsed built tag: key → digest prefix (or builtSetKey → set digest).
type builtRecord map[string]string

// builtKey is the record key of an image reference.
func builtKey(image string) string {
	sum := sha256.Sum256([]byte(image))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:builtKeyLen]
}

// digestPrefix is the part of a digest ("sha256:0123…") a record keeps.
func digestPrefix(digest string) string {
	_, hex, _ := strings.Cut(digest, ":")
	return hex[:min(builtHexLen, len(hex))]
}

// format renders the record as a tag value.
func (b builtRecord) format() string {
	var s strings.Builder
	s.WriteString(builtVersion)
	for _, k := range slices.Sorted(maps.Keys(b)) {
		s.WriteString(";" + k + "=" + b[k])
	}
	return s.String()
}

// parseBuilt reads a built tag; ok is false for a missing or unknown value.
func parseBuilt(value string) (builtRecord, bool) {
	entries := strings.Split(value, ";")
	if entries[0] != builtVersion {
		return nil, false
	}
	b := builtRecord{}
	for _, e := range entries[1:] {
		k, v, found := strings.Cut(e, "=")
		if !found || k == "" || v == "" {
			return nil, false
		}
		b[k] = v
	}
	return b, true
}

// imageSet is a list of images as the plan compares it: sorted, without duplicates.
func imageSet(images []string) []string {
	out := slices.Clone(images)
	slices.Sort(out)
	return slices.Compact(out)
}

// tagImages are the declared images that name a tag (not pinned by digest), sorted.
func tagImages(d *spec.Cache) []string {
	var out []string
	for _, img := range d.Images {
		if !strings.Contains(img, "@") {
			out = append(out, img)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wantBuilt is the record of a cache built now from images whose tags point to
// digests: per image when they fit, else one digest of the set (only when every image
// is resolved). Images without a digest are left out: unknown.
func wantBuilt(images []string, digests map[string]string) builtRecord {
	b := builtRecord{}
	keys := map[string]bool{}
	for _, img := range images {
		keys[builtKey(img)] = true
	}
	if len(images) <= maxBuiltEntries && len(keys) == len(images) {
		for _, img := range images {
			if d, ok := digests[img]; ok {
				b[builtKey(img)] = digestPrefix(d)
			}
		}
		return b
	}
	h := sha256.New()
	for _, img := range images {
		d, ok := digests[img]
		if !ok {
			return b
		}
		h.Write([]byte(img + "@" + d + "\n"))
	}
	b[builtSetKey] = base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
	return b
}

// maxBuiltEntries is how many per-image entries fit a tag value.
const maxBuiltEntries = (spec.MaxTagLength - len(builtVersion)) / (1 + builtKeyLen + 1 + builtHexLen)

// freshness compares what a live cache was built from (its built tag) with what the
// declared images' tags point to now. moved lists the images whose tag moved; tag is
// the built tag the cache should carry, or "" to leave it as it is. digests nil means
// resolution is off: nothing moves, and a record is only emptied when the image list
// changes (the update rebuilds the cache from tags nobody resolved). When the image
// list changes, the update records what the tags point to now, unless a kept image's
// tag moved: then the cache is rebuilt. A cache with refresh: never, or without tag
// references, keeps whatever it has.
func freshness(d *spec.Cache, l *cloud.Cache, digests map[string]string) (moved []Refresh, tag string) {
	images := tagImages(d)
	if len(images) == 0 || (d.Refresh != nil && *d.Refresh == spec.RefreshNever) {
		return nil, ""
	}
	liveTag, hasTag := "", false
	if l != nil {
		liveTag, hasTag = l.Tags[spec.BuiltTag]
	}
	imagesChange := l != nil && !slices.Equal(imageSet(l.Images), imageSet(d.Images))
	if digests == nil {
		if imagesChange && hasTag && liveTag != builtVersion {
			return nil, builtVersion
		}
		return nil, ""
	}
	want := wantBuilt(images, digests)
	have, ok := parseBuilt(liveTag)
	if l == nil || !ok {
		if len(want) == 0 {
			return nil, ""
		}
		return nil, want.format()
	}
	if set, isSet := want[builtSetKey]; isSet {
		if imagesChange { // another set: nothing to compare; the update records the new one
			return nil, want.format()
		}
		if old, had := have[builtSetKey]; had && old != set {
			for _, img := range images {
				moved = append(moved, Refresh{Image: img, To: digests[img]})
			}
			return moved, want.format()
		}
	} else {
		for _, img := range images {
			k := builtKey(img)
			if old, had := have[k]; had && want[k] != "" && old != want[k] {
				from, _, _ := strings.Cut(digests[img], ":")
				moved = append(moved, Refresh{Image: img, From: from + ":" + old, To: digests[img]})
			}
		}
		// An image kept while the list changes counts too: whether an update pulls it
		// again is not documented, so its moved tag is a rebuild as well.
		if len(moved) > 0 || imagesChange {
			return moved, want.format()
		}
	}
	// Nothing moved: keep what is known, add what was learnt, drop images gone.
	merged := builtRecord{}
	if _, isSet := want[builtSetKey]; !isSet {
		for _, img := range images {
			if v, had := have[builtKey(img)]; had {
				merged[builtKey(img)] = v
			}
		}
	}
	maps.Copy(merged, want)
	if len(merged) == 0 || maps.Equal(have, merged) {
		return nil, ""
	}
	return nil, merged.format()
}
