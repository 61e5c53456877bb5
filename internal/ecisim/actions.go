package ecisim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// actionFunc serves one business action with s.mu held.
type actionFunc struct {
	fn       func(s *Server, p params, now time.Time) (map[string]any, *apiError)
	mutating bool // ClientToken idempotency applies
}

// actions are the served actions by name.
var actions = map[string]actionFunc{
	"CreateImageCache":    {(*Server).create, true},
	"DescribeImageCaches": {(*Server).describe, false},
	"UpdateImageCache":    {(*Server).update, true},
	"DeleteImageCache":    {(*Server).delete, true},
	"TagResources":        {(*Server).tagResources, true},
	"UntagResources":      {(*Server).untagResources, true},
	"ListTagResources":    {(*Server).listTagResources, false},
}

const timeFormat = "2006-01-02T15:04:05Z"

func (s *Server) create(p params, now time.Time) (map[string]any, *apiError) {
	if p["ImageCacheName"] == "" {
		return nil, errMissing("ImageCacheName")
	}
	f, err := parseFields(p, true)
	if err != nil {
		return nil, err
	}
	if f.images == nil {
		return nil, errMissing("Image")
	}
	r := &record{Cache: Cache{Region: p["RegionId"], Size: 20, CreationTime: now}}
	f.apply(&r.Cache)
	r.ID = s.newID("imc-")
	for s.find(r.ID) != nil {
		r.ID = s.newID("imc-")
	}
	r.ContainerGroupID = s.newID("eci-")
	if r.Flash {
		r.FlashSnapshotID = s.newID("s-")
	}
	s.seq++
	r.seq = s.seq
	r.Digests = s.digests(r.Images)
	s.scheduleCreate(r, now, StatusPreparing)
	s.add(r)
	return map[string]any{"ImageCacheId": r.ID, "ContainerGroupId": r.ContainerGroupID}, nil
}

func (s *Server) update(p params, now time.Time) (map[string]any, *apiError) {
	id := p["ImageCacheId"]
	if id == "" {
		return nil, errMissing("ImageCacheId")
	}
	f, err := parseFields(p, false)
	if err != nil {
		return nil, err
	}
	r := s.find(id)
	if r == nil || r.Region != p["RegionId"] {
		return nil, errNotFound(id)
	}
	if r.Status != StatusReady && r.Status != StatusUpdateFailed {
		return nil, newError(http.StatusBadRequest, "ImageCache.IncorrectStatus",
			"The image cache %s is %s; only a cache in Ready or UpdateFailed can be updated.", id, r.Status)
	}
	if f.tags = s.updateTags(&r.Cache, f.tags); len(f.tags) > maxTags {
		return nil, errTagCount(id, len(f.tags))
	}
	if !f.changes(&r.Cache) {
		return nil, errNoNeedUpdate
	}
	f.apply(&r.Cache)
	if r.Flash && r.FlashSnapshotID == "" {
		r.FlashSnapshotID = s.newID("s-")
	}
	r.Digests = s.digests(r.Images)
	s.scheduleUpdate(r, now)
	s.watch(r)
	return map[string]any{}, nil
}

// digests resolves images with Config.Resolve: what a cache built now holds. Nil
// without a resolver.
func (s *Server) digests(images []string) map[string]string {
	if s.resolve == nil {
		return nil
	}
	out := map[string]string{}
	for _, img := range images {
		if d := s.resolve(img); d != "" {
			out[img] = d
		}
	}
	return out
}

