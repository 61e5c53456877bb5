package ecisim

import (
	"net/http"
	"sync"
	"time"
)

// requestLog is the in-memory request log: a ring of the last maxLoggedRequests entries.
type requestLog struct {
	entries []LoggedRequest
	next    int // where the next entry goes once the ring is full
}

func (l *requestLog) add(e LoggedRequest) {
	if len(l.entries) < maxLoggedRequests {
		l.entries = append(l.entries, e)
		return
	}
	l.entries[l.next] = e
	l.next = (l.next + 1) % maxLoggedRequests
}

// all returns the entries, oldest first.
func (l *requestLog) all() []LoggedRequest {
	out := make([]LoggedRequest, 0, len(l.entries))
	out = append(out, l.entries[l.next:]...)
	return append(out, l.entries[:l.next]...)
}

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
