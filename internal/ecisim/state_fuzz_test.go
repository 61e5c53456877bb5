package ecisim

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseState feeds arbitrary emulator state files to ParseState: no panic, bounded
// time, and a state or an error. Its seed corpus
// (the examples' states, and testdata/fuzz/FuzzParseState) runs in every go test.
func FuzzParseState(f *testing.F) {
	seeds, _ := filepath.Glob("../../examples/*state.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("settings: {transition: 1ms, faults: {errors: [{action: UpdateImageCache, code: X, status: 400, rate: 1}]}}\ncaches: []\n"))
	f.Add([]byte("caches: [{region: r, name: n, status: Bogus}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		st, err := ParseState(data)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("ParseState took %v on %d bytes", d, len(data))
		}
		if err != nil {
			return
		}
		if st == nil {
			t.Fatal("no state and no error")
		}
	})
}