func (s *Server) delete(p params, now time.Time) (map[string]any, *apiError) {
	id := p["ImageCacheId"]
	if id == "" {
		return nil, errMissing("ImageCacheId")
	}
	r := s.find(id)
	if r == nil || r.Region != p["RegionId"] {
		return nil, errNotFound(id)
	}
	s.changed(r, HistoryDeleted, now)
	s.remove(r)
	return map[string]any{}, nil
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

func (s *Server) describe(p params, _ time.Time) (map[string]any, *apiError) {
	limit := defaultLimit
	if v, ok := p["Limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return nil, errInvalid("Limit", fmt.Sprintf("It must be between 1 and %d.", maxLimit))
		}
		limit = n
	}
	match, filtered, err := describeFilter(p)
	if err != nil {
		return nil, err
	}
	var after *record
	if tok := p["NextToken"]; tok != "" {
		if after = s.fromToken(tok); after == nil {
			return nil, errInvalid("NextToken", "It is not a token this API returned.")
		}
	}
	// The candidates, in creation order: the one cache an ImageCacheId names, else the
	// region's caches. Without other filters a page is found by binary search and costs
	// O(page); a filtered listing scans the region.
	candidates := s.byRegion[p["RegionId"]]
	if id := p["ImageCacheId"]; id != "" {
		candidates = nil
		if r := s.byID[id]; r != nil {
			candidates = []*record{r}
		}
	}
	if filtered {
		var matched []*record
		for _, r := range candidates {
			if match(r) {
				matched = append(matched, r)
			}
		}
		candidates = matched
	}
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(candidates, after, compareRecords)
		if start < len(candidates) && compareRecords(candidates[start], after) == 0 {
			start++
		}
	}
	end := min(start+limit, len(candidates))
	page := make([]wireCache, 0, end-start)
	for _, r := range candidates[start:end] {
		page = append(page, toWire(r))
	}
	next := ""
	if end < len(candidates) {
		next = token(candidates[end-1])
	}
	return map[string]any{"TotalCount": len(candidates), "NextToken": next, "ImageCaches": page}, nil
}

// token encodes the position after r, so a page stays right when caches come and go.
func token(r *record) string {
	raw := fmt.Sprintf("%d.%d", r.CreationTime.UnixNano(), r.seq)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// fromToken decodes a NextToken into a position (a record that need not exist).
func (s *Server) fromToken(tok string) *record {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil
	}
	a, b, ok := strings.Cut(string(raw), ".")
	nanos, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	return &record{Cache: Cache{CreationTime: time.Unix(0, nanos).UTC()}, seq: seq}
}

// describeFilter builds the filter of DescribeImageCaches: every given filter must match,
// each by exact equality (Image: one of the cache's images; MatchImage.N: at least one
// of the listed images, all of them with ImageFullMatch=true, at least N with
// ImageMatchCountRequest=N; Tag.N: the key with that value, or any value when Value is
// not sent). filtered reports whether
// any filter besides RegionId and ImageCacheId was given (those two the index answers).
func describeFilter(p params) (match func(*record) bool, filtered bool, err *apiError) {
	tags, err := p.items("Tag", maxTags)
	if err != nil {
		return nil, false, err
	}
	matchImages, err := p.strings("MatchImage", maxImages)
	if err != nil {
		return nil, false, err
	}
	eq := func(name string, got func(*record) string) func(*record) bool {
		want, ok := p[name]
		if !ok || want == "" {
			return nil
		}
		return func(r *record) bool { return got(r) == want }
	}
	var preds []func(*record) bool
	for _, pred := range []func(*record) bool{
		eq("ImageCacheName", func(r *record) string { return r.Name }),
		eq("ResourceGroupId", func(r *record) string { return r.ResourceGroupID }),
		eq("SnapshotId", func(r *record) string { return r.SnapshotID }),
	} {
		if pred != nil {
			preds = append(preds, pred)
		}
	}
	if img := p["Image"]; img != "" {
		preds = append(preds, func(r *record) bool { return slices.Contains(r.Images, img) })
	}
	full, err := p.bool("ImageFullMatch")
	if err != nil {
		return nil, false, err
	}
	countRequest, err := p.int32("ImageMatchCountRequest")
	if err != nil {
		return nil, false, err
	}
	if (full != nil || countRequest != nil) && matchImages == nil {
		return nil, false, errInvalid("MatchImage", "ImageFullMatch and ImageMatchCountRequest need MatchImage.N.")
	}
	if countRequest != nil && *countRequest < 1 {
		return nil, false, errInvalid("ImageMatchCountRequest", "It must be 1 or more.")
	}
	if matchImages != nil {
		// A cache matches when it holds at least need of the listed images: one by
		// default, all of them with ImageFullMatch=true (which wins), N with
		// ImageMatchCountRequest=N.
		need := 1
		if countRequest != nil {
			need = int(*countRequest)
		}
		if full != nil && *full {
			need = len(matchImages)
		}
		preds = append(preds, func(r *record) bool {
			n := 0
			for _, m := range matchImages {
				if slices.Contains(r.Images, m) {
					n++
				}
			}
			return n >= need
		})
	}
	for _, t := range tags {
		key := t["Key"]
		value, hasValue := t["Value"]
		preds = append(preds, func(r *record) bool {
			v, ok := r.Tags[key]
			return ok && (!hasValue || v == value)
		})
	}
	region := p["RegionId"]
	return func(r *record) bool {
		if r.Region != region {
			return false
		}
		for _, pred := range preds {
			if !pred(r) {
				return false
			}
		}
		return true
	}, len(preds) > 0 || p["ImageCacheId"] != "", nil
}

