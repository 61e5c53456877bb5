package ecisim

import (
	"net/http"
	"sync"
	"time"
)

// nonceMemory remembers signature nonces for TimestampWindow, to refuse replays. Nonces
// are forgotten in the order they were seen, so a request costs O(1), not a scan.
type nonceMemory struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	order []nonceSeen // oldest first
}

type nonceSeen struct {
	key string
	at  time.Time
}

// use records key as seen at now, or refuses it if it was seen within TimestampWindow.
func (m *nonceMemory) use(key string, now time.Time) *apiError {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := 0
	for old < len(m.order) && now.Sub(m.order[old].at) > TimestampWindow {
		delete(m.seen, m.order[old].key)
		old++
	}
	m.order = m.order[old:]
	if _, used := m.seen[key]; used {
		return newError(http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	if m.seen == nil {
		m.seen = map[string]time.Time{}
	}
	m.seen[key] = now
	m.order = append(m.order, nonceSeen{key: key, at: now})
	return nil
}
