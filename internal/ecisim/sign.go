package ecisim

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// The two signature methods the emulator verifies.
const (
	// SignatureV3 is ACS3-HMAC-SHA256, the default of the current SDKs
	// (https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature).
	SignatureV3 = "ACS3-HMAC-SHA256"
	// SignatureV1 is the RPC HMAC-SHA1 signature of the older SDKs
	// (https://www.alibabacloud.com/help/doc-detail/196741.htm).
	SignatureV1 = "HMAC-SHA1"
)

// percentEncode encodes s the way both signatures want it: RFC 3986, with only
// A-Z a-z 0-9 - _ . ~ left as they are and upper-case hex escapes.
func percentEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}

// canonicalQuery sorts the parameters by key (byte order) and joins them as
// enc(key)=enc(value) with '&'. An empty value gives "key=".
func canonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k))
			b.WriteByte('=')
			b.WriteString(percentEncode(val))
		}
	}
	return b.String()
}

// v3CanonicalRequest builds the ACS3 canonical request. header returns a signed
// header's value; signed is the lower-case, sorted signed-header list.
func v3CanonicalRequest(method, path string, query url.Values, header func(string) string, signed []string, payloadHash string) string {
	if path == "" {
		path = "/"
	}
	path = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(path)
	var headers strings.Builder
	for _, name := range signed {
		headers.WriteString(name)
		headers.WriteByte(':')
		headers.WriteString(strings.TrimSpace(header(name)))
		headers.WriteByte('\n')
	}
	return strings.Join([]string{
		method, path, canonicalQuery(query), headers.String(), strings.Join(signed, ";"), payloadHash,
	}, "\n")
}

// v3StringToSign is "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)).
func v3StringToSign(canonicalRequest string) string {
	return SignatureV3 + "\n" + sha256Hex([]byte(canonicalRequest))
}

// v3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func v3Signature(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// v1StringToSign is METHOD&%2F&enc(canonical query), over every parameter but Signature.
func v1StringToSign(method string, params url.Values) string {
	p := url.Values{}
	for k, v := range params {
		if k != "Signature" {
			p[k] = v
		}
	}
	return method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(p))
}

// v1Signature is Base64(HMAC-SHA1(secret + "&", stringToSign)).
func v1Signature(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
