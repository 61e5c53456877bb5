package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/imcsync/imcsync/internal/digests"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// Refresh says how a plan treats image tags that moved (--refresh).
type Refresh string

// The refresh modes.
const (
	// RefreshOff resolves nothing and sends no registry request: no cache is rebuilt
	// for a moved tag, and no built record is written.
	RefreshOff Refresh = "off"
	// RefreshAuto resolves the file's tags; a registry that cannot be reached, or a
	// tag that cannot be resolved, is a warning and the plan goes on without it.
	RefreshAuto Refresh = "auto"
	// RefreshStrict resolves the file's tags; any failure is an error.
	RefreshStrict Refresh = "strict"
)

// ParseRefresh reads a --refresh value.
func ParseRefresh(s string) (Refresh, error) {
	switch r := Refresh(s); r {
	case RefreshOff, RefreshAuto, RefreshStrict:
		return r, nil
	}
	return "", fmt.Errorf("--refresh %q: want auto, strict or off", s)
}

// resolves reports whether the mode resolves tags ("" is off).
func (r Refresh) resolves() bool { return r == RefreshAuto || r == RefreshStrict }

// Resolution is what resolving the file's tags found, for a plan.
type Resolution struct {
	// Digests maps each resolved tag reference to its digest.
	Digests map[string]string
	// Warnings say which registries and tags could not be resolved (RefreshAuto): the
	// unreachable registries in one line, each tag that could not be resolved in one.
	Warnings []string
	// Unreachable are the registries that could not be reached, with their errors.
	Unreachable []planner.RegistryError
	// Requests counts the HTTP requests sent to registries.
	Requests int64
}

// resolveTags resolves the tag references of the caches the plan covers, with the
// credentials of the Docker config (o.Registry's keychain) alone: the file's
// passwordFromEnv is never read, since the file may come from an untrusted pull
// request and name any registry. In RefreshStrict mode a failure is an error; in
// RefreshAuto a warning. What a registry answered is printed bounded (digests.Describe).
func resolveTags(ctx context.Context, f *spec.File, o PlanOptions) (*Resolution, error) {
	var images []string
	for i := range f.Caches {
		c := &f.Caches[i]
		if !o.covers(c) || (c.Refresh != nil && *c.Refresh == spec.RefreshNever) {
			continue
		}
		images = append(images, c.Images...)
	}
	res := digests.Resolve(ctx, images, o.Registry)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &Resolution{Digests: res.Digests, Requests: res.Requests}
	// problems are the registries that could not be reached (one summary line), others
	// the registries that refused the credentials and the images not found (a line each).
	var problems, others []string
	unchecked := 0
	for _, host := range slices.Sorted(maps.Keys(res.Registries)) {
		n := 0
		for _, img := range slices.Compact(slices.Sorted(slices.Values(images))) {
			if res.Unresolved(img) && registryOf(img) == host {
				n++
			}
		}
		if err := res.Registries[host]; digests.Unauthorized(err) {
			others = append(others, fmt.Sprintf("registry %s answered 401 Unauthorized: %d image(s) not checked for moved tags; "+
				"tags are looked up with the Docker config's credentials only (docker login %s, or docker/login-action in CI), never with the file's passwordFromEnv", host, n, host))
			continue
		}
		unchecked += n
		why := digests.Describe(res.Registries[host])
		out.Unreachable = append(out.Unreachable, planner.RegistryError{Registry: host, Error: why, Images: n})
		problems = append(problems, fmt.Sprintf("registry %s could not be reached (%s): %d image(s) not checked for moved tags", host, why, n))
	}
	for _, img := range slices.Sorted(maps.Keys(res.Images)) {
		others = append(others, fmt.Sprintf("image %s: its tag could not be resolved (%s): not checked for a moved tag", img, digests.Describe(res.Images[img])))
	}
	if len(problems)+len(others) == 0 {
		return out, nil
	}
	if o.Refresh == RefreshStrict {
		return nil, errors.New("resolving image tags (--refresh=strict):\n  " + strings.Join(append(problems, others...), "\n  ") +
			"\nnothing was planned; --refresh=auto plans without them")
	}
	if len(out.Unreachable) > 0 {
		out.Warnings = append(out.Warnings, unreachableSummary(out.Unreachable, unchecked))
	}
	for _, p := range others {
		out.Warnings = append(out.Warnings, p+"; --refresh=strict makes this an error, --refresh=off skips registries")
	}
	return out, nil
}

// unreachableSummary is the one warning line about the registries that could not be
// reached: how many, which (the first three), and how many images went unchecked; the
// errors are in the plan's JSON (registry_errors).
func unreachableSummary(regs []planner.RegistryError, images int) string {
	names := make([]string, 0, 3)
	for _, r := range regs[:min(3, len(regs))] {
		names = append(names, r.Registry)
	}
	if len(regs) > 3 {
		names = append(names, "…")
	}
	what := "registry " + names[0] + " could not be reached"
	if len(regs) > 1 {
		what = fmt.Sprintf("%d registries could not be reached (%s)", len(regs), strings.Join(names, ", "))
	}
	return fmt.Sprintf("%s: %d image(s) not checked for moved tags (the errors: plan -v, or registry_errors in -o json); --refresh=off skips registries, --refresh=strict makes this an error", what, images)
}

// registryOf is the registry host of an image reference, as go-containerregistry
// names it (index.docker.io for Docker Hub).
func registryOf(image string) string {
	ref, err := name.ParseReference(image)
	if err != nil {
		return ""
	}
	return ref.Context().RegistryStr()
}

// covers says whether the region and target filters keep a declared cache.
func (o PlanOptions) covers(c *spec.Cache) bool {
	return (len(o.Regions) == 0 || slices.Contains(o.Regions, c.Region)) &&
		(len(o.Targets) == 0 || slices.Contains(o.Targets, c.Name) || slices.Contains(o.Targets, c.Region+"/"+c.Name))
}
