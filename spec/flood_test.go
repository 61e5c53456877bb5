package spec

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// flood is a valid YAML file of about size bytes whose one cache lists n images in a
// flow (block: false) or block list: far more than any field takes.
func flood(n int, block bool) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - name: web\n    images:")
	if block {
		b.WriteString("\n")
		for range n {
			b.WriteString("      - a\n")
		}
	} else {
		b.WriteString(" [a")
		for range n - 1 {
			b.WriteString(",a")
		}
		b.WriteString("]\n")
	}
	return []byte(b.String())
}

// TestHugeFlowListRefusedWhileDecoding: an 8 MiB file that is one flow list of four
// million images (and a block list of a million) is refused while it is read, its items
// counted as they come, in well under a second and 100 MB, naming where the list starts.
func TestHugeFlowListRefusedWhileDecoding(t *testing.T) {
	for name, tc := range map[string]struct {
		data []byte
		at   string
	}{
		"flow":  {flood(4_000_000, false), "t.yaml:5:13:"},
		"block": {flood(maxFileSize/11, true), "t.yaml:6:7:"},
	} {
		data := tc.data
		if len(data) > maxFileSize {
			t.Fatalf("%s: %d bytes, more than the %d imcsync reads", name, len(data), maxFileSize)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := Parse("t.yaml", data)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		if err == nil || !strings.Contains(err.Error(), tc.at) || !strings.Contains(err.Error(), "more than") {
			t.Fatalf("%s: %.300v, want the list refused at %s", name, err, tc.at)
		}
		t.Logf("%s: %d bytes refused in %s, %d MB allocated", name, len(data), took, alloc>>20)
		if took > 500*time.Millisecond || alloc > 100<<20 {
			t.Errorf("%s: refused in %s with %d MB allocated, want under 500ms and 100 MB", name, took, alloc>>20)
		}
	}
}
