package applier

import (
	"context"
	"os"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
)

// Options tune how a plan is applied. Start from DefaultOptions.
type Options struct {
	// Parallelism is how many mutating calls (with their retries) run at once. Values
	// below 1 mean 1.
	Parallelism int
	// Wait makes Apply poll after the calls until every touched cache is settled: Ready
	// (or gone, for a delete), UpdateFailed or Failed. Without it, an accepted call is
	// reported as soon as the API accepts it. Caches that are busy before their call are
	// waited for either way: otherwise their change would not be applied at all.
	Wait bool
	// Timeout bounds all waiting of one Apply, counted from its start: for busy caches
	// before their call and for settling after it. It does not cut calls short.
	Timeout time.Duration
	// PollInterval is the first pause between two reads of the caches in flight. The
	// first read after a round of calls comes at once, right after the last call; then
	// the pause starts at PollInterval and grows by half after each read, up to
	// PollIntervalMax. A pause is cut short to when the caches in flight should be
	// settled, once this run has seen how long its calls take to settle.
	PollInterval time.Duration
	// PollIntervalMax caps the pause between two reads.
	PollIntervalMax time.Duration
	// Live is the listing the plan was just made from, by region (a region listed empty
	// has a nil entry): Apply takes it as its first read of those regions instead of
	// listing them again. The plan's fingerprints tie each change to it. Leave it nil
	// for a saved plan, which must be checked against a fresh read.
	Live map[string][]cloud.Cache
	// MaxAttempts bounds how often a cache answered IncorrectStatus is read again and
	// its call tried again. Values below 1 mean 1. (Retrying throttling, 5xx, conflicts
	// and network failures is the client's job: eci.RetryPolicy.)
	MaxAttempts int
	// RunID names this apply run in every ClientToken it sends (see clientToken), so
	// that no later run reuses a token. Empty: a random one, different for every Apply.
	RunID string
	// Getenv resolves registry passwords (spec.RegistryCredential.PasswordFromEnv) right
	// before a call. Nil means os.Getenv. Resolved passwords go into the request only.
	Getenv func(string) string
	// Replan, when set, returns the change the current file wants for a freshly read live
	// cache, and false when the file does not declare it. Apply calls it for a cache it
	// had to wait for and for one whose content changed since the plan. Nil (a saved plan
	// file): such a change is applied as planned, or reported stale when CheckFingerprints
	// is set and the cache changed; a change the plan itself marks blocked stays blocked.
	Replan func(live cloud.Cache) (planner.Change, bool)
	// CheckFingerprints refuses (outcome Stale) a change whose live cache no longer has
	// the content the plan was made against (planner.Fingerprint). Use it for saved plans.
	CheckFingerprints bool
	// Progress, when set, receives every change of a cache's outcome: Result InProgress
	// while the cache is being worked on, then its final outcome. Calls are serialised
	// (never two at once), in no fixed order across caches; keep the callback quick.
	Progress func(Outcome)
	// Now and Sleep replace the wall clock and time.Sleep, for tests that drive an
	// emulator's manual clock. Sleep returns early with ctx's error when ctx ends.
	// Nil means the real ones.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultOptions returns the options `imcsync apply` starts from.
func DefaultOptions() Options {
	return Options{
		Parallelism:     10,
		Wait:            true,
		Timeout:         30 * time.Minute,
		PollInterval:    500 * time.Millisecond,
		PollIntervalMax: 15 * time.Second,
		MaxAttempts:     6,
		Getenv:          os.Getenv,
	}
}

// withDefaults fills in what a caller left zero and cannot mean.
func (o Options) withDefaults() Options {
	o.Parallelism = max(o.Parallelism, 1)
	o.MaxAttempts = max(o.MaxAttempts, 1)
	if o.RunID == "" {
		o.RunID = newRunID()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = eci.Sleep
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	o.PollIntervalMax = max(o.PollIntervalMax, o.PollInterval)
	return o
}
