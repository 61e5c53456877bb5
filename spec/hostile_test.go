package spec

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// parseErrors parses src and returns its problems, failing the test when it is valid.
func parseErrors(t *testing.T, src string) Errors {
	t.Helper()
	_, err := Parse("t.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse error = %v, want Errors", err)
	}
	return errs
}

// TestAmplificationRefused: the 4.5 KB file whose anchors are reused across caches, ACR
// infos and domains is refused in well under a second and 100 MB, with at most
// MaxPrintedErrors error lines.
func TestAmplificationRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/hostile/amplification.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 4600 {
		t.Fatalf("the amplification file has grown to %d bytes", len(data))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = Parse("amplification.yaml", data)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("the amplification file was accepted")
	}
	// TotalAlloc only grows: it bounds the peak heap from above, whatever the GC did.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("parsing allocated %d MB, want < 100 MB", alloc>>20)
	}
	if elapsed > time.Second {
		t.Errorf("parsing took %v, want < 1s", elapsed)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) > MaxPrintedErrors+1 {
		t.Errorf("%d lines of errors, want at most %d and one summary line", len(lines), MaxPrintedErrors)
	}
	if !strings.Contains(err.Error(), "aliases") {
		t.Errorf("the error does not say that aliases are the problem:\n%v", err)
	}
}

// TestAliasesWithinAllowance: sharing a list through an anchor is fine.
func TestAliasesWithinAllowance(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "  - name: c0\n    images: &imgs [" + images(50) + "]\n")
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&b, "  - name: c%d\n    images: *imgs\n", i)
	}
	f, err := Parse("t.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Caches) != 200 || len(f.Caches[199].Images) != 50 {
		t.Errorf("got %d caches", len(f.Caches))
	}
}

// TestLargestValidCacheFits: a cache at every list limit is within maxCacheNodes, so
// the size bound never refuses a valid cache.
func TestLargestValidCacheFits(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "  - name: big\n    images: [" + images(maxImages) + "]\n    tags: {" + tags(MaxTags-1) + "}\n")
	b.WriteString("    imageRegistryCredentials:\n" + creds(maxCredentials))
	b.WriteString("    acrRegistryInfos:\n")
	var domains []string
	for i := range maxDomains {
		domains = append(domains, fmt.Sprintf("d%d.example.com", i))
	}
	for i := range maxAcrInfos {
		fmt.Fprintf(&b, "      - {instanceId: cri-%d, instanceName: n, regionId: cn-hangzhou, domains: [%s]}\n", i, strings.Join(domains, ", "))
	}
	b.WriteString("    ignoreChanges: [" + strings.Join(ignorable(), ", ") + ", " + ignoreTags(MaxTags) + "]\n")
	if _, err := Parse("t.yaml", []byte(b.String())); err != nil {
		t.Fatal(err)
	}
}

// TestCacheOverNodeLimit: a cache that aliases more than any valid cache holds is
// refused before it is decoded, with one error.
func TestCacheOverNodeLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "  - name: a\n    images: [a:1]\n    acrRegistryInfos:\n      - &i {instanceId: cri-1, domains: &d [")
	for i := range maxDomains {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "d%d.example.com", i)
	}
	b.WriteString("]}\n")
	for range maxAcrInfos - 1 {
		b.WriteString("      - *i\n")
	}
	b.WriteString("    tags: {" + tags(MaxTags) + "}\n    images2: *d\n    images3: *d\n    images4: *d\n    images5: *d\n")
	errs := parseErrors(t, b.String())
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "once YAML aliases are expanded") {
		t.Errorf("got %v, want one error about the expanded size", errs)
	}
}

// TestListOverLimitNotWalked: the items of a list over its limit are not checked one
// by one, so a long list of bad items gives one error.
func TestListOverLimitNotWalked(t *testing.T) {
	src := head + "  - name: ab\n    images: [" + strings.Repeat("BAD, ", 5000) + "BAD]\n"
	errs := parseErrors(t, src)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "5001 images, at most 100 allowed") {
		t.Errorf("got %d errors, want 1 about the count: %v", len(errs), errs[:min(len(errs), 3)])
	}
}

// TestErrorsPrintedCapped: Error lists MaxPrintedErrors problems, then how many more.
func TestErrorsPrintedCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	for i := range 120 {
		fmt.Fprintf(&b, "  - {name: c%d, images: [BAD]}\n", i)
	}
	errs := parseErrors(t, b.String())
	if len(errs) != 120 {
		t.Fatalf("got %d problems, want 120", len(errs))
	}
	lines := strings.Split(errs.Error(), "\n")
	if len(lines) != MaxPrintedErrors+1 || lines[MaxPrintedErrors] != "and 70 more problems" {
		t.Errorf("got %d lines ending %q", len(lines), lines[len(lines)-1])
	}
}

