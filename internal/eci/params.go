package eci

import (
	"fmt"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
)

// param puts one parameter's value into the SDK's CreateImageCache and
// UpdateImageCache requests; nil for a call that does not take it.
type param struct {
	create func(*sdk.CreateImageCacheRequest, any) error
	update func(*sdk.UpdateImageCacheRequest, any) error
}

// params maps each API parameter Params may hold to its place in the SDK's requests.
var params = map[string]param{
	"ImageCacheName": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.ImageCacheName }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.ImageCacheName })},
	"Image": {list(func(r *sdk.CreateImageCacheRequest) *[]*string { return &r.Image }),
		list(func(r *sdk.UpdateImageCacheRequest) *[]*string { return &r.Image })},
	"ImageCacheSize": {value(func(r *sdk.CreateImageCacheRequest) **int32 { return &r.ImageCacheSize }),
		value(func(r *sdk.UpdateImageCacheRequest) **int32 { return &r.ImageCacheSize })},
	"EliminationStrategy": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.EliminationStrategy }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.EliminationStrategy })},
	"ResourceGroupId": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.ResourceGroupId }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.ResourceGroupId })},
	"SecurityGroupId": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.SecurityGroupId }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.SecurityGroupId })},
	"VSwitchId": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.VSwitchId }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.VSwitchId })},
	"EipInstanceId": {value(func(r *sdk.CreateImageCacheRequest) **string { return &r.EipInstanceId }),
		value(func(r *sdk.UpdateImageCacheRequest) **string { return &r.EipInstanceId })},
	"RetentionDays": {value(func(r *sdk.CreateImageCacheRequest) **int32 { return &r.RetentionDays }),
		value(func(r *sdk.UpdateImageCacheRequest) **int32 { return &r.RetentionDays })},
	"AutoMatchImageCache": {value(func(r *sdk.CreateImageCacheRequest) **bool { return &r.AutoMatchImageCache }),
		value(func(r *sdk.UpdateImageCacheRequest) **bool { return &r.AutoMatchImageCache })},
	"Flash": {value(func(r *sdk.CreateImageCacheRequest) **bool { return &r.Flash }),
		value(func(r *sdk.UpdateImageCacheRequest) **bool { return &r.Flash })},
	"StandardCopyCount": {value(func(r *sdk.CreateImageCacheRequest) **int32 { return &r.StandardCopyCount }),
		value(func(r *sdk.UpdateImageCacheRequest) **int32 { return &r.StandardCopyCount })},
	"FlashCopyCount": {value(func(r *sdk.CreateImageCacheRequest) **int32 { return &r.FlashCopyCount }),
		value(func(r *sdk.UpdateImageCacheRequest) **int32 { return &r.FlashCopyCount })},
	"ZoneId":            {create: value(func(r *sdk.CreateImageCacheRequest) **string { return &r.ZoneId })},
	"Annotations":       {create: value(func(r *sdk.CreateImageCacheRequest) **string { return &r.Annotations })},
	"InsecureRegistry":  {create: value(func(r *sdk.CreateImageCacheRequest) **string { return &r.InsecureRegistry })},
	"PlainHttpRegistry": {create: value(func(r *sdk.CreateImageCacheRequest) **string { return &r.PlainHttpRegistry })},
	"OsType":            {create: value(func(r *sdk.CreateImageCacheRequest) **string { return &r.OsType })},
	"Tag": {
		items(func(r *sdk.CreateImageCacheRequest, t Tag) error {
			r.Tag = append(r.Tag, &sdk.CreateImageCacheRequestTag{Key: tea.String(t.Key), Value: tea.String(t.Value)})
			return nil
		}),
		items(func(r *sdk.UpdateImageCacheRequest, t Tag) error {
			r.Tag = append(r.Tag, &sdk.UpdateImageCacheRequestTag{Key: tea.String(t.Key), Value: tea.String(t.Value)})
			return nil
		}),
	},
	"ImageRegistryCredential": {
		items(func(r *sdk.CreateImageCacheRequest, c RegistryCredential) error {
			r.ImageRegistryCredential = append(r.ImageRegistryCredential, &sdk.CreateImageCacheRequestImageRegistryCredential{
				Server: tea.String(c.Server), UserName: tea.String(c.UserName), Password: tea.String(c.Password)})
			return nil
		}),
		items(func(r *sdk.UpdateImageCacheRequest, c RegistryCredential) error {
			r.ImageRegistryCredential = append(r.ImageRegistryCredential, &sdk.UpdateImageCacheRequestImageRegistryCredential{
				Server: tea.String(c.Server), UserName: tea.String(c.UserName), Password: tea.String(c.Password)})
			return nil
		}),
	},
	"AcrRegistryInfo": {
		items(func(r *sdk.CreateImageCacheRequest, a AcrRegistryInfo) error {
			r.AcrRegistryInfo = append(r.AcrRegistryInfo, &sdk.CreateImageCacheRequestAcrRegistryInfo{
				InstanceId: tea.String(a.InstanceID), InstanceName: optString(a.InstanceName), RegionId: optString(a.RegionID),
				Domain: tea.StringSlice(a.Domains), ArnService: optString(a.ArnService), ArnUser: optString(a.ArnUser)})
			return nil
		}),
		items(func(r *sdk.UpdateImageCacheRequest, a AcrRegistryInfo) error {
			if a.ArnService != "" || a.ArnUser != "" {
				return fmt.Errorf("AcrRegistryInfo %s: ArnService and ArnUser can only be set on create", a.InstanceID)
			}
			r.AcrRegistryInfo = append(r.AcrRegistryInfo, &sdk.UpdateImageCacheRequestAcrRegistryInfo{
				InstanceId: tea.String(a.InstanceID), InstanceName: optString(a.InstanceName), RegionId: optString(a.RegionID),
				Domain: tea.StringSlice(a.Domains)})
			return nil
		}),
	},
}

// value sets a scalar parameter of type T.
func value[T any, R any](at func(*R) **T) func(*R, any) error {
	return func(r *R, v any) error {
		x, ok := v.(T)
		if !ok {
			return fmt.Errorf("want a %T, got %T", x, v)
		}
		*at(r) = &x
		return nil
	}
}

// list sets a list of strings; an empty list is not sent.
func list[R any](at func(*R) *[]*string) func(*R, any) error {
	return func(r *R, v any) error {
		x, ok := v.([]string)
		if !ok {
			return fmt.Errorf("want a []string, got %T", v)
		}
		*at(r) = tea.StringSlice(x)
		return nil
	}
}

// items adds each element of a list of T with add.
func items[T any, R any](add func(*R, T) error) func(*R, any) error {
	return func(r *R, v any) error {
		x, ok := v.([]T)
		if !ok {
			var want []T
			return fmt.Errorf("want a %T, got %T", want, v)
		}
		for _, e := range x {
			if err := add(r, e); err != nil {
				return err
			}
		}
		return nil
	}
}
