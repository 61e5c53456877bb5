package reconcile

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/planner"
)

// NewLogger returns the loop's logger on w: format "json", "text", or "auto" (text on a
// terminal, JSON otherwise, for log collectors).
func NewLogger(w io.Writer, format string, terminal bool) (*slog.Logger, error) {
	switch {
	case format == "json", format == "auto" && !terminal:
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	case format == "text", format == "auto":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want auto, json or text", format)
}

// logCycle writes the cycle's line: its result and counts.
func (l *Loop) logCycle(ctx context.Context, c Cycle) {
	level := slog.LevelInfo
	switch c.Result {
	case Drift, Interrupted:
		level = slog.LevelWarn
	case Failed, Error:
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("result", string(c.Result)),
		slog.Int64("duration_ms", c.Duration.Milliseconds()),
		slog.Bool("file_valid", c.FileValid),
	}
	if s := c.Caches; s != nil {
		attrs = append(attrs, slog.Group("caches", "in_sync", s.InSync, "drifted", s.Drifted, "missing", s.Missing,
			"unhealthy", s.Unhealthy, "prunable", s.Prunable, "unmanaged", s.Unmanaged))
		p := c.Plan
		attrs = append(attrs, slog.Group("plan", "create", p.Create, "update", p.Update, "delete", p.Delete,
			"replace", p.Replace, "blocked", p.Blocked, "noop", p.Noop, "bookkeeping", p.Bookkeeping))
	}
	if len(c.Refreshes) > 0 {
		attrs = append(attrs, slog.Any("refresh", c.Refreshes))
	}
	if c.Unused > 0 {
		attrs = append(attrs, slog.Int("unused", c.Unused))
	}
	if a := c.Applied; a != (applier.Summary{}) {
		attrs = append(attrs, slog.Group("applied", "created", a.Created, "updated", a.Updated, "deleted", a.Deleted,
			"replaced", a.Replaced, "unchanged", a.Unchanged, "recorded", a.Recorded, "blocked", a.Blocked, "failed", a.Failed, "stale", a.Stale, "skipped", a.Skipped, "sent", a.Sent))
	}
	if c.Err != nil {
		attrs = append(attrs, slog.String("error", c.Err.Error()))
	}
	l.log.LogAttrs(ctx, level, "cycle", attrs...)
}

// logChange writes one line per change apply finished: what was done to which cache,
// with each planned field's value before → after (change.Fields; a write-only field's
// old value is "(recorded value)" or "(unknown)"), or why not (the API's message, the
// reason it is blocked). A change that wrote only imcsync's reserved tags says so
// (bookkeeping). Caches left unchanged are only counted in the cycle's line.
func (l *Loop) logChange(ctx context.Context, o applier.Outcome, change *planner.Change) {
	if o.Result == applier.InProgress || o.Result == applier.Unchanged {
		return
	}
	level := slog.LevelInfo
	switch {
	case o.Result == applier.Sent:
		level = slog.LevelWarn // accepted, not verified: the next cycle reads it again
	case !o.Result.Converged():
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("region", o.Region), slog.String("name", o.Name), slog.String("id", o.ID),
		slog.String("action", string(o.Action)), slog.String("result", string(o.Result)),
		slog.String("status", string(o.Status)), slog.Int("attempts", o.Attempts),
		slog.Int64("duration_ms", o.Duration.Milliseconds()),
	}
	if change != nil {
		if f := fieldsAttr(change.Fields); f.Key != "" {
			attrs = append(attrs, f)
		} else if change.BookkeepingOnly() {
			attrs = append(attrs, slog.Bool("bookkeeping", true))
		}
	}
	if o.Message != "" {
		attrs = append(attrs, slog.String("message", o.Message))
	}
	if o.Err != nil {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	l.log.LogAttrs(ctx, level, "change", attrs...)
}

// logPolicy writes one line per broken policy rule: an error (the cache is not
// changed) or a warning.
func (l *Loop) logPolicy(ctx context.Context, results []planner.PolicyResult) {
	for _, r := range results {
		level := slog.LevelWarn
		if r.Severity == planner.SeverityError {
			level = slog.LevelError
		}
		cache := r.Cache
		if cache == "" {
			cache = "plan"
		}
		l.log.LogAttrs(ctx, level, "policy", slog.String("rule", r.Rule), slog.String("severity", string(r.Severity)),
			slog.String("cache", cache), slog.String("message", r.Message),
			slog.String("at", fmt.Sprintf("%s:%d:%d", r.File, r.Line, r.Column)))
	}
}

// logSkipped writes the line of a change the policy forbids: nothing is sent for it.
func (l *Loop) logSkipped(ctx context.Context, c planner.Change) {
	l.log.LogAttrs(ctx, slog.LevelError, "change", slog.String("region", c.Region), slog.String("name", c.Name),
		slog.String("id", c.ID), slog.String("action", string(c.Action)), slog.String("result", "skipped"),
		slog.String("message", "an error-severity policy rule forbids changing this cache; nothing was sent"))
}

// fieldsAttr is the group "fields" with one group per field change, {before, after}:
// in JSON "fields":{"size":{"before":20,"after":40}}, in text fields.size.before=20
// fields.size.after=40. An old value that cannot be read back is named by its state.
// The zero Attr when there are no fields.
func fieldsAttr(fields []planner.FieldChange) slog.Attr {
	if len(fields) == 0 {
		return slog.Attr{}
	}
	groups := make([]any, 0, len(fields))
	for _, fc := range fields {
		var before any = fc.Before
		if fc.BeforeState != "" {
			before = "(" + fc.BeforeState + " value)"
		}
		groups = append(groups, slog.Group(fc.Field, "before", before, "after", fc.After))
	}
	return slog.Group("fields", groups...)
}

// logDrift writes, in report-only mode, one line per cache that differs from the file:
// drifted (with each differing field's value before → after, live → declared), missing,
// unhealthy (with the API's warning) and, with --prune, owned caches the file no longer
// declares. It is what apply would change, named as --apply's change lines name it.
func (l *Loop) logDrift(ctx context.Context, r drift.Report) {
	line := func(state, region, name, id string, more ...slog.Attr) {
		attrs := append([]slog.Attr{slog.String("region", region), slog.String("name", name),
			slog.String("id", id), slog.String("state", state)}, more...)
		l.log.LogAttrs(ctx, slog.LevelWarn, "drift", attrs...)
	}
	for _, d := range r.Drifted {
		more := []slog.Attr{slog.String("action", string(d.Action))}
		if f := diffsAttr(d.Changes); f.Key != "" {
			more = append(more, f)
		}
		if len(d.Refresh) > 0 {
			moved := make([]string, len(d.Refresh))
			for i, rf := range d.Refresh {
				moved[i] = rf.Image
			}
			more = append(more, slog.Any("moved", moved))
		}
		if d.Reason != "" {
			more = append(more, slog.String("reason", d.Reason))
		}
		line("drifted", d.Region, d.Name, d.ID, more...)
	}
	for _, m := range r.Missing {
		more := []slog.Attr{slog.String("action", string(planner.Create))}
		if m.Reason != "" {
			more = append(more, slog.String("reason", m.Reason))
		}
		line("missing", m.Region, m.Name, "", more...)
	}
	for _, u := range r.Unhealthy {
		line("unhealthy", u.Region, u.Name, u.ID, slog.String("status", u.Status), slog.String("message", u.Message))
	}
	for _, u := range r.Unmanaged {
		if r.Counts(u) {
			line("prunable", u.Region, u.Name, u.ID, slog.String("action", string(planner.Delete)))
		}
	}
}

// diffsAttr is fieldsAttr for a drift report's differing fields.
func diffsAttr(diffs []drift.Diff) slog.Attr {
	fields := make([]planner.FieldChange, len(diffs))
	for i, d := range diffs {
		fields[i] = planner.FieldChange{Field: d.Field, Before: d.Before, After: d.After, BeforeState: d.BeforeState}
	}
	return fieldsAttr(fields)
}
