// Package applier executes a planner.Plan against the ECI API and reports one Outcome
// per cache.
//
// The plan is data; the applier adds what only the moment of applying can know: the
// cache's status now, the API's answers, and time. It keeps to a few rules.
//
// Read first, per region. Before any call, and on every round of waiting, each region
// that still has work is listed once (eci's List follows the pages), never one Get per
// cache: a hundred caches cost one call, and the throttling budget is spent on changes.
// The only Get is the re-read right before a delete, the one irreversible call.
//
// Decide with pure rules. Whether a cache is sent, waited for or reported is decided by
// decide and settle from the change and the cache as just read, with the status rules of
// package cloud (Updatable, Settled). Only Ready and UpdateFailed caches are updated; a
// busy one (Preparing, Creating, Updating) is waited for and then planned again through
// Options.Replan, since whatever made it busy may have changed it; a Failed one is
// never updated. An IncorrectStatus answer means the read was already old: read again
// and wait, rather than retry blindly. A delete happens only while the cache's ownership
// tag still names the plan's owner (ownership.Claim.CanPrune).
//
// Send each change once per run. A change becomes one call (a replace: a delete, then a
// create), carrying only the fields the plan marks to send and a ClientToken. An update's
// or a delete's token belongs to this run and this change: the run's random ID
// (Options.RunID) and a digest of the change. The client's retries of a throttled or
// failed call reuse it, so they are one effect at the API; a later run never reuses it,
// so a revert (20 -> 40 -> 20 -> 40) is a new request, not a replay of an old answer.
//
// Never create one cache twice, even with another run at work. imcsync is not alone: CI
// applies, `reconcile --apply` and people act at the same time. Three things keep two
// runs from making two caches of one name:
//   - A create's token names no run: it is a digest of what makes it the same create
//     (region, owner, name, the whole request; createToken). Two runs creating the same
//     cache send the same token, and the API makes one cache and answers both with it.
//   - A create's token could replay an old answer: create, prune, create again sends the
//     same request. The answer then names a cache that is never listed; after as many
//     reads as a new cache takes to show (settlePolls), the create is sent again with a
//     token that follows the gone cache's ID, which every run meeting that cache derives
//     alike. A replace's create follows the cache it deletes from the start.
//   - The region is listed again right before its creates are sent (the plan's listing
//     may be minutes old), and a cache of the name found there is planned again instead
//     of created; one another run is still creating is waited for until it is Ready.
//
// Creates of one name with different content (two different files) are different
// creates; two caches of one name found at any point block the name, with both IDs,
// until a person keeps one.
//
// Each cache moves through the stages of Stage, Pending to Done, by one pure function
// (advance): its outcome's Result is the one advance gives for the stage it ends in, so
// a report never says updated for a cache whose call was not accepted, nor sent for one
// whose calls never reached the API. The files follow the stages: read.go and wait.go
// (Pending, Waiting), send.go, calls.go and tags.go (Sending to Partial), settle.go and
// verify.go (Accepted, Moving), rebuild.go (Retiring, Reverting), end.go (Done).
//
// Its tags go in a share of the batched tag calls, with no status precondition (tags.go),
// and every settled cache is checked against what was sent (verify.go).
// Retryable answers (throttling, 5xx, operation conflict, network errors) are retried by
// the client (eci.RetryPolicy), which also stops sending an action that keeps failing
// (eci.BreakerPolicy): the caches not sent then are skipped, not attempted, with the
// cause. Other refusals are reported with the API's code and message and the
// *eci.APIError kept in Outcome.Err.
//
// Never let one cache stop the others. Calls run in parallel up to Options.Parallelism,
// each goroutine writing only its own cache's state; failures end up in outcomes, and
// only the caller's context stops the run. When it ends (Ctrl-C, SIGTERM), calls in
// flight are allowed to finish - an abandoned mutation leaves its effect unknown - no
// new call starts, and the caches not attempted are reported skipped. A cache whose
// call the API accepted (or whose answer was lost) is reported Sent: not verified,
// neither failed nor a success; so is one still settling when Options.Timeout passes.
//
// Report what the cloud shows. With Options.Wait, Apply keeps reading until every
// touched cache has settled, so "updated" means Ready with the new values, and an
// UpdateFailed cache is a failure with the API's event message. A declared cache that
// is busy is watched even when nothing is to be sent to it (HasWork): it is unchanged
// only once it is Ready and equal.
package applier
