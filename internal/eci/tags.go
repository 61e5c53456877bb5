package eci

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// Limits of ECI's tag actions.
const (
	// MaxTagResources is how many resources one TagResources or UntagResources call takes.
	MaxTagResources = 50
	// MaxTagsPerCall is how many tags (or tag keys) one tag call takes.
	MaxTagsPerCall = 20
)

// resourceTypeImageCache is the ResourceType of image caches in the tag actions.
const resourceTypeImageCache = "ImageCache"

// Tag calls TagResources: every cache in ids (all in region) gets tags, each key added
// or its value overwritten; other tags stay. It changes metadata only, so ECI accepts it
// in any status. The SDK's TagResourcesRequest has no ClientToken: a repeated call has
// the same effect as one.
func (c *Client) Tag(ctx context.Context, region string, ids []string, tags []Tag) error {
	const action = "TagResources"
	if err := checkTagCall(action, region, "", ids, len(tags)); err != nil {
		return err
	}
	req := &sdk.TagResourcesRequest{
		RegionId:     tea.String(region),
		ResourceType: tea.String(resourceTypeImageCache),
		ResourceId:   tea.StringSlice(ids),
	}
	for _, t := range tags {
		req.Tag = append(req.Tag, &sdk.TagResourcesRequestTag{Key: tea.String(t.Key), Value: tea.String(t.Value)})
	}
	return c.call(ctx, action, region, c.secrets, func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		_, err := sc.TagResourcesWithOptions(req, rt)
		return err
	})
}

// Untag calls UntagResources: the tags with these keys are removed from every cache in
// ids (all in region); a key a cache does not have is no error. clientToken may be empty.
func (c *Client) Untag(ctx context.Context, region string, ids, keys []string, clientToken string) error {
	const action = "UntagResources"
	if err := checkTagCall(action, region, clientToken, ids, len(keys)); err != nil {
		return err
	}
	req := &sdk.UntagResourcesRequest{
		RegionId:     tea.String(region),
		ResourceType: tea.String(resourceTypeImageCache),
		ResourceId:   tea.StringSlice(ids),
		TagKey:       tea.StringSlice(keys),
		ClientToken:  optString(clientToken),
	}
	return c.call(ctx, action, region, c.secrets, func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		_, err := sc.UntagResourcesWithOptions(req, rt)
		return err
	})
}

// ListTags calls ListTagResources for the caches in ids (all in region), following
// NextToken, and returns each cache's tags by ID. A cache without tags is absent.
func (c *Client) ListTags(ctx context.Context, region string, ids []string) (map[string]map[string]string, error) {
	const action = "ListTagResources"
	if err := checkTagCall(action, region, "", ids, 1); err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	seen := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		req := &sdk.ListTagResourcesRequest{
			RegionId:     tea.String(region),
			ResourceType: tea.String(resourceTypeImageCache),
			ResourceId:   tea.StringSlice(ids),
			NextToken:    optString(token),
		}
		var body *sdk.ListTagResourcesResponseBody
		err := c.call(ctx, action, region, c.secrets, func(sc *sdk.Client, rt *util.RuntimeOptions) error {
			resp, err := sc.ListTagResourcesWithOptions(req, rt)
			if err == nil {
				body = resp.Body
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if body == nil {
			return nil, &TransportError{Action: action, Region: region, kind: "unreadable answer", msg: "the answer has no body", err: errNoBody}
		}
		for _, tr := range body.TagResources {
			id := tea.StringValue(tr.ResourceId)
			if out[id] == nil {
				out[id] = map[string]string{}
			}
			out[id][tea.StringValue(tr.TagKey)] = tea.StringValue(tr.TagValue)
		}
		token = tea.StringValue(body.NextToken)
		if more, err := nextPage(action, region, token, page, seen); err != nil {
			return nil, err
		} else if !more {
			return out, nil
		}
	}
}

var errNoBody = errors.New("no body in the answer")

// checkTagCall refuses tag calls the API would refuse anyway, before anything is sent.
func checkTagCall(action, region, token string, ids []string, n int) error {
	if err := checkCommon(action, region, token); err != nil {
		return err
	}
	switch {
	case len(ids) == 0:
		return fmt.Errorf("%s: at least one image cache ID is required", action)
	case len(ids) > MaxTagResources:
		return fmt.Errorf("%s: %d image caches in one call; at most %d are allowed", action, len(ids), MaxTagResources)
	case n == 0:
		return fmt.Errorf("%s: at least one tag is required", action)
	case n > MaxTagsPerCall:
		return fmt.Errorf("%s: %d tags in one call; at most %d are allowed", action, n, MaxTagsPerCall)
	}
	for _, id := range ids {
		if id == "" {
			return fmt.Errorf("%s: an image cache ID is empty", action)
		}
	}
	return nil
}
