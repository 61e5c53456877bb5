package workloads

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"**/*.yaml", "a.yaml", true},
		{"**/*.yaml", "a/b/c.yaml", true},
		{"**/*.yaml", "a/b/c.yml", false},
		{"a/**/c.yaml", "a/c.yaml", true},
		{"a/**/c.yaml", "a/x/y/c.yaml", true},
		{"a/**/c.yaml", "b/x/c.yaml", false},
		{"*.yaml", "a/b.yaml", false},
		{"a/*/c.yaml", "a/b/c.yaml", true},
		{"a/*/c.yaml", "a/b/d/c.yaml", false},
		{"**", "x/y/z", true},
	} {
		if got := match(strings.Split(tc.pattern, "/"), strings.Split(tc.name, "/")); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestGlob(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"k8s/a.yaml", "k8s/prod/b.yaml", "k8s/prod/x/c.yaml", "k8s/.git/d.yaml", "k8s/e.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := glob(filepath.Join(dir, "k8s/**/*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(dir, got[i])
	}
	want := []string{"k8s/a.yaml", "k8s/prod/b.yaml", "k8s/prod/x/c.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("glob = %v, want %v (hidden directories skipped)", got, want)
	}
	if got, err := glob(filepath.Join(dir, "nowhere/**/*.yaml")); err != nil || len(got) != 0 {
		t.Errorf("glob under a missing directory = %v, %v; want nothing, no error", got, err)
	}
}
