package reconcile

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/version"
	"github.com/imcsync/imcsync/planner"
)

// durationBuckets span a cycle that only lists (well under a second) to one that waits
// for caches to be created (many minutes).
var durationBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}

// Metrics are the Prometheus metrics of the loop and of the client's requests, in a
// registry of their own (with the Go runtime's and the process's collectors).
type Metrics struct {
	// Registry holds every metric; serve it with promhttp.HandlerFor (Handler does).
	Registry *prometheus.Registry

	caches      *prometheus.GaugeVec
	cycles      *prometheus.CounterVec
	duration    prometheus.Histogram
	apiCalls    *prometheus.CounterVec
	throttled   prometheus.Counter
	lastSuccess prometheus.Gauge
	fileValid   prometheus.Gauge
	changes     *prometheus.CounterVec
	policy      *prometheus.CounterVec
	refreshes   *prometheus.CounterVec
	storage     *prometheus.GaugeVec
	unused      prometheus.Gauge
	workloads   *prometheus.GaugeVec
}

// NewMetrics registers the metrics. Every cycle result starts at 0, so that rate() sees
// the first failure; imcsync_caches appears with the first plan.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		caches: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "imcsync_caches",
			Help: "Image caches by state, as the last cycle's plan found them (before applying)."}, []string{"state"}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imcsync_reconcile_cycles_total",
			Help: "Reconcile cycles by result: in_sync, drift, healed, failed, error, interrupted."}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "imcsync_reconcile_duration_seconds",
			Help: "How long a reconcile cycle took: load, list, plan and apply.", Buckets: durationBuckets}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imcsync_api_calls_total",
			Help: "ECI API requests sent, retries included, by action and answer code (OK for a success)."}, []string{"action", "code"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{Name: "imcsync_api_throttled_total",
			Help: "ECI API requests refused for the account's or the API's rate (throttling)."}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "imcsync_last_success_timestamp_seconds",
			Help: "When the last successful cycle (in_sync, drift or healed) ended, in Unix seconds; 0 before the first."}),
		fileValid: prometheus.NewGauge(prometheus.GaugeOpts{Name: "imcsync_file_valid",
			Help: "1 when the file on disk loaded and validated at the last cycle, 0 when the last valid one was used instead."}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imcsync_changes_total",
			Help: "Changes apply worked on, by action (create, update, delete, replace) and result (created, updated, sent, failed, …)."}, []string{"action", "result"}),
		policy: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imcsync_policy_violations_total",
			Help: "Policy rules found broken, once per cycle and cache (or plan), by rule and severity; a cache that breaks an error rule is not changed."}, []string{"rule", "severity"}),
		storage: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "imcsync_cached_gib",
			Help: "GiB of snapshot storage the image caches of a region hold (every live cache, declared or not), as the last cycle listed them."}, []string{"region"}),
		unused: prometheus.NewGauge(prometheus.GaugeOpts{Name: "imcsync_unused_caches",
			Help: "Image caches no pod matched for --unused-for, as the last cycle found them (0 without --unused-for)."}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "imcsync_refreshes_total",
			Help: "Caches found built from image tags that moved since: result planned (a cycle without --apply, or one that could not rebuild), else the rebuild's result (replaced, failed, …)."}, []string{"result"}),
		workloads: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "imcsync_workloads",
			Help: "The file's workloads by their coverage by the live caches (full, partial, none, off, missing), as the last cycle found them (before applying); absent without workloads."}, []string{"result"}),
	}
	for _, r := range Results {
		m.cycles.WithLabelValues(string(r))
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "imcsync_build_info",
		Help: "The running build of imcsync; always 1."}, []string{"version", "commit", "goversion"})
	v := version.Get()
	info.WithLabelValues(v.Version, v.Commit, v.GoVersion).Set(1)
	m.Registry.MustRegister(m.caches, m.cycles, m.duration, m.apiCalls, m.throttled, m.lastSuccess, m.fileValid, m.changes, m.policy, m.refreshes, m.storage, m.unused, m.workloads, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe counts one request of the client; it is eci.Config.Observe.
func (m *Metrics) Observe(a eci.Attempt) {
	m.apiCalls.WithLabelValues(a.Action, a.Code).Inc()
	if a.Throttled {
		m.throttled.Inc()
	}
}

// record adds a finished cycle.
func (m *Metrics) record(c Cycle, outcomes []applier.Outcome) {
	m.cycles.WithLabelValues(string(c.Result)).Inc()
	m.duration.Observe(c.Duration.Seconds())
	if c.Result.Success() {
		m.lastSuccess.Set(float64(c.Started.Add(c.Duration).UnixNano()) / 1e9)
	}
	if c.Caches != nil {
		for i, n := range c.Caches.byName() {
			m.caches.WithLabelValues(StateNames[i]).Set(float64(n))
		}
	}
	for _, o := range outcomes {
		if o.Action.Mutates() && o.Result != applier.Unchanged {
			m.changes.WithLabelValues(string(o.Action), string(o.Result)).Inc()
		}
	}
	for region, gib := range c.Storage {
		m.storage.WithLabelValues(region).Set(float64(gib))
	}
	if c.Caches != nil {
		m.unused.Set(float64(c.Unused))
	}
	for r, n := range c.Workloads {
		m.workloads.WithLabelValues(string(r)).Set(float64(n))
	}
	applied := map[string]applier.Result{}
	for _, o := range outcomes {
		applied[o.Region+"/"+o.Name] = o.Result
	}
	for _, cache := range c.Refreshes {
		result, ok := applied[cache]
		if !ok || result == applier.InProgress || result == "" {
			result = "planned"
		}
		m.refreshes.WithLabelValues(string(result)).Inc()
	}
}

// setFileValid records whether the file on disk is valid.
func (m *Metrics) setFileValid(ok bool) {
	if ok {
		m.fileValid.Set(1)
	} else {
		m.fileValid.Set(0)
	}
}

// recordPolicy counts what the policy's rules found in a cycle's plan.
func (m *Metrics) recordPolicy(results []planner.PolicyResult) {
	for _, r := range results {
		m.policy.WithLabelValues(r.Rule, string(r.Severity)).Inc()
	}
}
