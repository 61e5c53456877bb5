package applier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// BenchmarkApply applies a plan of 200 changed caches against the emulator answering
// every call after 10 ms, at several parallelisms. Waiting for Ready runs on the
// emulator's manual clock, so the time measured is that of the calls. Run it with
//
//	go test ./applier -run '^$' -bench Apply -benchtime 3x
func BenchmarkApply(b *testing.B) {
	const caches = 200
	faults := &ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(10 * time.Millisecond)}}
	for _, parallelism := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("parallelism=%d", parallelism), func(b *testing.B) {
			var calls, updates int
			for range b.N {
				b.StopTimer()
				var sim []ecisim.Cache
				var decl []spec.Cache
				for i := range caches {
					name := fmt.Sprintf("cache-%03d", i)
					sim = append(sim, simCache("imc-"+name, name, 20, "img:1"))
					decl = append(decl, declared(name, 40, "img:1"))
				}
				e := newEnv(b, faults, sim...)
				plan := e.plan(file("", decl...), planner.Options{})
				e.sim.Server.ResetRequests()
				opts := e.opts()
				opts.Parallelism = parallelism
				b.StartTimer()

				out := applier.Apply(context.Background(), plan, e.client, opts)

				b.StopTimer()
				if s := applier.Summarize(out); s.Updated != caches {
					b.Fatalf("summary %s, want %d updated", s, caches)
				}
				calls += len(e.sim.Server.Requests())
				updates += len(e.requests("UpdateImageCache"))
				b.StartTimer()
			}
			b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
			b.ReportMetric(float64(updates)/float64(b.N), "updates/op")
			b.ReportMetric(float64(caches)*float64(b.N)/b.Elapsed().Seconds(), "caches/s")
		})
	}
}
