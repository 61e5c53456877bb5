package ecisim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// quota is the account's flow control: per action, a token bucket refilled at the
// action's QPS and holding one second's worth. A call finding the bucket empty is
// answered Throttling.User (HTTP 400), as Alibaba Cloud's API gateway does, and has no
// effect.
type quota struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// set installs the quotas (action name → calls per second); empty buckets start full.
func (q *quota) set(qps map[string]float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.buckets = map[string]*rate.Limiter{}
	for action, v := range qps {
		if v > 0 {
			q.buckets[action] = rate.NewLimiter(rate.Limit(v), max(1, int(math.Ceil(v))))
		}
	}
}

// allow takes a token for a call of action at now, and reports whether there was one.
func (q *quota) allow(action string, now time.Time) bool {
	q.mu.Lock()
	b := q.buckets[action]
	q.mu.Unlock()
	return b == nil || b.AllowN(now, 1)
}

// checkQuota validates a quota setting.
func checkQuota(qps map[string]float64) error {
	for action, v := range qps {
		if _, ok := actions[action]; !ok {
			return fmt.Errorf("quota: unknown action %q", action)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("quota: %s=%g: want a positive number of calls per second", action, v)
		}
	}
	return nil
}

// ParseQuota reads a quota written ACTION=QPS (e.g. UpdateImageCache=40) into qps.
func ParseQuota(s string, qps map[string]float64) error {
	action, v, ok := strings.Cut(s, "=")
	n, err := strconv.ParseFloat(v, 64)
	if !ok || err != nil {
		return fmt.Errorf("quota %q: want ACTION=QPS, e.g. UpdateImageCache=40", s)
	}
	if err := checkQuota(map[string]float64{action: n}); err != nil {
		return err
	}
	qps[action] = n
	return nil
}
