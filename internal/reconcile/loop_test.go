package reconcile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/reconcile"
)

const region = "cn-hangzhou"

// wantSize40 declares one cache of 40 GiB, owned by "team".
const wantSize40 = `apiVersion: imcsync/v1
region: cn-hangzhou
owner: team
imageCaches:
  - name: web
    images: [nginx:1.27]
    size: 40
`

// fixture is a loop against an emulator holding one Ready cache of 20 GiB.
type fixture struct {
	t       *testing.T
	file    string
	sim     *ecisim.Running
	metrics *reconcile.Metrics
	loop    *reconcile.Loop
	logs    *syncBuffer
}

func newFixture(t *testing.T, apply bool, yaml string) *fixture {
	t.Helper()
	st := &ecisim.State{Caches: []ecisim.Cache{{Region: region, ID: "imc-web", Name: "web", Status: ecisim.StatusReady,
		Images: []string{"nginx:1.27"}, Size: 20}}}
	sim := ecisimtest.NewServer(t, ecisim.Config{Seed: 1, Transition: 10 * time.Millisecond}, st)
	m := reconcile.NewMetrics()
	client, err := eci.New(eci.Config{Endpoint: sim.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Retry: eci.RetryPolicy{MaxAttempts: 2, BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond}, Observe: m.Observe})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, file: filepath.Join(t.TempDir(), "imagecaches.yaml"), sim: sim, metrics: m, logs: &syncBuffer{}}
	if yaml != "" {
		f.write(yaml)
	}
	opts := applier.DefaultOptions()
	opts.PollInterval = 10 * time.Millisecond
	cfg := reconcile.Config{File: f.file, Interval: time.Hour, Apply: apply, ApplyOptions: opts}
	f.loop = reconcile.New(cfg, &engine.Connection{Client: client}, client, m, slog.New(slog.NewJSONHandler(f.logs, nil)))
	return f
}

