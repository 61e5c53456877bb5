package render

import (
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/drift"
)

var driftTestTime = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func TestDriftMarkdownRowLimit(t *testing.T) {
	r := drift.Report{CheckedAt: driftTestTime, Summary: drift.Summary{Checked: mdRowsMax + 3, Missing: mdRowsMax + 3}}
	for i := range mdRowsMax + 3 {
		r.Missing = append(r.Missing, drift.Missing{Region: "cn-hangzhou", Name: "c" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)})
	}
	md := renderDriftMarkdown(r)
	if rows := strings.Count(md, "| cn-hangzhou |"); rows != mdRowsMax {
		t.Errorf("%d rows, want %d:\n%s", rows, mdRowsMax, md)
	}
	if !strings.Contains(md, "…and 3 more") || !strings.Contains(md, "#### Missing (53)") {
		t.Errorf("markdown lacks the count of rows left out:\n%s", md)
	}
}

func TestDriftFormatLeft(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                   "under a minute",
		45*time.Minute + 59*time.Second:    "45m",
		5*time.Hour + 20*time.Minute:       "5h20m",
		12 * time.Hour:                     "12h",
		24 * time.Hour:                     "1d",
		51*time.Hour + 59*time.Minute:      "2d3h",
		drift.DefaultExpiringWithin - 1e9:  "2d23h",
		drift.DefaultExpiringWithin + 1e12: "3d",
	} {
		if got := formatLeft(d); got != want {
			t.Errorf("formatLeft(%v) = %q, want %q", d, got, want)
		}
	}
}
