package applier

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
)

// Tag changes of existing caches go through TagResources and UntagResources, never
// through UpdateImageCache: the tag API's semantics are documented (add or overwrite;
// remove), it changes metadata only, so it needs no status precondition, and one call
// covers up to eci.MaxTagResources caches. Caches of one region that need the same tags
// set, or the same keys removed, share a call.

// tagWork is a cache's share of the tag calls of one round: what its change asks of the
// tag API, and what the calls answered.
type tagWork struct {
	set    map[string]string // TagResources: keys to add or overwrite
	remove []string          // UntagResources: keys to remove
	sent   planner.Request   // the change's whole request, for answer and verification
	err    error             // the first failed tag call's error
	calls  int               // tag calls sent for the cache, retries included
}

// prepareTags gives a task whose change sends tags its tagWork, to be sent by sendTags
// once the task's own call (if any) was accepted. It reports whether there is any.
func prepareTags(t *task, req planner.Request) (bool, error) {
	if t.change.Action != planner.Update {
		return false, nil
	}
	set, remove, err := t.change.TagDelta()
	if err != nil || (len(set) == 0 && len(remove) == 0) {
		return false, err
	}
	t.tags = &tagWork{set: set, remove: remove, sent: req}
	return true, nil
}

// tagBatch is one TagResources (untag false) or UntagResources call.
type tagBatch struct {
	region string
	untag  bool
	tags   []eci.Tag // TagResources
	keys   []string  // UntagResources
	tasks  []*task
}

// tagBatches groups the tasks' tag work into calls: one per region and identical tag set
// (or identical keys to remove), each naming at most eci.MaxTagResources caches. The
// order follows the tasks' order, so it is deterministic.
func tagBatches(tasks []*task) []*tagBatch {
	var out []*tagBatch
	open := map[string]*tagBatch{}
	add := func(t *task, untag bool, key string, tags []eci.Tag, keys []string) {
		b := open[key]
		if b == nil || len(b.tasks) == eci.MaxTagResources {
			b = &tagBatch{region: t.change.Region, untag: untag, tags: tags, keys: keys}
			open[key] = b
			out = append(out, b)
		}
		b.tasks = append(b.tasks, t)
	}
	for _, t := range tasks {
		if len(t.tags.remove) > 0 {
			add(t, true, t.change.Region+"\x00untag\x00"+strings.Join(t.tags.remove, "\x00"), nil, t.tags.remove)
		}
		if len(t.tags.set) > 0 {
			list := tags(t.tags.set)
			var key strings.Builder
			key.WriteString(t.change.Region + "\x00tag")
			for _, tg := range list {
				key.WriteString("\x00" + tg.Key + "\x00" + tg.Value)
			}
			add(t, false, key.String(), list, nil)
		}
	}
	return out
}

// sendTags makes the tag calls of the due tasks that have tag work, batched, at most
// opts.Parallelism at once, the removals before the additions, and then answers each
// such task: accepted when all its tag calls were, otherwise with the first failure.
func (r *runner) sendTags(ctx context.Context, due []*task) {
	var pending []*task
	for _, t := range due {
		if t.tags != nil && t.stage != StageDone {
			pending = append(pending, t)
		}
	}
	if len(pending) == 0 {
		return
	}
	var mu sync.Mutex // guards the tasks' tagWork and outcomes: a task may be in two batches
	sending := func(b *tagBatch) {
		mu.Lock()
		defer mu.Unlock()
		for _, t := range b.tasks {
			r.progress(t, Sending, "sending tags")
		}
	}
	record := func(b *tagBatch, attempts int, err error) {
		mu.Lock()
		defer mu.Unlock()
		for _, t := range b.tasks {
			t.tags.calls += attempts
			if err != nil && t.tags.err == nil {
				t.tags.err = err
			}
		}
	}
	// Removals go first, so that a cache at the tag limit can swap a key for another.
	batches := tagBatches(pending)
	for _, untag := range []bool{true, false} {
		r.sendTagBatches(ctx, batches, untag, sending, record)
	}
	for _, t := range pending {
		w := t.tags
		t.tags = nil
		t.out.Attempts += w.calls
		r.answer(t, sent{req: w.sent, tagSet: w.set, tagRemove: w.remove}, w.err)
	}
}

// sendTagBatches sends the UntagResources (untag) or the TagResources batches, at most
// opts.Parallelism at once, and waits for them.
func (r *runner) sendTagBatches(ctx context.Context, batches []*tagBatch, untag bool, sending func(*tagBatch), record func(*tagBatch, int, error)) {
	var g errgroup.Group
	g.SetLimit(r.opts.Parallelism)
	for _, b := range batches {
		if b.untag != untag {
			continue
		}
		g.Go(func() error {
			sending(b)
			attempts, err := r.sendTagBatch(ctx, b)
			if errors.Is(err, eci.ErrNotFound) && len(b.tasks) > 1 {
				// One cache is gone and the call was refused whole: find it by tagging
				// each cache on its own.
				record(b, attempts, nil)
				for _, t := range b.tasks {
					one := &tagBatch{region: b.region, untag: b.untag, tags: b.tags, keys: b.keys, tasks: []*task{t}}
					n, err := r.sendTagBatch(ctx, one)
					record(one, n, err)
				}
				return nil
			}
			record(b, attempts, err)
			return nil
		})
	}
	_ = g.Wait() // the goroutines return nil
}

// sendTagBatch sends one tag call, with retries, and returns the number of tries.
func (r *runner) sendTagBatch(ctx context.Context, b *tagBatch) (int, error) {
	ids := make([]string, len(b.tasks))
	for i, t := range b.tasks {
		ids[i] = cmp.Or(t.change.ID, t.out.ID)
	}
	if !b.untag {
		// TagResources takes no ClientToken; setting the same values twice is one effect.
		return r.call(ctx, func(c context.Context) error { return r.client.Tag(c, b.region, ids, b.tags) })
	}
	token := untagToken(r.opts.RunID, b)
	return r.call(ctx, func(c context.Context) error { return r.client.Untag(c, b.region, ids, b.keys, token) })
}

// untagToken is the ClientToken of an UntagResources call: the run's ID and a digest of
// the keys and the ClientTokens of the batched changes, so a retry sends the same one
// and a later run another.
func untagToken(runID string, b *tagBatch) string {
	h := sha256.New()
	h.Write([]byte("UntagResources\x00" + b.region + "\x00" + strings.Join(b.keys, "\x00")))
	for _, t := range b.tasks {
		h.Write([]byte{0})
		h.Write([]byte(clientToken(runID, t.change, planner.Update, t.tags.sent)))
	}
	return "imcsync-" + runID + "-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// tagsOnly reports whether applying ch to an existing cache sends nothing but tags: no
// UpdateImageCache, and so no status precondition.
func tagsOnly(ch planner.Change) bool {
	return ch.Action == planner.Update && ch.TagsOnly()
}

// tags turns a tag set into the list the API takes, sorted by key.
func tags(m map[string]string) []eci.Tag {
	var out []eci.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, eci.Tag{Key: k, Value: m[k]})
	}
	return out
}
