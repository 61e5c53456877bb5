package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/workloads"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// WorkloadOptions say which workloads coverage reads besides the file's own.
type WorkloadOptions struct {
	// Paths are more sources (--workloads): files, globs, kustomization directories,
	// or "-" for Stdin; their region is the file's.
	Paths []string
	// Stdin is read for the path "-".
	Stdin io.Reader
}

// workloadSources are the file's workloads entries and the extra paths, in that order.
func workloadSources(f *spec.File, o WorkloadOptions) []workloads.Source {
	base := filepath.Dir(f.Path)
	var out []workloads.Source
	for _, w := range f.Workloads {
		out = append(out, workloads.Source{Path: w.Path, Base: base, Region: w.Region, Labelled: w.ECI == spec.ECILabelled,
			Origin: fmt.Sprintf("%s:%d:%d", f.Path, w.Pos.Line, w.Pos.Column), Within: repository(base)})
	}
	for _, p := range o.Paths {
		out = append(out, workloads.Source{Path: p, Region: f.Region, Origin: "--workloads"})
	}
	return out
}

// repository is the Git work tree that dir lies in (the nearest directory above it
// holding .git): what the file's workloads entries may read. Outside a work tree it is
// the working directory when dir lies in it (where CI checks the repository out), else
// dir itself.
func repository(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return wd
		}
	}
	return abs
}

// ReadWorkloads reads the workloads coverage is computed for, keeping those of regions
// (all when empty). No sources: nil, nil.
func ReadWorkloads(ctx context.Context, f *spec.File, o WorkloadOptions, regions []string) ([]workloads.Workload, error) {
	srcs := workloadSources(f, o)
	if len(srcs) == 0 {
		return nil, nil
	}
	ws, err := workloads.Read(ctx, srcs, workloads.Options{Stdin: o.Stdin})
	if err != nil {
		return nil, err
	}
	if len(regions) > 0 {
		ws = slices.DeleteFunc(ws, func(w workloads.Workload) bool { return !slices.Contains(regions, w.Region) })
	}
	return ws, nil
}

// liveCoverage is the live caches as ECI sees them.
func liveCoverage(live []cloud.Cache) []coverage.Cache {
	out := make([]coverage.Cache, 0, len(live))
	for _, l := range live {
		out = append(out, coverage.Cache{Region: l.Region, Name: l.Name, ID: l.ID, Images: l.Images, Size: l.Size,
			Ready: l.Status == cloud.Ready, Status: string(l.Status), Created: l.CreationTime})
	}
	return out
}

// plannedCoverage is the caches once the plan is applied: a created, updated, replaced
// or unchanged declared cache is Ready with its declared images and size; a deleted one
// is gone; a blocked one and every cache the plan does not touch stay as they are live.
func plannedCoverage(f *spec.File, p *planner.Plan, live []cloud.Cache, now time.Time) []coverage.Cache {
	declared := map[string]*spec.Cache{}
	for i := range f.Caches {
		declared[f.Caches[i].Region+"/"+f.Caches[i].Name] = &f.Caches[i]
	}
	gone := map[string]bool{}
	byID := make(map[string]*cloud.Cache, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	var out []coverage.Cache
	for _, c := range p.Changes {
		d := declared[c.Region+"/"+c.Name]
		switch c.Action {
		case planner.Delete:
			gone[c.ID] = true
			continue
		case planner.Blocked:
			continue
		case planner.Replace:
			gone[c.ID] = true
		}
		if d == nil {
			continue
		}
		if c.ID != "" && c.Action != planner.Replace {
			gone[c.ID] = true // replaced below by its declared state
		}
		size := int32(spec.MinSize) // the API's default
		if d.Size != nil {
			size = *d.Size
		}
		created := now
		if l := byID[c.ID]; l != nil && c.ID != "" && c.Action != planner.Replace {
			created = l.CreationTime
		}
		id := c.ID
		if c.Action == planner.Replace || id == "" {
			id = d.ID
		}
		out = append(out, coverage.Cache{Region: c.Region, Name: c.Name, ID: id, Images: d.Images, Size: size, Ready: true, Created: created})
	}
	for _, l := range liveCoverage(live) {
		if !gone[l.ID] {
			out = append(out, l)
		}
	}
	return out
}

// addCoverage compares the workloads' coverage by the live caches with their coverage
// once the plan is applied.
func addCoverage(p *planner.Plan, f *spec.File, ws []workloads.Workload, live []cloud.Cache, now time.Time, read bool) {
	if !read {
		return
	}
	p.Coverage = coverage.Compare(ws, liveCoverage(live), plannedCoverage(f, p, live, now))
	s := coverage.Summarize(p.Coverage)
	p.CoverageSummary = &s
}
