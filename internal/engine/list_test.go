package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
)

// TestListNamesTheFailingRegion: a region whose listing fails fails the listing, named.
func TestListNamesTheFailingRegion(t *testing.T) {
	_, err := list(context.Background(), failingLister{"cn-beijing"}, []string{"cn-hangzhou", "cn-beijing"})
	if err == nil || !strings.Contains(err.Error(), "listing image caches in cn-beijing") {
		t.Errorf("got %v, want the failing region named", err)
	}
	live, err := list(context.Background(), failingLister{"eu-west-1"}, []string{"cn-hangzhou", "cn-beijing"})
	if err != nil || len(live) != 2 || live[0].Region != "cn-hangzhou" || live[1].Region != "cn-beijing" {
		t.Errorf("got %+v, %v: want one cache per region in the regions' order", live, err)
	}
}

// failingLister lists one cache per region, and fails for one region.
type failingLister struct{ failing string }

func (l failingLister) List(_ context.Context, region string) ([]cloud.Cache, error) {
	if region == l.failing {
		return nil, errors.New("throttled")
	}
	return []cloud.Cache{{Region: region, ID: "imc-" + region}}, nil
}
