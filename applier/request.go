package applier

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// clientToken is the idempotency token of one step of an update or a delete in one
// apply run: the run's ID followed by a digest of the step, the action, region, cache
// ID, the live fingerprint it was planned against and the request, which names
// environment variables rather than holding passwords. The retries of a call send the
// same token, so the API applies it once; a later run has another ID, so a revert that
// sends what an earlier run sent is never answered with the earlier result. step tells
// apart the calls of one change. The result is printable ASCII, at most 8+16+1+32 = 57
// characters (the API allows 64). Creates use createToken.
func clientToken(runID string, ch planner.Change, step planner.Action, r planner.Request) string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	h := sha256.New()
	for _, s := range []string{string(ch.Action), string(step), ch.Region, ch.ID, ch.Fingerprint, string(b)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "imcsync-" + runID + "-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// createToken is the ClientToken of a CreateImageCache: a digest of what makes two
// creates the same cache - the region, the file's owner, the cache's name and the request
// without its bookkeeping (the reserved tags, which differ between a run from a Git
// checkout and one from standard input, or with and without --refresh) - and of after, the ID of the cache this create follows ("" for a first
// create). It names no run, so that two runs creating the same cache at the same time
// send the same token and the API makes one cache, answering both with its ID.
//
// after keeps a later create from being answered with an earlier one's cache: a replace
// passes the ID of the cache it deletes, and a create whose answer names a cache that no
// longer exists (the API replayed a create whose cache was pruned since) is sent again
// with that ID. Runs that meet the same gone cache derive the same next token, so they
// still make one cache. The result is "imcsync-c-" and 32 hex digits: 42 characters.
func createToken(owner string, ch planner.Change, r planner.Request, after string) string {
	b, err := json.Marshal(withoutBookkeeping(r))
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	h := sha256.New()
	for _, s := range []string{"create", ch.Region, owner, ch.Name, string(b), after} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "imcsync-c-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// withoutBookkeeping is the request without imcsync's reserved tags.
func withoutBookkeeping(r planner.Request) planner.Request {
	tags, ok := r[tagsParam].([]cloud.Tag)
	if !ok {
		return r
	}
	out := maps.Clone(r)
	var user []cloud.Tag
	for _, t := range tags {
		if !strings.HasPrefix(t.Key, spec.ReservedTagPrefix) {
			user = append(user, t)
		}
	}
	out[tagsParam] = user
	return out
}

// newRunID returns 16 random hex characters naming one apply run.
func newRunID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// updateRequest turns a change into its UpdateImageCache call: the change's request,
// which holds the fields the plan gives to that call (planner.CallUpdate).
func updateRequest(runID string, ch planner.Change, r planner.Request, getenv func(string) string) (eci.UpdateRequest, error) {
	ps, err := withPasswords(r, getenv)
	if err != nil {
		return eci.UpdateRequest{}, err
	}
	return eci.UpdateRequest{RegionID: ch.Region, ImageCacheID: ch.ID, ClientToken: clientToken(runID, ch, planner.Update, r), Params: ps}, nil
}

// createRequest turns a create into its CreateImageCache call: every field of the
// request, with the token createToken gives for owner and after.
func createRequest(owner string, ch planner.Change, r planner.Request, after string, getenv func(string) string) (eci.CreateRequest, error) {
	ps, err := withPasswords(r, getenv)
	if err != nil {
		return eci.CreateRequest{}, err
	}
	return eci.CreateRequest{RegionID: ch.Region, ClientToken: createToken(owner, ch, r, after), Params: ps}, nil
}

// The API parameters the applier reads in a request: registry credentials, whose
// passwords are resolved just before a call, and the tags a create sends, which
// verification looks for on the cache.
const (
	credentialsParam = "ImageRegistryCredential"
	tagsParam        = "Tag"
)

// withPasswords returns the request's parameters with each registry password resolved
// from its environment variable, through getenv, here and nowhere else. The error names
// the variable, never a value.
func withPasswords(r planner.Request, getenv func(string) string) (eci.Params, error) {
	ps := eci.Params(maps.Clone(r))
	creds, ok := r[credentialsParam].([]eci.RegistryCredential)
	if !ok {
		return ps, nil
	}
	resolved := slices.Clone(creds)
	for i, c := range resolved {
		pw, err := spec.RegistryCredential{Server: c.Server, UserName: c.UserName, PasswordFromEnv: c.PasswordFromEnv}.Password(getenv)
		if err != nil {
			return nil, err
		}
		resolved[i].Password = pw
	}
	ps[credentialsParam] = resolved
	return ps, nil
}
