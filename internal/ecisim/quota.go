package ecisim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/imcsync/imcsync/internal/duration"
)

// Quota is one action's flow control. Written QPS (e.g. "40") it is a token bucket
// refilled at QPS calls per second and holding one second's worth. Written CALLS/PERIOD
// (e.g. "200/60s", as CreateImageCache is documented) it is a window: the first call
// opens a window of PERIOD in which CALLS calls are accepted; the first call after the
// window has passed opens the next. Beyond either, calls are answered Throttling.User.
type Quota struct {
	// Calls is the number of calls: per second (Per zero), or per window of Per.
	Calls float64
	// Per is the window's length; zero: a per-second token bucket.
	Per time.Duration
}

// QPS is a per-second quota (a token bucket of one second's worth).
func QPS(calls float64) Quota { return Quota{Calls: calls} }

// String writes the quota as ParseQuota reads it: "40" or "200/60s".
func (q Quota) String() string {
	n := strconv.FormatFloat(q.Calls, 'f', -1, 64)
	switch {
	case q.Per == 0:
		return n
	case q.Per%time.Second == 0:
		return fmt.Sprintf("%s/%ds", n, q.Per/time.Second)
	}
	return n + "/" + q.Per.String()
}

// MarshalText writes the quota like String, for state files.
func (q Quota) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalText reads "40" (calls per second) or "200/60s" (calls per window).
func (q *Quota) UnmarshalText(b []byte) error {
	v, err := parseQuotaValue(string(b))
	if err != nil {
		return err
	}
	*q = v
	return nil
}

func parseQuotaValue(s string) (Quota, error) {
	calls, per, window := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(calls, 64)
	if err != nil {
		return Quota{}, fmt.Errorf("quota %q: want calls per second (40) or calls per window (200/60s)", s)
	}
	q := Quota{Calls: n}
	if window {
		if q.Per, err = duration.Parse(per); err != nil {
			return Quota{}, fmt.Errorf("quota %q: the window %q is not a duration such as 60s", s, per)
		}
	}
	return q, q.check()
}

func (q Quota) check() error {
	switch {
	case !(q.Calls > 0) || math.IsInf(q.Calls, 0):
		return fmt.Errorf("quota %s: want a positive number of calls", q)
	case q.Per < 0:
		return fmt.Errorf("quota %s: the window must be positive", q)
	case q.Per > 0 && q.Calls != math.Trunc(q.Calls):
		return fmt.Errorf("quota %s: a window holds a whole number of calls", q)
	}
	return nil
}

// quota is the account's flow control: per action, a token bucket or a window. A call
// finding no room is answered Throttling.User (HTTP 400), as Alibaba Cloud's API gateway
// does, and has no effect.
type quota struct {
	mu      sync.Mutex
	limits  map[string]limit
	windows map[string]*window
}

// limit decides whether one more call fits at now.
type limit interface {
	allow(now time.Time) bool
}

// bucket is a per-second quota.
type bucket struct{ *rate.Limiter }

func (b bucket) allow(now time.Time) bool { return b.AllowN(now, 1) }

// window is a fixed window opened by its first call. Guarded by quota.mu.
type window struct {
	calls int
	per   time.Duration
	start time.Time // zero: no window open yet
	used  int
}

func (w *window) allow(now time.Time) bool {
	if w.start.IsZero() || !now.Before(w.start.Add(w.per)) {
		w.start, w.used = now, 0
	}
	if w.used >= w.calls {
		return false
	}
	w.used++
	return true
}

// set installs the quotas by action name.
func (q *quota) set(quotas map[string]Quota) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.limits = map[string]limit{}
	for action, v := range quotas {
		if v.Per > 0 {
			q.limits[action] = &window{calls: int(v.Calls), per: v.Per}
		} else {
			q.limits[action] = bucket{rate.NewLimiter(rate.Limit(v.Calls), max(1, int(math.Ceil(v.Calls))))}
		}
	}
}

// allow takes room for a call of action at now, and reports whether there was some.
func (q *quota) allow(action string, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	l := q.limits[action]
	return l == nil || l.allow(now)
}

// checkQuota validates a quota setting.
func checkQuota(quotas map[string]Quota) error {
	for action, v := range quotas {
		if _, ok := actions[action]; !ok {
			return fmt.Errorf("quota: unknown action %q", action)
		}
		if err := v.check(); err != nil {
			return fmt.Errorf("quota %s=%w", action, err)
		}
	}
	return nil
}

// ParseQuota reads a quota written ACTION=QPS (e.g. UpdateImageCache=40) or
// ACTION=CALLS/PERIOD (e.g. CreateImageCache=200/60s) into quotas.
func ParseQuota(s string, quotas map[string]Quota) error {
	action, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("quota %q: want ACTION=QPS or ACTION=CALLS/PERIOD, e.g. UpdateImageCache=40 or CreateImageCache=200/60s", s)
	}
	q, err := parseQuotaValue(v)
	if err != nil {
		return fmt.Errorf("quota %q: want ACTION=QPS or ACTION=CALLS/PERIOD, e.g. UpdateImageCache=40 or CreateImageCache=200/60s", s)
	}
	if err := checkQuota(map[string]Quota{action: q}); err != nil {
		return err
	}
	quotas[action] = q
	return nil
}
