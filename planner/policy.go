package planner

// PolicyResult is one rule of a policy that a declared cache, its change or the plan as
// a whole breaks (package policy checks them; the planner never makes them). A plan
// lists them under "policy"; an error-severity result means the plan must not be
// applied.
type PolicyResult struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Cache is "region/name", "" for a rule about the whole plan.
	Cache   string `json:"cache,omitempty"`
	Message string `json:"message"`
	// File, Line and Column place the result: the cache's entry in imagecaches.yaml, or
	// for a rule about the plan or a cache the file does not declare, the rule in its
	// policy file.
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Severity says what a broken policy rule does.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"   // the command fails, nothing is sent
	SeverityWarning Severity = "warning" // reported only
)
