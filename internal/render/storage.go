package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/imcsync/imcsync/planner"
)

// gib shows a storage change: "+40 GiB", "-20 GiB".
func gib(delta int64) string {
	if delta > 0 {
		return fmt.Sprintf("+%d GiB", delta)
	}
	return fmt.Sprintf("%d GiB", delta)
}

// storageLine sums up the plan's storage: "Storage: +40 GiB (cn-hangzhou 120 → 160
// GiB; cn-shanghai 40 GiB)", with the month's price when the user gave one; "" when
// the plan carries no storage.
func storageLine(p *planner.Plan) string { return storageSummary(p.Storage) }

// storageSummary is storageLine of a storage.
func storageSummary(s *planner.Storage) string {
	if s == nil || len(s.Regions) == 0 {
		return ""
	}
	var regions []string
	for _, r := range s.Regions {
		if r.LiveGiB == r.PlannedGiB {
			regions = append(regions, fmt.Sprintf("%s %d GiB", r.Region, r.LiveGiB))
		} else {
			regions = append(regions, fmt.Sprintf("%s %d → %d GiB", r.Region, r.LiveGiB, r.PlannedGiB))
		}
	}
	line := "Storage: " + strings.Join(regions, "; ")
	if s.DeltaGiB != 0 {
		line = fmt.Sprintf("Storage: %s (%s)", gib(s.DeltaGiB), strings.Join(regions, "; "))
	}
	if pr := s.Price; pr != nil {
		cur := ""
		if pr.Currency != "" {
			cur = " " + pr.Currency
		}
		line += fmt.Sprintf("; %s → %s%s a month at %s%s per GiB-month", money(pr.LiveMonthly), money(pr.PlannedMonthly), cur,
			strconv.FormatFloat(pr.PerGiBMonth, 'f', -1, 64), cur)
	}
	return line + "."
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// storageNote is a change's storage in words: "adds 20 GiB", "frees 20 GiB", "".
func storageNote(c *planner.Change) string {
	switch {
	case c.StorageGiB > 0:
		return fmt.Sprintf("adds %d GiB", c.StorageGiB)
	case c.StorageGiB < 0:
		return fmt.Sprintf("frees %d GiB", -c.StorageGiB)
	}
	return ""
}

// addStorageNote marks a change's block with what it adds or frees: on its size line
// ("size: 20 → 60  (+40 GiB)"), else on a quiet line of its own.
func addStorageNote(c *planner.Change, body []line, indent int) []line {
	if c.StorageGiB == 0 {
		return body
	}
	for i, l := range body {
		if l.key == "size" {
			body[i].note = strings.TrimSpace(l.note + " (" + gib(c.StorageGiB) + ")")
			return body
		}
	}
	return append(body, line{indent: indent, dim: true, text: "# " + storageNote(c)})
}

// reportLines lists the caches the plan reports besides its changes: those no pod
// matched for a while, and those expiring soon.
func reportLines(p *planner.Plan) []string {
	out := unusedLines(p.Unused)
	if len(p.Expiring) > 0 {
		out = append(out, plural(len(p.Expiring), "image cache")+" expiring soon:")
		for _, e := range p.Expiring {
			left := "expired"
			if e.ExpiresInSeconds > 0 {
				left = "in " + idleFor(e.ExpiresInSeconds)
			}
			out = append(out, fmt.Sprintf("  %s/%s (%s): expires %s, %s", e.Region, e.Name, e.ID, e.ExpiresAt.Format(time.RFC3339), left))
		}
		out = append(out, "")
	}
	return out
}

// unusedLines lists the caches no pod matched for a while, then an empty line.
func unusedLines(unused []planner.Idle) []string {
	var out []string
	if len(unused) > 0 {
		out = append(out, fmt.Sprintf("%s no pod has matched for a while (a report; nothing is changed):", plural(len(unused), "image cache")))
		for _, u := range unused {
			when := "never matched, created " + u.Since.Format("2006-01-02")
			if !u.LastMatched.IsZero() {
				when = "last matched " + u.LastMatched.Format("2006-01-02")
			}
			what := "declared"
			if !u.Declared {
				what = "not in the file"
			}
			out = append(out, fmt.Sprintf("  %s/%s (%s, %d GiB, %s): %s, idle %s", u.Region, u.Name, u.ID, u.Size, what, when, idleFor(u.IdleSeconds)))
		}
		out = append(out, "")
	}
	return out
}

// idleFor shows seconds as days and hours: "31d 4h", "5h".
func idleFor(sec int64) string {
	d, h := sec/86400, (sec%86400)/3600
	switch {
	case d > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case d > 0:
		return fmt.Sprintf("%dd", d)
	}
	return fmt.Sprintf("%dh", h)
}
