package cli

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReleaseIsVerifiable reads .goreleaser.yaml and .github/workflows/release.yml and fails
// if a release would lose what lets a user verify it (docs/install.md): the keyless cosign
// bundle of checksums.txt (over a checksums.txt that does not list the bundle, which would
// change it after signing), an SBOM per archive, the provenance attestation of every file in
// checksums.txt, the image's signature by digest and its attestation, and the permissions and
// tools those steps need. It also checks that the checker catches each of those going missing.
func TestReleaseIsVerifiable(t *testing.T) {
	repo := filepath.Join("..", "..")
	goreleaser, err := os.ReadFile(filepath.Join(repo, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	workflow, err := os.ReadFile(filepath.Join(repo, ".github", "workflows", "release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if problems := releaseProblems(goreleaser, workflow); len(problems) > 0 {
		t.Errorf("the release is not verifiable:\n%s", strings.Join(problems, "\n"))
	}

	for _, m := range []struct {
		name       string
		file       string // goreleaser or workflow
		old, new   string
		wantInDiag string
	}{
		{"no signs", "goreleaser", "\nsigns:", "\nsigns_removed:", "no cosign sign of checksums.txt"},
		{"signature not a bundle", "goreleaser", `signature: "${artifact}.sigstore.json"`, `signature: "${artifact}.sig"`, "signature"},
		{"no --bundle", "goreleaser", "--bundle=${signature}", "--output-signature=${signature}", "--bundle=${signature}"},
		{"no sboms", "goreleaser", "\nsboms:", "\nsboms_removed:", "SBOM"},
		{"checksums list their signature", "goreleaser", "ids: [imcsync, sbom]", "", "checksum.ids is empty"},
		{"checksums list the bundle by id", "goreleaser", "ids: [imcsync, sbom]", "ids: [imcsync, sbom, cosign]", "list the signatures"},
		{"checksums leave out the SBOMs", "goreleaser", "ids: [imcsync, sbom]", "ids: [imcsync]", "leave out the SBOMs"},
		{"checksums renamed", "goreleaser", "name_template: checksums.txt", "name_template: sums.txt", "checksums.txt"},
		{"no id-token", "workflow", "id-token: write # keyless signing: the OIDC", "id-token: none # ", "binaries: permission id-token"},
		{"no attestations", "workflow", "attestations: write # store the provenance attestations", "", "binaries: permission attestations"},
		{"no cosign installed", "workflow", "sigstore/cosign-installer@v4.1.2 # cosign v3", "actions/cache@v4 #", "binaries: no sigstore/cosign-installer"},
		{"no syft installed", "workflow", "anchore/sbom-action/download-syft@v0", "actions/cache@v4", "binaries: no anchore/sbom-action/download-syft"},
		{"no provenance", "workflow", "subject-checksums: ./dist/checksums.txt", "subject-path: ./dist/*.tar.gz", "subject-checksums"},
		{"image not signed", "workflow", `cosign sign --yes "$IMAGE@$DIGEST"`, `echo "$IMAGE@$DIGEST"`, "cosign sign"},
		{"image not attested", "workflow", "push-to-registry: true", "push-to-registry: false", "push-to-registry"},
		{"image without id-token", "workflow", "id-token: write # keyless signing\n", "\n", "image: permission id-token"},
		{"not on tags", "workflow", `tags: ["v*"]`, `branches: [main]`, "v* tags"},
	} {
		g, w := string(goreleaser), string(workflow)
		target := &g
		if m.file == "workflow" {
			target = &w
		}
		if !strings.Contains(*target, m.old) {
			t.Errorf("mutation %q: %s no longer contains %q: update the test", m.name, m.file, m.old)
			continue
		}
		*target = strings.Replace(*target, m.old, m.new, 1)
		problems := releaseProblems([]byte(g), []byte(w))
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.wantInDiag) }) {
			t.Errorf("mutation %q: want a problem mentioning %q, got %q", m.name, m.wantInDiag, problems)
		}
	}
}

