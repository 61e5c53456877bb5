package eci

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/imcsync/imcsync/internal/eci/pacing"
)

// Default timeouts, used when Config leaves them zero.
const (
	DefaultReadTimeout    = 30 * time.Second
	DefaultConnectTimeout = 5 * time.Second
)

// Config says where and as whom the client talks to ECI.
type Config struct {
	// Endpoint is a URL such as http://127.0.0.1:8080 (the emulator) or
	// https://eci.cn-hangzhou.aliyuncs.com. Empty means https://eci.<region>.aliyuncs.com
	// for each call's region.
	Endpoint string
	// AccessKeyID and AccessKeySecret are an optional static key pair. When both are
	// empty the standard credential chain is used: environment variables, CLI profile,
	// credentials file, OIDC role, ECS RAM role.
	AccessKeyID     string
	AccessKeySecret string
	// ReadTimeout bounds a whole call, from dialling to the last byte of the answer.
	// Zero means DefaultReadTimeout. The SDK counts it in milliseconds.
	ReadTimeout time.Duration
	// ConnectTimeout bounds opening the connection. Zero means DefaultConnectTimeout.
	// The SDK counts it in whole seconds, so it is rounded up to the next second.
	ConnectTimeout time.Duration
	// UserAgent is appended to the SDK's User-Agent header, e.g. "imcsync/1.2.0".
	UserAgent string
	// Pacer paces every call (each attempt of it) per region and action, and learns from
	// throttling answers. Nil: calls are not paced.
	Pacer *pacing.Pacer
	// Retry says how calls that failed in a retryable way are retried (every call,
	// listings included). Zero fields: DefaultRetryPolicy's values.
	Retry RetryPolicy
	// Breaker says when the client stops sending an action that keeps failing in a
	// region. Zero fields: DefaultBreakerPolicy's values.
	Breaker BreakerPolicy
	// Now and Sleep replace the wall clock and the pause between retries, for tests.
	// Sleep returns early with ctx's error when ctx ends. Nil: the real ones.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Observe, when set, is told of every request once its answer is in: listings,
	// mutations, tag calls and each of their retries (not the calls the circuit breaker
	// refused unsent). It is called from the calling goroutines; keep it quick.
	Observe func(Attempt)
}

// Client calls ECI's image-cache actions and its tag actions for image caches. It is
// safe for concurrent use: each call borrows an SDK client of its own from a pool.
type Client struct {
	fixed     *target // the parsed Config.Endpoint; nil: one endpoint per region
	cred      credentials.Credential
	userAgent string
	readMS    int // SDK ReadTimeout, milliseconds
	connectS  int // SDK ConnectTimeout, seconds
	secrets   redactor
	pacer     *pacing.Pacer
	retry     RetryPolicy
	breaker   *breaker
	sleep     func(ctx context.Context, d time.Duration) error
	now       func() time.Time
	observer  func(Attempt)
	proxy     proxyFunc // the environment's proxy rules (proxy.go)

	mu     sync.Mutex
	pools  map[target]*sync.Pool
	relays map[string]*url.URL // loopback relays to proxies, by proxy URL (relay.go)
}

// target is where SDK clients send requests: the SDK wants the scheme and host apart.
type target struct {
	protocol string // http or https
	host     string // host[:port]
}

