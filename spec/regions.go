package spec

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// Regions are the region ids where ECI runs, as of 2026-12. Sources: Alibaba Cloud's ECI
// documentation, "Regions and zones" and the endpoint list of the ECI API
// (https://www.alibabacloud.com/help/en/eci/user-guide/regions-and-zones and
// https://api.alibabacloud.com/product/Eci, endpoints eci.<region>.aliyuncs.com); the
// older Go SDK's table (github.com/aliyun/alibaba-cloud-sdk-go v1.63.107,
// sdk/endpoints/endpoints_config.go, product "eci") lists six of them. ECI SDK v3 has no
// table (its EndpointMap is empty). New regions appear: a region missing here is a
// warning, never an error.
var Regions = []string{
	// Chinese mainland
	"cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
	"cn-hangzhou", "cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-shenzhen", "cn-heyuan",
	"cn-guangzhou", "cn-chengdu",
	// Elsewhere
	"cn-hongkong", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-3",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "us-east-1", "us-west-1",
	"eu-west-1", "eu-central-1", "me-east-1", "me-central-1",
}

// knownRegion says what is wrong with a region id that is well-formed but not one of
// Regions: the closest known one, or "" when s is known.
func knownRegion(s string) string {
	if slices.Contains(Regions, s) {
		return ""
	}
	return fmt.Sprintf("unknown ECI region %s, did you mean %s? (a region newer than imcsync's list is fine)",
		s, Closest(s, Regions, 1)[0])
}

// regionInto decodes a region id like stringInto with checkRegion, and warns when the
// region is not one of Regions.
func regionInto[T any](ptr func(*T) *string) func(d *decoder, n *yaml.Node, path string, v *T) {
	decode := stringInto(ptr, checkRegion)
	return func(d *decoder, n *yaml.Node, path string, v *T) {
		decode(d, n, path, v)
		if s := *ptr(v); s != "" && s == n.Value {
			if msg := knownRegion(s); msg != "" {
				d.warnf(n, path, "%s", msg)
			}
		}
	}
}

// regionIn is the slot of a cache's region: identIn with checkRegion, warning about a
// region not in Regions.
func regionIn(ptr func(*Cache) *string) slot {
	s := identIn(ptr, checkRegion)
	s.decode = func(d *decoder, _ *Field, n *yaml.Node, path string, c *Cache) { regionInto(ptr)(d, n, path, c) }
	return s
}
