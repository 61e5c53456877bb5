// Package policy checks declared image caches and plans against rules a platform team
// keeps beside imagecaches.yaml: a policy file (apiVersion imcsync/v1, kind Policy) of
// CEL expressions, each true when the cache, its change or the plan is allowed.
//
// Rules are compiled and type-checked once, when the file is loaded, against the typed
// variables cache (the declared cache after defaults, keys as in the YAML), change (its
// planned change) and plan (the plan's counts), so that a misspelt field or a comparison
// of a number with a string is refused before anything is read from the cloud. Every
// evaluation is bounded by CEL's cost limit, and a whole check by a budget, so that no
// rule can hang a plan. What the rules find is data (planner.PolicyResult), kept in the
// plan and rendered with it.
package policy
