package spec

import (
	"runtime"
	"testing"
)

// TestFileKeepsNoYAMLNodes: a loaded File holds its values, not the YAML document they
// were decoded from (whose nodes take about twice the memory of the values). plan keeps
// the File while it reads the live caches and builds the plan, so what it retains adds
// to the peak memory of every command.
func TestFileKeepsNoYAMLNodes(t *testing.T) {
	data := manyCaches(10000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := Parse("big.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(f)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("a File of %d caches retains %.1f MB", len(f.Caches), float64(retained)/1e6)
	if perCache := retained / int64(len(f.Caches)); perCache > 2000 {
		t.Errorf("a File retains %d bytes per cache, want at most 2000: does it keep the YAML nodes?", perCache)
	}
}
