package ecisimtest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// fakeTB records what a helper asks of the test.
type fakeTB struct {
	fatal    string
	cleanups []func()
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// answers reports whether something answers HTTP at url.
func answers(url string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// The server answers until the test ends, and holds the state it was given.
func TestNewServer(t *testing.T) {
	tb := &fakeTB{}
	st := &ecisim.State{Caches: []ecisim.Cache{{ID: "imc-1", Name: "web", Region: "cn-hangzhou", Status: ecisim.StatusReady, Images: []string{"nginx:1"}, Size: 20}}}
	rn := ecisimtest.NewServer(tb, ecisim.Config{}, st)
	if tb.fatal != "" || !answers(rn.URL) || len(rn.Server.State().Caches) != 1 {
		t.Fatalf("fatal %q, answers %v, state %+v", tb.fatal, answers(rn.URL), rn.Server.State())
	}
	tb.end()
	if answers(rn.URL) {
		t.Errorf("%s still answers after the test ended", rn.URL)
	}
}

// A configuration the emulator refuses fails the test, saying why.
func TestNewServerRefused(t *testing.T) {
	tb := &fakeTB{}
	ecisimtest.NewServer(tb, ecisim.Config{UpdateTags: "sometimes"}, nil)
	if tb.fatal == "" || len(tb.cleanups) != 0 {
		t.Errorf("fatal %q, %d cleanups; want a failed test and nothing to stop", tb.fatal, len(tb.cleanups))
	}
}

// NewManualServer's clock is the server's: a cache loaded without a creation time is
// created at the clock's time, a given ManualClock's or a new one's.
func TestNewManualServer(t *testing.T) {
	epoch := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for name, cfg := range map[string]ecisim.Config{"given": {Clock: ecisim.NewManualClock(epoch)}, "new": {}} {
		tb := &fakeTB{}
		st := &ecisim.State{Caches: []ecisim.Cache{{ID: "imc-1", Name: "web", Region: "cn-hangzhou", Status: ecisim.StatusReady, Images: []string{"nginx:1"}, Size: 20}}}
		rn, clock := ecisimtest.NewManualServer(tb, cfg, st)
		if tb.fatal != "" {
			t.Fatalf("%s: %s", name, tb.fatal)
		}
		if name == "given" && !clock.Now().Equal(epoch) {
			t.Errorf("given: clock shows %v, want %v", clock.Now(), epoch)
		}
		if got := rn.Server.State().Caches[0].CreationTime; !got.Equal(clock.Now()) {
			t.Errorf("%s: cache created at %v, want the clock's %v", name, got, clock.Now())
		}
		tb.end()
	}
	other := &fakeTB{}
	ecisimtest.NewManualServer(other, ecisim.Config{Clock: wall{}}, nil)
	if other.fatal == "" {
		t.Error("a clock that is not a ManualClock was accepted")
	}
}

type wall struct{}

func (wall) Now() time.Time { return time.Now() }

// The registry serves pushes until the test ends.
func TestNewRegistry(t *testing.T) {
	tb := &fakeTB{}
	reg := ecisimtest.NewRegistry(tb)
	if _, err := reg.Push(context.Background(), "web:1"); err != nil || tb.fatal != "" {
		t.Fatalf("push: %v, fatal %q", err, tb.fatal)
	}
	tb.end()
	if answers("http://" + reg.Host + "/v2/") {
		t.Errorf("the registry still answers after the test ended")
	}
}
