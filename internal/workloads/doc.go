// Package workloads reads the Kubernetes workloads whose pods run on ECI: rendered
// manifests (files, globs with **, standard input) and kustomization directories built
// in-process, into one Workload per pod template, each with the FILE:LINE it was read
// from. It knows nothing of caches; package coverage matches workloads with caches.
//
// Manifests come from pull requests, so they are read under the bounds imagecaches.yaml
// is read under: a size per file, YAML aliases that may not expand far beyond what is
// written, a nesting depth, and no network (remote kustomize bases are refused).
package workloads