// New checks cfg and returns a client. It sends nothing and does not yet look for
// credentials: a missing credential shows up as a *CredentialsError on the first call.
// With the SDK's debug output on (DEBUG=tea or credential), it fails with a *DebugError.
func New(cfg Config) (*Client, error) {
	if err := checkDebug(debugEnv()); err != nil {
		return nil, err
	}
	now, pause := cfg.Now, cfg.Sleep
	if now == nil {
		now = time.Now
	}
	if pause == nil {
		pause = Sleep
	}
	c := &Client{
		userAgent: cfg.UserAgent, pools: map[target]*sync.Pool{}, pacer: cfg.Pacer,
		retry: cfg.Retry.withDefaults(), breaker: newBreaker(cfg.Breaker, now), sleep: pause, now: now,
		observer: cfg.Observe, proxy: environmentProxy(),
	}
	if cfg.Endpoint != "" {
		t, err := parseEndpoint(cfg.Endpoint)
		if err != nil {
			return nil, err
		}
		c.fixed = &t
	}
	read, connect := cfg.ReadTimeout, cfg.ConnectTimeout
	if read == 0 {
		read = DefaultReadTimeout
	}
	if connect == 0 {
		connect = DefaultConnectTimeout
	}
	if read < time.Millisecond || connect < 0 {
		return nil, fmt.Errorf("eci: timeouts must be positive (read %v, connect %v)", cfg.ReadTimeout, cfg.ConnectTimeout)
	}
	c.readMS = int(read / time.Millisecond)
	c.connectS = int((connect + time.Second - 1) / time.Second)

	var cred credentials.Credential
	var err error
	switch {
	case cfg.AccessKeyID != "" && cfg.AccessKeySecret != "":
		cred, err = credentials.NewCredential(&credentials.Config{
			Type:            tea.String("access_key"),
			AccessKeyId:     tea.String(cfg.AccessKeyID),
			AccessKeySecret: tea.String(cfg.AccessKeySecret),
		})
		c.secrets = c.secrets.with(cfg.AccessKeySecret)
	case cfg.AccessKeyID != "" || cfg.AccessKeySecret != "":
		return nil, errors.New("eci: an access key needs both its ID and its secret")
	default:
		cred, err = credentials.NewCredential(nil)
	}
	if err != nil {
		return nil, &CredentialsError{}
	}
	c.cred = &sharedCredential{cred: cred}
	if c.fixed != nil {
		// Build one SDK client now so that a bad configuration fails here, not mid-apply.
		sdkc, err := c.newSDKClient(*c.fixed)
		if err != nil {
			return nil, err
		}
		c.pool(*c.fixed).Put(sdkc)
	}
	return c, nil
}

var regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseEndpoint splits a URL endpoint into the SDK's Protocol and Endpoint.
func parseEndpoint(s string) (target, error) {
	bad := func(why string, shown string) (target, error) {
		return target{}, fmt.Errorf("eci: invalid endpoint %q: %s; want a URL such as http://127.0.0.1:8080 or https://eci.cn-hangzhou.aliyuncs.com", shown, why)
	}
	shown := s
	if strings.Contains(s, "@") {
		shown = "(hidden: it may hold a password)"
	}
	if !strings.Contains(s, "://") {
		return bad("the scheme must be http or https, and it is missing", shown)
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("not a URL", shown)
	}
	shown = u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("the scheme must be http or https", shown)
	case u.Host == "" || u.Hostname() == "":
		return bad("no host", shown)
	case u.User != nil:
		return bad("user information is not allowed", shown)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return bad("only scheme, host and port are allowed", shown)
	}
	return target{protocol: u.Scheme, host: u.Host}, nil
}

// targetFor returns where calls for region go.
func (c *Client) targetFor(region string) (target, error) {
	if !regionPattern.MatchString(region) {
		return target{}, fmt.Errorf("eci: invalid region %q", region)
	}
	if c.fixed != nil {
		return *c.fixed, nil
	}
	return target{protocol: "https", host: "eci." + region + ".aliyuncs.com"}, nil
}

// pool returns the pool of idle SDK clients for t. The SDK client writes to itself on
// every call, so one is never used by two calls at once.
func (c *Client) pool(t target) *sync.Pool {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pools[t]
	if !ok {
		p = &sync.Pool{}
		c.pools[t] = p
	}
	return p
}