// wireCache is one element of DescribeImageCaches' ImageCaches, keys as the API spells them.
type wireCache struct {
	ImageCacheId        string      `json:"ImageCacheId"`
	ImageCacheName      string      `json:"ImageCacheName"`
	ImageCacheSize      int32       `json:"ImageCacheSize"`
	Images              []string    `json:"Images"`
	Status              string      `json:"Status"`
	Progress            string      `json:"Progress"`
	CreationTime        string      `json:"CreationTime"`
	ExpireDateTime      string      `json:"ExpireDateTime"`
	LastMatchedTime     string      `json:"LastMatchedTime"`
	ContainerGroupId    string      `json:"ContainerGroupId"`
	SnapshotId          string      `json:"SnapshotId"`
	FlashSnapshotId     string      `json:"FlashSnapshotId"`
	EliminationStrategy string      `json:"EliminationStrategy"`
	RegionId            string      `json:"RegionId"`
	ResourceGroupId     string      `json:"ResourceGroupId"`
	Tags                []wireTag   `json:"Tags"`
	Events              []wireEvent `json:"Events"`
}

type wireTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type wireEvent struct {
	Count          int32  `json:"Count"`
	Type           string `json:"Type"`
	Name           string `json:"Name"`
	Message        string `json:"Message"`
	Reason         string `json:"Reason"`
	FirstTimestamp string `json:"FirstTimestamp"`
	LastTimestamp  string `json:"LastTimestamp"`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func toWire(r *record) wireCache {
	w := wireCache{
		ImageCacheId: r.ID, ImageCacheName: r.Name, ImageCacheSize: r.Size,
		Images: slices.Clone(r.Images), Status: r.Status, Progress: progress(r.Status),
		CreationTime: formatTime(r.CreationTime), ExpireDateTime: formatTime(r.expireTime()),
		LastMatchedTime: formatTime(r.LastMatchedTime), ContainerGroupId: r.ContainerGroupID,
		SnapshotId: r.SnapshotID, FlashSnapshotId: r.FlashSnapshotID,
		EliminationStrategy: r.EliminationStrategy, RegionId: r.Region, ResourceGroupId: r.ResourceGroupID,
		Tags: []wireTag{}, Events: []wireEvent{},
	}
	if w.Images == nil {
		w.Images = []string{}
	}
	for _, k := range sortedKeys(r.Tags) {
		w.Tags = append(w.Tags, wireTag{Key: k, Value: r.Tags[k]})
	}
	for _, e := range r.Events {
		w.Events = append(w.Events, wireEvent{
			Count: e.Count, Type: e.Type, Name: e.Name, Message: e.Message, Reason: e.Reason,
			FirstTimestamp: formatTime(e.FirstTimestamp), LastTimestamp: formatTime(e.LastTimestamp),
		})
	}
	return w
}
