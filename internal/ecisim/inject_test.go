package ecisim_test

import (
	"strings"
	"testing"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

func TestInjectedErrors(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	update := func() error {
		_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ImageCacheSize: tea.Int32(30)})
		return err
	}
	for _, tc := range []struct {
		fault  ecisim.ErrorFault
		status int
		msg    string
	}{
		{ecisim.ErrorFault{Action: "UpdateImageCache", Code: "OperationConflict", Status: 400, Rate: 1}, 400, "conflict with a previous request"},
		{ecisim.ErrorFault{Action: "UpdateImageCache", Code: "QuotaExceeded", Status: 403, Rate: 1}, 403, "quota exceeded"},
		{ecisim.ErrorFault{Action: "*", Code: "IncorrectStatus", Status: 400, First: 1}, 400, "status"},
		{ecisim.ErrorFault{Action: "UpdateImageCache", Code: "Made.Up", Status: 502, Rate: 1, Message: "custom"}, 502, "custom"},
	} {
		rn.Server.SetFaults(ecisim.Faults{Errors: []ecisim.ErrorFault{tc.fault}})
		msg := wantError(t, update(), tc.status, tc.fault.Code)
		if !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: message %q, want it to contain %q", tc.fault.Code, msg, tc.msg)
		}
	}
	// Only the first call of each action gets a First fault; other actions are spared
	// by an action-specific one; a faulted call had no effect.
	rn.Server.SetFaults(ecisim.Faults{Errors: []ecisim.ErrorFault{{Action: "UpdateImageCache", Code: "OperationConflict", Status: 400, First: 1}}})
	if _, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)}); err != nil {
		t.Fatalf("describe: %v", err)
	}
	wantError(t, update(), 400, "OperationConflict")
	if s := status(t, c, webID); s != ecisim.StatusReady {
		t.Errorf("status after a faulted update %s, want Ready", s)
	}
	if err := update(); err != nil {
		t.Fatalf("second update: %v", err)
	}
}

func TestParseErrorFault(t *testing.T) {
	got, err := ecisim.ParseErrorFault("UpdateImageCache=OperationConflict:400:0.2")
	if want := (ecisim.ErrorFault{Action: "UpdateImageCache", Code: "OperationConflict", Status: 400, Rate: 0.2}); err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	if _, err := ecisim.ParseErrorFault("*=ServiceUnavailable:503:1"); err != nil {
		t.Errorf("every action: %v", err)
	}
	for _, bad := range []string{"", "OperationConflict:400:0.2", "UpdateImageCache=OperationConflict:400", "UpdateImageCache=X:200:1",
		"UpdateImageCache=X:400:1.5", "UpdateImageCache=:400:1", "Nope=X:400:1", "UpdateImageCache=X:abc:1"} {
		if _, err := ecisim.ParseErrorFault(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := ecisim.ParseState([]byte("settings: {faults: {errors: [{action: Nope, code: X, status: 400}]}}\n")); err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Errorf("state with an unknown action: %v", err)
	}
}
