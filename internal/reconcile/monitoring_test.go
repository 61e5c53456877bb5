package reconcile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/internal/coverage"
)

// TestMonitoringExamplesNameExportedMetrics: every query of the Grafana dashboard and of
// the Prometheus rules in examples/monitoring names at least one metric, and only metrics
// imcsync exports (a histogram's _bucket, _sum and _count included); every state label
// value they use is one imcsync_caches has.
func TestMonitoringExamplesNameExportedMetrics(t *testing.T) {
	m := NewMetrics()
	for _, s := range StateNames {
		m.caches.WithLabelValues(s)
	}
	m.apiCalls.WithLabelValues("DescribeImageCaches", "OK")
	m.changes.WithLabelValues("update", "updated")
	for _, r := range coverage.Results {
		m.workloads.WithLabelValues(string(r))
	}
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, f := range families {
		name := f.GetName()
		exported[name] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				exported[name+suffix] = true
			}
		}
	}

	dir := filepath.Join("..", "..", "examples", "monitoring")
	queries := dashboardQueries(t, filepath.Join(dir, "grafana-dashboard.json"))
	queries = append(queries, ruleQueries(t, filepath.Join(dir, "prometheus-rules.yaml"))...)
	if len(queries) < 10 {
		t.Fatalf("%d queries in %s: the examples are not read", len(queries), dir)
	}
	metric := regexp.MustCompile(`\bimcsync_[a-z_]+\b`)
	state := regexp.MustCompile(`state=~?"([^"]*)"`)
	result := regexp.MustCompile(`imcsync_workloads\{[^}]*result=~?"([^"]*)"`)
	for _, q := range queries {
		names := metric.FindAllString(q.expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: %q names no imcsync metric", q.where, q.expr)
		}
		for _, n := range names {
			if !exported[n] {
				t.Errorf("%s: %q names %s, which imcsync does not export", q.where, q.expr, n)
			}
		}
		for _, rm := range result.FindAllStringSubmatch(q.expr, -1) {
			for _, v := range strings.Split(rm[1], "|") {
				if !slices.Contains(coverage.Results, coverage.Result(v)) {
					t.Errorf("%s: result %q is none of imcsync_workloads' results %v", q.where, v, coverage.Results)
				}
			}
		}
		for _, sm := range state.FindAllStringSubmatch(q.expr, -1) {
			for _, v := range strings.Split(sm[1], "|") {
				if !slices.Contains(StateNames, v) {
					t.Errorf("%s: state %q is none of imcsync_caches' states %v", q.where, v, StateNames)
				}
			}
		}
	}
}

type query struct{ where, expr string }

// dashboardQueries are the dashboard's panel targets and variable queries.
func dashboardQueries(t *testing.T, path string) []query {
	t.Helper()
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	readInto(t, path, func(b []byte) error { return json.Unmarshal(b, &d) })
	var out []query
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("%s: panel %q has no query", path, p.Title)
		}
		for _, tg := range p.Targets {
			out = append(out, query{path + ": panel " + p.Title, tg.Expr})
		}
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			out = append(out, query{path + ": variable " + v.Name, v.Query})
		}
	}
	return out
}

// ruleQueries are the rules' expressions.
func ruleQueries(t *testing.T, path string) []query {
	t.Helper()
	var r struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	readInto(t, path, func(b []byte) error { return yaml.Unmarshal(b, &r) })
	var out []query
	for _, g := range r.Groups {
		for _, rule := range g.Rules {
			out = append(out, query{path + ": alert " + rule.Alert, rule.Expr})
		}
	}
	return out
}

func readInto(t *testing.T, path string, decode func([]byte) error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := decode(b); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
