package ecisim

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Limits of ECI's tag actions (TagResources, UntagResources, ListTagResources).
const (
	maxTagResourceIDs = 50 // ResourceId.N
	maxTagKeys        = 20 // UntagResources' TagKey.N
	defaultTagLimit   = 20 // ListTagResources' Limit
	maxTagLimit       = 50
)

// resourceTypeImageCache is the only ResourceType whose resources the emulator holds.
const resourceTypeImageCache = "ImageCache"

// resourceTypes are the ResourceType values ECI's tag actions accept.
var resourceTypes = []string{"ContainerGroup", resourceTypeImageCache, "DataCache", "VirtualNode"}

// How UpdateImageCache treats Tag.N, which the API documentation leaves open.
const (
	// UpdateTagsReplace: the sent tags replace the cache's tag set (the default).
	UpdateTagsReplace = "replace"
	// UpdateTagsMerge: the sent tags are added to the set, overwriting equal keys; tags
	// not sent stay.
	UpdateTagsMerge = "merge"
)

// CheckUpdateTags returns an error unless mode is "", UpdateTagsReplace or UpdateTagsMerge.
func CheckUpdateTags(mode string) error {
	switch mode {
	case "", UpdateTagsReplace, UpdateTagsMerge:
		return nil
	}
	return fmt.Errorf("update tags mode %q: want %s or %s", mode, UpdateTagsReplace, UpdateTagsMerge)
}

// updateTags is the tag set an UpdateImageCache that sent tags leaves on c. Called with
// s.mu held.
func (s *Server) updateTags(c *Cache, sent map[string]string) map[string]string {
	if sent == nil || s.settings.UpdateTags != UpdateTagsMerge {
		return sent
	}
	merged := maps.Clone(c.Tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, sent)
	return merged
}

// tagTargets reads ResourceType and ResourceId.N and returns the image caches they name,
// in the order given (duplicates once). Every ID must exist in the request's region: the
// call is refused whole otherwise, and nothing changes.
func (s *Server) tagTargets(p params, required bool) ([]*record, *apiError) {
	typ, ok := p["ResourceType"]
	if !ok || typ == "" {
		return nil, errMissing("ResourceType")
	}
	if !slices.Contains(resourceTypes, typ) {
		return nil, errInvalid("ResourceType", fmt.Sprintf("It must be one of %v.", resourceTypes))
	}
	ids, err := p.strings("ResourceId", maxTagResourceIDs)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		if required {
			return nil, errMissing("ResourceId.1")
		}
		return nil, nil
	}
	var out []*record
	for _, id := range ids {
		r := s.find(id)
		if typ != resourceTypeImageCache || r == nil || r.Region != p["RegionId"] {
			return nil, errResourceNotFound(typ, id)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// errResourceNotFound answers a ResourceId that names nothing of ResourceType: for image
// caches the code the image-cache actions use, for the types the emulator does not hold
// the generic one.
func errResourceNotFound(typ, id string) *apiError {
	if typ == resourceTypeImageCache {
		return errNotFound(id)
	}
	return newError(http.StatusNotFound, "InvalidResourceId.NotFound",
		"The specified resource %q of type %s does not exist.", id, typ)
}

// errTagCount refuses a change that would leave a resource with more than maxTags tags.
func errTagCount(id string, n int) *apiError {
	return newError(http.StatusBadRequest, "InvalidTagCount",
		"A resource can have at most %d tags; %s would have %d.", maxTags, id, n)
}

// tagResources adds Tag.N to every resource, overwriting the value of a key it has. It
// changes metadata only: any status is accepted and the status does not change.
func (s *Server) tagResources(p params, _ time.Time) (map[string]any, *apiError) {
	targets, err := s.tagTargets(p, true)
	if err != nil {
		return nil, err
	}
	tags, err := parseTags(p)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, errMissing("Tag.1.Key")
	}
	for _, r := range targets {
		merged := maps.Clone(r.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		maps.Copy(merged, tags)
		if len(merged) > maxTags {
			return nil, errTagCount(r.ID, len(merged))
		}
	}
	for _, r := range targets {
		if r.Tags == nil {
			r.Tags = map[string]string{}
		}
		maps.Copy(r.Tags, tags)
	}
	return map[string]any{}, nil
}

// untagResources removes TagKey.N (or, with All=true and no TagKey, every tag) from every
// resource. A key a resource does not have is no error.
func (s *Server) untagResources(p params, _ time.Time) (map[string]any, *apiError) {
	targets, err := s.tagTargets(p, true)
	if err != nil {
		return nil, err
	}
	keys, err := p.strings("TagKey", maxTagKeys)
	if err != nil {
		return nil, err
	}
	all, err := p.bool("All")
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 && (all == nil || !*all) {
		return nil, errMissing("TagKey.1")
	}
	for _, r := range targets {
		if len(keys) == 0 {
			r.Tags = nil
			continue
		}
		for _, k := range keys {
			delete(r.Tags, k)
		}
		if len(r.Tags) == 0 {
			r.Tags = nil
		}
	}
	return map[string]any{}, nil
}

// wireTagResource is one element of ListTagResources' TagResources.
type wireTagResource struct {
	ResourceId   string `json:"ResourceId"`
	ResourceType string `json:"ResourceType"`
	TagKey       string `json:"TagKey"`
	TagValue     string `json:"TagValue"`
}

// listTagResources lists (resource, tag) pairs: of the given resources, or of every image
// cache of the region that has all the Tag.N filters (a filter without Value matches any
// value). Pairs are ordered by cache creation, then key; NextToken is an offset.
func (s *Server) listTagResources(p params, _ time.Time) (map[string]any, *apiError) {
	targets, err := s.tagTargets(p, false)
	if err != nil {
		return nil, err
	}
	filters, err := p.items("Tag", maxTags)
	if err != nil {
		return nil, err
	}
	if targets == nil && filters == nil {
		return nil, errMissing("ResourceId.1")
	}
	limit := defaultTagLimit
	if v, ok := p["Limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTagLimit {
			return nil, errInvalid("Limit", fmt.Sprintf("It must be between 1 and %d.", maxTagLimit))
		}
		limit = n
	}
	offset := 0
	if tok := p["NextToken"]; tok != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(tok)
		n, aerr := strconv.Atoi(string(raw))
		if derr != nil || aerr != nil || n < 0 {
			return nil, errInvalid("NextToken", "It is not a token this API returned.")
		}
		offset = n
	}
	if targets == nil {
		for _, r := range s.sorted() {
			if r.Region == p["RegionId"] {
				targets = append(targets, r)
			}
		}
	}
	var pairs []wireTagResource
	for _, r := range targets {
		if !hasTags(r, filters) {
			continue
		}
		for _, k := range sortedKeys(r.Tags) {
			pairs = append(pairs, wireTagResource{ResourceId: r.ID, ResourceType: resourceTypeImageCache, TagKey: k, TagValue: r.Tags[k]})
		}
	}
	start := min(offset, len(pairs))
	end := min(start+limit, len(pairs))
	next := ""
	if end < len(pairs) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return map[string]any{"TagResources": append([]wireTagResource{}, pairs[start:end]...), "NextToken": next}, nil
}

// hasTags reports whether r has every filter's key (and value, when one is given).
func hasTags(r *record, filters []map[string]string) bool {
	for _, f := range filters {
		v, ok := r.Tags[f["Key"]]
		if want, byValue := f["Value"]; !ok || (byValue && v != want) {
			return false
		}
	}
	return true
}