type goreleaserConfig struct {
	Checksum struct {
		NameTemplate string   `yaml:"name_template"`
		IDs          []string `yaml:"ids"`
	} `yaml:"checksum"`
	Archives []struct {
		ID string `yaml:"id"`
	} `yaml:"archives"`
	Signs []struct {
		ID        string   `yaml:"id"`
		Cmd       string   `yaml:"cmd"`
		Artifacts string   `yaml:"artifacts"`
		Signature string   `yaml:"signature"`
		Args      []string `yaml:"args"`
	} `yaml:"signs"`
	SBOMs []goreleaserSBOM `yaml:"sboms"`
}

type goreleaserSBOM struct {
	ID        string `yaml:"id"`
	Cmd       string `yaml:"cmd"`
	Artifacts string `yaml:"artifacts"`
}

type workflowFile struct {
	On struct {
		Push struct {
			Tags []string `yaml:"tags"`
		} `yaml:"push"`
	} `yaml:"on"`
	Jobs map[string]workflowJob `yaml:"jobs"`
}

type workflowJob struct {
	Permissions map[string]string `yaml:"permissions"`
	Steps       []workflowStep    `yaml:"steps"`
}

type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// step returns the index of the first step that uses ACTION (owner/name[/path], any ref), or -1.
func (j workflowJob) step(action string) int {
	return slices.IndexFunc(j.Steps, func(s workflowStep) bool {
		name, _, _ := strings.Cut(s.Uses, "@")
		return name == action
	})
}

