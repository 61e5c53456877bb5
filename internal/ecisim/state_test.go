package ecisim_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

func TestExampleState(t *testing.T) {
	st, err := ecisim.LoadState(filepath.Join("..", "..", "examples", "sim-state.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(st.Settings.Faults.Actions["UpdateImageCache"].Latency); got != 200*time.Millisecond {
		t.Errorf("UpdateImageCache latency %s", got)
	}
	clk := ecisim.NewManualClock(time.Now())
	s, err := ecisim.New(ecisim.Config{Clock: clk}, st)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, c := range s.State().Caches {
		statuses = append(statuses, c.Status)
	}
	if want := []string{"Ready", "UpdateFailed", "Creating"}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	clk.Advance(time.Second)
	if got := s.State().Caches[2].Status; got != ecisim.StatusReady {
		t.Errorf("seeded Creating cache is %s one transition later, want Ready", got)
	}
}

func TestParseStateErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown key":    "caches:\n  - region: r\n    name: n\n    colour: red\n",
		"no region":      "caches:\n  - name: n\n",
		"bad status":     "caches:\n  - region: r\n    name: n\n    status: Deleting\n",
		"bad duration":   "settings:\n  transition: soon\n",
		"duplicate id":   "caches:\n  - {region: r, name: a, id: imc-1}\n  - {region: r, name: b, id: imc-1}\n",
		"unknown fault":  "settings:\n  faults:\n    explode: true\n",
		"list for a map": "caches:\n  - region: r\n    name: n\n    tags: [a]\n",
	} {
		t.Run(name, func(t *testing.T) {
			st, err := ecisim.ParseState([]byte(doc))
			if err == nil {
				_, err = ecisim.New(ecisim.Config{}, st)
			}
			if err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestParseStateNamesAnImagecachesFile: an imagecaches.yaml given where a state file
// belongs (--sim imagecaches.yaml) is named as such, with the keys a state file has,
// instead of a list of Go decoding errors.
func TestParseStateNamesAnImagecachesFile(t *testing.T) {
	_, err := ecisim.ParseState([]byte("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches: []\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	want := "this is an imagecaches.yaml, not an emulator state file (keys settings and caches, e.g. examples/live-state.yaml)"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestStateRoundTrip(t *testing.T) {
	for _, ext := range []string{"yaml", "json"} {
		t.Run(ext, func(t *testing.T) {
			rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
			rn.Server.SetFaults(ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(time.Millisecond)}, FailUpdateImage: "broken"})
			c := newClient(t, rn)
			id := create(t, c, "second", "redis:7")
			clk.Advance(ecisim.DefaultTransition) // Creating
			path := filepath.Join(t.TempDir(), "state."+ext)
			if err := rn.Server.SaveState(path); err != nil {
				t.Fatal(err)
			}
			st, err := ecisim.LoadState(path)
			if err != nil {
				t.Fatal(err)
			}
			if before, after := rn.Server.State(), st; !equalJSON(t, before, after) {
				t.Fatalf("round trip changed the state:\n%s\n%s", toJSON(t, before), toJSON(t, after))
			}
			for _, cr := range st.Caches[0].ImageRegistryCredentials {
				if cr.Password != "" {
					t.Errorf("saved state holds a password")
				}
			}
			// A server started from the saved state carries on: Creating becomes Ready,
			// and write-only fields still make a no-op update a NoNeedUpdate.
			rn2 := ecisimtest.NewServer(t, ecisim.Config{Clock: clk}, st)
			c2 := newClient(t, rn2)
			if s := status(t, c2, id); s != ecisim.StatusCreating {
				t.Fatalf("reloaded status %s", s)
			}
			clk.Advance(ecisim.DefaultTransition)
			if s := status(t, c2, id); s != ecisim.StatusReady {
				t.Fatalf("reloaded cache did not finish: %s", s)
			}
			_, err = c2.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID),
				SecurityGroupId: tea.String("sg-1"),
				ImageRegistryCredential: []*eci.UpdateImageCacheRequestImageRegistryCredential{
					{Server: tea.String("reg.example.com"), UserName: tea.String("ci"), Password: tea.String("s3cret")}}})
			wantError(t, err, 400, "NoNeedUpdate")
		})
	}
}

func equalJSON(t *testing.T, a, b any) bool { return toJSON(t, a) == toJSON(t, b) }

func toJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	rn := ecisimtest.NewServer(t, ecisim.Config{Log: &buf, Seed: 7}, readyCache())
	c := newClient(t, rn)
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID),
		ImageRegistryCredential: []*eci.UpdateImageCacheRequestImageRegistryCredential{{Server: tea.String("reg.example.com"), Password: tea.String("hunter2")}}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ImageCacheSize: tea.Int32(30)})
	wantError(t, err, 400, "ImageCache.IncorrectStatus")
	if strings.Contains(buf.String(), "hunter2") {
		t.Fatal("the log holds a password")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	var last ecisim.LoggedRequest
	if err := json.Unmarshal([]byte(lines[1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Action != "UpdateImageCache" || last.Version != ecisim.APIVersion || last.Signature != ecisim.SignatureV3 ||
		last.Status != 400 || last.Code != "ImageCache.IncorrectStatus" || last.Params["ImageCacheSize"] != "30" || last.RequestID == "" {
		t.Errorf("log line %s", lines[1])
	}
	if got := rn.Server.Requests(); len(got) != 2 || got[0].Params["ImageRegistryCredential.1.Password"] != "***" {
		t.Errorf("in-memory log %+v", got)
	}
	rn.Server.ResetRequests()
	if n := len(rn.Server.Requests()); n != 0 {
		t.Errorf("%d requests after reset", n)
	}
}
