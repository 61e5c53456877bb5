package eci_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
)

func TestConformanceTags(t *testing.T) {
	runConformance(t, seedCaches(3, region, ecisim.StatusReady), func(t *testing.T, b *backend) {
		b.needSim(t)
		ctx := context.Background()
		ids := []string{"imc-cn-hangzhou-0000", "imc-cn-hangzhou-0001"}
		if err := b.Client.Tag(ctx, b.Region, ids, []eci.Tag{{Key: "team", Value: "web"}, {Key: "env", Value: ""}}); err != nil {
			t.Fatal(err)
		}
		if err := b.Client.Untag(ctx, b.Region, ids[1:], []string{"env"}, "imcsync-untag-1"); err != nil {
			t.Fatal(err)
		}
		got, err := b.Client.ListTags(ctx, b.Region, append(ids, "imc-cn-hangzhou-0002"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{ids[0]: {"team": "web", "env": ""}, ids[1]: {"team": "web"}}
		if !maps.EqualFunc(got, want, maps.Equal) {
			t.Errorf("ListTags = %v, want %v", got, want)
		}
		if c, err := b.Client.Get(ctx, b.Region, ids[0]); err != nil || !maps.Equal(c.Tags, want[ids[0]]) {
			t.Errorf("Describe shows tags %v (%v), want %v", c.Tags, err, want[ids[0]])
		}

		tag := b.requests("TagResources")[0].Params
		wantTag := map[string]string{"RegionId": region, "ResourceType": "ImageCache", "ResourceId.1": ids[0], "ResourceId.2": ids[1],
			"Tag.1.Key": "team", "Tag.1.Value": "web", "Tag.2.Key": "env", "Tag.2.Value": ""}
		if !maps.Equal(tag, wantTag) {
			t.Errorf("TagResources params = %v, want %v", tag, wantTag)
		}
		untag := b.requests("UntagResources")[0].Params
		wantUntag := map[string]string{"RegionId": region, "ResourceType": "ImageCache", "ResourceId.1": ids[1], "TagKey.1": "env", "ClientToken": "imcsync-untag-1"}
		if !maps.Equal(untag, wantUntag) {
			t.Errorf("UntagResources params = %v, want %v", untag, wantUntag)
		}
	})
}

func TestTagErrors(t *testing.T) {
	runConformance(t, seedCaches(1, region, ecisim.StatusUpdating), func(t *testing.T, b *backend) {
		b.needSim(t)
		ctx := context.Background()
		err := b.Client.Tag(ctx, b.Region, []string{"imc-cn-hangzhou-0000", "imc-gone"}, []eci.Tag{{Key: "a", Value: "b"}})
		var api *eci.APIError
		if !errors.Is(err, eci.ErrNotFound) || !errors.As(err, &api) || api.Action != "TagResources" || !strings.Contains(api.Message, "imc-gone") {
			t.Errorf("unknown id: %v, want ErrNotFound naming imc-gone", err)
		}
		if err := b.Client.Tag(ctx, b.Region, []string{"imc-cn-hangzhou-0000"}, []eci.Tag{{Key: "a", Value: "b"}}); err != nil {
			t.Errorf("tagging an Updating cache: %v", err)
		}
		b.Sim.Server.ResetRequests()
		var many []string
		for i := range eci.MaxTagResources + 1 {
			many = append(many, fmt.Sprintf("imc-%d", i))
		}
		for name, err := range map[string]error{
			"51 ids":     b.Client.Tag(ctx, b.Region, many, []eci.Tag{{Key: "a"}}),
			"no ids":     b.Client.Untag(ctx, b.Region, nil, []string{"a"}, ""),
			"no keys":    b.Client.Untag(ctx, b.Region, many[:1], nil, ""),
			"long token": b.Client.Untag(ctx, b.Region, many[:1], []string{"a"}, strings.Repeat("t", 65)),
			"no region":  b.Client.Tag(ctx, "", many[:1], []eci.Tag{{Key: "a"}}),
		} {
			if err == nil {
				t.Errorf("%s: no error", name)
			}
		}
		if n := len(b.Sim.Server.Requests()); n != 0 {
			t.Errorf("%d requests sent for calls refused before sending", n)
		}
	})
}
