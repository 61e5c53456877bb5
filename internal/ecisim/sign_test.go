package ecisim

import (
	"net/url"
	"strings"
	"testing"
)

// vectorQuery is the business query shared by the V3 and V1 test vectors below.
func vectorQuery() url.Values {
	return url.Values{
		"RegionId":     {"cn-hangzhou"},
		"ImageCacheId": {"imc-test0001"},
		"Image.1":      {"nginx:1.25"},
		"Image.2":      {"registry.example.com/a b*~"},
		"Tag.1.Key":    {"env"},
		"Tag.1.Value":  {""},
	}
}

func TestV3TestVector(t *testing.T) {
	headers := map[string]string{
		"host":                       "127.0.0.1:8080",
		"x-acs-action":               "UpdateImageCache",
		"x-acs-version":              "2018-08-08",
		"x-acs-date":                 "2025-01-02T03:04:05Z",
		"x-acs-signature-nonce":      "0123456789abcdef0123456789abcdef",
		"x-acs-credentials-provider": "static_ak",
		"x-acs-content-sha256":       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}
	signed := strings.Split("host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version", ";")
	canonical := v3CanonicalRequest("POST", "/", vectorQuery(), func(n string) string { return headers[n] }, signed, sha256Hex(nil))
	wantCanonical := "POST\n/\n" +
		"Image.1=nginx%3A1.25&Image.2=registry.example.com%2Fa%20b%2A~&ImageCacheId=imc-test0001&RegionId=cn-hangzhou&Tag.1.Key=env&Tag.1.Value=\n" +
		"host:127.0.0.1:8080\nx-acs-action:UpdateImageCache\n" +
		"x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
		"x-acs-credentials-provider:static_ak\nx-acs-date:2025-01-02T03:04:05Z\n" +
		"x-acs-signature-nonce:0123456789abcdef0123456789abcdef\nx-acs-version:2018-08-08\n\n" +
		"host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if canonical != wantCanonical {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	sts := v3StringToSign(canonical)
	if want := "ACS3-HMAC-SHA256\n9de35fd588e3a8709eed5930a1a539a8b816ffe5768cc70be4108091812cbe43"; sts != want {
		t.Fatalf("string to sign %q, want %q", sts, want)
	}
	if got, want := v3Signature("testsecret", sts), "4be72256e0191bd2dee5294e0068cf1187acd33175013f2ac7f24f5435ab61b6"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestV1TestVector(t *testing.T) {
	q := vectorQuery()
	for k, v := range map[string]string{
		"Action": "UpdateImageCache", "Format": "json", "Version": "2018-08-08",
		"Timestamp": "2025-01-02T03:04:05Z", "SignatureNonce": "0123456789abcdef0123456789abcdef",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "AccessKeyId": "testid",
		"Signature": "ignored: never part of the string to sign",
	} {
		q.Set(k, v)
	}
	sts := v1StringToSign("POST", q)
	want := "POST&%2F&AccessKeyId%3Dtestid%26Action%3DUpdateImageCache%26Format%3Djson%26Image.1%3Dnginx%253A1.25%26Image.2%3Dregistry.example.com%252Fa%2520b%252A~%26ImageCacheId%3Dimc-test0001%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0123456789abcdef0123456789abcdef%26SignatureVersion%3D1.0%26Tag.1.Key%3Denv%26Tag.1.Value%3D%26Timestamp%3D2025-01-02T03%253A04%253A05Z%26Version%3D2018-08-08"
	if sts != want {
		t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, want)
	}
	if got, want := v1Signature("testsecret", sts), "/yexCvCyXmW1lhDVgcgKGq90nco="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}
