package render

import (
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// TestOutcomeCountsCallsNotAttempts: an update and the tag call that follows it are two
// calls, not a retry, so the report says "calls" ("attempt" is a retry's word in the live
// view).
func TestOutcomeCountsCallsNotAttempts(t *testing.T) {
	o := applier.Outcome{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Action: planner.Update,
		Result: applier.Updated, Status: "Ready", Attempts: 2, Duration: 1200 * time.Millisecond}
	text := renderOutcomesText([]applier.Outcome{o}, newStyles(false))
	if want := "  cn-hangzhou/web: updated in 1.2s (2 calls)\n"; !strings.Contains(text, want) {
		t.Errorf("text report:\n%s\nwant the line %q", text, want)
	}
	md := applyRenderer.markdown(engine.NewReport([]applier.Outcome{o}))
	if want := "| Cache | ID | Result | Status | Duration | Calls | Message |"; !strings.Contains(md, want) {
		t.Errorf("markdown report:\n%s\nwant the header %q", md, want)
	}
}
