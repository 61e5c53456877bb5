package eci

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Tag is one user tag of a cache.
type Tag struct {
	Key   string
	Value string // may be empty; it is still sent
}

// RegistryCredential logs in to a private image registry. Password is the resolved
// secret: it is sent to the API and never appears in an error.
type RegistryCredential struct {
	Server   string // without http:// or https://
	UserName string
	Password string
}

// AcrRegistryInfo names a Container Registry Enterprise Edition instance. Empty strings
// are not sent.
type AcrRegistryInfo struct {
	InstanceID   string // required by the API
	InstanceName string
	RegionID     string
	Domains      []string
	// ArnService and ArnUser exist on CreateImageCache only; Update refuses them.
	ArnService string
	ArnUser    string
}

// CreateRequest is one CreateImageCache call. A nil pointer or a nil/empty slice is not
// sent (the SDK cannot send an empty list).
type CreateRequest struct {
	RegionID    string
	ClientToken string // idempotency token, ASCII, at most 64 characters; empty: none
	Name        string
	Images      []string

	Size                *int32 // ImageCacheSize, GiB
	RetentionDays       *int32
	SecurityGroupID     *string
	VSwitchID           *string // up to 10 comma-separated IDs
	ZoneID              *string
	EipInstanceID       *string
	ResourceGroupID     *string
	EliminationStrategy *string // "" or LRU
	AutoMatchImageCache *bool
	Flash               *bool
	FlashCopyCount      *int32
	StandardCopyCount   *int32
	Annotations         *string
	InsecureRegistry    *string // comma-separated registries
	PlainHTTPRegistry   *string // comma-separated registries
	OsType              *string // Linux or Windows

	Tags             []Tag
	Credentials      []RegistryCredential
	AcrRegistryInfos []AcrRegistryInfo
}

// UpdateRequest is one UpdateImageCache call: only the fields that are set are sent, and a
// list that is sent replaces the stored one whole. A nil or empty slice is not sent, so
// "no tags" or "no images" cannot be expressed (an SDK limit).
type UpdateRequest struct {
	RegionID     string
	ImageCacheID string
	ClientToken  string // idempotency token, ASCII, at most 64 characters; empty: none

	Name                *string
	Images              []string
	Size                *int32 // ImageCacheSize, GiB
	RetentionDays       *int32
	SecurityGroupID     *string
	VSwitchID           *string
	EipInstanceID       *string
	ResourceGroupID     *string
	EliminationStrategy *string
	AutoMatchImageCache *bool
	Flash               *bool
	FlashCopyCount      *int32
	StandardCopyCount   *int32

	Tags             []Tag
	Credentials      []RegistryCredential
	AcrRegistryInfos []AcrRegistryInfo
}

