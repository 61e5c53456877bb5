package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

const describePage = `{"RequestId": "r", "TotalCount": 1, "ImageCaches": [
  {"ImageCacheId": "imc-1", "ImageCacheName": "web", "ImageCacheSize": 20, "Images": ["nginx:1"], "Status": "Ready"}]}`

// TestSavedSource: saved DescribeImageCaches output is read as the live caches of the one
// region planned; a file that is missing or no such output is a SavedLiveError naming it.
func TestSavedSource(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "describe.json")
	write(t, page, describePage)
	live, err := engine.Saved(page).Live(context.Background(), []string{"cn-hangzhou"})
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != 1 || live[0].ID != "imc-1" || live[0].Region != "cn-hangzhou" || live[0].Status != cloud.Ready {
		t.Errorf("live = %+v, want imc-1 of cn-hangzhou, Ready", live)
	}

	notJSON := filepath.Join(dir, "imagecaches.yaml")
	write(t, notJSON, "apiVersion: imcsync/v1\n")
	for name, c := range map[string]struct {
		path string
		is   error
	}{
		"missing":  {filepath.Join(dir, "nothing.json"), fs.ErrNotExist},
		"not json": {notJSON, nil},
	} {
		_, err := engine.Saved(c.path).Live(context.Background(), []string{"cn-hangzhou"})
		var saved *engine.SavedLiveError
		if !errors.As(err, &saved) || saved.Path != c.path {
			t.Errorf("%s: got %v, want a SavedLiveError of %s", name, err, c.path)
			continue
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v does not wrap %v", name, err, c.is)
		}
		if !strings.Contains(err.Error(), c.path) || strings.Contains(err.Error(), "--") {
			t.Errorf("%s: %q should name the file and no flag", name, err)
		}
	}
}

// TestReadPlan: a saved plan is read back as it was written; anything else is refused
// whole, before a call could be made.
func TestReadPlan(t *testing.T) {
	p := planSaved(t, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1.25], size: 40}\n")
	dir := t.TempDir()
	saved, err := json.Marshal(p.Plan)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "plan.json")
	write(t, good, string(saved))
	plan, err := engine.ReadPlan(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Action != planner.Update || plan.Summary != p.Plan.Summary {
		t.Errorf("read back %+v, want the saved plan %+v", plan.Summary, p.Plan.Summary)
	}

	for name, c := range map[string]struct {
		content string
		want    string
		isFile  bool // a PlanFileError: not a plan at all
	}{
		"not json":       {"plan: yes\n", "is not a plan file", true},
		"unknown key":    {`{"format_version": "2", "changez": []}`, "is not a plan file", true},
		"other version":  {strings.Replace(string(saved), `"format_version":"`+planner.FormatVersion+`"`, `"format_version":"0"`, 1), `plan format_version "0"`, false},
		"unknown action": {strings.Replace(string(saved), `"action":"update"`, `"action":"upgrade"`, 1), "the plan file is refused, nothing was applied", false},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		write(t, path, c.content)
		_, err := engine.ReadPlan(path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
		var pf *engine.PlanFileError
		if errors.As(err, &pf) != c.isFile {
			t.Errorf("%s: PlanFileError %v, want %v", name, errors.As(err, &pf), c.isFile)
		}
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) != (name == "not json") {
			t.Errorf("%s: %v wraps a JSON syntax error: %v", name, err, errors.As(err, &syntax))
		}
	}
	if _, err := engine.ReadPlan(filepath.Join(dir, "nothing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing plan file: got %v, want not found", err)
	}
}

