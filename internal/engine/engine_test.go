package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
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
	conn, err := engine.Connect(engine.Config{SimState: state})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	opts := applier.DefaultOptions()
	opts.PollInterval = 10 * time.Millisecond

	round := func() (*engine.Planned, engine.Report) {
		f, err := engine.Load(file)
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
	f, err := engine.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]engine.PlanOptions{
		"prune without owner": {Prune: true},
		"unknown region":      {Regions: []string{"cn-beijing"}},
		"unknown target":      {Targets: []string{"webb"}},
	} {
		if _, err := engine.Plan(context.Background(), f, failingSource{t}, o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
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
