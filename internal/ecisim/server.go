package ecisim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// The AccessKey pair the emulator accepts when Config.Keys is empty. It opens nothing
// but a local emulator; `imcsync sim` prints it.
const (
	DefaultAccessKeyID     = "ecisim-key"
	DefaultAccessKeySecret = "ecisim-secret"
)

// APIVersion is the only API version the emulator serves.
const APIVersion = "2018-08-08"

// TimestampWindow is how far a signed request's timestamp may be from the wall clock, in
// either direction; signature nonces are remembered for as long.
const TimestampWindow = 15 * time.Minute

// Config configures a Server. The zero value serves the default key pair on the wall
// clock with the state's settings.
type Config struct {
	// Keys maps AccessKeyId to AccessKeySecret. Empty: DefaultAccessKeyID only.
	Keys map[string]string
	// Clock drives the cache lifecycle. Nil: the wall clock.
	Clock Clock
	// Transition, when non-zero, replaces the state's settings.transition.
	Transition time.Duration
	// Faults, when non-nil, replaces the state's settings.faults.
	Faults *Faults
	// Quota, when non-nil, replaces the state's settings.quota (see Settings.Quota).
	Quota map[string]Quota
	// UpdateTags, when non-empty, replaces the state's settings.updateTags:
	// UpdateTagsReplace or UpdateTagsMerge.
	UpdateTags string
	// Log, when non-nil, receives one JSON line per request (see LoggedRequest).
	Log io.Writer
	// Seed seeds the random source of IDs and random faults, for reproducible runs.
	// Zero: a random seed.
	Seed uint64
	// Addr is where Start listens. Empty: 127.0.0.1:0 (a free port).
	Addr string
	// Resolve, when set, gives the digest an image reference points to now ("" when
	// unknown). A cache records the digests of its images when a create or an update is
	// accepted (Cache.Digests): what its snapshot holds. See NewRegistry.
	Resolve func(image string) string
}

// Server is the emulator: an http.Handler speaking the ECI image-cache API. It is safe
// for concurrent use.
type Server struct {
	keys  map[string]string
	clock Clock
	wall  func() time.Time // for signature timestamps and the request log
	log   io.Writer

	mu       sync.Mutex
	settings Settings
	caches   []*record // every cache, in no order; see index
	index
	seq      int64
	rnd      *rand.Rand
	calls    map[string]int         // per action, for Rule.FailFirst/ThrottleFirst
	tokens   map[string]tokenRecord // ClientToken memory, by action + token
	requests requestLog
	history  []StatusChange
	resolve  func(image string) string // Config.Resolve
	nonces   nonceMemory               // its own lock: checked before s.mu is taken
	quota    quota                     // its own lock
}

var _ http.Handler = (*Server)(nil)

