// Package coverage says which workloads' pods a set of image caches serves, the way ECI
// chooses a cache at pod creation (SPEC §10, docs/coverage.md): a cache named by the
// pod's annotations, or else the Ready cache of the region holding the most of the pod's
// images, then the size closest to the pod's, then the newest. It is pure: workloads and
// caches in, results out. Caches are indexed by image, so matching costs the workloads'
// images plus the caches', not their product.
package coverage
