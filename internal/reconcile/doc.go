// Package reconcile is imcsync's long-running mode: a loop that, every interval, reads
// imagecaches.yaml from disk again, plans it against the live caches and, when asked,
// applies the plan, so that drift is healed within an interval. It tells what it sees
// through Prometheus metrics (Metrics), health and readiness endpoints (Handler) and one
// log line per cycle and per change applied (log/slog).
//
// Each cycle is the engine's sequence (engine.Load, engine.Plan, Planned.Apply): the
// loop adds only what running for a long time needs. A file that fails validation
// leaves the last valid one in force, so a bad commit pulled by a git-sync sidecar stops
// nothing; the client (with its pacer and circuit breaker) lives as long as the process,
// so what it learnt about throttling carries over from one cycle to the next.
package reconcile
