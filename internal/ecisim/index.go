package ecisim

import (
	"container/heap"
	"slices"
	"time"
)

// index keeps the stored caches reachable without a scan, so that a request costs
// O(page) however many caches the emulator holds: by ID, per region in creation order,
// and, in a heap by time, the caches that have a status transition or an expiry ahead.
// Server.caches stays the list of every cache; the index follows it through add and
// remove. Called with s.mu held, like everything that touches caches.
type index struct {
	byID     map[string]*record
	byRegion map[string][]*record // creation order (before)
	wakes    wakeHeap
}

// add stores r.
func (s *Server) add(r *record) {
	s.caches = append(s.caches, r)
	if s.byID == nil {
		s.byID, s.byRegion = map[string]*record{}, map[string][]*record{}
	}
	s.byID[r.ID] = r
	list := s.byRegion[r.Region]
	i, _ := slices.BinarySearchFunc(list, r, compareRecords)
	s.byRegion[r.Region] = slices.Insert(list, i, r)
	s.watch(r)
}

// remove forgets r.
func (s *Server) remove(r *record) {
	s.caches = slices.DeleteFunc(s.caches, func(x *record) bool { return x == r })
	delete(s.byID, r.ID)
	list := s.byRegion[r.Region]
	if i, ok := slices.BinarySearchFunc(list, r, compareRecords); ok {
		s.byRegion[r.Region] = slices.Delete(list, i, i+1)
	}
	r.removed = true
}

// find returns the cache with this ID in any region, or nil.
func (s *Server) find(id string) *record { return s.byID[id] }

// watch schedules a visit of r by advance at its next transition or expiry. Call it
// whenever r's steps, status or retention change.
func (s *Server) watch(r *record) {
	if at := r.nextWake(); !at.IsZero() {
		heap.Push(&s.wakes, wake{at: at, r: r})
	}
}

// advance applies the transitions that are due at now and drops the caches that have
// expired: those past their RetentionDays, and Failed ones a day after failing. It
// visits only the caches with something due.
func (s *Server) advance(now time.Time) {
	for len(s.wakes) > 0 && !s.wakes[0].at.After(now) {
		w := heap.Pop(&s.wakes).(wake)
		r := w.r
		if r.removed || !w.at.Equal(r.nextWake()) {
			continue // an older visit; the current one is in the heap too
		}
		s.step(r, now)
		if r.expired(now) {
			s.changed(r, HistoryExpired, now)
			s.remove(r)
			continue
		}
		s.watch(r)
	}
}

// step applies r's transitions that are due at now.
func (s *Server) step(r *record, now time.Time) {
	for len(r.steps) > 0 && !r.steps[0].at.After(now) {
		st := r.steps[0]
		r.steps = r.steps[1:]
		r.Status, r.StatusSince = st.status, st.at
		s.changed(r, st.status, st.at)
		if st.event != nil {
			r.addEvent(*st.event)
		}
		if st.snapshot {
			r.SnapshotID = s.newID("s-")
		}
	}
}

// nextWake is when r next needs advance: its next transition, its expiry, or the end
// of a Failed cache's retention, whichever comes first; zero for none.
func (r *record) nextWake() time.Time {
	var at time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	if len(r.steps) > 0 {
		earliest(r.steps[0].at)
	}
	earliest(r.expireTime())
	if r.Status == StatusFailed {
		earliest(r.StatusSince.Add(failedRetention))
	}
	return at
}

// expired reports whether r is to be dropped at now.
func (r *record) expired(now time.Time) bool {
	if exp := r.expireTime(); !exp.IsZero() && !exp.After(now) {
		return true
	}
	return r.Status == StatusFailed && !r.StatusSince.Add(failedRetention).After(now)
}

// compareRecords orders caches by creation time, then by creation sequence.
func compareRecords(a, b *record) int {
	if c := a.CreationTime.Compare(b.CreationTime); c != 0 {
		return c
	}
	return int(a.seq - b.seq)
}

// wake is a visit of a cache that advance owes at a time.
type wake struct {
	at time.Time
	r  *record
}

// wakeHeap is a min-heap of visits by time (container/heap).
type wakeHeap []wake

func (h wakeHeap) Len() int           { return len(h) }
func (h wakeHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h wakeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *wakeHeap) Push(x any)        { *h = append(*h, x.(wake)) }
func (h *wakeHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	return w
}
