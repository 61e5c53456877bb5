package eci

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"golang.org/x/net/http/httpproxy"
)

// Proxies follow the rules of Go's net/http and curl (golang.org/x/net/http/httpproxy):
// HTTPS_PROXY for https endpoints, HTTP_PROXY for http ones (or their lower-case
// forms), and NO_PROXY with host names, domain suffixes (.aliyuncs.com or aliyuncs.com),
// "*", IP addresses and CIDR ranges, each optionally with a port. Loopback endpoints
// (localhost, 127.0.0.0/8, ::1: the emulator) are never proxied.
//
// The SDK reads these variables itself but compares each NO_PROXY entry to host:port
// exactly, so the client decides for every endpoint and passes the decision through the
// SDK's runtime options: the proxy to use, or a NO_PROXY naming the endpoint exactly.

// proxyFunc returns the proxy for a request URL, or nil for a direct connection.
type proxyFunc func(*url.URL) (*url.URL, error)

// environmentProxy reads the proxy variables once, when the client is made.
func environmentProxy() proxyFunc { return httpproxy.FromEnvironment().ProxyFunc() }

// proxyFor returns the proxy calls to t go through, nil for none.
func (c *Client) proxyFor(t target) (*url.URL, error) {
	p, err := c.proxy(&url.URL{Scheme: t.protocol, Host: t.host})
	if err != nil {
		return nil, fmt.Errorf("eci: the proxy setting for %s://%s is not a valid URL (check HTTPS_PROXY and HTTP_PROXY): %w", t.protocol, t.host, err)
	}
	return p, nil
}

// withProxy sets rt so that the SDK connects to t through proxy, or directly when proxy
// is nil, whatever its own reading of the environment would say.
func withProxy(rt *util.RuntimeOptions, t target, proxy *url.URL) {
	if proxy == nil {
		rt.NoProxy = tea.String(t.host) // the SDK's exact match
		return
	}
	// A NO_PROXY that names no host, so that the environment's is not read instead.
	rt.NoProxy = tea.String(",")
	if t.protocol == "https" {
		rt.HttpsProxy = tea.String(proxy.String())
	} else {
		rt.HttpProxy = tea.String(proxy.String())
	}
}

// ProxyError is a call that failed at the proxy: it could not be reached, or it refused
// to open the tunnel to the API (e.g. 403 Forbidden, 407 Proxy Authentication Required).
// It is a *TransportError's cause.
type ProxyError struct {
	Proxy  string // the proxy's URL, its password hidden
	Status int    // the proxy's HTTP status; 0 when it could not be reached
	err    error
}

func (e *ProxyError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("the proxy %s answered HTTP %d %s instead of connecting to the API (check HTTPS_PROXY, HTTP_PROXY and NO_PROXY)", e.Proxy, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("the proxy %s could not be reached: %v (check HTTPS_PROXY, HTTP_PROXY and NO_PROXY)", e.Proxy, e.err)
}

func (e *ProxyError) Unwrap() error { return e.err }

// proxyFailure recognises, in the cause of a failed request sent through proxy, the
// proxy's own failure: a "proxyconnect" dial error, or the bare status text Go's
// transport returns when the proxy answers CONNECT with anything but 200.
func proxyFailure(proxy *url.URL, cause error) error {
	var op *net.OpError
	if errors.As(cause, &op) && op.Op == "proxyconnect" {
		return &ProxyError{Proxy: proxy.Redacted(), err: op.Err}
	}
	if status := statusOfText(cause.Error()); status != 0 {
		return &ProxyError{Proxy: proxy.Redacted(), Status: status, err: cause}
	}
	return nil
}

// statusOfText returns the HTTP status whose text is s, 0 for none.
func statusOfText(s string) int {
	for code := 400; code < 600; code++ {
		if t := http.StatusText(code); t != "" && strings.EqualFold(t, s) {
			return code
		}
	}
	return 0
}
