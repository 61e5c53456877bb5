package cli

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// TestMain lets the test binary run as the imcsync command inside test scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"imcsync": func() { os.Exit(Main()) },
		// The action's scripts run it as their cosign (action_cosign_test.go).
		"fake-cosign": func() { os.Exit(fakeCosign(os.Args[1:])) },
	})
}

// TestScript runs the CLI scenarios in testdata/script/*.txtar as a user would. With
// -update, cmp failures against files in the archive rewrite the archive instead.
func TestScript(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(repo, "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Cmds:                scriptCmds(),
		Condition:           scriptCondition,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
			// The scenarios name registries that do not exist; those about moved tags
			// turn resolution on (--refresh, or env IMCSYNC_REFRESH=auto).
			env.Setenv("IMCSYNC_REFRESH", "off")
			// EXAMPLES lets scripts read the repository's examples/ in place.
			env.Setenv("EXAMPLES", filepath.Join(repo, "examples"))
			env.Values[setupEnvKey] = slices.Clone(env.Vars)
			return os.MkdirAll(home, 0o755)
		},
	})
}

// scriptCmds are the custom commands test scripts may use besides imcsync; add a
// command here to make it available to every script.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"ecisim":      cmdEcisim,
		"ecisim-log":  cmdEcisimLog,
		"ecisim-wait": cmdEcisimWait,
		"serve":       cmdServe,
		"start":       cmdStart,
		"terminate":   cmdTerminate,
		"http-get":    cmdHTTPGet,
		"metrics":     cmdMetrics,
		// The registry: tags that move (script_registry_test.go).
		"registry":          cmdRegistry,
		"registry-push":     cmdRegistryPush,
		"registry-stop":     cmdRegistryStop,
		"registry-requests": cmdRegistryRequests,
		"registry-wait":     cmdRegistryWait,
		"ecisim-ready":      cmdEcisimReady,
		"expand":            cmdExpand,
		// A registry that answers as an attacker's would (script_hostile_test.go).
		"hostile-registry":      cmdHostileRegistry,
		"hostile-registry-auth": cmdHostileRegistryAuth,
		"plan-tamper":           cmdPlanTamper,
	}
}

// emulators holds each script's running emulator, for ecisim-log.
var emulators sync.Map // *testscript.TestScript → *ecisim.Running

// cmdEcisim starts an emulator for the rest of the script and points imcsync at it:
//
//	ecisim [-transition D] [-latency D] [-update-tags replace|merge] [-quota ACTION=QPS|ACTION=CALLS/PERIOD]... [-fault ACTION=CODE:HTTP:RATE]... [-key ID:SECRET] [STATE]
//
// It sets IMCSYNC_ENDPOINT (and ECISIM_ADDR, its host:port) and the emulator's access key pair (the default one, or the
// one -key gives) in the environment. STATE is an emulator state file (settings and
// caches); without it the emulator is empty. Status transitions take -transition
// (default 50ms) so that apply is quick; -latency delays every answer (so that calls of
// concurrent runs are in flight together); -update-tags sets what UpdateImageCache does
// with Tag.N (default: the state's setting); -quota sets the account's flow control for
// an action (see ecisim.Settings.Quota). Each -fault injects an error answer, as
// `imcsync sim --fault` does.
func cmdEcisim(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! ecisim")
	}
	transition := 50 * time.Millisecond
	var latency time.Duration
	id, secret := ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret
	var updateTags string
	var quota map[string]ecisim.Quota
	var injected []ecisim.ErrorFault
	for len(args) >= 2 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-transition":
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			transition = d
		case "-latency":
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			latency = d
		case "-quota":
			if quota == nil {
				quota = map[string]ecisim.Quota{}
			}
			ts.Check(ecisim.ParseQuota(args[1], quota))
		case "-update-tags":
			updateTags = args[1]
		case "-key":
			var ok bool
			if id, secret, ok = strings.Cut(args[1], ":"); !ok {
				ts.Fatalf("ecisim -key: want ID:SECRET")
			}
		case "-fault":
			ef, err := ecisim.ParseErrorFault(args[1])
			ts.Check(err)
			injected = append(injected, ef)
		default:
			ts.Fatalf("ecisim: unknown flag %s", args[0])
		}
		args = args[2:]
	}
	st := &ecisim.State{}
	if len(args) == 1 {
		var err error
		st, err = ecisim.LoadState(ts.MkAbs(args[0]))
		ts.Check(err)
	} else if len(args) > 1 {
		ts.Fatalf("usage: ecisim [-transition D] [-latency D] [-update-tags replace|merge] [-quota ACTION=QPS|ACTION=CALLS/PERIOD]... [-fault ACTION=CODE:HTTP:RATE]... [-key ID:SECRET] [STATE]")
	}
	st.Settings.Faults.Errors = append(st.Settings.Faults.Errors, injected...)
	if latency > 0 {
		st.Settings.Faults.Latency = ecisim.Duration(latency)
	}
	cfg := ecisim.Config{Transition: transition, Seed: 1, UpdateTags: updateTags, Quota: quota, Keys: map[string]string{id: secret}}
	if reg, ok := registries.Load(ts); ok {
		cfg.Resolve = reg.(*scriptRegistry).Resolve
	}
	run := ecisimtest.NewServer(scriptTB{ts}, cfg, st)
	emulators.Store(ts, run)
	ts.Setenv("IMCSYNC_ENDPOINT", run.URL)
	ts.Setenv("ECISIM_ADDR", strings.TrimPrefix(run.URL, "http://"))
	ts.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", id)
	ts.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
}

