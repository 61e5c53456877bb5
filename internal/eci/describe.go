package eci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"

	"github.com/imcsync/imcsync/internal/cloud"
)

// describePage is one saved DescribeImageCaches answer. ImageCaches is a pointer so that
// a JSON document without it (not Describe output at all) can be told from an empty page.
// Body holds the answer when it was saved as the SDK's response wrapper.
type describePage struct {
	ImageCaches *[]*sdk.DescribeImageCachesResponseBodyImageCaches `json:"ImageCaches"`
	Body        *describePage                                      `json:"body"`
}

// ParseDescribe reads saved DescribeImageCaches output, as `aliyun eci DescribeImageCaches`
// prints it: one page object {"RequestId", "TotalCount", "NextToken", "ImageCaches": [...]},
// or a JSON array of such pages. A cache without RegionId gets region. A cache that
// appears on two pages is returned once.
func ParseDescribe(data []byte, region string) ([]cloud.Cache, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("DescribeImageCaches output is empty")
	}
	var pages []describePage
	switch trimmed[0] {
	case '{':
		var p describePage
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, jsonError(data, err)
		}
		pages = []describePage{p}
	case '[':
		if err := json.Unmarshal(data, &pages); err != nil {
			return nil, jsonError(data, err)
		}
	default:
		return nil, errors.New("DescribeImageCaches output must be a JSON object or an array of objects")
	}
	var out []cloud.Cache
	seen := map[string]bool{}
	for i, p := range pages {
		where := "DescribeImageCaches output"
		if len(pages) > 1 {
			where = fmt.Sprintf("DescribeImageCaches output, page %d", i+1)
		}
		if p.ImageCaches == nil && p.Body != nil {
			p = *p.Body
		}
		if p.ImageCaches == nil {
			return nil, fmt.Errorf("%s: no ImageCaches key; is this DescribeImageCaches output?", where)
		}
		for j, ic := range *p.ImageCaches {
			cc, err := convertCache(ic, region)
			if err != nil {
				return nil, fmt.Errorf("%s: ImageCaches[%d]: %w", where, j, err)
			}
			if !seen[cc.Region+"/"+cc.ID] {
				seen[cc.Region+"/"+cc.ID] = true
				out = append(out, cc)
			}
		}
	}
	return out, nil
}

// jsonError adds the line and column to a decoding error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // the offset is just past the offending byte
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) { // no position to give
		return fmt.Errorf("DescribeImageCaches output: %w", err)
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("DescribeImageCaches output:%d:%d: %w", line, col, err)
}
