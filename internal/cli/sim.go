package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/render"
)

// saveToState is --save's value when given without one: write back to --state.
const saveToState = "(state)"

// simOptions are `imcsync sim`'s options.
type simOptions struct {
	*app
	addr, state, save, log string
	registry               string
	updateTags             string
	latency, transition    time.Duration
	throttleRate, failRate float64
	lostRate               float64
	failFirst              int
	quota                  []string
	faults                 []string
	seed                   uint64

	saveTo      string                  // where to save the state on exit, "" for nowhere
	quotas      map[string]ecisim.Quota // --quota, parsed
	errorFaults []ecisim.ErrorFault     // --fault, parsed
	given       func(flag string) bool  // whether the command line gave the flag
}

func newSimCmd(a *app) *cobra.Command {
	o := &simOptions{app: a}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the local ECI image-cache emulator",
		Long: "Run ecisim, a local emulator of the ECI image-cache API (Create/Describe/Update/\n" +
			"DeleteImageCache, and TagResources/UntagResources/ListTagResources for image caches)\n" +
			"that the official SDKs talk to unchanged. The first line printed is\n" +
			"`listening on http://ADDR`; then the access key pair to use and the endpoint to export,\n" +
			"and with --registry the address of an in-memory image registry served beside it.\n" +
			"It serves until interrupted (SIGINT or SIGTERM), then saves its state if asked and\n" +
			"exits 0. Flags override the state file's settings. See docs/emulator.md.",
		Example: "  # An emulator on a free port, seeded with caches (the first line says where)\n" +
			"  imcsync sim --addr 127.0.0.1:0 --state examples/live-state.yaml\n" +
			"\n" +
			"  # A flaky API: 20% throttling, saving the state on exit\n" +
			"  imcsync sim --state examples/live-state.yaml --throttle-rate 0.2 --save",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && o.save == saveToState {
				return fmt.Errorf("unexpected argument %q: write --save=FILE to save elsewhere than --state", args[0])
			}
			return cobra.NoArgs(cmd, args)
		},
		RunE: runE(o),
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	f.StringVar(&o.state, "state", "", "state file (YAML or JSON) to start from")
	f.StringVar(&o.save, "save", "", "on exit, save the state to this file (--save alone: to the --state file)")
	f.Lookup("save").NoOptDefVal = saveToState
	f.StringVar(&o.registry, "registry", "", "also serve an in-memory OCI registry on this address (--registry alone: a free port); the caches created record the digests its tags point to")
	f.Lookup("registry").NoOptDefVal = "127.0.0.1:0"
	f.StringVar(&o.log, "log", "", "append one JSON line per request to this file (- for stderr)")
	durationVar(f, &o.latency, "latency", 0, "latency added to every call")
	durationVar(f, &o.transition, "transition", 0, "length of each lifecycle phase (default 1s)")
	f.Float64Var(&o.throttleRate, "throttle-rate", 0, "probability (0-1) that a call is refused with Throttling.User")
	f.Float64Var(&o.failRate, "fail-rate", 0, "probability (0-1) that a call fails with 503 ServiceUnavailable")
	f.Float64Var(&o.lostRate, "lost-rate", 0, "probability (0-1) that a call takes effect and its answer is lost (the connection closes)")
	f.IntVar(&o.failFirst, "fail-first", 0, "the first K calls of each action fail with 503 ServiceUnavailable")
	f.StringArrayVar(&o.quota, "quota", nil, "account flow control ACTION=QPS, e.g. UpdateImageCache=40 (beyond one second's worth, Throttling.User), or ACTION=CALLS/PERIOD, e.g. CreateImageCache=200/60s (a window opened by its first call) (repeatable)")
	f.StringArrayVar(&o.faults, "fault", nil, "inject an error answer: ACTION=CODE:HTTP:RATE, e.g. DeleteImageCache=Throttling:429:0.5 (repeatable; ACTION * for all)")
	f.StringVar(&o.updateTags, "update-tags", ecisim.UpdateTagsReplace, "what UpdateImageCache does with Tag.N: replace the tag set, or merge into it (the API does not document which)")
	f.Uint64Var(&o.seed, "seed", 0, "seed of IDs and random faults, for reproducible runs (0: random)")
	return declare(cmd, nil, render.Text)
}

// complete resolves --save given alone to the --state file, and parses --quota and
// --fault.
func (o *simOptions) complete(cmd *cobra.Command, _ []string) error {
	o.given = cmd.Flags().Changed
	o.saveTo = o.save
	if o.save == saveToState {
		o.saveTo = o.state
	}
	o.quotas = map[string]ecisim.Quota{}
	for _, q := range o.quota {
		if err := ecisim.ParseQuota(q, o.quotas); err != nil {
			return fmt.Errorf("--%w", err)
		}
	}
	o.errorFaults = nil
	for _, spec := range o.faults {
		ef, err := ecisim.ParseErrorFault(spec)
		if err != nil {
			return fmt.Errorf("--fault: %w", err)
		}
		o.errorFaults = append(o.errorFaults, ef)
	}
	return nil
}