// New returns a Server holding a copy of st (nil: no caches). Caches without an ID get
// one; transitional statuses continue from their statusSince.
func New(cfg Config, st *State) (*Server, error) {
	s := &Server{
		keys:    cfg.Keys,
		clock:   cfg.Clock,
		wall:    time.Now,
		log:     cfg.Log,
		calls:   map[string]int{},
		tokens:  map[string]tokenRecord{},
		resolve: cfg.Resolve,
	}
	if len(s.keys) == 0 {
		s.keys = map[string]string{DefaultAccessKeyID: DefaultAccessKeySecret}
	}
	if s.clock == nil {
		s.clock = wallClock{}
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	s.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	if st == nil {
		st = &State{}
	}
	s.settings = st.Settings
	if cfg.Transition != 0 {
		s.settings.Transition = Duration(cfg.Transition)
	}
	if cfg.Faults != nil {
		s.settings.Faults = *cfg.Faults
	}
	if cfg.Quota != nil {
		s.settings.Quota = maps.Clone(cfg.Quota)
	}
	if err := checkQuota(s.settings.Quota); err != nil {
		return nil, err
	}
	s.quota.set(s.settings.Quota)
	if err := s.settings.Faults.check(); err != nil {
		return nil, err
	}
	if cfg.UpdateTags != "" {
		s.settings.UpdateTags = cfg.UpdateTags
	}
	if err := CheckUpdateTags(s.settings.UpdateTags); err != nil {
		return nil, err
	}
	if err := s.load(st.Caches); err != nil {
		return nil, err
	}
	s.history = nil
	now := s.clock.Now().UTC()
	for _, r := range s.sorted() {
		s.changed(r, r.Status, now)
	}
	return s, nil
}

// SetFaults replaces the fault settings and restarts the per-action call counts. It
// panics on an ErrorFault that could not be served (unknown action, non-error status).
func (s *Server) SetFaults(f Faults) {
	if err := f.check(); err != nil {
		panic("ecisim: SetFaults: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.Faults = f
	s.calls = map[string]int{}
}

// call is what the handler learns about one request while serving it.
type call struct {
	req       *http.Request
	body      []byte
	params    url.Values // query and form body, signature parameters included
	business  params     // without the signature parameters
	action    string
	version   string
	signature string
	region    string
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.wall()
	c := &call{req: r}
	resp, apiErr := s.serve(r.Context(), c)
	if apiErr == errAnswerLost {
		// The call took effect; the connection closes without an answer.
		s.record(LoggedRequest{Time: start.UTC(), Method: r.Method, Action: c.action, Version: c.version,
			Signature: c.signature, Params: redact(c.business), Code: apiErr.Code, Latency: Duration(s.wall().Sub(start))})
		panic(http.ErrAbortHandler)
	}

	s.mu.Lock()
	rid := s.newRequestID()
	s.mu.Unlock()
	status := http.StatusOK
	var body any
	if apiErr != nil {
		status = apiErr.Status
		host := "eci.aliyuncs.com"
		if c.region != "" {
			host = "eci." + c.region + ".aliyuncs.com"
		}
		body = map[string]string{
			"RequestId": rid,
			"HostId":    host,
			"Code":      apiErr.Code,
			"Message":   apiErr.Message,
			"Recommend": "https://next.api.aliyun.com/troubleshoot?q=" + url.QueryEscape(apiErr.Code) + "&product=Eci",
		}
	} else {
		resp["RequestId"] = rid
		body = resp
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body) // maps of strings, slices and numbers always encode
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", rid)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())

	entry := LoggedRequest{
		Time: start.UTC(), RequestID: rid, Method: r.Method, Action: c.action, Version: c.version,
		Signature: c.signature, Params: redact(c.business), Status: status,
		Latency: Duration(s.wall().Sub(start)),
	}
	if apiErr != nil {
		entry.Code = apiErr.Code
	}
	s.record(entry)
}

// signatureParams are the V1 common parameters; they are not business parameters.
var signatureParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "Timestamp": true, "AccessKeyId": true,
	"Signature": true, "SignatureMethod": true, "SignatureVersion": true, "SignatureNonce": true,
	"SignatureType": true, "SecurityToken": true, "BearerToken": true,
}

// serve reads, authenticates and dispatches one request.
func (s *Server) serve(ctx context.Context, c *call) (map[string]any, *apiError) {
	r := c.req
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, newError(http.StatusForbidden, "UnsupportedHTTPMethod", "This http method %s is not supported.", r.Method)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, newError(http.StatusBadRequest, "InvalidParameter", "The request body could not be read.")
	}
	c.body = body
	if c.params, err = url.ParseQuery(r.URL.RawQuery); err != nil {
		return nil, newError(http.StatusBadRequest, "InvalidParameter", "The query string is malformed.")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, newError(http.StatusBadRequest, "InvalidParameter", "The form body is malformed.")
		}
		for k, v := range form {
			c.params[k] = append(c.params[k], v...)
		}
	}
	c.business = params{}
	for k, v := range c.params {
		if !signatureParams[k] && len(v) > 0 {
			c.business[k] = v[0]
		}
	}
	c.region = c.business["RegionId"]

	v3 := strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-")
	if v3 {
		c.signature = SignatureV3
		c.action, c.version = r.Header.Get("x-acs-action"), r.Header.Get("x-acs-version")
	} else {
		if c.params.Has("Signature") {
			c.signature = SignatureV1
		}
		c.action, c.version = c.params.Get("Action"), c.params.Get("Version")
	}
	if c.action == "" {
		return nil, errMissing("Action")
	}
	handler, ok := actions[c.action]
	if !ok {
		return nil, newError(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	}
	if c.version == "" {
		return nil, errMissing("Version")
	}
	if c.version != APIVersion {
		return nil, newError(http.StatusBadRequest, "NoSuchVersion", "The specified version does not exist.")
	}
	verify := s.verifyV1
	if v3 {
		verify = s.verifyV3
	}
	if err := verify(c); err != nil {
		return nil, err
	}

	s.mu.Lock()
	rule, fault := s.fault(c.action)
	s.mu.Unlock()
	if fault == nil && !s.quota.allow(c.action, s.wall()) {
		fault = errThrottled
	}
	if rule.Latency > 0 {
		t := time.NewTimer(time.Duration(rule.Latency))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if fault != nil {
		return nil, fault
	}
	if c.region == "" {
		return nil, errMissing("RegionId")
	}
	resp, apiErr := s.dispatch(c, handler)
	if apiErr == nil && rule.LostRate > 0 {
		s.mu.Lock()
		lost := s.rnd.Float64() < rule.LostRate
		s.mu.Unlock()
		if lost {
			return nil, errAnswerLost
		}
	}
	return resp, apiErr
}

// fault decides this call's injected failure, if any. Called with s.mu held.
func (s *Server) fault(action string) (Rule, *apiError) {
	f := s.settings.Faults
	rule, ok := f.Actions[action]
	if !ok {
		rule = f.Rule
	}
	s.calls[action]++
	n := s.calls[action]
	switch {
	case n <= rule.FailFirst:
		return rule, errUnavailable
	case n <= rule.ThrottleFirst:
		return rule, errThrottled
	}
	if err := s.injected(action, n); err != nil {
		return rule, err
	}
	switch {
	case rule.FailRate > 0 && s.rnd.Float64() < rule.FailRate:
		return rule, errUnavailable
	case rule.ThrottleRate > 0 && s.rnd.Float64() < rule.ThrottleRate:
		return rule, errThrottled
	}
	return rule, nil
}

// newRequestID returns an ID shaped like Alibaba's request IDs. Called with s.mu held.
func (s *Server) newRequestID() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(s.rnd.UintN(256))
	}
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// newID returns prefix + 20 lower-case alphanumerics. Called with s.mu held.
func (s *Server) newID(prefix string) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alphabet[s.rnd.IntN(len(alphabet))]
	}
	return prefix + string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
