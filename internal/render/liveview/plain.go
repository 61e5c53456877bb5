package liveview

import (
	"fmt"
	"io"
	"sync"

	"github.com/imcsync/imcsync/applier"
)

// plain writes one line per event: "[3/14] cn-hangzhou/web: waiting for Ready (Updating)".
// A cache that needed no work gets no line; one that did gets a last line "finished".
type plain struct {
	w  io.Writer
	mu sync.Mutex
	t  tally
	// worked holds the caches seen in progress.
	worked map[string]bool
}

func newPlain(w io.Writer, o Options) *plain {
	return &plain{w: w, t: tally{total: o.Total}, worked: map[string]bool{}}
}

func (p *plain) Update(o applier.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := o.Region + "/" + o.Name
	if o.Result == applier.InProgress {
		p.worked[key] = true
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.t.done, p.t.total, key, phaseText(o))
		return
	}
	p.t.done++
	if p.worked[key] {
		fmt.Fprintf(p.w, "[%d/%d] %s: finished\n", p.t.done, p.t.total, key)
	}
}

func (p *plain) Close() {}
