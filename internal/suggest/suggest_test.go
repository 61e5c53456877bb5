package suggest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/coverage"
)

func entry(name, region string, after coverage.Result, images ...string) coverage.Entry {
	return coverage.Entry{Workload: "Deployment " + name, Name: name, Source: name + ".yaml:1", Region: region, After: after, Images: images}
}

func TestSuggest(t *testing.T) {
	many := make([]string, MaxImages+1)
	for i := range many {
		many[i] = fmt.Sprintf("img-%02d:1", i)
	}
	named := entry("named", "r1", coverage.Partial, "a:1")
	named.Named = "imc-x"
	es := []coverage.Entry{
		entry("cart", "r1", coverage.None, "cart:1"),
		entry("checkout", "r1", coverage.Partial, "cart:1", "redis:7"), // shares cart:1: joins cart's cache
		entry("web", "r1", coverage.Full, "web:1"),                     // full: nothing to do
		entry("off", "r1", coverage.Off, "off:1"),                      // matching off: left alone
		named, // names a cache: left alone
		entry("cart", "r2", coverage.None, "cart:1"), // another region: a cache of its own
		entry("taken", "r1", coverage.None, "t:1"),   // its name is taken
		entry("big", "r1", coverage.None, many...),   // more than MaxImages
	}
	caches, skipped := Suggest(es, map[string]bool{"r1/taken": true}, "r1")
	want := []Cache{
		{Name: "cart-checkout", Images: []string{"cart:1", "redis:7"}, Serves: []string{"Deployment cart (cart.yaml:1)", "Deployment checkout (checkout.yaml:1)"}},
		{Name: "cart", Region: "r2", Images: []string{"cart:1"}, Serves: []string{"Deployment cart (cart.yaml:1)"}},
		{Name: "taken-2", Images: []string{"t:1"}, Serves: []string{"Deployment taken (taken.yaml:1)"}},
	}
	if d := cmp.Diff(want, caches); d != "" {
		t.Errorf("Suggest (-want +got):\n%s", d)
	}
	if len(skipped) != 1 || skipped[0].Images != MaxImages+1 {
		t.Errorf("skipped = %v, want big with %d images", skipped, MaxImages+1)
	}
	out, err := YAML(caches, skipped)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"# 3 image caches that give 4 workloads full coverage.", "- name: cart-checkout\n  images:\n    - cart:1\n",
		"  region: r2\n", "# Not covered: Deployment big (big.yaml:1) has 21 images, more than the 20 a suggested cache holds."} {
		if !strings.Contains(string(out), s) {
			t.Errorf("YAML lacks %q:\n%s", s, out)
		}
	}
}

func TestGroupName(t *testing.T) {
	es := []*coverage.Entry{{Name: "ab"}, {Name: "cd"}, {Name: "ef"}}
	if got := groupName(es); got != "ab-and-2-more" {
		t.Errorf("groupName = %q", got)
	}
	if got := clean("x"); got != "workloadx" {
		t.Errorf("clean(x) = %q: a name needs 2 characters", got)
	}
	if got := clean("My App!"); got != "My-App" {
		t.Errorf("clean = %q", got)
	}
}
