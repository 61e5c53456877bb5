package applier

import (
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

// clientToken derives the idempotency token of a change from what it acts on and what it
// sends: the action, region, cache (ID, or name for a create), the live fingerprint it
// was planned against and the request, which names environment variables rather than
// holding passwords. A retry, and a re-run of the same plan, send the same token, so the
// API applies the change once. The result is ASCII and 40 characters long (the API
// allows 64).
func clientToken(ch planner.Change, r planner.Request) string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	subject := ch.ID
	if ch.Action == planner.Create {
		subject = ch.Name
	}
	h := sha256.New()
	for _, s := range []string{string(ch.Action), ch.Region, subject, ch.Fingerprint, string(b)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "imcsync-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// updateRequest turns a change into its UpdateImageCache call. Registry passwords are
// resolved here, through getenv, and nowhere else.
func updateRequest(ch planner.Change, r planner.Request, getenv func(string) string) (eci.UpdateRequest, error) {
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
		ClientToken:         clientToken(ch, r),
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
func createRequest(ch planner.Change, r planner.Request, getenv func(string) string) (eci.CreateRequest, error) {
	creds, err := credentials(r.ImageRegistryCredentials, getenv)
	if err != nil {
		return eci.CreateRequest{}, err
	}
	return eci.CreateRequest{
		RegionID:            ch.Region,
		ClientToken:         clientToken(ch, r),
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