// scriptTB is a script as ecisimtest's helpers see it: what they start stops with the
// script.
type scriptTB struct{ ts *testscript.TestScript }

func (s scriptTB) Helper()                           {}
func (s scriptTB) Fatalf(format string, args ...any) { s.ts.Fatalf(format, args...) }
func (s scriptTB) Cleanup(f func())                  { s.ts.Defer(f) }

// cmdEcisimLog prints the requests the script's emulator has served since the last
// ecisim-log, one line each: ACTION STATUS [CODE] and, for mutating actions, the
// business parameters sorted (ClientToken shown as its presence only).
//
//	ecisim-log
func cmdEcisimLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: ecisim-log")
	}
	v, ok := emulators.Load(ts)
	if !ok {
		ts.Fatalf("ecisim-log: no emulator started; run ecisim first")
	}
	run := v.(*ecisim.Running)
	var b strings.Builder
	for _, r := range run.Server.Requests() {
		fmt.Fprintf(&b, "%s %d", r.Action, r.Status)
		if r.Code != "" {
			b.WriteString(" " + r.Code)
		}
		if r.Action != "DescribeImageCaches" {
			for _, k := range slices.Sorted(maps.Keys(r.Params)) {
				v := r.Params[k]
				if k == "ClientToken" {
					v = "(set)"
				}
				fmt.Fprintf(&b, " %s=%s", k, v)
			}
		}
		b.WriteString("\n")
	}
	run.Server.ResetRequests()
	ts.Stdout().Write([]byte(b.String()))
}

// cmdEcisimWait waits (at most 10 s) until the script's emulator has accepted (HTTP 200)
// at least N calls of ACTION since the last ecisim-log, e.g. to interrupt a run while
// its calls are being made:
//
//	ecisim-wait ACTION N
func cmdEcisimWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ecisim-wait ACTION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	v, ok := emulators.Load(ts)
	if !ok {
		ts.Fatalf("ecisim-wait: no emulator started; run ecisim first")
	}
	run := v.(*ecisim.Running)
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := 0
		for _, r := range run.Server.Requests() {
			if r.Action == args[0] && r.Status == 200 {
				n++
			}
		}
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("ecisim-wait: %d %s accepted after 10s, want %d", n, args[0], want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scriptCondition answers the scripts' own conditions: [nxdomain] holds when this
// machine's resolver says that a name under .invalid does not exist (RFC 6761), as
// most do; scripts about names that do not resolve need it.
func scriptCondition(cond string) (bool, error) {
	if cond != "nxdomain" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	var dns *net.DNSError
	_, err := net.LookupHost("eci.cn-shangai.invalid")
	return errors.As(err, &dns) && dns.IsNotFound, nil
}
