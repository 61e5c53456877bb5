// Package engine is the sequence every command shares: load and validate a file, read
// the live caches (regions in parallel, through the client's retries), plan, apply with
// progress events, and report.
//
// cli/ parses flags, starts the emulator for --sim, calls this sequence and prints
// through render's views. Beside the engine it reaches only for the model the sequence
// speaks in (spec's file, planner's plan, applier's options, cloud's caches as an
// engine.Source returns them), the --policy files it loads (policy), the commands that
// are programs of their own (reconcile's loop, ecisim's emulator), the reports made
// from a plan or the live caches (drift, coverage, export, suggest), and its own
// helpers (duration, version, schema). cli's TestImportsAsDocumented holds it to this.
//
// It is a package of its own so that other front ends can run the same sequence without
// the command line. A long-running reconcile loop, for instance, does on every interval:
//
//	f, err := engine.Load(path, nil)         // spec errors: report and try next time
//	p, err := engine.Plan(ctx, f, conn, opts) // conn is an engine.Source (the API)
//	if applying && p.Plan.Pending() { // changes, or bookkeeping alone
//		rep, err := p.Apply(ctx, conn.Client, applyOpts)
//		... rep.Summary counts created, updated, failed caches
//	}
//	... p.Plan.Summary counts the pending changes; p.Drift(now, opts) reports drift
//
// Nothing here prints, prompts or exits: errors are returned, progress goes to
// applier.Options.Progress, and the caller renders reports as it sees fit.
package engine
