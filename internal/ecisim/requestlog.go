package ecisim

import (
	"encoding/json"
	"maps"
	"strings"
	"time"
)

// maxLoggedRequests bounds the in-memory request log; older entries are dropped.
const maxLoggedRequests = 10000

// LoggedRequest is one request as the emulator saw it: the in-memory log entry and the
// JSON line written to Config.Log. Params holds the business parameters (not the
// signature's), with every password shown as "***".
type LoggedRequest struct {
	Time      time.Time         `json:"time"`
	RequestID string            `json:"requestId"`
	Method    string            `json:"method"`
	Action    string            `json:"action"`
	Version   string            `json:"version,omitempty"`
	Signature string            `json:"signature,omitempty"` // SignatureV3 or SignatureV1
	Params    map[string]string `json:"params,omitempty"`
	Status    int               `json:"status"`
	Code      string            `json:"code,omitempty"` // error code; empty on success
	Latency   Duration          `json:"latency"`
}

// Requests returns a copy of the in-memory request log, oldest first.
func (s *Server) Requests() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests.all()
	for i := range out {
		out[i].Params = maps.Clone(out[i].Params)
	}
	return out
}

// ResetRequests empties the in-memory request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = requestLog{}
}

// record adds e to the in-memory log and writes it as a JSON line to Config.Log.
func (s *Server) record(e LoggedRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.add(e)
	if s.log != nil {
		line, err := json.Marshal(e)
		if err == nil {
			_, _ = s.log.Write(append(line, '\n'))
		}
	}
}

// redact returns the parameters to log, with every password shown as "***".
func redact(p params) map[string]string {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]string, len(p))
	for k, v := range p {
		if strings.HasSuffix(k, ".Password") || k == "Password" {
			v = "***"
		}
		out[k] = v
	}
	return out
}

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