// validate refuses --save with nowhere to save, and rates and durations out of range.
func (o *simOptions) validate() error {
	if o.save == saveToState && o.state == "" {
		return errors.New("--save without a file needs --state")
	}
	for _, err := range []error{
		checkProbability("throttle-rate", o.throttleRate),
		checkProbability("fail-rate", o.failRate),
		checkProbability("lost-rate", o.lostRate),
		checkNotNegative("latency", o.latency),
		checkNotNegative("transition", o.transition),
	} {
		if err != nil {
			return err
		}
	}
	if o.failFirst < 0 {
		return usageError("--fail-first %d: want 0 or more", o.failFirst)
	}
	if err := ecisim.CheckUpdateTags(o.updateTags); err != nil {
		return fmt.Errorf("--update-tags: %w", err)
	}
	return nil
}

// run starts the emulator from the state and the flags (parsed and checked by
// complete and validate), serves until interrupted, then
// saves the state if asked.
func (o *simOptions) run(ctx context.Context) error {
	a, save := o.app, o.saveTo
	st := &ecisim.State{}
	if o.state != "" {
		loaded, err := ecisim.LoadState(o.state)
		switch {
		case err == nil:
			st = loaded
		case errors.Is(err, fs.ErrNotExist) && save == o.state:
			// A first run: start empty, the file is written on exit.
		default:
			return err
		}
	}
	if o.given("transition") {
		st.Settings.Transition = ecisim.Duration(o.transition)
	}
	rule := &st.Settings.Faults.Rule
	if o.given("latency") {
		rule.Latency = ecisim.Duration(o.latency)
	}
	if o.given("throttle-rate") {
		rule.ThrottleRate = o.throttleRate
	}
	if o.given("fail-rate") {
		rule.FailRate = o.failRate
	}
	if o.given("lost-rate") {
		rule.LostRate = o.lostRate
	}
	if o.given("fail-first") {
		rule.FailFirst = o.failFirst
	}
	if len(o.quotas) > 0 && st.Settings.Quota == nil {
		st.Settings.Quota = map[string]ecisim.Quota{}
	}
	maps.Copy(st.Settings.Quota, o.quotas)
	st.Settings.Faults.Errors = append(st.Settings.Faults.Errors, o.errorFaults...)
	if o.given("update-tags") {
		st.Settings.UpdateTags = o.updateTags
	}

	cfg := ecisim.Config{Addr: o.addr, Seed: o.seed}
	id, secret := a.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), a.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	fromEnv := id != "" && secret != ""
	if fromEnv {
		cfg.Keys = map[string]string{id: secret}
	} else if id != "" || secret != "" {
		fmt.Fprintln(a.stderr, "warning: only one of ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET is set; using the default pair")
	}
	switch o.log {
	case "":
	case "-":
		cfg.Log = a.stderr
	default:
		lf, err := os.OpenFile(o.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer lf.Close()
		cfg.Log = lf
	}

	var reg *ecisim.Registry
	if o.registry != "" {
		var err error
		if reg, err = ecisim.StartRegistry(o.registry); err != nil {
			return listenError("--registry", o.registry, err)
		}
		defer reg.Close()
		cfg.Resolve = reg.Resolve
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	rn, err := ecisim.Start(cfg, st)
	if err != nil {
		return listenError("--addr", o.addr, err)
	}
	o.printSimBanner(o.stdout, rn, id, fromEnv)
	if reg != nil {
		fmt.Fprintf(o.stdout, "registry on %s (in memory, plain HTTP; images such as %s/web:1)\n", reg.Host, reg.Host)
	}
	<-ctx.Done()

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = rn.Shutdown(shutdownCtx)
	if save != "" {
		if serr := rn.Server.SaveState(save); serr != nil {
			return errors.Join(err, serr)
		}
		fmt.Fprintf(a.stderr, "state saved to %s\n", save)
	}
	if err != nil {
		return err
	}
	return nil
}

// printSimBanner tells the user where the emulator is and which key pair it accepts.
// A key from the environment is named, its secret never printed.
func (a *app) printSimBanner(w io.Writer, rn *ecisim.Running, id string, fromEnv bool) {
	fmt.Fprintf(w, "listening on %s\n", rn.URL)
	if fromEnv {
		fmt.Fprintf(w, "access key: %s from ALIBABA_CLOUD_ACCESS_KEY_ID (secret from ALIBABA_CLOUD_ACCESS_KEY_SECRET)\n", id)
		fmt.Fprintf(w, "export IMCSYNC_ENDPOINT=%s\n", rn.URL)
		return
	}
	fmt.Fprintf(w, "access key: the emulator's default pair, %s / %s\n", ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret)
	fmt.Fprintf(w, "export IMCSYNC_ENDPOINT=%s\n", rn.URL)
	fmt.Fprintf(w, "export ALIBABA_CLOUD_ACCESS_KEY_ID=%s\n", ecisim.DefaultAccessKeyID)
	fmt.Fprintf(w, "export ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", ecisim.DefaultAccessKeySecret)
}

// listenError words a failure to listen on addr (flag names where it came from): a port
// in use says how to pick another.
func listenError(flag, addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		host, _, splitErr := net.SplitHostPort(addr)
		if splitErr != nil || host == "" {
			host = "127.0.0.1"
		}
		return fmt.Errorf("%s %s: the port is in use (another imcsync sim?)\n  stop what listens there, or pick another port: %s %s:8081,\n  or let the system choose a free one: %s %s:0 (the banner prints it)",
			flag, addr, flag, host, flag, host)
	}
	return fmt.Errorf("%s %s: %w", flag, addr, err)
}
