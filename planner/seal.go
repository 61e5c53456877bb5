package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Target is what a plan was made against: apply of a saved plan refuses another.
type Target struct {
	// Endpoint is the API's URL the plan listed, "sim" for the in-process emulator of
	// --sim, "alibabacloud" for Alibaba Cloud's public regional endpoints.
	Endpoint string `json:"endpoint"`
	// Account is the Alibaba Cloud account ID, when the credentials tell it (the role
	// ARN of an OIDC role); "" when they do not.
	Account string `json:"account,omitempty"`
}

// Differs says how other differs from t, "" when a plan made for t may be applied to
// other. An account is compared only when both know it.
func (t Target) Differs(other Target) string {
	switch {
	case t.Endpoint != other.Endpoint:
		return fmt.Sprintf("the plan was made against %.200q, this run talks to %.200q", t.Endpoint, other.Endpoint)
	case t.Account != "" && other.Account != "" && t.Account != other.Account:
		return fmt.Sprintf("the plan was made for account %.40q, these credentials are of account %.40q", t.Account, other.Account)
	}
	return ""
}

// decisions is what a plan decides, the input of its digest: what reports say for
// people (storage, unused, warnings, policy) is left out.
type decisions struct {
	FormatVersion string   `json:"format_version"`
	Owner         string   `json:"owner"`
	Target        *Target  `json:"target"`
	Prune         bool     `json:"prune"`
	Replace       []string `json:"replace"`
	Changes       []Change `json:"changes"`
}

// decisionDigest is the SHA-256 of the plan's decisions as JSON.
func (p *Plan) decisionDigest() string {
	b, err := json.Marshal(decisions{p.FormatVersion, p.Owner, p.Target, p.Prune, p.Replace, p.Changes})
	if err != nil { // a plan's values are plain JSON values
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Seal records the target the plan is made for and the digest of its decisions
// (Digest), for a plan file.
func (p *Plan) Seal(t Target) {
	p.Target = &t
	p.Digest = p.decisionDigest()
}

// CheckSeal refuses a plan file without a target or digest, or whose decisions do not
// match its digest: the file was edited after it was made. The digest notices edits
// made by hand or by a tool unaware of it; it is no signature (see docs/security.md):
// apply checks every change against the live cache all the same.
func (p *Plan) CheckSeal() error {
	switch {
	case p.Target == nil || p.Digest == "":
		return fmt.Errorf("the plan file has no target or digest (it was not written by imcsync plan --out); plan again")
	case p.Digest != p.decisionDigest():
		return fmt.Errorf("the plan's digest does not match its decisions: the file was edited after it was made; plan again")
	}
	return nil
}
