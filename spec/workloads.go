package spec

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// The values of a workload source's eci setting.
const (
	// ECIAll reads every pod of the source as running on ECI (ACK Serverless).
	ECIAll = "all"
	// ECILabelled keeps only the pods bound to virtual nodes (a cluster with real nodes).
	ECILabelled = "labelled"
)

// MaxWorkloadSources bounds the workloads list.
const MaxWorkloadSources = 100

// WorkloadSource is one entry of the file's workloads list: Kubernetes manifests whose
// pods run on ECI, read for coverage (which pods a cache serves). Local: never sent.
//
//	workloads:
//	  - path: k8s/prod/**/*.yaml
//	    region: cn-hangzhou
//	    eci: all
type WorkloadSource struct {
	// Pos is where the entry starts in the file.
	Pos Pos
	// Path is a file, a glob (** matches any number of directories) or a directory
	// holding kustomization.yaml, relative to the imagecaches.yaml.
	Path string
	// Region is the cluster's region: the file's region when left out.
	Region string
	// ECI is ECIAll (the default) or ECILabelled.
	ECI string
}

// workloadFields are the keys of a workloads entry.
var workloadFields = []objectField[WorkloadSource]{
	{Field{Key: "path", Managed: Local}, stringInto(func(w *WorkloadSource) *string { return &w.Path }, checkWorkloadPath)},
	{Field{Key: "region", Managed: Local}, stringInto(func(w *WorkloadSource) *string { return &w.Region }, checkRegion)},
	{Field{Key: "eci", Managed: Local}, stringInto(func(w *WorkloadSource) *string { return &w.ECI }, func(s string) string {
		if s != ECIAll && s != ECILabelled {
			return fmt.Sprintf("invalid eci %s: want %s (every pod runs on ECI) or %s (only pods bound to virtual nodes)", shown(s), ECIAll, ECILabelled)
		}
		return ""
	})},
}

// checkWorkloadPath refuses a path that cannot name local manifests.
func checkWorkloadPath(s string) string {
	switch {
	case s == "":
		return "empty path: name a file, a glob such as k8s/**/*.yaml, or a kustomization directory"
	case strings.Contains(s, "://"):
		return fmt.Sprintf("%s is a URL: workloads are read from local files only (render or vendor them into the repository)", shown(s))
	case control(s) != "":
		return fmt.Sprintf("%s contains %s", shown(s), control(s))
	}
	if _, err := path.Match(strings.ReplaceAll(s, "**", "*"), ""); err != nil {
		return fmt.Sprintf("invalid glob %s: %v", shown(s), err)
	}
	return ""
}

// decodeWorkloads decodes the workloads list into t; regions are filled in from the
// file's region once the whole top level is read.
func decodeWorkloads(d *decoder, n *yaml.Node, p string, t *topLevel) {
	items, ok := d.sequence(n, p)
	if !ok {
		return
	}
	if len(items) > MaxWorkloadSources {
		d.errorf(n, p, "%d workload sources, at most %d", len(items), MaxWorkloadSources)
		return
	}
	t.file.Workloads = make([]WorkloadSource, 0, len(items))
	for i, item := range items {
		ip := index(p, i)
		w := WorkloadSource{Pos: Pos{item.Line, item.Column}}
		if !decodeObject(d, item, ip, workloadFields, &w, nil) {
			continue
		}
		if !has(item, "path") {
			d.errorf(item, ip, "missing path: name the manifests, e.g. path: k8s/**/*.yaml")
		}
		if w.ECI == "" {
			w.ECI = ECIAll
		}
		t.file.Workloads = append(t.file.Workloads, w)
	}
}
