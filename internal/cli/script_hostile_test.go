package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/imcsync/imcsync/planner"
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

// cmdPlanTamper edits a saved plan as an attacker would: the change of cache NAME
// becomes an update of its size to N (-size, default 60), the summary fixed up. With
// -reseal the digest is computed again, as someone who knows the format would.
//
//	plan-tamper [-reseal] [-size N] PLANFILE NAME
func cmdPlanTamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! plan-tamper")
	}
	reseal, size := false, int64(0)
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch {
		case args[0] == "-reseal":
			reseal, args = true, args[1:]
		case args[0] == "-size" && len(args) > 1:
			n, err := strconv.ParseInt(args[1], 10, 64)
			ts.Check(err)
			size, args = n, args[2:]
		default:
			ts.Fatalf("plan-tamper: unknown flag %s", args[0])
		}
	}
	if len(args) != 2 {
		ts.Fatalf("usage: plan-tamper [-reseal] [-size N] PLANFILE NAME")
	}
	path := ts.MkAbs(args[0])
	var plan planner.Plan
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &plan))
	found := false
	for i := range plan.Changes {
		c := &plan.Changes[i]
		if c.Name != args[1] {
			continue
		}
		found = true
		c.Action, c.Reason = planner.Update, ""
		if size == 0 {
			size = 60
		}
		c.Fields = []planner.FieldChange{{Field: "size", After: size, Send: true, Call: planner.CallUpdate}}
	}
	if !found {
		ts.Fatalf("plan-tamper: no change of %s", args[1])
	}
	plan.Summary = planner.Summarize(plan.Changes)
	if reseal {
		plan.Seal(*plan.Target)
	}
	b, err := json.MarshalIndent(plan, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(path, b, 0o644))
}
