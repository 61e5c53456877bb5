package applier

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

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
// creates the same create - the region, the file's owner, the cache's name and the whole
// request - and of after, the ID of the cache this create follows ("" for a first
// create). It names no run, so that two runs creating the same cache at the same time
// send the same token and the API makes one cache, answering both with its ID.
//
// after keeps a later create from being answered with an earlier one's cache: a replace
// passes the ID of the cache it deletes, and a create whose answer names a cache that no
// longer exists (the API replayed a create whose cache was pruned since) is sent again
// with that ID. Runs that meet the same gone cache derive the same next token, so they
// still make one cache. The result is "imcsync-c-" and 32 hex digits: 42 characters.
func createToken(owner string, ch planner.Change, r planner.Request, after string) string {
	b, err := json.Marshal(r)
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

// newRunID returns 16 random hex characters naming one apply run.
func newRunID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// updateRequest turns a change into its UpdateImageCache call: the fields the plan
// gives to that call (planner.CallUpdate). Registry passwords are resolved here, through
// getenv, and nowhere else.
func updateRequest(runID string, ch planner.Change, r planner.Request, getenv func(string) string) (eci.UpdateRequest, error) {
	var keys []string
	for _, fc := range ch.Fields {
		if fc.Send && fc.Call == planner.CallUpdate {
			keys = append(keys, fc.Field)
		}
	}
	ps, err := params(r, keys, false, getenv)
	if err != nil {
		return eci.UpdateRequest{}, err
	}
	return eci.UpdateRequest{RegionID: ch.Region, ImageCacheID: ch.ID, ClientToken: clientToken(runID, ch, planner.Update, r), Params: ps}, nil
}

// createRequest turns a create into its CreateImageCache call: every field of the
// request, with the token createToken gives for owner and after.
func createRequest(owner string, ch planner.Change, r planner.Request, after string, getenv func(string) string) (eci.CreateRequest, error) {
	ps, err := params(r, slices.Collect(maps.Keys(r)), true, getenv)
	if err != nil {
		return eci.CreateRequest{}, err
	}
	return eci.CreateRequest{RegionID: ch.Region, ClientToken: createToken(owner, ch, r, after), Params: ps}, nil
}

// params are the API parameters of the request's fields keys, by spec's field table:
// each field's parameter name, and its plain value in the Go type eci takes for the
// field's type.
func params(r planner.Request, keys []string, create bool, getenv func(string) string) (eci.Params, error) {
	ps := eci.Params{}
	for _, key := range keys {
		f, ok := spec.FieldByKey(key)
		switch {
		case !ok:
			return nil, fmt.Errorf("field %q is not one this imcsync sends", key)
		case create && !f.OnCreate, !create && !f.OnUpdate:
			return nil, fmt.Errorf("the plan sends %s, which %s does not take", key, map[bool]string{true: planner.CallCreate, false: planner.CallUpdate}[create])
		}
		v, err := wire(f.Type, r[key], getenv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		ps[f.Param] = v
	}
	return ps, nil
}

// wire converts a plain value (checked by planner.Change.Request) of type t to the Go
// value eci.Params holds for it.
func wire(t spec.Type, v any, getenv func(string) string) (any, error) {
	switch t {
	case spec.TypeString, spec.TypeBool:
		return v, nil
	case spec.TypeInt32:
		return int32(v.(int64)), nil
	case spec.TypeStringSet:
		return spec.Strings(v)
	case spec.TypeTags:
		m, err := spec.StringMap(v)
		return tags(m), err
	case spec.TypeCredentials:
		creds, err := spec.Credentials(v)
		if err != nil {
			return nil, err
		}
		return credentials(creds, getenv)
	case spec.TypeAcrInfos:
		infos, err := spec.AcrInfos(v)
		return acrInfos(infos), err
	}
	return nil, fmt.Errorf("no parameter values of type %s", t)
}

// tags turns a tag set into the list the API takes, sorted by key.
func tags(m map[string]string) []eci.Tag {
	var out []eci.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, eci.Tag{Key: k, Value: m[k]})
	}
	return out
}

// credentials resolves each registry password from its environment variable. The error
// names the variable, never a value.
func credentials(in []spec.RegistryCredential, getenv func(string) string) ([]eci.RegistryCredential, error) {
	var out []eci.RegistryCredential
	for _, c := range in {
		pw, err := c.Password(getenv)
		if err != nil {
			return nil, err
		}
		out = append(out, eci.RegistryCredential{Server: c.Server, UserName: c.UserName, Password: pw})
	}
	return out, nil
}

func acrInfos(in []spec.AcrRegistryInfo) []eci.AcrRegistryInfo {
	var out []eci.AcrRegistryInfo
	for _, a := range in {
		out = append(out, eci.AcrRegistryInfo{InstanceID: a.InstanceID, InstanceName: a.InstanceName, RegionID: a.RegionID, Domains: a.Domains})
	}
	return out
}
