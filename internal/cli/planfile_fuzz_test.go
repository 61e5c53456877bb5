package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
)

// FuzzPlanFile feeds arbitrary plan files to what apply does with a saved plan before
// it sends anything: read it, render it for confirmation, and decode each change's
// request. No panic, bounded time. Its seed corpus runs in every go test.
func FuzzPlanFile(f *testing.F) {
	f.Add([]byte(`{"format_version": "2", "changes": [{"region": "cn-hangzhou", "name": "web", "id": "imc-1", "action": "update", "status": "Ready",
 "fields": [{"field": "size", "before": 20, "after": 40, "send": true}, {"field": "images", "before": ["a:1"], "after": ["a:2"], "send": true},
 {"field": "imageRegistryCredentials", "after": [{"server": "r", "userName": "u", "passwordFromEnv": "P"}], "write_only": true, "send": true}]}],
 "summary": {"create": 0, "update": 1, "delete": 0, "blocked": 0, "noop": 0}}`))
	f.Add([]byte(`{"format_version": "2", "changes": [{"action": "create", "fields": [{"field": "nosuch", "after": {"a": [1, 2]}, "send": true}, {"field": "size", "after": "x", "send": true}]}]}`))
	f.Add([]byte(`{"format_version": "2", "changes": [{"action": "delete"}, {"action": "blocked", "reason": "\u0000"}, {"action": "zap"}], "unmanaged": [{}]}`))
	f.Add([]byte(`{"format_version": "2", "changes": [{"region": "r", "name": "web", "id": "imc-1", "action": "update", "waits_for": "Ready",
 "bookkeeping": [{"tag": "imcsync:owner", "before": null, "after": "o", "recorded": ["flash"]}, {"tag": "imcsync:x", "before": "a", "after": null}]}],
 "summary": {"create": 0, "update": 1, "delete": 0, "blocked": 0, "noop": 0}}`))
	f.Add([]byte(`{"format_version": 1}`))
	f.Add([]byte(`[]`))
	path := filepath.Join(f.TempDir(), "plan.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		plan, err := engine.ReadPlan(path)
		if err != nil {
			return
		}
		for _, format := range []string{"text", "json", "markdown"} {
			_ = render.Plan(io.Discard, plan, render.Format(format), false)
		}
		for _, c := range plan.Changes {
			_, _ = c.Request()
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("reading and rendering took %v", d)
		}
	})
}
