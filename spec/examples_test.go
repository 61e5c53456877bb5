package spec

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestExamplesLoad: every example value of the table's rows is one the loader takes for
// its field, of the row's type, and a row's examples differ.
func TestExamplesLoad(t *testing.T) {
	for _, f := range cacheFields {
		for i, ex := range f.Examples {
			t.Run(fmt.Sprintf("%s/%d", f.Key, i), func(t *testing.T) {
				if _, err := f.Wire(ex); err != nil {
					t.Fatalf("example %v is no %s: %v", ex, f.Type, err)
				}
				v, err := json.Marshal(ex)
				if err != nil {
					t.Fatal(err)
				}
				var cache string
				switch f.Key {
				case "name":
					cache = fmt.Sprintf(`{name: %s, images: ["nginx:1.25"]}`, v)
				case "images":
					cache = fmt.Sprintf(`{name: web, images: %s}`, v)
				default:
					cache = fmt.Sprintf(`{name: web, images: ["nginx:1.25"], %s: %s}`, f.Key, v)
				}
				src := "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - " + cache + "\n"
				file, err := Parse("t.yaml", []byte(src))
				if err != nil {
					t.Fatalf("the loader refuses example %s:\n%s\n%v", v, src, err)
				}
				if got := f.Declared(&file.Caches[0]); !Equal(got, ex) {
					t.Errorf("declared %v, want the example %v", got, ex)
				}
			})
		}
		if len(f.Examples) == 2 && Equal(f.Examples[0], f.Examples[1]) {
			t.Errorf("%s: both examples are %v", f.Key, f.Examples[0])
		}
	}
}
