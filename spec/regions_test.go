package spec

import (
	"slices"
	"strings"
	"testing"
)

// TestRegions: the list is well-formed, has no repeats, and holds the six regions of the
// older Go SDK's endpoint table (alibaba-cloud-sdk-go v1.63.107, product "eci").
func TestRegions(t *testing.T) {
	for i, r := range Regions {
		if msg := checkRegion(r); msg != "" {
			t.Errorf("%s: %s", r, msg)
		}
		if slices.Contains(Regions[:i], r) {
			t.Errorf("%s listed twice", r)
		}
	}
	for _, r := range []string{"cn-shanghai", "cn-hangzhou", "us-west-1", "cn-beijing", "cn-shenzhen", "ap-southeast-1"} {
		if !slices.Contains(Regions, r) {
			t.Errorf("%s missing", r)
		}
	}
}

// TestUnknownRegionWarns: a well-formed region that ECI does not have is a warning that
// names the closest known region, wherever a region is written; a known one is silent.
func TestUnknownRegionWarns(t *testing.T) {
	f, err := Parse("f.yaml", []byte("apiVersion: imcsync/v1\nregion: cn-shangai\ndefaults:\n  region: eu-centrl-1\nimageCaches:\n  - name: a1\n    images: [a:1]\n    region: cn-hangzhou\n  - name: a2\n    images: [a:1]\n    region: ap-southeast-9\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		"f.yaml:2:9: region: unknown ECI region cn-shangai, did you mean cn-shanghai? (a region newer than imcsync's list is fine)",
		"f.yaml:4:11: defaults.region: unknown ECI region eu-centrl-1, did you mean eu-central-1? (a region newer than imcsync's list is fine)",
		"f.yaml:11:13: imageCaches[1].region: unknown ECI region ap-southeast-9, did you mean ap-southeast-1? (a region newer than imcsync's list is fine)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
