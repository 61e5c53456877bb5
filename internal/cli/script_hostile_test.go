package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// hostileRegistries holds each script's hostile registry, for hostile-registry-auth.
var hostileRegistries sync.Map // *testscript.TestScript → *hostileRegistry

// hostileRegistry is a registry that answers as an attacker's would: every request is
// refused with 401 and a body that echoes the request's Authorization header, except
// under /v2/huge/, whose manifests answer 200 with a 100 KB Docker-Content-Digest.
type hostileRegistry struct {
	mu   sync.Mutex
	auth []string // the Authorization headers received, in order
}

func (h *hostileRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if a := r.Header.Get("Authorization"); a != "" {
		h.auth = append(h.auth, a)
	}
	h.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/v2/huge/manifests/") {
		w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
		w.Header().Set("Docker-Content-Digest", "sha256:"+strings.Repeat("a", 100<<10))
		w.Header().Set("Content-Length", "2")
		return
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="hostile"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintf(w, `{"errors":[{"code":"UNAUTHORIZED","message":"ECHO[%s]\nsecond line"}]}`, r.Header.Get("Authorization"))
}

// cmdHostileRegistry starts a hostile registry (see hostileRegistry) for the rest of
// the script and sets HOSTILE to its host:port (127.0.0.1:PORT) and HOSTILE_PORT to its
// port (so that localhost:PORT names the same server as a second registry).
//
//	hostile-registry
func cmdHostileRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: hostile-registry")
	}
	h := &hostileRegistry{}
	srv := httptest.NewServer(h)
	ts.Defer(srv.Close)
	hostileRegistries.Store(ts, h)
	host := strings.TrimPrefix(srv.URL, "http://")
	ts.Setenv("HOSTILE", host)
	ts.Setenv("HOSTILE_PORT", host[strings.LastIndex(host, ":")+1:])
}

// cmdHostileRegistryAuth prints the Authorization headers the hostile registry
// received, one a line, or "no Authorization header".
//
//	hostile-registry-auth
func cmdHostileRegistryAuth(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: hostile-registry-auth")
	}
	v, ok := hostileRegistries.Load(ts)
	if !ok {
		ts.Fatalf("hostile-registry-auth: run hostile-registry first")
	}
	h := v.(*hostileRegistry)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.auth) == 0 {
		fmt.Fprintln(ts.Stdout(), "no Authorization header")
	}
	for _, a := range h.auth {
		fmt.Fprintln(ts.Stdout(), a)
	}
}
