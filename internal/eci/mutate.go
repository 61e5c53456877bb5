package eci

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/cloud"
)

// The parameters of Create and Update and the items of their lists are cloud's
// (cloud.Params); a call takes the parameters its SDK request has (setParams).
type (
	Params             = cloud.Params
	Tag                = cloud.Tag
	RegistryCredential = cloud.RegistryCredential
	AcrRegistryInfo    = cloud.AcrRegistryInfo
)

// CreateRequest is one CreateImageCache call. Params must hold ImageCacheName and Image.
type CreateRequest struct {
	RegionID    string
	ClientToken string // idempotency token, ASCII, at most 64 characters; empty: none
	Params      Params
}

// UpdateRequest is one UpdateImageCache call: only the parameters in Params are sent,
// and a list that is sent replaces the stored one whole.
type UpdateRequest struct {
	RegionID     string
	ImageCacheID string
	ClientToken  string // idempotency token, ASCII, at most 64 characters; empty: none
	Params       Params
}

// Create calls CreateImageCache and returns the new cache's ID.
func (c *Client) Create(ctx context.Context, r CreateRequest) (string, error) {
	const action = "CreateImageCache"
	if err := checkCommon(action, r.RegionID, r.ClientToken); err != nil {
		return "", err
	}
	if name, _ := r.Params["ImageCacheName"].(string); name == "" {
		return "", fmt.Errorf("%s: a name and at least one image are required", action)
	}
	if images, _ := r.Params["Image"].([]string); len(images) == 0 {
		return "", fmt.Errorf("%s: a name and at least one image are required", action)
	}
	req := &sdk.CreateImageCacheRequest{RegionId: tea.String(r.RegionID), ClientToken: optString(r.ClientToken)}
	if err := setParams(action, req, r.Params); err != nil {
		return "", err
	}
	var id string
	err := c.call(ctx, action, r.RegionID, c.secrets.with(passwords(r.Params)...), func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		resp, err := sc.CreateImageCacheWithOptions(req, rt)
		if err != nil {
			return err
		}
		if resp.Body != nil {
			id = tea.StringValue(resp.Body.ImageCacheId)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", &TransportError{Action: action, Region: r.RegionID, kind: "unreadable answer", msg: "the answer has no ImageCacheId", err: errNoID}
	}
	return id, nil
}

var errNoID = errors.New("no ImageCacheId in the answer")

// Update calls UpdateImageCache with the parameters in r.Params.
func (c *Client) Update(ctx context.Context, r UpdateRequest) error {
	const action = "UpdateImageCache"
	if err := checkCommon(action, r.RegionID, r.ClientToken); err != nil {
		return err
	}
	if r.ImageCacheID == "" {
		return fmt.Errorf("%s: an image cache ID is required", action)
	}
	req := &sdk.UpdateImageCacheRequest{RegionId: tea.String(r.RegionID), ImageCacheId: tea.String(r.ImageCacheID), ClientToken: optString(r.ClientToken)}
	if err := setParams(action, req, r.Params); err != nil {
		return err
	}
	return c.call(ctx, action, r.RegionID, c.secrets.with(passwords(r.Params)...), func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		_, err := sc.UpdateImageCacheWithOptions(req, rt)
		return err
	})
}

// The SDK names each field of its CreateImageCacheRequest and UpdateImageCacheRequest
// after the API parameter it sends, so Params are put into a request by name: a call
// takes exactly the parameters its SDK request has a field for, and a new parameter of
// the API needs no line here. Values are assigned, not converted: Params hold the Go
// types of the API's values.

// ownParams are the SDK requests' fields that eci fills in itself or never sends.
var ownParams = map[string]bool{"RegionId": true, "ImageCacheId": true, "ClientToken": true,
	"OwnerId": true, "OwnerAccount": true, "ResourceOwnerId": true, "ResourceOwnerAccount": true}

// setParams puts every parameter of ps into req, a pointer to an SDK request struct,
// refusing one the call does not take or a value of a type the parameter does not have.
func setParams(action string, req any, ps Params) error {
	r := reflect.ValueOf(req).Elem()
	for _, name := range slices.Sorted(maps.Keys(ps)) {
		dst := paramField(r, name)
		if !dst.IsValid() {
			return fmt.Errorf("%s does not take the parameter %s", action, name)
		}
		if err := assign(dst, ps[name]); err != nil {
			return fmt.Errorf("%s: %s: %w", action, name, err)
		}
	}
	return nil
}

// takes reports whether the SDK request req (a pointer to its struct) sends the
// parameter through Params.
func takes(req any, name string) bool {
	return paramField(reflect.ValueOf(req).Elem(), name).IsValid()
}

