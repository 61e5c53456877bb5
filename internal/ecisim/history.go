package ecisim

import (
	"slices"
	"strings"
	"time"
)

// maxHistory is how many of the latest status changes History returns; older ones are
// dropped.
const maxHistory = 10000

// The statuses History records besides the documented ones: the cache left the listing.
const (
	HistoryDeleted = "Deleted" // DeleteImageCache
	HistoryExpired = "Expired" // past its retention (or a Failed cache's day)
)

// StatusChange is one entry of the status history: at At (the emulator's clock), the
// cache ID (named Name, caching Images in Region) reached Status.
type StatusChange struct {
	At     time.Time `json:"at"`
	Region string    `json:"region"`
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Images []string  `json:"images"`
	Status string    `json:"status"`
}

// History returns every status change since the server started (or the last
// ResetHistory), in the order they happened. It starts with one entry per cache the
// state held, at its status when the server started.
func (s *Server) History() []StatusChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.clock.Now().UTC())
	out := slices.Clone(s.history[max(0, len(s.history)-maxHistory):])
	for i := range out {
		out[i].Images = slices.Clone(out[i].Images)
	}
	return out
}

// ResetHistory empties the status history.
func (s *Server) ResetHistory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history = nil
}

// changed records that r reached status at at. Called with s.mu held.
func (s *Server) changed(r *record, status string, at time.Time) {
	if len(s.history) >= 2*maxHistory { // drop the older half at once: O(1) per change
		s.history = slices.Clone(s.history[len(s.history)-maxHistory:])
	}
	s.history = append(s.history, StatusChange{At: at, Region: r.Region, ID: r.ID, Name: r.Name,
		Images: r.Images, Status: status})
}

// ReadyGap is a stretch of time in which no cache of a set of images was Ready.
type ReadyGap struct {
	From, To time.Time
	// After names the change that ended the last Ready cache.
	After StatusChange
}

// ReadyGaps walks a status history and returns the stretches, after the first moment
// some cache of images (in region, compared as a set) was Ready, in which none was. A
// gap still open at the end of the history ends at its last entry's time. Tests use it
// to show that rebuilding a cache never leaves its images without a Ready cache.
func ReadyGaps(history []StatusChange, region string, images []string) []ReadyGap {
	key := imagesKey(images)
	ready := map[string]bool{}
	var gaps []ReadyGap
	var open *ReadyGap
	seen := false
	for _, h := range history {
		if h.Region != region || imagesKey(h.Images) != key {
			continue
		}
		if h.Status == StatusReady {
			ready[h.ID], seen = true, true
		} else {
			delete(ready, h.ID)
		}
		switch {
		case len(ready) > 0 && open != nil:
			open.To = h.At
			gaps = append(gaps, *open)
			open = nil
		case len(ready) == 0 && seen && open == nil:
			open = &ReadyGap{From: h.At, After: h}
		}
	}
	if open != nil && len(history) > 0 {
		open.To = history[len(history)-1].At
		gaps = append(gaps, *open)
	}
	return gaps
}

func imagesKey(images []string) string {
	s := slices.Clone(images)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), "\n")
}
