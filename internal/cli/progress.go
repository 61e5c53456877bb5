package cli

import "github.com/imcsync/imcsync/internal/render/liveview"

// newView is apply's progress view on stderr: live when stderr is a terminal, one
// plain line per event otherwise (liveview).
func (a *app) newView(total, parallelism int) liveview.View {
	return liveview.New(a.stderr, liveview.Options{Total: total, Parallelism: parallelism,
		Live: isTerminal(a.stderr), Color: a.colorEnabled(a.stderr)})
}