// paramField is the field of SDK request struct r that sends the parameter; invalid for
// a parameter the call does not take through Params.
func paramField(r reflect.Value, name string) reflect.Value {
	if ownParams[name] {
		return reflect.Value{}
	}
	return r.FieldByName(name)
}

// assign sets dst, a field of an SDK request, to v: a string, int32 or bool becomes a
// pointer to it, a []string a list of pointers, and a list of Tag, RegistryCredential
// or AcrRegistryInfo a list of the SDK's item structs, each set by item parameter.
func assign(dst reflect.Value, v any) error {
	switch x := v.(type) {
	case string, int32, bool:
		val := reflect.ValueOf(x)
		if dst.Type() != reflect.PointerTo(val.Type()) {
			return fmt.Errorf("want a %s, got a %T", dst.Type().Elem(), v)
		}
		p := reflect.New(val.Type())
		p.Elem().Set(val)
		dst.Set(p)
		return nil
	case []string:
		val := reflect.ValueOf(tea.StringSlice(x))
		if dst.Type() != val.Type() {
			return fmt.Errorf("want a %s, got a %T", dst.Type(), v)
		}
		dst.Set(val)
		return nil
	case []Tag:
		return assignItems(dst, x, tagParams)
	case []RegistryCredential:
		return assignItems(dst, x, credentialParams)
	case []AcrRegistryInfo:
		return assignItems(dst, x, acrParams)
	}
	return fmt.Errorf("no parameter takes a %T", v)
}

// assignItems sets dst, a list of pointers to the SDK's item structs, to the items,
// whose item parameters params gives by name.
func assignItems[T any](dst reflect.Value, items []T, params func(T) Params) error {
	if dst.Kind() != reflect.Slice || dst.Type().Elem().Kind() != reflect.Pointer || dst.Type().Elem().Elem().Kind() != reflect.Struct {
		return fmt.Errorf("want a %s, got a %T", dst.Type(), items)
	}
	list := reflect.MakeSlice(dst.Type(), 0, len(items))
	for _, it := range items {
		p := reflect.New(dst.Type().Elem().Elem())
		ps := params(it)
		for _, name := range slices.Sorted(maps.Keys(ps)) {
			f := p.Elem().FieldByName(name)
			if !f.IsValid() {
				return fmt.Errorf("does not take the item parameter %s", name)
			}
			if err := assign(f, ps[name]); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		list = reflect.Append(list, p)
	}
	dst.Set(list)
	return nil
}

func tagParams(t Tag) Params { return Params{"Key": t.Key, "Value": t.Value} }

func credentialParams(c RegistryCredential) Params {
	return Params{"Server": c.Server, "UserName": c.UserName, "Password": c.Password}
}

// acrParams leaves out the empty strings and the empty list, which are not sent.
func acrParams(a AcrRegistryInfo) Params {
	ps := Params{"InstanceId": a.InstanceID}
	for name, v := range map[string]string{"InstanceName": a.InstanceName, "RegionId": a.RegionID, "ArnService": a.ArnService, "ArnUser": a.ArnUser} {
		if v != "" {
			ps[name] = v
		}
	}
	if len(a.Domains) > 0 {
		ps["Domain"] = a.Domains
	}
	return ps
}

// Delete calls DeleteImageCache. clientToken may be empty.
func (c *Client) Delete(ctx context.Context, region, id, clientToken string) error {
	const action = "DeleteImageCache"
	if err := checkCommon(action, region, clientToken); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%s: an image cache ID is required", action)
	}
	req := &sdk.DeleteImageCacheRequest{
		RegionId:     tea.String(region),
		ImageCacheId: tea.String(id),
		ClientToken:  optString(clientToken),
	}
	return c.call(ctx, action, region, c.secrets, func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		_, err := sc.DeleteImageCacheWithOptions(req, rt)
		return err
	})
}

// checkCommon refuses calls the API would refuse anyway, before anything is sent.
func checkCommon(action, region, token string) error {
	if region == "" {
		return fmt.Errorf("%s: a region is required", action)
	}
	if len(token) > 64 {
		return fmt.Errorf("%s: ClientToken is %d characters long; at most 64 are allowed", action, len(token))
	}
	for _, r := range token {
		if r < 0x20 || r > 0x7e {
			return fmt.Errorf("%s: ClientToken must be printable ASCII", action)
		}
	}
	return nil
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return tea.String(s)
}

// passwords are the registry passwords among the parameters, masked in any error.
func passwords(ps Params) []string {
	creds, _ := ps["ImageRegistryCredential"].([]RegistryCredential)
	out := make([]string, 0, len(creds))
	for _, c := range creds {
		out = append(out, c.Password)
	}
	return out
}
