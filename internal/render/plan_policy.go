package render

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// policyCounts says how many policy results are errors and warnings: "1 error, 2 warnings".
func policyCounts(results []planner.PolicyResult) string {
	errs := 0
	for _, r := range results {
		if r.Severity == planner.SeverityError {
			errs++
		}
	}
	return plural(errs, "error") + ", " + plural(len(results)-errs, "warning")
}

// policyPlace is where a result points: "FILE:LINE:COL".
func policyPlace(r planner.PolicyResult) string {
	return fmt.Sprintf("%s:%d:%d", r.File, r.Line, r.Column)
}

// policyCache names the cache of a result, or "the plan" for a rule about all of it.
func policyCache(r planner.PolicyResult) string {
	if r.Cache == "" {
		return "the plan"
	}
	return r.Cache
}

// writePolicy lists what the policy's rules found, one line each, or says that every
// rule holds; nothing when no policy was checked.
func writePolicy(b *strings.Builder, results []planner.PolicyResult, st styles) {
	if results == nil {
		return
	}
	if len(results) == 0 {
		b.WriteString(st.bold.Render("Policy:") + " every rule holds.\n\n")
		return
	}
	b.WriteString(st.bold.Render("Policy:") + " " + policyCounts(results) + "\n")
	for _, r := range results {
		sev := st.blocked.Render("warning")
		if r.Severity == planner.SeverityError {
			sev = st.delete.Render("error")
		}
		fmt.Fprintf(b, "  %s %s: %s %s\n", sev, r.Rule, policyCache(r)+": "+r.Message, st.dim.Render("("+policyPlace(r)+")"))
	}
	b.WriteString("\n")
}

// policySection is the markdown table of what the policy's rules found.
func policySection(results []planner.PolicyResult) mdSection {
	var s mdSection
	if results == nil {
		return s
	}
	if len(results) == 0 {
		s.items = []string{"**Policy:** every rule holds.\n\n"}
		return s
	}
	s.open = "**Policy:** " + policyCounts(results) + "\n\n" +
		"| Severity | Rule | Cache | Message | Where |\n" +
		"|----------|------|-------|---------|-------|\n"
	s.close = "\n"
	s.more = func(n int) string { return fmt.Sprintf("| | _and %s_ | | | |\n", plural(n, "more result")) }
	for _, r := range results {
		sev := ":warning: warning"
		if r.Severity == planner.SeverityError {
			sev = ":x: error"
		}
		s.items = append(s.items, fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
			sev, mdCode(r.Rule), mdCell(policyCache(r)), mdCell(r.Message), mdCode(policyPlace(r))))
	}
	return s
}
