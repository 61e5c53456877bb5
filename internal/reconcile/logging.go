package reconcile

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/imcsync/imcsync/applier"
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
			"unhealthy", s.Unhealthy, "unmanaged", s.Unmanaged))
		p := c.Plan
		attrs = append(attrs, slog.Group("plan", "create", p.Create, "update", p.Update, "delete", p.Delete,
			"replace", p.Replace, "blocked", p.Blocked, "noop", p.Noop))
	}
	if len(c.Refreshes) > 0 {
		attrs = append(attrs, slog.Any("refresh", c.Refreshes))
	}
	if c.Unused > 0 {
		attrs = append(attrs, slog.Int("unused", c.Unused))
	}
	if a := c.Applied; a != (applier.Summary{}) {
		attrs = append(attrs, slog.Group("applied", "created", a.Created, "updated", a.Updated, "deleted", a.Deleted,
			"replaced", a.Replaced, "unchanged", a.Unchanged, "blocked", a.Blocked, "failed", a.Failed, "stale", a.Stale, "skipped", a.Skipped))
	}
	if c.Err != nil {
		attrs = append(attrs, slog.String("error", c.Err.Error()))
	}
	l.log.LogAttrs(ctx, level, "cycle", attrs...)
}

// logChange writes one line per change apply finished: what was done to which cache,
// or why not (the API's message, the reason it is blocked). Caches left unchanged are
// only counted in the cycle's line.
func (l *Loop) logChange(ctx context.Context, o applier.Outcome) {
	if o.Result == applier.InProgress || o.Result == applier.Unchanged {
		return
	}
	level := slog.LevelInfo
	if !o.Result.Converged() {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("region", o.Region), slog.String("name", o.Name), slog.String("id", o.ID),
		slog.String("action", string(o.Action)), slog.String("result", string(o.Result)),
		slog.String("status", string(o.Status)), slog.Int("attempts", o.Attempts),
		slog.Int64("duration_ms", o.Duration.Milliseconds()),
	}
	if o.Message != "" {
		attrs = append(attrs, slog.String("message", o.Message))
	}
	if o.Err != nil {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	l.log.LogAttrs(ctx, level, "change", attrs...)
}
