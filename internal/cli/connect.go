package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// connection is the engine's connection, with the --sim emulator it talks to, if any.
type connection struct {
	*engine.Connection
	sim *ecisim.Running
}

// connect opens the connection the global flags ask for: the API at --endpoint, or an
// emulator started here in-process from the --sim state. The command gives the rest of
// cfg: its --rate ceiling (cfg.Rate), and cfg.Observe to hear of every request.
func (a *app) connect(cfg engine.Config) (*connection, error) {
	cfg.Endpoint = a.endpoint
	var sim *ecisim.Running
	if a.sim != "" {
		st, err := ecisim.LoadState(a.sim)
		if err != nil {
			return nil, fmt.Errorf("--sim: %w", err)
		}
		if sim, err = ecisim.Start(ecisim.Config{}, st); err != nil {
			return nil, fmt.Errorf("--sim: starting the emulator: %w", err)
		}
		cfg.Endpoint, cfg.AccessKeyID, cfg.AccessKeySecret = sim.URL, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret
	}
	conn, err := engine.Connect(cfg)
	if err != nil {
		if sim != nil {
			sim.Close()
		}
		return nil, err
	}
	return &connection{Connection: conn, sim: sim}, nil
}

// Close stops the --sim emulator, if any.
func (c *connection) Close() {
	if c.sim != nil {
		c.sim.Close()
	}
}

// lazyConn is an engine.Source that connects on first use, so that the checks the
// engine makes before reading (flags, selection) come before any connection error.
type lazyConn struct {
	a    *app
	rate float64 // --rate
	conn *connection
}

func (l *lazyConn) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	if l.conn == nil {
		conn, err := l.a.connect(engine.Config{Rate: l.rate})
		if err != nil {
			return nil, err
		}
		l.conn = conn
	}
	return l.conn.Live(ctx, regions)
}

// Close closes the connection, if one was made.
func (l *lazyConn) Close() {
	if l.conn != nil {
		l.conn.Close()
	}
}

// target names what the global flags talk to, for a plan file (planner.Target): the
// --endpoint URL, "sim" for --sim, or Alibaba Cloud's public endpoints; and the
// account, when the credentials tell it.
func (a *app) target() planner.Target {
	t := planner.Target{Endpoint: "alibabacloud", Account: accountOf(a.getenv)}
	switch {
	case a.sim != "":
		t.Endpoint = "sim"
	case a.endpoint != "":
		t.Endpoint = strings.TrimSuffix(a.endpoint, "/")
	}
	return t
}

// roleAccount matches a RAM role ARN, acs:ram::ACCOUNT:role/NAME.
var roleAccount = regexp.MustCompile(`^acs:ram::(\d{1,32}):role/`)

// accountOf is the account ID the credential chain's OIDC role names (the usual
// credentials in CI: ALIBABA_CLOUD_ROLE_ARN with ALIBABA_CLOUD_OIDC_PROVIDER_ARN), or ""
// when the credentials do not tell it without a call.
func accountOf(getenv func(string) string) string {
	if getenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN") == "" {
		return ""
	}
	if m := roleAccount.FindStringSubmatch(getenv("ALIBABA_CLOUD_ROLE_ARN")); m != nil {
		return m[1]
	}
	return ""
}
