package applier

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/imcsync/imcsync/eci"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// clientToken is the idempotency token of one step of a change in one apply run: the
// run's ID followed by a digest of the step, the action, region, cache (ID, or name for
// a create), the live fingerprint it was planned against and the request, which names
// environment variables rather than holding passwords. The retries of a call send the
// same token, so the API applies it once; a later run has another ID, so a revert or a
// re-create that sends what an earlier run sent is never answered with the earlier
// result. step tells apart the calls of one change (a replace deletes, then creates).
// The result is printable ASCII, at most 8+16+1+32 = 57 characters (the API allows 64).
func clientToken(runID string, ch planner.Change, step planner.Action, r planner.Request) string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	subject := ch.ID
	if step == planner.Create {
		subject = ch.Name
	}
	h := sha256.New()
	for _, s := range []string{string(ch.Action), string(step), ch.Region, subject, ch.Fingerprint, string(b)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "imcsync-" + runID + "-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// newRunID returns 16 random hex characters naming one apply run.
func newRunID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// updateRequest turns a change into its UpdateImageCache call. Registry passwords are
// resolved here, through getenv, and nowhere else.
func updateRequest(runID string, ch planner.Change, r planner.Request, getenv func(string) string) (eci.UpdateRequest, error) {
	if r.ZoneID != nil || r.Annotations != nil || r.InsecureRegistry != nil || r.PlainHTTPRegistry != nil || r.OsType != nil {
		return eci.UpdateRequest{}, fmt.Errorf("the plan sends a field that only CreateImageCache takes (zoneId, annotations, insecureRegistry, plainHttpRegistry, osType)")
	}
	creds, err := credentials(r.ImageRegistryCredentials, getenv)
	if err != nil {
		return eci.UpdateRequest{}, err
	}
	return eci.UpdateRequest{
		RegionID:            ch.Region,
		ImageCacheID:        ch.ID,
		ClientToken:         clientToken(runID, ch, planner.Update, r),
		Name:                r.Name,
		Images:              r.Images,
		Size:                r.Size,
		RetentionDays:       r.RetentionDays,
		SecurityGroupID:     r.SecurityGroupID,
		VSwitchID:           r.VSwitchID,
		EipInstanceID:       r.EipInstanceID,
		ResourceGroupID:     r.ResourceGroupID,
		EliminationStrategy: r.EliminationStrategy,
		AutoMatchImageCache: r.AutoMatchImageCache,
		Flash:               r.Flash,
		FlashCopyCount:      r.FlashCopyCount,
		StandardCopyCount:   r.StandardCopyCount,
		Credentials:         creds,
		AcrRegistryInfos:    acrInfos(r.AcrRegistryInfos),
	}, nil
}

// createRequest turns a create into its CreateImageCache call.
func createRequest(runID string, ch planner.Change, r planner.Request, getenv func(string) string) (eci.CreateRequest, error) {
	creds, err := credentials(r.ImageRegistryCredentials, getenv)
	if err != nil {
		return eci.CreateRequest{}, err
	}
	return eci.CreateRequest{
		RegionID:            ch.Region,
		ClientToken:         clientToken(runID, ch, planner.Create, r),
		Name:                ch.Name,
		Images:              r.Images,
		Size:                r.Size,
		RetentionDays:       r.RetentionDays,
		SecurityGroupID:     r.SecurityGroupID,
		VSwitchID:           r.VSwitchID,
		ZoneID:              r.ZoneID,
		EipInstanceID:       r.EipInstanceID,
		ResourceGroupID:     r.ResourceGroupID,
		EliminationStrategy: r.EliminationStrategy,
		AutoMatchImageCache: r.AutoMatchImageCache,
		Flash:               r.Flash,
		FlashCopyCount:      r.FlashCopyCount,
		StandardCopyCount:   r.StandardCopyCount,
		Annotations:         r.Annotations,
		InsecureRegistry:    r.InsecureRegistry,
		PlainHTTPRegistry:   r.PlainHTTPRegistry,
		OsType:              r.OsType,
		Tags:                tags(r.Tags),
		Credentials:         creds,
		AcrRegistryInfos:    acrInfos(r.AcrRegistryInfos),
	}, nil
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

func set(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
