package ecisim

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// failedRetention is how long a cache whose creation failed is kept (one day, as
// the RetentionDays documentation of CreateImageCache says).
const failedRetention = 24 * time.Hour

// maxEvents bounds a cache's event list; the oldest are dropped.
const maxEvents = 20

// record is a stored cache with its pending status transitions. Status is computed
// lazily: advance applies the steps whose time has come, so moving a ManualClock moves
// the caches along.
type record struct {
	Cache
	seq     int64 // creation order among equal creation times
	steps   []step
	removed bool // deleted or expired: no longer in the index
}

// step is a future status change.
type step struct {
	at       time.Time
	status   string
	event    *Event
	snapshot bool // assign a SnapshotId when reached
}

func (s *Server) transition() time.Duration {
	if s.settings.Transition > 0 {
		return time.Duration(s.settings.Transition)
	}
	return DefaultTransition
}

func (s *Server) failPattern(update bool) string {
	f := s.settings.Faults
	if update {
		return cmp.Or(f.FailUpdateImage, "fail-update")
	}
	return cmp.Or(f.FailCreateImage, "fail-create")
}

// failingImage returns the first image matching the create or update fail pattern.
func (s *Server) failingImage(images []string, update bool) string {
	pattern := s.failPattern(update)
	for _, img := range images {
		if strings.Contains(img, pattern) {
			return img
		}
	}
	return ""
}

func (s *Server) event(r *record, at time.Time, typ, reason, message string) *Event {
	return &Event{
		Type: typ, Reason: reason, Message: message, Count: 1,
		Name:           fmt.Sprintf("%s.%x", r.Name, at.UnixNano()),
		FirstTimestamp: at, LastTimestamp: at,
	}
}

func pullFailure(image string) string {
	return fmt.Sprintf("Failed to pull image %q: rpc error: code = NotFound desc = failed to resolve reference %q: not found", image, image)
}

// scheduleCreate puts r in Preparing at from; Creating and the outcome follow.
func (s *Server) scheduleCreate(r *record, from time.Time, status string) {
	t := s.transition()
	r.Status, r.StatusSince = status, from
	s.changed(r, status, from)
	var end time.Time
	r.steps = nil
	if status == StatusPreparing {
		r.addEvent(*s.event(r, from, "Normal", "Started", "Successfully check image cache resource."))
		r.steps = append(r.steps, step{at: from.Add(t), status: StatusCreating})
		end = from.Add(2 * t)
	} else {
		end = from.Add(t)
	}
	if img := s.failingImage(r.Images, false); img != "" {
		r.steps = append(r.steps, step{at: end, status: StatusFailed, event: s.event(r, end, "Warning", "Failed", pullFailure(img))})
		return
	}
	r.steps = append(r.steps, step{at: end, status: StatusReady, snapshot: true,
		event: s.event(r, end, "Normal", "Created", "Successfully created image cache.")})
}

// scheduleUpdate puts r in Updating at from; Ready or UpdateFailed follows.
func (s *Server) scheduleUpdate(r *record, from time.Time) {
	end := from.Add(s.transition())
	r.Status, r.StatusSince = StatusUpdating, from
	s.changed(r, StatusUpdating, from)
	r.addEvent(*s.event(r, from, "Normal", "Updating", "Started to update image cache."))
	if img := s.failingImage(r.Images, true); img != "" {
		r.steps = []step{{at: end, status: StatusUpdateFailed, event: s.event(r, end, "Warning", "UpdateFailed", pullFailure(img))}}
		return
	}
	r.steps = []step{{at: end, status: StatusReady, snapshot: true,
		event: s.event(r, end, "Normal", "Updated", "Successfully updated image cache.")}}
}

func (r *record) addEvent(e Event) {
	r.Events = append(r.Events, e)
	if n := len(r.Events); n > maxEvents {
		r.Events = slices.Clone(r.Events[n-maxEvents:])
	}
}

func (r *record) expireTime() time.Time {
	if !r.ExpireDateTime.IsZero() {
		return r.ExpireDateTime
	}
	if r.RetentionDays <= 0 {
		return time.Time{}
	}
	return r.CreationTime.AddDate(0, 0, int(r.RetentionDays))
}

func progress(status string) string {
	switch status {
	case StatusPreparing, StatusFailed:
		return "0%"
	case StatusCreating:
		return "50%"
	}
	return "100%"
}

// load installs the state's caches. Called before the server is shared.
func (s *Server) load(caches []Cache) error {
	now := s.clock.Now().UTC()
	ids := map[string]bool{}
	for i, c := range caches {
		r := &record{Cache: cloneCache(c)}
		if r.ID == "" {
			r.ID = s.newID("imc-")
			for ids[r.ID] {
				r.ID = s.newID("imc-")
			}
		}
		if ids[r.ID] {
			return fmt.Errorf("caches[%d]: duplicate id %s", i, r.ID)
		}
		ids[r.ID] = true
		if r.Status == "" {
			r.Status = StatusReady
		}
		if r.Size == 0 {
			r.Size = 20
		}
		if r.CreationTime.IsZero() {
			r.CreationTime = now
		}
		if r.StatusSince.IsZero() {
			r.StatusSince = now
		}
		if r.ContainerGroupID == "" {
			r.ContainerGroupID = s.newID("eci-")
		}
		hashPasswords(r.ImageRegistryCredentials)
		events := r.Events
		switch r.Status {
		case StatusPreparing, StatusCreating:
			s.scheduleCreate(r, r.StatusSince, r.Status)
			r.Events = events
		case StatusUpdating:
			s.scheduleUpdate(r, r.StatusSince)
			r.Events = events
		default:
			if r.Status != StatusFailed && r.SnapshotID == "" {
				r.SnapshotID = s.newID("s-")
			}
		}
		s.seq++
		r.seq = s.seq
		s.add(r)
	}
	return nil
}

// State returns a snapshot of the settings and caches, as a state file would hold them.
func (s *Server) State() *State {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.clock.Now().UTC())
	st := &State{Settings: s.settings}
	st.Settings.Faults.Actions = maps.Clone(s.settings.Faults.Actions)
	st.Settings.Quota = maps.Clone(s.settings.Quota)
	for _, r := range s.sorted() {
		st.Caches = append(st.Caches, cloneCache(r.Cache))
	}
	return st
}

// SaveState writes State() to path (see State.Save).
func (s *Server) SaveState(path string) error { return s.State().Save(path) }

// sorted returns the caches in creation order. Called with s.mu held.
func (s *Server) sorted() []*record {
	out := slices.Clone(s.caches)
	slices.SortFunc(out, compareRecords)
	return out
}

func cloneCache(c Cache) Cache {
	c.Images = slices.Clone(c.Images)
	c.Tags = maps.Clone(c.Tags)
	c.Digests = maps.Clone(c.Digests)
	c.Events = slices.Clone(c.Events)
	c.ImageRegistryCredentials = slices.Clone(c.ImageRegistryCredentials)
	c.AcrRegistryInfos = slices.Clone(c.AcrRegistryInfos)
	for i := range c.AcrRegistryInfos {
		c.AcrRegistryInfos[i].Domains = slices.Clone(c.AcrRegistryInfos[i].Domains)
	}
	return c
}
