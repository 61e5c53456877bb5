package drift

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// FormatVersion is the report JSON's format_version.
const FormatVersion = "1"

// DefaultExpiringWithin is how far ahead DefaultOptions looks for expiring caches.
const DefaultExpiringWithin = 72 * time.Hour

// Options tune what the report calls drift.
type Options struct {
	// ExpiringWithin reports caches whose ExpireDateTime is before now plus this long;
	// zero reports only caches already past their expiry.
	ExpiringWithin time.Duration
}

// DefaultOptions returns the options `imcsync drift` uses without flags.
func DefaultOptions() Options { return Options{ExpiringWithin: DefaultExpiringWithin} }

// Report is the drift report: pure data, written as JSON as it is. Every list is sorted
// by (region, name, id) and is empty, never null, in JSON.
type Report struct {
	FormatVersion string `json:"format_version"`
	// CheckedAt is the time the report was made for.
	CheckedAt time.Time `json:"checked_at"`
	// Owner is the file's owner, "" when it has none.
	Owner string `json:"owner,omitempty"`
	// Prune is true when the report was made with --prune: unmanaged caches owned by
	// this file (apply --prune would delete them) then count as drift, as plan --prune
	// counts their deletes as changes.
	Prune     bool        `json:"prune,omitempty"`
	Drifted   []Drifted   `json:"drifted"`
	Missing   []Missing   `json:"missing"`
	Unmanaged []Unmanaged `json:"unmanaged"`
	Unhealthy []Unhealthy `json:"unhealthy"`
	Expiring  []Expiring  `json:"expiring"`
	// Unused lists the live caches no pod matched for --unused-for: a report, never
	// drift (waste is not a difference from Git).
	Unused []planner.Idle `json:"unused,omitempty"`
	// Storage is what the caches of the checked regions hold (GiB), with the month's
	// price when the user gave one.
	Storage *planner.Storage `json:"storage,omitempty"`
	// Coverage lists every workload read with the result the live caches give its pods
	// (After; Before is not set): a report, never drift. CoverageSummary counts it.
	Coverage        []coverage.Entry  `json:"coverage,omitempty"`
	CoverageSummary *coverage.Summary `json:"coverage_summary,omitempty"`
	Summary         Summary           `json:"summary"`
}

// Drifted is a declared cache whose live state differs from Git.
type Drifted struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Status string `json:"status"`
	// Action is what the plan does about it: update, or blocked (apply refuses it).
	Action planner.Action `json:"action"`
	// WaitsFor is set when the cache is busy: apply updates it once it has this status.
	WaitsFor string `json:"waits_for,omitempty"`
	// Fields names what differs, with YAML keys; a tag is named "tags.KEY".
	Fields []string `json:"fields"`
	// Changes are the same fields with their values: live (before) and declared (after).
	Changes []Diff `json:"changes"`
	// ReasonCode says why the change is blocked or rebuilds the cache (planner's codes);
	// Reason says it in words. Both "" for an update.
	ReasonCode planner.ReasonCode `json:"reason_code,omitempty"`
	Reason     string             `json:"reason,omitempty"`
	// Refresh lists the image tags that moved since the cache was built: apply
	// rebuilds it (action replace), or cannot (blocked).
	Refresh []planner.Refresh `json:"refresh,omitempty"`
}

// Diff is one field of a drifted cache that differs, a tag per key: its live value
// (Before) and the value Git declares (After); nil is "none".
type Diff struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	// BeforeState says why Before is nil although the field may have a value, as
	// planner.FieldChange.BeforeState does ("unknown" for a write-only field).
	BeforeState string `json:"before_state,omitempty"`
}

// Missing is a declared cache with no live cache.
type Missing struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	// ReasonCode says why apply cannot create it now (e.g. missing-required: no
	// vSwitchId); Reason says it in words. Both "" when it can.
	ReasonCode planner.ReasonCode `json:"reason_code,omitempty"`
	Reason     string             `json:"reason,omitempty"`
}

// Unmanaged is a live cache the file does not declare, as the plan lists it.
type Unmanaged struct {
	planner.Unmanaged
	// Owned is true when the ownership tag names this file's owner and no
	// imcsync:prune=false tag protects the cache: `apply --prune` would delete it.
	// Owned caches count as drift only in a report made with --prune (Report.Prune).
	Owned bool `json:"owned"`
}

