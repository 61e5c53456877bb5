package eci

import (
	"context"
	"fmt"
	"time"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/cloud"
)

// PageSize is the Limit sent with DescribeImageCaches: the largest page the API allows.
const PageSize = 100

// maxPages bounds a listing (List, ListTags) in case a server keeps answering with new
// tokens.
const maxPages = 10000

// List returns every image cache of region, reading the largest pages the API allows
// (one DescribeImageCaches call per page) and following NextToken until it is empty.
// A cache seen on two pages is returned once.
func (c *Client) List(ctx context.Context, region string) ([]cloud.Cache, error) {
	const action = "DescribeImageCaches"
	var out []cloud.Cache
	seenToken := map[string]bool{}
	seenID := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		body, err := c.describe(ctx, &sdk.DescribeImageCachesRequest{
			RegionId:  tea.String(region),
			Limit:     tea.Int32(PageSize),
			NextToken: optString(token),
		})
		if err != nil {
			return nil, err
		}
		for i, ic := range body.ImageCaches {
			cc, err := convertCache(ic, region)
			if err != nil {
				return nil, fmt.Errorf("%s: region %s, page %d, cache %d: %w", action, region, page, i+1, err)
			}
			if !seenID[cc.ID] {
				seenID[cc.ID] = true
				out = append(out, cc)
			}
		}
		token = tea.StringValue(body.NextToken)
		if more, err := nextPage(action, region, token, page, seenToken); err != nil {
			return nil, err
		} else if !more {
			return out, nil
		}
	}
}

// nextPage says whether a listing goes on after its page-th page, whose NextToken is
// token, and records the token in seen. A token that comes back, or more than maxPages
// pages, fail the listing: a server that keeps answering with tokens cannot loop it.
func nextPage(action, region, token string, page int, seen map[string]bool) (bool, error) {
	if token == "" {
		return false, nil
	}
	if seen[token] || page >= maxPages {
		return false, fmt.Errorf("%s: region %s: NextToken %q came back after %d pages; giving up to avoid a loop", action, region, token, page)
	}
	seen[token] = true
	return true, nil
}

// Get returns one cache, looked up with the ImageCacheId filter. An unknown ID gives an
// error that matches ErrNotFound.
func (c *Client) Get(ctx context.Context, region, id string) (cloud.Cache, error) {
	if id == "" {
		return cloud.Cache{}, fmt.Errorf("DescribeImageCaches: an image cache ID is required")
	}
	body, err := c.describe(ctx, &sdk.DescribeImageCachesRequest{
		RegionId:     tea.String(region),
		ImageCacheId: tea.String(id),
	})
	if err != nil {
		return cloud.Cache{}, err
	}
	for _, ic := range body.ImageCaches {
		if tea.StringValue(ic.ImageCacheId) != id {
			continue
		}
		cc, err := convertCache(ic, region)
		if err != nil {
			return cloud.Cache{}, fmt.Errorf("DescribeImageCaches: region %s: %w", region, err)
		}
		return cc, nil
	}
	return cloud.Cache{}, fmt.Errorf("DescribeImageCaches: image cache %s in %s: %w", id, region, ErrNotFound)
}

func (c *Client) describe(ctx context.Context, req *sdk.DescribeImageCachesRequest) (*sdk.DescribeImageCachesResponseBody, error) {
	var body *sdk.DescribeImageCachesResponseBody
	region := tea.StringValue(req.RegionId)
	err := c.call(ctx, "DescribeImageCaches", region, c.secrets, func(sc *sdk.Client, rt *util.RuntimeOptions) error {
		resp, err := sc.DescribeImageCachesWithOptions(req, rt)
		if err != nil {
			return err
		}
		body = resp.Body
		return nil
	})
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = &sdk.DescribeImageCachesResponseBody{}
	}
	return body, nil
}

// convertCache turns one DescribeImageCaches entry into a cloud.Cache. The entry's
// RegionId wins over region.
func convertCache(ic *sdk.DescribeImageCachesResponseBodyImageCaches, region string) (cloud.Cache, error) {
	if ic == nil {
		return cloud.Cache{}, fmt.Errorf("null entry")
	}
	id := tea.StringValue(ic.ImageCacheId)
	if id == "" {
		return cloud.Cache{}, fmt.Errorf("entry has no ImageCacheId")
	}
	cc := cloud.Cache{
		Region:              region,
		ID:                  id,
		Name:                tea.StringValue(ic.ImageCacheName),
		Status:              cloud.Status(tea.StringValue(ic.Status)),
		Size:                tea.Int32Value(ic.ImageCacheSize),
		Images:              make([]string, 0, len(ic.Images)),
		EliminationStrategy: tea.StringValue(ic.EliminationStrategy),
		ResourceGroupID:     tea.StringValue(ic.ResourceGroupId),
		Progress:            tea.StringValue(ic.Progress),
	}
	if r := tea.StringValue(ic.RegionId); r != "" {
		cc.Region = r
	}
	if cc.Region == "" {
		return cloud.Cache{}, fmt.Errorf("%s: no RegionId and no region given", id)
	}
	for _, img := range ic.Images {
		if img != nil {
			cc.Images = append(cc.Images, *img)
		}
	}
	for _, t := range ic.Tags {
		if t == nil || t.Key == nil {
			continue
		}
		if cc.Tags == nil {
			cc.Tags = map[string]string{}
		}
		cc.Tags[*t.Key] = tea.StringValue(t.Value)
	}
	var err error
	parse := func(field string, s *string, dst *time.Time) {
		if err != nil {
			return
		}
		if *dst, err = parseTime(tea.StringValue(s)); err != nil {
			err = fmt.Errorf("%s: %s: %w", id, field, err)
		}
	}
	parse("CreationTime", ic.CreationTime, &cc.CreationTime)
	parse("ExpireDateTime", ic.ExpireDateTime, &cc.ExpireDateTime)
	parse("LastMatchedTime", ic.LastMatchedTime, &cc.LastMatchedTime)
	for i, e := range ic.Events {
		if e == nil {
			continue
		}
		ev := cloud.Event{
			Type:    tea.StringValue(e.Type),
			Reason:  tea.StringValue(e.Reason),
			Name:    tea.StringValue(e.Name),
			Message: tea.StringValue(e.Message),
			Count:   tea.Int32Value(e.Count),
		}
		parse(fmt.Sprintf("Events[%d].FirstTimestamp", i), e.FirstTimestamp, &ev.FirstTimestamp)
		parse(fmt.Sprintf("Events[%d].LastTimestamp", i), e.LastTimestamp, &ev.LastTimestamp)
		cc.Events = append(cc.Events, ev)
	}
	if err != nil {
		return cloud.Cache{}, err
	}
	return cc, nil
}

// timeLayouts are the forms ECI uses for times: RFC 3339 (2021-02-09T02:24:07Z) and the
// minute-precision form some Alibaba APIs return (2021-02-09T02:24Z).
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

// parseTime reads an API time; "" is the zero time. Results are in UTC.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q (want e.g. 2021-02-09T02:24:07Z)", s)
}
