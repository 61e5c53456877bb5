package eci

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/cloud"
)

// The parameters of Create and Update and the items of their lists are cloud's
// (cloud.Params); a call takes the parameters its SDK request has (params.go).
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
