package ecisim

import (
	"crypto/hmac"
	"net/http"
	"sort"
	"strings"
	"time"
)

// requiredSignedHeaders must appear in an ACS3 request's SignedHeaders.
var requiredSignedHeaders = []string{
	"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256",
}

// verifyV3 checks an ACS3-HMAC-SHA256 request (see SignatureV3), rebuilding the canonical
// headers from the SignedHeaders list the request carries.
func (s *Server) verifyV3(c *call) *apiError {
	r := c.req
	algo, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if algo != SignatureV3 {
		return errIncompleteSignature("Unsupported signature algorithm " + algo + ".")
	}
	var keyID, signedList, signature string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			keyID = v
		case "SignedHeaders":
			signedList = v
		case "Signature":
			signature = v
		}
	}
	if keyID == "" || signedList == "" || signature == "" {
		return errIncompleteSignature("The Authorization header needs Credential, SignedHeaders and Signature.")
	}
	signed := strings.Split(strings.ToLower(signedList), ";")
	sort.Strings(signed)
	isSigned := map[string]bool{}
	for _, h := range signed {
		isSigned[h] = true
	}
	for _, h := range requiredSignedHeaders {
		if !isSigned[h] {
			return errIncompleteSignature("The header " + h + " must be signed.")
		}
	}
	for name := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-acs-") && !isSigned[n] {
			return errIncompleteSignature("The header " + n + " must be signed.")
		}
	}
	header := func(name string) string {
		if name == "host" {
			return r.Host
		}
		return strings.Join(r.Header.Values(name), ",")
	}
	for _, h := range requiredSignedHeaders {
		if header(h) == "" {
			return errMissing(h)
		}
	}
	secret, ok := s.keys[keyID]
	if !ok {
		return errUnknownKey()
	}
	payloadHash := sha256Hex(c.body)
	if header("x-acs-content-sha256") != payloadHash {
		return errIncompleteSignature("The x-acs-content-sha256 header does not match the request body.")
	}
	query := r.URL.Query()
	canonical := v3CanonicalRequest(r.Method, r.URL.EscapedPath(), query, header, signed, payloadHash)
	sts := v3StringToSign(canonical)
	if !hmac.Equal([]byte(v3Signature(secret, sts)), []byte(strings.ToLower(signature))) {
		return errSignature(sts)
	}
	return s.checkReplay(keyID, header("x-acs-date"), header("x-acs-signature-nonce"))
}

// verifyV1 checks an RPC HMAC-SHA1 request (see SignatureV1) over its query and form body.
func (s *Server) verifyV1(c *call) *apiError {
	p := c.params
	for _, name := range []string{"AccessKeyId", "SignatureMethod", "SignatureVersion", "Timestamp", "SignatureNonce", "Signature"} {
		if p.Get(name) == "" {
			return errMissing(name)
		}
	}
	if p.Get("SignatureMethod") != SignatureV1 {
		return errInvalid("SignatureMethod", "Only HMAC-SHA1 is supported.")
	}
	if p.Get("SignatureVersion") != "1.0" {
		return errInvalid("SignatureVersion", "Only 1.0 is supported.")
	}
	if f := p.Get("Format"); f != "" && !strings.EqualFold(f, "json") {
		return errInvalid("Format", "Only JSON is supported.")
	}
	keyID := p.Get("AccessKeyId")
	secret, ok := s.keys[keyID]
	if !ok {
		return errUnknownKey()
	}
	sts := v1StringToSign(c.req.Method, p)
	if !hmac.Equal([]byte(v1Signature(secret, sts)), []byte(p.Get("Signature"))) {
		return errSignature(sts)
	}
	return s.checkReplay(keyID, p.Get("Timestamp"), p.Get("SignatureNonce"))
}

// checkReplay refuses a timestamp outside TimestampWindow and a nonce seen within it.
// It runs after the signature check, so only a genuine request uses up a nonce.
func (s *Server) checkReplay(keyID, stamp, nonce string) *apiError {
	t, err := time.Parse("2006-01-02T15:04:05Z", stamp)
	if err != nil {
		return newError(http.StatusBadRequest, "InvalidTimeStamp.Format",
			"Specified time stamp or date value is not well formatted: %q.", stamp)
	}
	now := s.wall()
	if d := now.Sub(t); d > TimestampWindow {
		return newError(http.StatusBadRequest, "InvalidTimeStamp.Expired",
			"Specified time stamp or date value is expired: %s is more than %s before the server time %s.",
			stamp, TimestampWindow, now.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if d := now.Sub(t); d < -TimestampWindow {
		return newError(http.StatusBadRequest, "IllegalTimestamp",
			"The request timestamp %s is more than %s away from the server time %s.",
			stamp, TimestampWindow, now.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return s.nonces.use(keyID+"\x00"+nonce, now)
}

func errUnknownKey() *apiError {
	return newError(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
}

// errSignature carries the server's string to sign after the phrase the older SDK looks
// for, so that it can tell a wrong secret from a signing bug.
func errSignature(stringToSign string) *apiError {
	return newError(http.StatusBadRequest, "SignatureDoesNotMatch",
		"Specified signature is not matched with our calculation. server string to sign is:%s", stringToSign)
}
