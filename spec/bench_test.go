package spec

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// manyCaches is an imagecaches.yaml of n caches, each with a few images, tags, a
// credential and write-only fields, as a large real file would have.
func manyCaches(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: imcsync/v1\nowner: platform\nregion: cn-hangzhou\n")
	b.WriteString("defaults:\n  securityGroupId: sg-1\n  vSwitchId: vsw-1\n  size: 20\n  tags: {team: platform}\n")
	b.WriteString("imageCaches:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: cache-%d\n    images:\n      - registry.example.com/app%d/web:1.%d\n      - registry.example.com/app%d/api@sha256:%064x\n", i, i, i, i, i)
		fmt.Fprintf(&b, "    size: %d\n    retentionDays: 7\n    tags: {app: app%d, env: prod}\n", 20+i%50, i)
		b.WriteString("    imageRegistryCredentials:\n      - {server: registry.example.com, userName: ci, passwordFromEnv: REGISTRY_PASSWORD}\n")
	}
	return []byte(b.String())
}

// BenchmarkParse10000 measures what `imcsync validate` does with a file of 10,000
// caches (about 3 MB): read, check and default it. It must stay well under 0.5 s.
func BenchmarkParse10000(b *testing.B) {
	data := manyCaches(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("big.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAmplification measures the refusal of the alias amplification file.
func BenchmarkAmplification(b *testing.B) {
	data, err := os.ReadFile("testdata/hostile/amplification.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("amplification.yaml", data); err == nil {
			b.Fatal("accepted")
		}
	}
}
