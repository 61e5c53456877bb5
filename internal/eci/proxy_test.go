package eci_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// fakeProxy is an HTTP proxy: it forwards plain-HTTP requests to next (nil: it refuses
// them with a 403 HTML page, as corporate proxies do) and refuses every CONNECT.
func fakeProxy(t *testing.T, next http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Method == http.MethodConnect || next == nil {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "<html><body>request blocked by policy</body></html>")
			return
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func setProxyEnv(t *testing.T, proxy, noProxy string) {
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	t.Setenv("HTTP_PROXY", proxy)
	t.Setenv("HTTPS_PROXY", proxy)
	t.Setenv("NO_PROXY", noProxy)
}

func simClient(t *testing.T, endpoint string) *eci.Client {
	t.Helper()
	c, err := eci.New(eci.Config{Endpoint: endpoint, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Retry: eci.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLoopbackIsNeverProxied: with HTTP_PROXY and HTTPS_PROXY set and no NO_PROXY, the
// emulator on 127.0.0.1 is still reached directly.
func TestLoopbackIsNeverProxied(t *testing.T) {
	proxy, hits := fakeProxy(t, nil)
	setProxyEnv(t, proxy.URL, "")
	sim := ecisimtest.NewServer(t, ecisim.Config{}, nil)
	if _, err := simClient(t, sim.URL).List(context.Background(), "cn-hangzhou"); err != nil {
		t.Fatalf("listing the emulator on loopback: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the proxy saw %d requests for a loopback endpoint, want none", n)
	}
}

// TestNoProxyRules serves the emulator on a non-loopback address of this machine and
// checks, for NO_PROXY entries of every kind, whether calls go through the proxy (which
// forwards them) or directly.
func TestNoProxyRules(t *testing.T) {
	ip := nonLoopbackIP(t)
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	l.Close()
	sim := ecisimtest.NewServer(t, ecisim.Config{Addr: net.JoinHostPort(ip.String(), "0")}, nil)
	_, p, _ := net.SplitHostPort(sim.Endpoint)
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := sim.URL
	proxy, hits := fakeProxy(t, sim.Server)
	cidr := &net.IPNet{IP: ip.Mask(ip.DefaultMask()), Mask: ip.DefaultMask()}
	for _, tt := range []struct {
		noProxy string
		proxied bool
	}{
		{"", true},
		{"example.com,.aliyuncs.com", true},
		{ip.String(), false},
		{fmt.Sprintf("%s:%d", ip, port), false},
		{fmt.Sprintf("%s:%d", ip, port+1), true},
		{cidr.String(), false},
		{"*", false},
		{"example.com, " + ip.String(), false},
	} {
		t.Run("NO_PROXY="+tt.noProxy, func(t *testing.T) {
			setProxyEnv(t, proxy.URL, tt.noProxy)
			before := hits.Load()
			if _, err := simClient(t, endpoint).List(context.Background(), "cn-hangzhou"); err != nil {
				t.Fatal(err)
			}
			if proxied := hits.Load() > before; proxied != tt.proxied {
				t.Errorf("through the proxy: %v, want %v", proxied, tt.proxied)
			}
		})
	}
}

func nonLoopbackIP(t *testing.T) net.IP {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.To4()
		}
	}
	t.Skip("no non-loopback IPv4 address on this machine")
	return nil
}

// TestProxyRefusalNamesTheProxy: a proxy's 403 error page is reported as the proxy's
// answer, never as the API's, and a refused CONNECT shows the proxy's HTTP status.
func TestProxyRefusalNamesTheProxy(t *testing.T) {
	proxy, hits := fakeProxy(t, nil)
	setProxyEnv(t, proxy.URL, "")
	_, err := simClient(t, "http://eci.cn-hangzhou.example.invalid").List(context.Background(), "cn-hangzhou")
	var pe *eci.ProxyError
	if !errors.As(err, &pe) || pe.Status != http.StatusForbidden || !strings.Contains(err.Error(), "the proxy "+proxy.URL+" answered HTTP 403 Forbidden") {
		t.Errorf("plain HTTP through a proxy that answers its own 403 page: %v, want a *eci.ProxyError naming the proxy and HTTP 403", err)
	}
	_, err = simClient(t, "https://eci.cn-hangzhou.example.invalid").List(context.Background(), "cn-hangzhou")
	if !errors.As(err, &pe) || pe.Status != http.StatusForbidden || !strings.Contains(err.Error(), "the proxy "+proxy.URL+" answered HTTP 403 Forbidden") {
		t.Errorf("HTTPS through a refusing proxy: %v, want a *eci.ProxyError with HTTP 403", err)
	}
	if hits.Load() != 2 {
		t.Errorf("the proxy saw %d requests, want 2", hits.Load())
	}
}