// TestProblemsCollectedCapped: past maxProblems problems, one last problem says how
// many more there were.
func TestProblemsCollectedCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	for i := range maxProblems + 10 {
		fmt.Fprintf(&b, "  - {name: c%d, images: [BAD]}\n", i)
	}
	errs := parseErrors(t, b.String())
	if len(errs) != maxProblems+1 {
		t.Fatalf("got %d problems, want %d", len(errs), maxProblems+1)
	}
	if last := errs[len(errs)-1].Message; last != "10 more problems were found and not listed: fix these first" {
		t.Errorf("last problem = %q", last)
	}
}

// TestFileTooLarge: a file over maxFileSize is refused at once, and Load stops reading
// an endless file.
func TestFileTooLarge(t *testing.T) {
	errs := parseErrors(t, head+"# "+strings.Repeat("x", maxFileSize))
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "larger than 8 MiB") {
		t.Errorf("got %v", errs)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	done := make(chan error, 1)
	go func() { _, err := Load("/dev/zero"); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
			t.Errorf("Load(/dev/zero) = %v, want the size error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load(/dev/zero) reads forever")
	}
}

// TestBadBytesPosition: NUL, control characters and invalid UTF-8 are reported where
// they are, not at 1:1.
func TestBadBytesPosition(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"NUL", head + "  - name: ab\x00b\n", "4:13 NUL character"},
		{"invalid UTF-8", head + "  - name: é\xffb\n", "4:12 invalid UTF-8 (byte 0xff)"},
		{"bell", head + "  - name: a\n    images: [x\a:1]\n", "5:15 control character U+0007"},
		{"UTF-16", "\xff\xfea\x00", "1:1 the file is UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := parseErrors(t, tt.src)
			got := fmt.Sprintf("%d:%d %s", errs[0].Pos.Line, errs[0].Pos.Column, errs[0].Message)
			if len(errs) != 1 || !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %v, want %q", errs, tt.want)
			}
		})
	}
	if _, err := Parse("t.yaml", []byte("\uFEFF"+head+"  - {name: ab, images: [a:1]}\n")); err != nil {
		t.Errorf("a leading byte order mark is refused: %v", err)
	}
}

// TestWarnings: invisible and look-alike characters in tags, and credential variables
// in passwordFromEnv, are valid but warned about.
func TestWarnings(t *testing.T) {
	src := head + "  - name: ab\n    images: [a:1]\n    tags: {\"te\\u200Bam\": web, env: \"prоd\", plain: ok, \"ключ\": значение}\n" +
		"    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: ALIBABA_CLOUD_ACCESS_KEY_SECRET}\n"
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, fmt.Sprintf("%d:%d %s: %s", w.Pos.Line, w.Pos.Column, w.Path, w.Message))
	}
	want := []string{
		`6:12 imageCaches[0].tags["te\u200bam"]: tag key "te\u200bam" contains the invisible character U+200B`,
		`6:36 imageCaches[0].tags.env: tag value "prоd" mixes Latin letters with 'о' (U+043E)`,
		`8:63 imageCaches[0].imageRegistryCredentials[0].passwordFromEnv: ALIBABA_CLOUD_ACCESS_KEY_SECRET is a variable of the Alibaba Cloud credential chain: apply refuses`,
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

// TestPasswordFromCredentialVariable: apply-time reading refuses the runner's own
// credential variables unless allowPasswordEnv lists them.
func TestPasswordFromCredentialVariable(t *testing.T) {
	env := map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "canary-ak-secret",
		"GITHUB_TOKEN":                    "canary-gh-token",
		"REGISTRY_PASSWORD":               "pw",
	}
	getenv := func(k string) string { return env[k] }
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "GITHUB_TOKEN", "alibaba_cloud_security_token"} {
		p, err := RegistryCredential{Server: "evil.example.com", PasswordFromEnv: name}.Password(getenv)
		if err == nil || p != "" {
			t.Errorf("%s: password %q, err %v; want a refusal", name, p, err)
			continue
		}
		if !strings.Contains(err.Error(), allowPasswordEnv+"="+name) || strings.Contains(err.Error(), "canary") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if p, err := (RegistryCredential{PasswordFromEnv: "REGISTRY_PASSWORD"}).Password(getenv); err != nil || p != "pw" {
		t.Errorf("an ordinary variable: %q, %v", p, err)
	}
	env[allowPasswordEnv] = "OTHER,GITHUB_TOKEN"
	if p, err := (RegistryCredential{PasswordFromEnv: "GITHUB_TOKEN"}).Password(getenv); err != nil || p != "canary-gh-token" {
		t.Errorf("an allowed credential variable: %q, %v", p, err)
	}
	if _, err := (RegistryCredential{PasswordFromEnv: "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}).Password(getenv); err == nil {
		t.Error("a credential variable that the allow list does not name is read")
	}
}