// TestPrepareChecksPasswords: a plan that would send a registry password whose variable
// is unset, or is one of the runner's own credentials, is refused before any call, fresh
// or saved; the error names the variable, never a value. A readable one is sent.
func TestPrepareChecksPasswords(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.yaml")
	write(t, state, "caches: []\n")
	file := filepath.Join(dir, "imagecaches.yaml")
	write(t, file, `apiVersion: imcsync/v1
region: cn-hangzhou
imageCaches:
  - name: web
    images: [nginx:1.25]
    securityGroupId: sg-1
    vSwitchId: vsw-1
    imageRegistryCredentials:
      - {server: r.example.com, userName: ci, passwordFromEnv: REGISTRY_PW}
      - {server: s.example.com, userName: ci, passwordFromEnv: ALIBABA_CLOUD_ACCESS_KEY_SECRET}
`)
	conn := connectSim(t, state)
	f, err := engine.Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.Plan(context.Background(), f, conn, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "the-runner-key"}
	getenv := func(k string) string { return env[k] }
	for name, prepare := range map[string]func() (*engine.Run, error){
		"fresh": func() (*engine.Run, error) { return p.Prepare(getenv) },
		"saved": func() (*engine.Run, error) { return engine.PrepareSaved(p.Plan, getenv) },
	} {
		_, err := prepare()
		if err == nil {
			t.Fatalf("%s: prepared with REGISTRY_PW unset", name)
		}
		msg := err.Error()
		for _, want := range []string{"nothing was applied", "cn-hangzhou/web", "REGISTRY_PW", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", name, msg, want)
			}
		}
		if strings.Contains(msg, "the-runner-key") {
			t.Errorf("%s: the error shows a secret: %q", name, msg)
		}
	}
	if _, err := p.Apply(context.Background(), conn.Client, applier.DefaultOptions()); err == nil {
		t.Error("Planned.Apply sent a plan whose passwords cannot be read")
	}

	env = map[string]string{"REGISTRY_PW": "pw", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "k", "IMCSYNC_ALLOW_PASSWORD_ENV": "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}
	run, err := engine.PrepareSaved(p.Plan, getenv)
	if err != nil {
		t.Fatal(err)
	}
	opts := applier.DefaultOptions()
	opts.Getenv = func(string) string { return "" } // Run reads what it was checked with
	opts.PollInterval = 10 * time.Millisecond
	rep := run.Apply(context.Background(), conn.Client, opts)
	if !rep.OK() || rep.Summary.Created != 1 {
		t.Errorf("saved plan applied: %+v", rep.Summary)
	}
}

// TestDriftOfPlan: the drift report of a plan is the drift of what it was made from.
func TestDriftOfPlan(t *testing.T) {
	p := planSaved(t, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1.25]}\n  - {name: api, images: [api:1]}\n")
	r := p.Drift(time.Now(), drift.DefaultOptions())
	if r.Summary.Drifted != 1 || r.Summary.Missing != 1 || r.InSync() {
		t.Errorf("drift %+v, want web drifted and api missing", r.Summary)
	}
}

// TestSourceRecordsRepositoryPath: a created cache of a file with an owner records the
// file's path from the root of its Git repository, and none outside one.
func TestSourceRecordsRepositoryPath(t *testing.T) {
	repo := t.TempDir()
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(repo, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	const content = "apiVersion: imcsync/v1\nowner: team\nregion: cn-hangzhou\nimageCaches:\n  - {name: new, images: [nginx:1.25], securityGroupId: sg-1, vSwitchId: vsw-1}\n"
	inRepo := filepath.Join(repo, "deploy", "imagecaches.yaml")
	write(t, inRepo, content)
	page := filepath.Join(repo, "describe.json")
	write(t, page, describePage)
	outside := filepath.Join(t.TempDir(), "deploy", "imagecaches.yaml")
	if err := os.MkdirAll(filepath.Dir(outside), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, outside, content)
	for file, want := range map[string]bool{inRepo: true, outside: false} {
		f, err := engine.Load(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := engine.Plan(context.Background(), f, engine.Saved(page), engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(p.Plan)
		if got := strings.Contains(string(b), `"deploy/imagecaches.yaml"`); got != want {
			t.Errorf("%s: plan records deploy/imagecaches.yaml: %v, want %v\n%s", file, got, want, b)
		}
	}
}

// planSaved plans the file content against describePage, read as saved output (--live).
func planSaved(t *testing.T, content string) *engine.Planned {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "imagecaches.yaml")
	write(t, file, content)
	page := filepath.Join(dir, "describe.json")
	write(t, page, describePage)
	f, err := engine.Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.Plan(context.Background(), f, engine.Saved(page), engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadStandardInput: Load reads the file from stdin when the path is Stdin, and
// names it <stdin> in the positions of its problems.
func TestLoadStandardInput(t *testing.T) {
	f, err := engine.Load(engine.Stdin, strings.NewReader("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1.25]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Caches) != 1 || f.Caches[0].Name != "web" {
		t.Errorf("caches %+v, want web", f.Caches)
	}
	_, err = engine.Load(engine.Stdin, strings.NewReader("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1.25], size: -1}\n"))
	if err == nil || !strings.HasPrefix(err.Error(), engine.StdinName+":4:") {
		t.Errorf("invalid file on stdin: %v, want a problem at %s:4:…", err, engine.StdinName)
	}
}
