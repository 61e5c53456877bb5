package ecisim

import (
	"maps"
	"net/url"
)

// tokenRecord is the remembered first answer to a ClientToken.
type tokenRecord struct {
	fingerprint string
	answer      map[string]any
}

// dispatch runs a business action under the lock, with ClientToken idempotency for the
// mutating ones: only successful answers are remembered (an error had no effect, so a
// retry with the same token is simply served again).
func (s *Server) dispatch(c *call, h actionFunc) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now().UTC()
	s.advance(now)

	token, hasToken := c.business["ClientToken"]
	var key, fp string
	if h.mutating && hasToken {
		if err := checkClientToken(token); err != nil {
			return nil, err
		}
		key, fp = c.action+"\x00"+token, fingerprint(c.business)
		if rec, ok := s.tokens[key]; ok {
			if rec.fingerprint != fp {
				return nil, errIdempotentMismatch
			}
			return maps.Clone(rec.answer), nil
		}
	}
	answer, err := h.fn(s, c.business, now)
	if err != nil {
		return nil, err
	}
	if key != "" {
		s.tokens[key] = tokenRecord{fingerprint: fp, answer: maps.Clone(answer)}
	}
	return answer, nil
}

// checkClientToken refuses a ClientToken the API would refuse: over 64 characters, or
// not printable ASCII.
func checkClientToken(t string) *apiError {
	if len(t) > 64 {
		return errInvalid("ClientToken", "It must be at most 64 characters.")
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return errInvalid("ClientToken", "It must contain only printable ASCII characters.")
		}
	}
	return nil
}

// fingerprint identifies a request's business parameters other than ClientToken.
func fingerprint(p params) string {
	v := url.Values{}
	for k, val := range p {
		if k != "ClientToken" {
			v.Set(k, val)
		}
	}
	return sha256Hex([]byte(canonicalQuery(v)))
}
