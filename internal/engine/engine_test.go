package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// TestReconcileRound runs what a reconcile loop does on each interval, without cli/:
// load, plan, apply, report; the next round finds nothing to do.
func TestReconcileRound(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "imagecaches.yaml")
	state := filepath.Join(dir, "state.yaml")
	write(t, file, `apiVersion: imcsync/v1
region: cn-hangzhou
owner: team
imageCaches:
  - name: web
    images: [nginx:1.27]
    size: 40
  - name: new
    images: [api:2.0]
    securityGroupId: sg-1
    vSwitchId: vsw-1
`)
	write(t, state, `settings: {transition: 20ms}
caches:
  - {region: cn-hangzhou, id: imc-web, name: web, images: [nginx:1.27], size: 20}
`)
	conn := connectSim(t, state)
	ctx := context.Background()
	opts := applier.DefaultOptions()
	opts.PollInterval = 10 * time.Millisecond

	round := func() (*engine.Planned, engine.Report) {
		f, err := engine.Load(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := engine.Plan(ctx, f, conn, engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := p.Apply(ctx, conn.Client, opts)
		if err != nil {
			t.Fatal(err)
		}
		return p, rep
	}
	p, rep := round()
	if want := (planner.Summary{Create: 1, Update: 1}); p.Plan.Summary != want {
		t.Errorf("first plan %+v, want %+v", p.Plan.Summary, want)
	}
	if !rep.OK() || rep.Summary.Created != 1 || rep.Summary.Updated != 1 {
		t.Errorf("first apply %+v", rep)
	}
	p, rep = round()
	if p.Plan.HasChanges() || !rep.OK() || rep.Summary.Unchanged != 2 {
		t.Errorf("second round: plan %+v, apply %+v", p.Plan.Summary, rep.Summary)
	}
}

// TestPlanRefusesBeforeReading: selection and --prune problems stop the plan before the
// source is read.
func TestPlanRefusesBeforeReading(t *testing.T) {
	file := filepath.Join(t.TempDir(), "imagecaches.yaml")
	write(t, file, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1]}\n")
	f, err := engine.Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	var prune *engine.PruneWithoutOwnerError
	var sel *engine.SelectionError
	for name, c := range map[string]struct {
		opts   engine.PlanOptions
		target any
		want   string
	}{
		"prune without owner": {engine.PlanOptions{Prune: true}, &prune, "pruning needs `owner:` in " + file},
		"unknown region":      {engine.PlanOptions{Regions: []string{"cn-beijing"}}, &sel, "region cn-beijing names no region of " + file + "; closest: cn-hangzhou"},
		"unknown target":      {engine.PlanOptions{Targets: []string{"webb"}}, &sel, "target webb names no image cache in " + file + "; closest: web"},
		"unknown target in region": {engine.PlanOptions{Regions: []string{"cn-hangzhou"}, Targets: []string{"cn-hangzhou/api"}}, &sel,
			"target cn-hangzhou/api names no image cache in " + file + " in region cn-hangzhou; closest: cn-hangzhou/web"},
	} {
		_, err := engine.Plan(context.Background(), f, failingSource{t}, c.opts)
		if err == nil || !errors.As(err, c.target) {
			t.Errorf("%s: got %v, want a %T", name, err, c.target)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %q, want it to start with %q", name, err, c.want)
		}
		if strings.Contains(err.Error(), "--") {
			t.Errorf("%s: %q names a command-line flag", name, err)
		}
	}
}

// connectSim connects to an emulator started from the state file.
func connectSim(t *testing.T, state string) *engine.Connection {
	t.Helper()
	st, err := ecisim.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	_, conn := startSim(t, ecisim.Config{}, st)
	return conn
}

// startSim starts an emulator of cfg and st, and connects to it with the real client.
func startSim(t *testing.T, cfg ecisim.Config, st *ecisim.State) (*ecisim.Running, *engine.Connection) {
	t.Helper()
	sim := ecisimtest.NewServer(t, cfg, st)
	conn, err := engine.Connect(engine.Config{Endpoint: sim.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	return sim, conn
}

type failingSource struct{ t *testing.T }

func (s failingSource) Live(context.Context, []string) ([]cloud.Cache, error) {
	s.t.Error("the source was read")
	return nil, nil
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
