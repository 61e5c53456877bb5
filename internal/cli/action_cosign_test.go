package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// fakeBundle stands for a Sigstore bundle in the action's tests: what a real bundle proves
// (the blob's digest, and the identity and issuer of the signing certificate), in plain JSON.
type fakeBundle struct {
	SHA256   string `json:"sha256"`
	Identity string `json:"identity"`
	Issuer   string `json:"issuer"`
}

// fakeCosign is the cosign the action's test scripts put on PATH (as a `cosign` script that
// runs it). It checks what real cosign checks, with Go's regexp as cosign does, against a
// fakeBundle:
//
//	fake-cosign verify-blob --bundle B (--certificate-identity ID | --certificate-identity-regexp RE) --certificate-oidc-issuer ISS FILE
//	fake-cosign sign-blob --bundle=B --identity=ID [--issuer=ISS] FILE   (writes the fakeBundle of FILE)
//
// verify-blob prints "Verified OK" and exits 0, or says why and exits 1, as cosign does.
func fakeCosign(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: fake-cosign verify-blob|sign-blob ...")
		return 2
	}
	fs := flag.NewFlagSet("cosign "+args[0], flag.ContinueOnError)
	bundle := fs.String("bundle", "", "")
	switch args[0] {
	case "sign-blob":
		identity := fs.String("identity", "", "")
		issuer := fs.String("issuer", "https://token.actions.githubusercontent.com", "")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 || *bundle == "" {
			fmt.Fprintln(os.Stderr, "usage: fake-cosign sign-blob --bundle=B --identity=ID [--issuer=ISS] FILE")
			return 2
		}
		sum, err := fileSHA256(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			return 1
		}
		b, _ := json.Marshal(fakeBundle{SHA256: sum, Identity: *identity, Issuer: *issuer})
		if err := os.WriteFile(*bundle, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			return 1
		}
		return 0
	case "verify-blob":
		identity := fs.String("certificate-identity", "", "")
		identityRE := fs.String("certificate-identity-regexp", "", "")
		issuer := fs.String("certificate-oidc-issuer", "", "")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
			fmt.Fprintln(os.Stderr, "Error: usage: cosign verify-blob --bundle B --certificate-identity[-regexp] X --certificate-oidc-issuer ISS FILE")
			return 1
		}
		if *bundle == "" || *issuer == "" || (*identity == "") == (*identityRE == "") {
			fmt.Fprintln(os.Stderr, "Error: --bundle, --certificate-oidc-issuer and one of --certificate-identity, --certificate-identity-regexp are required for keyless verification")
			return 1
		}
		if err := fakeVerify(*bundle, fs.Arg(0), *identity, *identityRE, *issuer); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			return 1
		}
		fmt.Fprintln(os.Stderr, "Verified OK")
		return 0
	}
	fmt.Fprintf(os.Stderr, "Error: unknown command %q for \"cosign\"\n", args[0])
	return 1
}

// fakeVerify checks FILE against the fakeBundle BUNDLE as cosign verify-blob does: the digest,
// the certificate's issuer, and its identity (exactly, or matching the regexp).
func fakeVerify(bundle, file, identity, identityRE, issuer string) error {
	raw, err := os.ReadFile(bundle)
	if err != nil {
		return err
	}
	var b fakeBundle
	if err := json.Unmarshal(raw, &b); err != nil || b.SHA256 == "" {
		return fmt.Errorf("bundle %s: not a Sigstore bundle", bundle)
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return err
	}
	if sum != b.SHA256 {
		return fmt.Errorf("error verifying bundle: artifact digest %s does not match the signed digest %s", sum, b.SHA256)
	}
	matched := b.Identity == identity
	if identityRE != "" {
		re, err := regexp.Compile(identityRE)
		if err != nil {
			return fmt.Errorf("invalid --certificate-identity-regexp: %v", err)
		}
		matched = re.MatchString(b.Identity)
	}
	if !matched || b.Issuer != issuer {
		return fmt.Errorf("none of the expected identities matched what was in the certificate, got subjects [%s] with issuer %s", b.Identity, b.Issuer)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cmdHideCommand takes NAME off PATH for the rest of the script, so that a script sees a
// runner without it (even on a machine that has it):
//
//	hide-command NAME
//
// Each directory of PATH that holds NAME is replaced by a directory of symbolic links to
// everything else in it.
func cmdHideCommand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hide-command NAME")
	}
	name := args[0]
	var dirs []string
	for i, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			dirs = append(dirs, dir)
			continue
		}
		shadow := ts.MkAbs(fmt.Sprintf(".path-without-%s/%d", name, i))
		ts.Check(os.MkdirAll(shadow, 0o755))
		entries, err := os.ReadDir(dir)
		ts.Check(err)
		for _, e := range entries {
			if e.Name() != name {
				ts.Check(os.Symlink(filepath.Join(dir, e.Name()), filepath.Join(shadow, e.Name())))
			}
		}
		dirs = append(dirs, shadow)
	}
	ts.Setenv("PATH", strings.Join(dirs, string(os.PathListSeparator)))
}