// Create calls CreateImageCache and returns the new cache's ID.
func (c *Client) Create(ctx context.Context, r CreateRequest) (string, error) {
	const action = "CreateImageCache"
	if err := checkCommon(action, r.RegionID, r.ClientToken); err != nil {
		return "", err
	}
	if r.Name == "" || len(r.Images) == 0 {
		return "", fmt.Errorf("%s: a name and at least one image are required", action)
	}
	req := &sdk.CreateImageCacheRequest{
		RegionId:            tea.String(r.RegionID),
		ClientToken:         optString(r.ClientToken),
		ImageCacheName:      tea.String(r.Name),
		Image:               tea.StringSlice(r.Images),
		ImageCacheSize:      r.Size,
		RetentionDays:       r.RetentionDays,
		SecurityGroupId:     r.SecurityGroupID,
		VSwitchId:           r.VSwitchID,
		ZoneId:              r.ZoneID,
		EipInstanceId:       r.EipInstanceID,
		ResourceGroupId:     r.ResourceGroupID,
		EliminationStrategy: r.EliminationStrategy,
		AutoMatchImageCache: r.AutoMatchImageCache,
		Flash:               r.Flash,
		FlashCopyCount:      r.FlashCopyCount,
		StandardCopyCount:   r.StandardCopyCount,
		Annotations:         r.Annotations,
		InsecureRegistry:    r.InsecureRegistry,
		PlainHttpRegistry:   r.PlainHTTPRegistry,
		OsType:              r.OsType,
	}
	for _, t := range r.Tags {
		req.Tag = append(req.Tag, &sdk.CreateImageCacheRequestTag{Key: tea.String(t.Key), Value: tea.String(t.Value)})
	}
	for _, cr := range r.Credentials {
		req.ImageRegistryCredential = append(req.ImageRegistryCredential, &sdk.CreateImageCacheRequestImageRegistryCredential{
			Server: tea.String(cr.Server), UserName: tea.String(cr.UserName), Password: tea.String(cr.Password),
		})
	}
	for _, a := range r.AcrRegistryInfos {
		req.AcrRegistryInfo = append(req.AcrRegistryInfo, &sdk.CreateImageCacheRequestAcrRegistryInfo{
			InstanceId: tea.String(a.InstanceID), InstanceName: optString(a.InstanceName), RegionId: optString(a.RegionID),
			Domain: tea.StringSlice(a.Domains), ArnService: optString(a.ArnService), ArnUser: optString(a.ArnUser),
		})
	}
	var id string
	err := c.call(ctx, action, r.RegionID, c.secrets.with(passwords(r.Credentials)...), func(sc *sdk.Client, rt *util.RuntimeOptions) error {
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
		return "", &TransportError{Action: action, Region: r.RegionID, msg: "the answer has no ImageCacheId", err: errNoID}
	}
	return id, nil
}

var errNoID = errors.New("no ImageCacheId in the answer")

// Update calls UpdateImageCache with the fields set in r.
func (c *Client) Update(ctx context.Context, r UpdateRequest) error {
	const action = "UpdateImageCache"
	if err := checkCommon(action, r.RegionID, r.ClientToken); err != nil {
		return err
	}
	if r.ImageCacheID == "" {
		return fmt.Errorf("%s: an image cache ID is required", action)
	}
	req := &sdk.UpdateImageCacheRequest{
		RegionId:            tea.String(r.RegionID),
		ImageCacheId:        tea.String(r.ImageCacheID),
		ClientToken:         optString(r.ClientToken),
		ImageCacheName:      r.Name,
		Image:               tea.StringSlice(r.Images),
		ImageCacheSize:      r.Size,
		RetentionDays:       r.RetentionDays,
		SecurityGroupId:     r.SecurityGroupID,
		VSwitchId:           r.VSwitchID,
		EipInstanceId:       r.EipInstanceID,
		ResourceGroupId:     r.ResourceGroupID,
		EliminationStrategy: r.EliminationStrategy,
		AutoMatchImageCache: r.AutoMatchImageCache,
		Flash:               r.Flash,
		FlashCopyCount:      r.FlashCopyCount,
		StandardCopyCount:   r.StandardCopyCount,
	}
	for _, t := range r.Tags {
		req.Tag = append(req.Tag, &sdk.UpdateImageCacheRequestTag{Key: tea.String(t.Key), Value: tea.String(t.Value)})
	}
	for _, cr := range r.Credentials {
		req.ImageRegistryCredential = append(req.ImageRegistryCredential, &sdk.UpdateImageCacheRequestImageRegistryCredential{
			Server: tea.String(cr.Server), UserName: tea.String(cr.UserName), Password: tea.String(cr.Password),
		})
	}
	for _, a := range r.AcrRegistryInfos {
		if a.ArnService != "" || a.ArnUser != "" {
			return fmt.Errorf("%s: AcrRegistryInfo %s: ArnService and ArnUser can only be set on create", action, a.InstanceID)
		}
		req.AcrRegistryInfo = append(req.AcrRegistryInfo, &sdk.UpdateImageCacheRequestAcrRegistryInfo{
			InstanceId: tea.String(a.InstanceID), InstanceName: optString(a.InstanceName), RegionId: optString(a.RegionID),
			Domain: tea.StringSlice(a.Domains),
		})
	}
	return c.call(ctx, action, r.RegionID, c.secrets.with(passwords(r.Credentials)...), func(sc *sdk.Client, rt *util.RuntimeOptions) error {
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

func passwords(creds []RegistryCredential) []string {
	out := make([]string, 0, len(creds))
	for _, c := range creds {
		out = append(out, c.Password)
	}
	return out
}
