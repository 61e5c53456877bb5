package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadExample(t *testing.T) {
	f, err := Load("../examples/imagecaches.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range f.Caches {
		names = append(names, c.Region+"/"+c.Name)
	}
	want := []string{"cn-hangzhou/web-frontend", "cn-hangzhou/api-backend", "cn-hangzhou/batch-jobs", "cn-shanghai/ml-inference", "cn-shanghai/data-pipeline"}
	if !slices.Equal(names, want) {
		t.Errorf("caches = %v, want %v", names, want)
	}
	if f.Owner != "platform-prod" {
		t.Errorf("owner = %q", f.Owner)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nosuch.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	var errs Errors
	if errors.As(err, &errs) {
		t.Errorf("a missing file is not a problem in the file: %v", err)
	}
}

// TestMergeCopies checks that caches share no value with defaults or each other, so a
// caller may change one cache freely.
func TestMergeCopies(t *testing.T) {
	src := head + "  - {name: a1, images: [a:1]}\n  - {name: a2, images: [a:1]}\n"
	src = strings.Replace(src, "imageCaches:", "defaults: {size: 25, tags: {t: v}, images: [b:1], ignoreChanges: [size]}\nimageCaches:", 1)
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, b := &f.Caches[0], &f.Caches[1]
	*a.Size = 6
	a.Tags["t"] = "changed"
	a.IgnoreChanges[0] = "images"
	if *b.Size != 25 || b.Tags["t"] != "v" || b.IgnoreChanges[0] != "size" {
		t.Errorf("caches share defaults' values: %+v", b)
	}
	if !slices.Equal(b.Images, []string{"a:1"}) {
		t.Errorf("a cache's own images must replace the defaults' list, got %v", b.Images)
	}
}

func TestLeftOutIsNil(t *testing.T) {
	f, err := Parse("t.yaml", []byte(head+"  - {name: a1, images: [a:1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Caches[0]
	if c.Size != nil || c.Tags != nil || c.Flash != nil || c.ImageRegistryCredentials != nil || c.IgnoreChanges != nil {
		t.Errorf("fields left out must stay unset: %+v", c)
	}
	if c.Pos != (Pos{4, 5}) {
		t.Errorf("Pos = %+v, want 4:5", c.Pos)
	}
}

func TestErrorsSortedAndPrinted(t *testing.T) {
	src := "imageCaches:\n  - {name: a1, images: [a:1], size: 0}\napiVersion: v2\n"
	_, err := Parse("f.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(errs) || len(errs) < 3 {
		t.Fatalf("Error() has %d lines for %d errors:\n%v", len(lines), len(errs), err)
	}
	for i := 1; i < len(errs); i++ {
		p, q := errs[i-1].Pos, errs[i].Pos
		if p.Line > q.Line || p.Line == q.Line && p.Column > q.Column {
			t.Errorf("errors out of order: %v before %v", errs[i-1], errs[i])
		}
	}
	if got := errs[len(errs)-1].Error(); got != `f.yaml:3:13: apiVersion: unsupported apiVersion "v2": write apiVersion: imcsync/v1` {
		t.Errorf("last error = %s", got)
	}
}

func TestPassword(t *testing.T) {
	c := RegistryCredential{Server: "r.example.com", UserName: "u", PasswordFromEnv: "REG_PW"}
	env := map[string]string{"REG_PW": "s3cret"}
	got, err := c.Password(func(k string) string { return env[k] })
	if err != nil || got != "s3cret" {
		t.Errorf("Password = %q, %v", got, err)
	}
	_, err = c.Password(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "REG_PW") || !strings.Contains(err.Error(), "r.example.com") {
		t.Errorf("unset variable: err = %v, want it to name REG_PW and the server", err)
	}
}

// TestUnsetPasswordIsValid: validation never reads the environment.
func TestUnsetPasswordIsValid(t *testing.T) {
	os.Unsetenv("IMCSYNC_TEST_UNSET_PASSWORD")
	src := head + "  - name: a1\n    images: [a:1]\n    imageRegistryCredentials:\n      - {server: r.example.com, userName: u, passwordFromEnv: IMCSYNC_TEST_UNSET_PASSWORD}\n"
	if _, err := Parse("t.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

func TestWriteOnlyFields(t *testing.T) {
	want := []string{"securityGroupId", "vSwitchId", "eipInstanceId", "retentionDays", "autoMatchImageCache", "flash",
		"standardCopyCount", "flashCopyCount", "imageRegistryCredentials", "acrRegistryInfos"}
	got := WriteOnlyFields()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("WriteOnlyFields = %v, want %v", got, want)
	}
}

func TestKeysOfDefaults(t *testing.T) {
	keys := loaderKeys()
	cache, defaults := keys["imageCaches[]"], keys["defaults"]
	if len(cache) != len(defaults)+2 || slices.Contains(defaults, "name") || slices.Contains(defaults, "id") {
		t.Errorf("defaults keys = %v, want the cache keys %v without name and id", defaults, cache)
	}
}

func TestSuggest(t *testing.T) {
	fields := CacheFields()
	for key, want := range map[string]string{
		"retentionday": "retentionDays", "vswitchId": "vSwitchId", "image": "images", "Tag": "tags",
		"imageCacheName": "name", "eliminationStrategey": "eliminationStrategy", "xyz": "", "colour": "",
	} {
		if got := suggest(key, fields); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
	if got := suggest("name", nil); got != "" {
		t.Errorf("suggest among no keys = %q", got)
	}
}