func (c *Client) newSDKClient(t target) (*sdk.Client, error) {
	cfg := &openapi.Config{
		Endpoint:       tea.String(t.host),
		Protocol:       tea.String(t.protocol),
		Credential:     c.cred,
		ReadTimeout:    tea.Int(c.readMS),
		ConnectTimeout: tea.Int(c.connectS),
	}
	if c.userAgent != "" {
		cfg.UserAgent = tea.String(c.userAgent)
	}
	sc, err := sdk.NewClient(cfg)
	if err != nil {
		return nil, convertError("NewClient", "", err, c.secrets)
	}
	return sc, nil
}

// runtime returns the per-call options: no SDK retries (the caller retries, with backoff
// and the same ClientToken), and both timeouts in the SDK's units.
func (c *Client) runtime() *util.RuntimeOptions {
	return &util.RuntimeOptions{
		Autoretry:      tea.Bool(false),
		MaxAttempts:    tea.Int(0),
		ReadTimeout:    tea.Int(c.readMS),
		ConnectTimeout: tea.Int(c.connectS),
	}
}

// call runs fn under the retry policy and the circuit breaker (see do); actions that
// do not start with Describe or List mutate.
func (c *Client) call(ctx context.Context, action, region string, secrets redactor, fn func(*sdk.Client, *util.RuntimeOptions) error) error {
	if _, err := c.targetFor(region); err != nil {
		return err
	}
	mutating := !strings.HasPrefix(action, "Describe") && !strings.HasPrefix(action, "List")
	return c.do(ctx, action, region, mutating, func(ctx context.Context) error {
		return c.send(ctx, action, region, secrets, fn)
	})
}

// send makes one request: fn with a pooled SDK client, its error converted. The SDK
// takes no context: ctx is checked before sending, and if it ends while the request is
// in flight, send returns ctx's error at once while the request itself runs on until it
// completes or hits ReadTimeout (its answer is then discarded).
func (c *Client) send(ctx context.Context, action, region string, secrets redactor, fn func(*sdk.Client, *util.RuntimeOptions) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	t, err := c.targetFor(region)
	if err != nil {
		return err
	}
	proxy, err := c.proxyFor(t)
	if err != nil {
		return err
	}
	rt := c.runtime()
	via := proxy
	if proxy != nil && t.protocol == "http" {
		if via, err = c.relayed(proxy); err != nil {
			return err
		}
	}
	withProxy(rt, t, via)
	p := c.pool(t)
	sc, _ := p.Get().(*sdk.Client)
	if sc == nil {
		if sc, err = c.newSDKClient(t); err != nil {
			return err
		}
	}
	done := make(chan error, 1)
	go func() {
		err := convertError(action, region, fn(sc, rt), secrets)
		if via != proxy {
			err = fromRelay(err, proxy)
		}
		var te *TransportError
		if errors.As(err, &te) {
			te.from(t, proxy)
		}
		p.Put(sc)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", action, ctx.Err())
	}
}

// sharedCredential lets all pooled SDK clients share one credential provider (and so one
// STS session) although the providers of credentials-go keep unguarded state.
type sharedCredential struct {
	mu   sync.Mutex
	cred credentials.Credential
}

var _ credentials.Credential = (*sharedCredential)(nil)

func (s *sharedCredential) GetCredential() (*credentials.CredentialModel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.cred.GetCredential()
	if err != nil {
		return nil, &CredentialsError{}
	}
	return m, nil
}

func (s *sharedCredential) GetAccessKeyId() (*string, error) {
	m, err := s.GetCredential()
	if err != nil {
		return nil, err
	}
	return m.AccessKeyId, nil
}

func (s *sharedCredential) GetAccessKeySecret() (*string, error) {
	m, err := s.GetCredential()
	if err != nil {
		return nil, err
	}
	return m.AccessKeySecret, nil
}

func (s *sharedCredential) GetSecurityToken() (*string, error) {
	m, err := s.GetCredential()
	if err != nil {
		return nil, err
	}
	return m.SecurityToken, nil
}

func (s *sharedCredential) GetBearerToken() *string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cred.GetBearerToken()
}

func (s *sharedCredential) GetType() *string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cred.GetType()
}
