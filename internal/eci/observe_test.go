package eci_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// TestObserveSeesEveryAttempt: Config.Observe hears of each request once its answer is
// in, retries included, with the API's code and whether it was throttling.
func TestObserveSeesEveryAttempt(t *testing.T) {
	faults := ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {ThrottleFirst: 2}}}
	run := ecisimtest.NewServer(t, ecisim.Config{Seed: 1, Faults: &faults}, &ecisim.State{Caches: seedCaches(1, region, ecisim.StatusReady)})
	var (
		mu   sync.Mutex
		seen []eci.Attempt
	)
	c, err := eci.New(eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Retry: eci.RetryPolicy{MaxAttempts: 4, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond},
		Observe: func(a eci.Attempt) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, a)
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.List(ctx, region); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, region, "imc-nosuchcache"); !errors.Is(err, eci.ErrNotFound) {
		t.Fatalf("Get of an unknown cache: %v, want not found", err)
	}
	want := []eci.Attempt{
		{Action: "DescribeImageCaches", Region: region, Code: "Throttling.User", Throttled: true},
		{Action: "DescribeImageCaches", Region: region, Code: "Throttling.User", Throttled: true},
		{Action: "DescribeImageCaches", Region: region, Code: "OK"},
		{Action: "DescribeImageCaches", Region: region, Code: "OK"},
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("observed attempts (-want +got):\n%s", diff)
	}
}

// TestAnswerCode names answers that are not API error codes.
func TestAnswerCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, "OK"},
		{&eci.APIError{Code: "InvalidParameter", HTTPStatus: 400}, "InvalidParameter"},
		{&eci.APIError{HTTPStatus: 503}, "HTTP 503"},
		{fmt.Errorf("wrapped: %w", &eci.CredentialsError{}), "NoCredentials"},
		{context.Canceled, "Canceled"},
		{&eci.TransportError{Action: "DescribeImageCaches"}, "NetworkError"},
	} {
		if got := eci.AnswerCode(tc.err); got != tc.want {
			t.Errorf("AnswerCode(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