// releaseProblems lists what makes a release built with these files unverifiable.
func releaseProblems(goreleaser, workflow []byte) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	var g goreleaserConfig
	if err := yaml.Unmarshal(goreleaser, &g); err != nil {
		return []string{".goreleaser.yaml: " + err.Error()}
	}
	// The action, the attestation and docs/install.md name checksums.txt and its bundle.
	if g.Checksum.NameTemplate != "checksums.txt" {
		add(".goreleaser.yaml: checksum.name_template is %q, want checksums.txt", g.Checksum.NameTemplate)
	}
	signed := false
	for _, s := range g.Signs {
		if s.Cmd != "cosign" || s.Artifacts != "checksum" {
			continue
		}
		signed = true
		if s.Signature != "${artifact}.sigstore.json" {
			add(".goreleaser.yaml: the cosign signature is %q, want the bundle ${artifact}.sigstore.json", s.Signature)
		}
		for _, arg := range []string{"sign-blob", "--bundle=${signature}", "${artifact}", "--yes"} {
			if !slices.Contains(s.Args, arg) {
				add(".goreleaser.yaml: cosign args %q lack %s", s.Args, arg)
			}
		}
		for _, arg := range s.Args {
			if strings.HasPrefix(arg, "--key") || strings.HasPrefix(arg, "--output-") {
				add(".goreleaser.yaml: cosign arg %s: sign keylessly into the bundle only", arg)
			}
		}
	}
	if !signed {
		add(".goreleaser.yaml: no cosign sign of checksums.txt (signs: cmd: cosign, artifacts: checksum)")
	}
	if !slices.ContainsFunc(g.SBOMs, func(s goreleaserSBOM) bool {
		return s.Artifacts == "archive" && (s.Cmd == "" || s.Cmd == "syft")
	}) {
		add(".goreleaser.yaml: no SBOM per archive (sboms: artifacts: archive, syft)")
	}

	// checksums.txt lists the archives and SBOMs and never its own signature, which
	// goreleaser (v2.15.1) adds when it refreshes checksums.txt after signing unless
	// checksum.ids leaves it out, and which would then no longer match checksums.txt.
	if len(g.Checksum.IDs) == 0 {
		add(".goreleaser.yaml: checksum.ids is empty: checksums.txt would list its own signature and no longer verify")
	}
	listed := func(id string) bool { return len(g.Checksum.IDs) == 0 || slices.Contains(g.Checksum.IDs, id) }
	for _, a := range g.Archives {
		if !listed(a.ID) {
			add(".goreleaser.yaml: checksum.ids %q leave out the archives %q", g.Checksum.IDs, a.ID)
		}
	}
	for _, s := range g.SBOMs {
		if !listed(cmp.Or(s.ID, "default")) {
			add(".goreleaser.yaml: checksum.ids %q leave out the SBOMs %q", g.Checksum.IDs, cmp.Or(s.ID, "default"))
		}
	}
	for _, s := range g.Signs {
		if slices.Contains(g.Checksum.IDs, cmp.Or(s.ID, "default")) {
			add(".goreleaser.yaml: checksum.ids %q list the signatures %q: checksums.txt would no longer match its signature", g.Checksum.IDs, cmp.Or(s.ID, "default"))
		}
	}

	var w workflowFile
	if err := yaml.Unmarshal(workflow, &w); err != nil {
		return append(problems, "release.yml: "+err.Error())
	}
	// The identity the action and docs/install.md verify: release.yml at refs/tags/v*.
	if !slices.Equal(w.On.Push.Tags, []string{"v*"}) {
		add("release.yml: runs on %q, want push of v* tags", w.On.Push.Tags)
	}
	needPermissions := func(job string, j workflowJob, scopes ...string) {
		for _, p := range scopes {
			if j.Permissions[p] != "write" {
				add("release.yml: %s: permission %s is %q, want write", job, p, j.Permissions[p])
			}
		}
	}

	binaries, image := "", ""
	for name, j := range w.Jobs {
		if j.step("goreleaser/goreleaser-action") >= 0 {
			binaries = name
		}
		if j.step("docker/build-push-action") >= 0 {
			image = name
		}
	}
	if binaries == "" {
		add("release.yml: no job runs goreleaser/goreleaser-action")
	} else {
		j := w.Jobs[binaries]
		needPermissions(binaries, j, "contents", "id-token", "attestations")
		release := j.step("goreleaser/goreleaser-action")
		for _, tool := range []string{"sigstore/cosign-installer", "anchore/sbom-action/download-syft"} {
			if i := j.step(tool); i < 0 || i > release {
				add("release.yml: %s: no %s step before goreleaser", binaries, tool)
			}
		}
		if i := j.step("actions/attest"); i < release {
			add("release.yml: %s: no actions/attest step after goreleaser", binaries)
		} else if got := j.Steps[i].With["subject-checksums"]; got != "./dist/checksums.txt" {
			add("release.yml: %s: actions/attest subject-checksums is %q, want ./dist/checksums.txt", binaries, got)
		}
	}

	if image == "" {
		add("release.yml: no job runs docker/build-push-action")
		return problems
	}
	j := w.Jobs[image]
	needPermissions(image, j, "packages", "id-token", "attestations")
	build := j.step("docker/build-push-action")
	digest := fmt.Sprintf("${{ steps.%s.outputs.digest }}", j.Steps[build].ID)
	if j.Steps[build].ID == "" {
		add("release.yml: %s: the docker/build-push-action step has no id: its digest cannot be signed", image)
	}
	if i := j.step("sigstore/cosign-installer"); i < 0 {
		add("release.yml: %s: no sigstore/cosign-installer step", image)
	}
	if !slices.ContainsFunc(j.Steps[build+1:], func(s workflowStep) bool {
		byDigest := strings.Contains(s.Run, digest) || slices.Contains(slices.Collect(maps.Values(s.Env)), digest)
		return strings.Contains(s.Run, "cosign sign --yes") && byDigest
	}) {
		add("release.yml: %s: no step after the build runs cosign sign --yes on the pushed digest %s", image, digest)
	}
	if i := j.step("actions/attest"); i < build {
		add("release.yml: %s: no actions/attest step after the build", image)
	} else {
		with := j.Steps[i].With
		if with["subject-digest"] != digest || with["subject-name"] != "ghcr.io/${{ github.repository }}" || with["push-to-registry"] != "true" {
			add("release.yml: %s: actions/attest with %q: want subject-name ghcr.io/${{ github.repository }}, subject-digest %s, push-to-registry true", image, with, digest)
		}
	}
	return problems
}
