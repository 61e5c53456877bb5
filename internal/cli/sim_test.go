package cli

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	eciapi "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/ecisim"
)

// TestSimServesUntilInterrupted runs `imcsync sim` in-process, talks to it with the
// official SDK, interrupts it and checks that it saved its state and exited 0.
func TestSimServesUntilInterrupted(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.yaml") // does not exist yet: --save creates it
	env := map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}
	outR, outW := io.Pipe()
	var stderr strings.Builder
	code := make(chan int, 1)
	go func() {
		code <- Run([]string{"sim", "--addr", "127.0.0.1:0", "--state", state, "--save", "--transition", "1ms", "--update-tags", "merge",
			"--fault", "DescribeImageCaches=QuotaExceeded:403:1"},
			strings.NewReader(""), outW, &stderr, func(k string) string { return env[k] })
		outW.Close()
	}()
	out := bufio.NewScanner(outR)
	var banner []string
	for len(banner) < 3 && out.Scan() {
		banner = append(banner, out.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if len(banner) < 3 || !strings.HasPrefix(banner[0], "listening on http://127.0.0.1:") {
		t.Fatalf("banner %q, stderr %q", banner, stderr.String())
	}
	url := strings.TrimPrefix(banner[0], "listening on ")
	if strings.Contains(strings.Join(banner, "\n"), "env-secret") || !strings.Contains(banner[1], "env-key") {
		t.Errorf("banner must name the env key and hide its secret: %q", banner)
	}
	if banner[2] != "export IMCSYNC_ENDPOINT="+url {
		t.Errorf("banner line 3 %q", banner[2])
	}

	c, err := eciapi.NewClient(&openapi.Config{AccessKeyId: tea.String("env-key"), AccessKeySecret: tea.String("env-secret"),
		Endpoint: tea.String(strings.TrimPrefix(url, "http://")), Protocol: tea.String("http")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateImageCache(&eciapi.CreateImageCacheRequest{RegionId: tea.String("cn-hangzhou"),
		ImageCacheName: tea.String("web"), Image: tea.StringSlice([]string{"nginx:1"})}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeImageCaches(&eciapi.DescribeImageCachesRequest{RegionId: tea.String("cn-hangzhou")})
	var sdkErr *tea.SDKError
	if !errors.As(err, &sdkErr) || tea.StringValue(sdkErr.Code) != "QuotaExceeded" || tea.IntValue(sdkErr.StatusCode) != 403 {
		t.Errorf("describe under --fault: %v, want 403 QuotaExceeded", err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-code:
		if got != 0 {
			t.Fatalf("exit %d, stderr %q", got, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop on SIGINT")
	}
	st, err := ecisim.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Caches) != 1 || st.Caches[0].Name != "web" {
		t.Errorf("saved state %+v", st.Caches)
	}
	if st.Settings.UpdateTags != ecisim.UpdateTagsMerge {
		t.Errorf("saved updateTags %q, want the flag's %s", st.Settings.UpdateTags, ecisim.UpdateTagsMerge)
	}
}

func TestSimRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--save"},                                    // --save alone needs --state
		{"sim", "--fail-rate", "1.5"},                        // not a probability
		{"sim", "--fault", "UpdateImageCache=X:200:1"},       // not an error status
		{"sim", "--update-tags", "add"},                      // replace or merge
		{"sim", "--state", "s.yaml", "--save", "other.yaml"}, // must be --save=other.yaml
		{"sim", "--state", filepath.Join(t.TempDir(), "missing.yaml")},
	} {
		var stderr strings.Builder
		if code := Run(args, strings.NewReader(""), io.Discard, &stderr, func(string) string { return "" }); code != exitFailure {
			t.Errorf("%q: exit %d, want %d", args, code, exitFailure)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: no message", args)
		}
	}
}

// TestSimOptionsRefuseBeforeRun: complete and validate refuse every flag value out of
// range, so that run, which starts the emulator, is never reached with one.
func TestSimOptionsRefuseBeforeRun(t *testing.T) {
	for name, o := range map[string]*simOptions{
		"fault":       {faults: []string{"UpdateImageCache=X:200:1"}},
		"quota":       {quota: []string{"UpdateImageCache"}},
		"update-tags": {updateTags: "add"},
	} {
		o.app = &app{getenv: func(string) string { return "" }}
		err := o.complete(&cobra.Command{}, nil)
		if err == nil {
			err = o.validate()
		}
		if err == nil || !strings.Contains(err.Error(), "--"+name) {
			t.Errorf("--%s out of range: complete and validate gave %v, want an error naming the flag", name, err)
		}
	}
	o := &simOptions{app: &app{}, quota: []string{"UpdateImageCache=40"}, faults: []string{"DescribeImageCaches=Throttling:429:0.5"}, updateTags: ecisim.UpdateTagsMerge}
	if err := o.complete(&cobra.Command{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.validate(); err != nil {
		t.Fatal(err)
	}
	if len(o.quotas) != 1 || len(o.errorFaults) != 1 || o.errorFaults[0].Code != "Throttling" {
		t.Errorf("parsed quotas %v, faults %v", o.quotas, o.errorFaults)
	}
}
