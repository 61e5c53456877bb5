package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/reconcile"
	"github.com/imcsync/imcsync/internal/render"
)

// shutdownGrace bounds how long the HTTP server waits for requests in flight on exit.
const shutdownGrace = 2 * time.Second

// reconcileOptions are `imcsync reconcile`'s options.
type reconcileOptions struct {
	*app
	interval  time.Duration
	jitter    string
	apply     bool
	prune     bool
	listen    string
	once      bool
	logFormat string
	refresh   string // --refresh as given
	report    reportFlags
	opts      applier.Options
	rate      float64  // --rate
	policy    []string // --policy files

	cfg reconcile.Config // the loop's configuration, completed from the flags
	log *slog.Logger     // the loop's log, in --log-format
}

func newReconcileCmd(a *app) *cobra.Command {
	rf := &reconcileOptions{app: a, opts: applier.DefaultOptions()}
	rf.opts.Timeout = 10 * time.Minute
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Keep reconciling: plan (and with --apply, apply) the file every interval",
		Long: "reconcile runs until SIGINT or SIGTERM. Every --interval it reads the file from disk again,\n" +
			"lists the live image caches and plans; with --apply it applies the plan (self-heal), without\n" +
			"it it only reports. A file that fails validation is reported and the last valid one stays in\n" +
			"force. Logs go to stderr (JSON unless stderr is a terminal): one line per cycle, one per change.\n" +
			"With --policy (read once, at start) a cache that breaks an error-severity rule is left alone\n" +
			"and logged, and the rule counted in imcsync_policy_violations_total.\n\n" +
			"With --listen it serves /metrics (Prometheus), /healthz and /readyz, and its first line on\n" +
			"stdout is `listening on http://ADDR`. See docs/reconcile.md.\n\n" +
			"Exit status: 0 when stopped by a signal. With --once: 0 in sync or healed, 2 drift found\n" +
			"(without --apply), 1 anything else.",
		Example: "  # Heal drift every 5 minutes; metrics for Prometheus on port 9090\n" +
			"  imcsync reconcile -f imagecaches.yaml --apply --listen :9090\n\n" +
			"  # Report only, every minute, against the local emulator\n" +
			"  imcsync reconcile --sim examples/live-state.yaml -f examples/imagecaches.yaml --interval 1m --listen 127.0.0.1:0\n\n" +
			"  # One cycle, e.g. in a cron job: exit 2 on drift\n" +
			"  imcsync reconcile -f imagecaches.yaml --once",
		Args: cobra.NoArgs,
		RunE: runE(rf),
	}
	f := cmd.Flags()
	durationVar(f, &rf.interval, "interval", 5*time.Minute, "time from the start of one cycle to the start of the next")
	f.StringVar(&rf.jitter, "jitter", "10%", "add up to this share of the interval, drawn anew for every wait")
	f.BoolVar(&rf.apply, "apply", false, "apply each plan that has changes (without it: report only)")
	f.BoolVar(&rf.prune, "prune", false, "delete live caches absent from the file whose ownership tag names this file's owner")
	f.StringVar(&rf.listen, "listen", "", "serve /metrics, /healthz and /readyz on this address, e.g. 127.0.0.1:9090 (port 0: any free port)")
	f.BoolVar(&rf.once, "once", false, "run one cycle and exit")
	registerRefresh(cmd, &rf.refresh)
	registerReport(cmd, &rf.report)
	f.StringVar(&rf.logFormat, "log-format", "auto", "log format on stderr: auto (text on a terminal, JSON otherwise), json or text")
	f.IntVar(&rf.opts.Parallelism, "parallelism", rf.opts.Parallelism, "how many caches are changed at once")
	f.Float64Var(&rf.rate, "rate", 0, "at most this many API calls per second (0: no ceiling; the rate adapts to throttling either way)")
	durationVar(f, &rf.opts.Timeout, "timeout", rf.opts.Timeout, "how long one cycle waits for busy caches and for caches to become Ready")
	registerPolicy(cmd, &rf.policy)
	return declare(cmd, []string{"file", "region", "endpoint", "sim"}, render.Text)
}

// complete reads the jitter and makes the loop's configuration: one cycle's waits stay
// well within the interval.
func (rf *reconcileOptions) complete(*cobra.Command, []string) error {
	jitter, err := reconcile.ParseJitter(rf.jitter)
	if err != nil {
		return usageError("%v", err)
	}
	if rf.file == "-" {
		return usageError("-f -: reconcile reads the file again every cycle, and standard input can be read once; give the file's path")
	}
	rf.opts.PollInterval = min(rf.opts.PollInterval, rf.interval/4)
	rf.opts.Getenv = rf.getenv
	pol, err := rf.loadPolicy(rf.policy)
	if err != nil {
		return err
	}
	refresh, err := rf.refreshMode(rf.refresh, false)
	if err != nil {
		return err
	}
	rf.cfg = reconcile.Config{File: rf.file, Interval: rf.interval, Jitter: jitter, Apply: rf.apply,
		Plan: engine.PlanOptions{Regions: rf.regions, Prune: rf.prune, Policy: pol, Refresh: refresh}, ApplyOptions: rf.opts}
	return rf.report.apply(&rf.cfg.Plan)
}

// validate refuses an interval, flag or log format out of range.
func (rf *reconcileOptions) validate() error {
	if err := rf.cfg.Check(); err != nil {
		return usageError("%v", err)
	}
	if err := checkApplyFlags(rf.opts, rf.rate); err != nil {
		return err
	}
	log, err := reconcile.NewLogger(rf.stderr, rf.logFormat, isTerminal(rf.stderr))
	if err != nil {
		return usageError("%v", err)
	}
	rf.log = log
	return nil
}

// run reconciles every interval until SIGINT or SIGTERM, or once with --once.
func (rf *reconcileOptions) run(ctx context.Context) error {
	a, cfg, log := rf.app, rf.cfg, rf.log
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := reconcile.NewMetrics()
	conn, err := a.connect(engine.Config{Rate: rf.rate, Observe: m.Observe})
	if err != nil {
		return err
	}
	defer conn.Close()
	loop := reconcile.New(cfg, conn, conn.Client, m, log)
	if rf.listen != "" {
		srv, err := reconcile.Listen(rf.listen, reconcile.Handler(loop, m))
		if err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
			defer cancel()
			srv.Shutdown(sctx)
		}()
		fmt.Fprintf(a.stdout, "listening on http://%s\n", srv.Addr)
	}
	log.Info("started", "file", a.file, "interval", rf.interval.String(), "jitter", rf.jitter, "apply", rf.apply, "prune", rf.prune)
	if rf.once {
		return onceExit(loop.RunOnce(ctx))
	}
	loop.Run(ctx)
	log.Info("stopped", "signal", context.Cause(ctx).Error())
	return nil
}

// onceExit is the exit status of `reconcile --once`: 0 in sync or healed, 2 drift
// reported, 1 anything else (the cycle's log line says what).
func onceExit(c reconcile.Cycle) error {
	switch c.Result {
	case reconcile.InSync, reconcile.Healed:
		return nil
	case reconcile.Drift:
		return errChanges
	}
	return errReported
}
