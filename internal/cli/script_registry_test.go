package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// registries holds each script's running registry, for the registry-* commands.
var registries sync.Map // *testscript.TestScript → *scriptRegistry

type scriptRegistry struct {
	*ecisim.Registry
	counted int64 // requests already reported by registry-requests
}

// cmdRegistry starts an in-memory OCI registry for the rest of the script and sets
// REGISTRY to its host:port. An emulator started after it (ecisim) records, for each
// cache it builds, the digests the images point to then.
//
//	registry
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: registry")
	}
	reg := ecisimtest.NewRegistry(scriptTB{ts})
	registries.Store(ts, &scriptRegistry{Registry: reg})
	ts.Setenv("REGISTRY", reg.Host)
}

// scriptRegistryOf returns the script's registry, failing the script without one.
func scriptRegistryOf(ts *testscript.TestScript, cmd string) *scriptRegistry {
	v, ok := registries.Load(ts)
	if !ok {
		ts.Fatalf("%s: no registry started; run registry first", cmd)
	}
	return v.(*scriptRegistry)
}

// cmdRegistryPush pushes a new image under each tag (REPO:TAG, in the script's
// registry): the first push creates the tag, each later one moves it to a new digest.
// With -env VAR it sets VAR to the digest of the last push.
//
//	registry-push [-env VAR] REPO:TAG...
func cmdRegistryPush(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! registry-push")
	}
	env := ""
	if len(args) >= 2 && args[0] == "-env" {
		env, args = args[1], args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: registry-push [-env VAR] REPO:TAG...")
	}
	reg := scriptRegistryOf(ts, "registry-push")
	for _, ref := range args {
		d, err := reg.Push(context.Background(), ref)
		ts.Check(err)
		if env != "" {
			ts.Setenv(env, d)
		}
	}
}

// cmdRegistryStop stops the script's registry: its address then refuses connections.
//
//	registry-stop
func cmdRegistryStop(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: registry-stop")
	}
	ts.Check(scriptRegistryOf(ts, "registry-stop").Close())
}

// cmdRegistryRequests prints how many requests the script's registry served since the
// last registry-requests (or its start), as "N requests".
//
//	registry-requests
func cmdRegistryRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: registry-requests")
	}
	reg := scriptRegistryOf(ts, "registry-requests")
	n := reg.Requests()
	fmt.Fprintf(ts.Stdout(), "%d requests\n", n-reg.counted)
	reg.counted = n
}

// cmdRegistryWait waits (10 s at most) until the script's registry has served N requests
// since the last registry-requests or registry-wait: a run in the background has
// looked its tags up, so that a tag pushed after it is seen by later runs only.
//
//	registry-wait N
func cmdRegistryWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: registry-wait N")
	}
	want, err := strconv.ParseInt(args[0], 10, 64)
	ts.Check(err)
	reg := scriptRegistryOf(ts, "registry-wait")
	for deadline := time.Now().Add(10 * time.Second); reg.Requests()-reg.counted < want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			ts.Fatalf("registry-wait: %d requests after 10s, want %d", reg.Requests()-reg.counted, want)
		}
	}
	reg.counted = reg.Requests()
}

// cmdEcisimReady checks the emulator's status history: from the first moment a cache of
// the images (in the region) was Ready, some cache of them was Ready at every moment.
// It prints each gap otherwise, and fails.
//
//	ecisim-ready REGION IMAGE...
func cmdEcisimReady(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: ecisim-ready REGION IMAGE...")
	}
	v, ok := emulators.Load(ts)
	if !ok {
		ts.Fatalf("ecisim-ready: no emulator started; run ecisim first")
	}
	history := v.(*ecisim.Running).Server.History()
	ever := false
	for _, h := range history {
		ever = ever || (h.Status == ecisim.StatusReady && h.Region == args[0] && slices.Equal(h.Images, args[1:]))
	}
	if !ever {
		ts.Fatalf("ecisim-ready: no cache of %s was ever Ready", args[1:])
	}
	gaps := ecisim.ReadyGaps(history, args[0], args[1:])
	for _, g := range gaps {
		fmt.Fprintf(ts.Stdout(), "no Ready cache for %s from %s to %s, after %s became %s\n",
			g.After.Images, g.From.Format("15:04:05.000"), g.To.Format("15:04:05.000"), g.After.ID, g.After.Status)
	}
	if (len(gaps) > 0) != neg {
		ts.Fatalf("ecisim-ready: %d gaps", len(gaps))
	}
}

// cmdExpand writes SRC to DST with $VAR and ${VAR} replaced by the script's environment,
// so that a file can name the registry's address ($REGISTRY).
//
//	expand SRC DST
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand SRC DST")
	}
	out := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o644))
}