// Unhealthy is a declared cache whose last operation failed.
type Unhealthy struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Status string `json:"status"`
	// Message is the cache's most recent Warning event, "" when it has none.
	Message string `json:"message,omitempty"`
}

// Expiring is a declared cache that expires soon, or has expired.
type Expiring struct {
	Region    string    `json:"region"`
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expires_at"`
	// ExpiresInSeconds is the time left at CheckedAt; negative once expired.
	ExpiresInSeconds int64 `json:"expires_in_seconds"`
}

// ExpiresIn is the time left at the report's CheckedAt.
func (e Expiring) ExpiresIn() time.Duration { return time.Duration(e.ExpiresInSeconds) * time.Second }

// Summary counts the report's entries.
type Summary struct {
	// Checked is the number of declared caches compared with the cloud.
	Checked   int `json:"checked"`
	Drifted   int `json:"drifted"`
	Missing   int `json:"missing"`
	Unhealthy int `json:"unhealthy"`
	Expiring  int `json:"expiring"`
	// Unmanaged counts every unmanaged cache; UnmanagedOwned those that are Owned.
	Unmanaged      int `json:"unmanaged"`
	UnmanagedOwned int `json:"unmanaged_owned"`
}

// InSync reports whether the cloud matches Git, by the rule plan follows (plan exits 2
// exactly when the report is not in sync, unhealthy caches apart): nothing drifted,
// missing or unhealthy, and, with --prune, no unmanaged cache owned by this file.
// Bookkeeping is never drift; expiring caches and unmanaged caches of other owners (or,
// without --prune, of this one) are reported, not counted.
func (r Report) InSync() bool {
	s := r.Summary
	return s.Drifted == 0 && s.Missing == 0 && s.Unhealthy == 0 && (!r.Prune || s.UnmanagedOwned == 0)
}

// Counts reports whether an unmanaged cache counts as drift: it is owned and the report
// was made with --prune.
func (r Report) Counts(u Unmanaged) bool { return u.Owned && r.Prune }

// MarshalJSON writes the report with its "in_sync" verdict.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	return json.Marshal(struct {
		plain
		InSync bool `json:"in_sync"`
	}{plain(r), r.InSync()})
}