func (f *fixture) write(content string) {
	f.t.Helper()
	if err := os.WriteFile(f.file, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// metric is the value of the sample of name with exactly these labels, -1 when absent.
func (f *fixture) metric(name string, labels ...string) float64 {
	f.t.Helper()
	return sample(f.t, gather(f.t, f.metrics), name, labels...)
}

func gather(t *testing.T, m *reconcile.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range fams {
		out[mf.GetName()] = mf
	}
	return out
}

func sample(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	mf, ok := fams[name]
	if !ok {
		return -1
	}
next:
	for _, m := range mf.GetMetric() {
		if len(m.GetLabel())*2 != len(labels) {
			continue
		}
		for i, lp := range m.GetLabel() {
			if lp.GetName() != labels[2*i] || lp.GetValue() != labels[2*i+1] {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// actions lists the emulator's requests since the last call, one action each.
func (f *fixture) actions() []string {
	var out []string
	for _, r := range f.sim.Server.Requests() {
		out = append(out, r.Action+" "+r.Code)
	}
	f.sim.Server.ResetRequests()
	return out
}

// TestCycleHealsDrift: with Apply, a cycle updates the drifted cache and the next one
// finds it in sync; metrics and log lines say so.
func TestCycleHealsDrift(t *testing.T) {
	f := newFixture(t, true, wantSize40)
	ctx := context.Background()
	c := f.loop.RunOnce(ctx)
	if c.Result != reconcile.Healed || c.Applied.Updated != 1 || !c.FileValid || !c.Listed {
		t.Fatalf("first cycle = %+v, want healed with one update", c)
	}
	if c.Caches == nil || *c.Caches != (reconcile.States{Drifted: 1}) {
		t.Errorf("first cycle found %+v, want one drifted cache", c.Caches)
	}
	if got := f.metric("imcsync_caches", "state", "drifted"); got != 1 {
		t.Errorf("imcsync_caches{state=drifted} = %v after the first cycle, want 1", got)
	}
	if c := f.loop.RunOnce(ctx); c.Result != reconcile.InSync || *c.Caches != (reconcile.States{InSync: 1}) {
		t.Fatalf("second cycle = %+v, want in sync", c)
	}
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"imcsync_reconcile_cycles_total", []string{"result", "healed"}, 1},
		{"imcsync_reconcile_cycles_total", []string{"result", "in_sync"}, 1},
		{"imcsync_reconcile_cycles_total", []string{"result", "error"}, 0},
		{"imcsync_caches", []string{"state", "in_sync"}, 1},
		{"imcsync_caches", []string{"state", "drifted"}, 0},
		{"imcsync_changes_total", []string{"action", "update", "result", "updated"}, 1},
		{"imcsync_api_calls_total", []string{"action", "UpdateImageCache", "code", "OK"}, 1},
		{"imcsync_file_valid", nil, 1},
		{"imcsync_reconcile_duration_seconds", nil, 2},
	} {
		if got := f.metric(tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if ts := f.metric("imcsync_last_success_timestamp_seconds"); ts < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("imcsync_last_success_timestamp_seconds = %v, want about now", ts)
	}
	lines := f.logs.lines(t)
	var cycles, changes int
	for _, l := range lines {
		switch l["msg"] {
		case "cycle":
			cycles++
		case "change":
			changes++
			if l["name"] != "web" || l["action"] != "update" || l["result"] != "updated" {
				t.Errorf("change line %v, want web update updated", l)
			}
		}
	}
	if cycles != 2 || changes != 1 {
		t.Errorf("%d cycle lines and %d change lines, want 2 and 1:\n%s", cycles, changes, f.logs.String())
	}
	if strings.Contains(f.logs.String(), ecisim.DefaultAccessKeySecret) {
		t.Error("the log holds the access key secret")
	}
}

// TestCycleReportsOnly: without Apply, drift is reported and nothing is sent.
func TestCycleReportsOnly(t *testing.T) {
	f := newFixture(t, false, wantSize40)
	for range 2 {
		if c := f.loop.RunOnce(context.Background()); c.Result != reconcile.Drift || c.Plan.Update != 1 {
			t.Fatalf("cycle = %+v, want drift with one update planned", c)
		}
	}
	for _, a := range f.actions() {
		if !strings.HasPrefix(a, "DescribeImageCaches") {
			t.Errorf("report-only cycles sent %s", a)
		}
	}
	if got := f.metric("imcsync_reconcile_cycles_total", "result", "drift"); got != 2 {
		t.Errorf("cycles{result=drift} = %v, want 2", got)
	}
}

// TestInvalidFileKeepsLastGood: a file that fails validation is reported (file_valid 0,
// an error line) and the last valid one keeps being reconciled; a valid file again
// takes over.
func TestInvalidFileKeepsLastGood(t *testing.T) {
	f := newFixture(t, true, wantSize40)
	ctx := context.Background()
	if c := f.loop.RunOnce(ctx); c.Result != reconcile.Healed {
		t.Fatalf("first cycle = %+v", c)
	}
	f.write("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - name: web\n    size: lots\n")
	c := f.loop.RunOnce(ctx)
	if c.FileValid || c.Result != reconcile.InSync {
		t.Fatalf("cycle with a bad file = %+v, want in sync against the last good file", c)
	}
	if got := f.metric("imcsync_file_valid"); got != 0 {
		t.Errorf("imcsync_file_valid = %v, want 0", got)
	}
	if !strings.Contains(f.logs.String(), `"msg":"file invalid"`) || !strings.Contains(f.logs.String(), "imagecaches.yaml:5:11") {
		t.Errorf("no error line with the problem's position:\n%s", f.logs.String())
	}
	f.write(strings.Replace(wantSize40, "size: 40", "size: 60", 1))
	if c := f.loop.RunOnce(ctx); !c.FileValid || c.Result != reconcile.Healed || c.Applied.Updated != 1 {
		t.Fatalf("cycle with a fixed file = %+v, want it applied", c)
	}
	if got := f.metric("imcsync_file_valid"); got != 1 {
		t.Errorf("imcsync_file_valid = %v, want 1", got)
	}
}

// TestNoValidFileYet: without any valid file (a git-sync sidecar that has not cloned
// yet) a cycle is an error, lists nothing, and the loop is not ready.
func TestNoValidFileYet(t *testing.T) {
	f := newFixture(t, true, "")
	c := f.loop.RunOnce(context.Background())
	if c.Result != reconcile.Error || c.Listed || c.FileValid {
		t.Fatalf("cycle = %+v, want an error without listing", c)
	}
	if got := f.actions(); len(got) != 0 {
		t.Errorf("requests sent: %v", got)
	}
	if ok, why := f.loop.Ready(); ok || !strings.Contains(why, "no cycle has listed") {
		t.Errorf("Ready = %v %q", ok, why)
	}
	if got := f.metric("imcsync_caches", "state", "in_sync"); got != -1 {
		t.Errorf("imcsync_caches appears before any plan: %v", got)
	}
}

// TestListingFailureNotReady: a cycle whose listing fails is an error and makes the
// loop not ready; the API's answers are counted by code.
func TestListingFailureNotReady(t *testing.T) {
	f := newFixture(t, true, wantSize40)
	ctx := context.Background()
	if c := f.loop.RunOnce(ctx); c.Result != reconcile.Healed {
		t.Fatalf("first cycle = %+v", c)
	}
	if ok, why := f.loop.Ready(); !ok {
		t.Fatalf("not ready after a good cycle: %s", why)
	}
	f.sim.Server.SetFaults(ecisim.Faults{Errors: []ecisim.ErrorFault{{Action: "DescribeImageCaches", Code: "Forbidden.RAM", Status: 403, Rate: 1}}})
	c := f.loop.RunOnce(ctx)
	if c.Result != reconcile.Error || c.Listed || c.Err == nil || !strings.Contains(c.Err.Error(), "Forbidden.RAM") {
		t.Fatalf("cycle = %+v, want an error naming the API's code", c)
	}
	if ok, why := f.loop.Ready(); ok || !strings.Contains(why, "could not list") {
		t.Errorf("Ready = %v %q after a failed listing", ok, why)
	}
	if got := f.metric("imcsync_api_calls_total", "action", "DescribeImageCaches", "code", "Forbidden.RAM"); got != 1 {
		t.Errorf("api_calls{DescribeImageCaches,Forbidden.RAM} = %v, want 1", got)
	}
}

// TestThrottlingCounted: throttling answers count in imcsync_api_throttled_total, and
// the retried listing still succeeds.
func TestThrottlingCounted(t *testing.T) {
	f := newFixture(t, false, wantSize40)
	f.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {ThrottleFirst: 1}}})
	if c := f.loop.RunOnce(context.Background()); c.Result != reconcile.Drift {
		t.Fatalf("cycle = %+v", c)
	}
	if got := f.metric("imcsync_api_throttled_total"); got != 1 {
		t.Errorf("imcsync_api_throttled_total = %v, want 1", got)
	}
}

// TestRunStopsWithContext: Run returns soon after ctx ends, between cycles.
func TestRunStopsWithContext(t *testing.T) {
	f := newFixture(t, false, wantSize40)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.loop.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for f.metric("imcsync_reconcile_cycles_total", "result", "drift") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("no cycle ran")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2s of the end of its context")
	}
}

// TestHandler: /healthz always answers, /readyz only after a good listing, /metrics
// is valid Prometheus text.
func TestHandler(t *testing.T) {
	f := newFixture(t, false, wantSize40)
	srv := httptest.NewServer(reconcile.Handler(f.loop, f.metrics))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "not ready") {
		t.Errorf("/readyz before any cycle = %d %q, want 503", code, body)
	}
	f.loop.RunOnce(context.Background())
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz after a cycle = %d %q, want 200", code, body)
	}
	code, body := get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v\n%s", err, body)
	}
	if got := sample(t, fams, "imcsync_caches", "state", "drifted"); got != 1 {
		t.Errorf("/metrics: imcsync_caches{state=drifted} = %v, want 1", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the loop's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines decodes the JSON log lines.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}