// Build makes the report of a plan built from the live caches, at time now; a plan made
// with --prune makes a report that counts the caches it would delete. Live caches the
// plan does not name are ignored.
func Build(plan *planner.Plan, live []cloud.Cache, now time.Time, opts Options) Report {
	byID := make(map[string]*cloud.Cache, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	r := Report{
		FormatVersion: FormatVersion, CheckedAt: now, Owner: plan.Owner, Prune: plan.Prune,
		Drifted: []Drifted{}, Missing: []Missing{}, Unmanaged: []Unmanaged{},
		Unhealthy: []Unhealthy{}, Expiring: []Expiring{}, Unused: plan.Unused, Storage: plan.Storage,
	}
	for _, c := range plan.Changes {
		switch {
		case c.Action == planner.Delete:
			// Only a pruning plan has deletes: the cache is owned and unprotected.
			owner := ""
			if l := byID[c.ID]; l != nil {
				owner = ownership.Of(plan.Owner, l.Tags).Owner
			}
			r.Unmanaged = append(r.Unmanaged, Unmanaged{Owned: true, Unmanaged: planner.Unmanaged{
				Region: c.Region, Name: c.Name, ID: c.ID, Status: c.Status, Owner: owner, ReasonCode: c.ReasonCode, Reason: c.Reason}})
			continue
		case c.ID == "":
			// No live cache is paired: a create, or one that cannot go ahead.
			r.Missing = append(r.Missing, Missing{Region: c.Region, Name: c.Name, ReasonCode: c.ReasonCode, Reason: c.Reason})
			r.Summary.Checked++
			continue
		case unhealthyOnly(c):
			// Failed or UpdateFailed with the declared values: reported as unhealthy below.
		case c.Action == planner.Update && len(c.Fields) == 0:
			// Bookkeeping only (reserved tags, records): never drift.
		case len(c.Refresh) > 0:
			r.Drifted = append(r.Drifted, Drifted{Region: c.Region, Name: c.Name, ID: c.ID, Status: c.Status,
				Action: c.Action, Fields: []string{}, Changes: []Diff{}, ReasonCode: c.ReasonCode, Reason: c.Reason, Refresh: c.Refresh})
		case c.Action == planner.Update || c.Action == planner.Blocked:
			diffs := changedFields(c.Fields)
			names := make([]string, len(diffs))
			for i, d := range diffs {
				names[i] = d.Field
			}
			r.Drifted = append(r.Drifted, Drifted{Region: c.Region, Name: c.Name, ID: c.ID, Status: c.Status,
				Action: c.Action, WaitsFor: c.WaitsFor, Fields: names, Changes: diffs, ReasonCode: c.ReasonCode, Reason: c.Reason})
		}
		r.Summary.Checked++
		if l := byID[c.ID]; l != nil {
			r.health(l, now, opts)
		}
	}
	for _, u := range plan.Unmanaged {
		tags := map[string]string{spec.OwnerTag: u.Owner}
		if l := byID[u.ID]; l != nil {
			tags = l.Tags
		}
		owned := ownership.Of(plan.Owner, tags).State == ownership.Owned
		r.Unmanaged = append(r.Unmanaged, Unmanaged{Unmanaged: u, Owned: owned})
	}

	sortByCache(r.Drifted, func(d Drifted) (string, string, string) { return d.Region, d.Name, d.ID })
	sortByCache(r.Missing, func(m Missing) (string, string, string) { return m.Region, m.Name, "" })
	sortByCache(r.Unmanaged, func(u Unmanaged) (string, string, string) { return u.Region, u.Name, u.ID })
	sortByCache(r.Unhealthy, func(u Unhealthy) (string, string, string) { return u.Region, u.Name, u.ID })
	sortByCache(r.Expiring, func(e Expiring) (string, string, string) { return e.Region, e.Name, e.ID })

	r.Summary.Drifted = len(r.Drifted)
	r.Summary.Missing = len(r.Missing)
	r.Summary.Unhealthy = len(r.Unhealthy)
	r.Summary.Expiring = len(r.Expiring)
	r.Summary.Unmanaged = len(r.Unmanaged)
	for _, u := range r.Unmanaged {
		if u.Owned {
			r.Summary.UnmanagedOwned++
		}
	}
	return r
}

// unhealthyOnly reports a change blocked only because its cache is Failed or
// UpdateFailed: its fields equal the file.
func unhealthyOnly(c planner.Change) bool {
	st := cloud.Status(c.Status)
	return c.Action == planner.Blocked && len(c.Fields) == 0 && (st == cloud.Failed || st == cloud.UpdateFailed)
}

// health adds a declared live cache to the unhealthy and expiring lists as it belongs.
func (r *Report) health(l *cloud.Cache, now time.Time, opts Options) {
	if l.Status == cloud.UpdateFailed || l.Status == cloud.Failed {
		r.Unhealthy = append(r.Unhealthy, Unhealthy{Region: l.Region, Name: l.Name, ID: l.ID,
			Status: string(l.Status), Message: l.LastWarning()})
	}
	if exp := l.ExpireDateTime; !exp.IsZero() && exp.Before(now.Add(opts.ExpiringWithin)) {
		r.Expiring = append(r.Expiring, Expiring{Region: l.Region, Name: l.Name, ID: l.ID,
			Status: string(l.Status), ExpiresAt: exp, ExpiresInSeconds: int64(exp.Sub(now) / time.Second)})
	}
}

// changedFields lists the fields of a change with their values; a tag change is one
// entry per key ("tags.team"). Reserved tags are bookkeeping, never a field, so never
// named.
func changedFields(fcs []planner.FieldChange) []Diff {
	out := []Diff{}
	for _, fc := range fcs {
		before, okB := fc.Before.(map[string]any)
		after, okA := fc.After.(map[string]any)
		if fc.Field != "tags" || !okB || !okA {
			out = append(out, Diff{Field: fc.Field, Before: fc.Before, After: fc.After, BeforeState: fc.BeforeState})
			continue
		}
		keys := slices.Sorted(maps.Keys(before))
		for k := range after {
			if _, ok := before[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			b, inB := before[k]
			a, inA := after[k]
			if inB != inA || a != b {
				out = append(out, Diff{Field: "tags." + k, Before: b, After: a})
			}
		}
	}
	return out
}

// sortByCache sorts entries by the (region, name, id) key returns.
func sortByCache[T any](s []T, key func(T) (string, string, string)) {
	slices.SortFunc(s, func(a, b T) int {
		ar, an, ai := key(a)
		br, bn, bi := key(b)
		return cmp.Or(strings.Compare(ar, br), strings.Compare(an, bn), strings.Compare(ai, bi))
	})
}
