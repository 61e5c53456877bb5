package eci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/spec"
)

// Error classes. Every *APIError belongs to exactly one of them and matches it with
// errors.Is; a cache that Get cannot find matches ErrNotFound as well.
var (
	// ErrThrottled: the API refused the call because of rate limits (codes Throttling,
	// Throttling.User, Throttling.Api, … or HTTP 429). Retry later with backoff.
	ErrThrottled = errors.New("throttled")
	// ErrServer: the service failed (HTTP 5xx, ServiceUnavailable, InternalError). Retry.
	ErrServer = errors.New("server error")
	// ErrIncorrectStatus: the cache is in a status that forbids the call (IncorrectStatus,
	// ImageCache.IncorrectStatus). Read the cache again before deciding.
	ErrIncorrectStatus = errors.New("incorrect status")
	// ErrNotFound: the image cache does not exist: InvalidImageCacheId.NotFound, any
	// *.NotFound code about an image cache, or any HTTP 404 whose code ends in NotFound
	// (ImageSnapshot.NotFound, InvalidParameter.NotFound, …) except those about the
	// caller rather than the cache (the access key, the action, the region).
	ErrNotFound = errors.New("image cache not found")
	// ErrNoNeedUpdate: UpdateImageCache had nothing to change (NoNeedUpdate).
	ErrNoNeedUpdate = errors.New("no need to update")
	// ErrConflict: a previous request on the same resource is still in progress
	// (OperationConflict). Retry later.
	ErrConflict = errors.New("operation conflict")
	// ErrPermanent: any other refusal (InvalidParameter, QuotaExceeded, Forbidden.*,
	// SignatureDoesNotMatch, …). Retrying the same call gives the same answer.
	ErrPermanent = errors.New("permanent error")
	// ErrNoCredentials: no usable Alibaba Cloud credentials; see *CredentialsError.
	ErrNoCredentials = errors.New("no credentials")
)

// APIError is an error answer of the ECI API (an HTTP 4xx/5xx with Alibaba's error body).
// Message is the API's own message; RequestID is what Alibaba support asks for.
type APIError struct {
	Action     string // e.g. UpdateImageCache
	Region     string // the RegionId of the call
	Code       string // e.g. ImageCache.IncorrectStatus
	Message    string
	RequestID  string
	HTTPStatus int // 0 when the SDK refused the call before sending it
}

// Error formats as `UpdateImageCache: ImageCache.IncorrectStatus: message (HTTP 400, request id X)`.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Action)
	for _, part := range []string{e.Code, e.Message} {
		if part != "" {
			b.WriteString(": ")
			b.WriteString(part)
		}
	}
	var extra []string
	if e.HTTPStatus != 0 {
		extra = append(extra, "HTTP "+strconv.Itoa(e.HTTPStatus))
	}
	if e.RequestID != "" {
		extra = append(extra, "request id "+e.RequestID)
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(extra, ", "))
	}
	return b.String()
}

// Is reports whether target is the error class of e (see ErrThrottled and the others).
func (e *APIError) Is(target error) bool { return target == e.class() }

func (e *APIError) class() error {
	code := e.Code
	switch {
	case strings.HasPrefix(code, "Throttling") || e.HTTPStatus == 429:
		return ErrThrottled
	case e.HTTPStatus >= 500 || strings.HasPrefix(code, "ServiceUnavailable") || strings.HasPrefix(code, "InternalError"):
		return ErrServer
	case code == "IncorrectStatus" || strings.HasSuffix(code, ".IncorrectStatus"):
		return ErrIncorrectStatus
	case cacheNotFound(code, e.HTTPStatus):
		return ErrNotFound
	case code == "NoNeedUpdate" || strings.HasSuffix(code, ".NoNeedUpdate"):
		return ErrNoNeedUpdate
	case strings.HasPrefix(code, "OperationConflict"):
		return ErrConflict
	default:
		return ErrPermanent
	}
}

// callerNotFound are the prefixes of NotFound codes that are about the call itself, not
// the cache it names: they never mean that a cache is gone.
var callerNotFound = []string{"InvalidAccessKeyId", "InvalidAction", "InvalidRegionId", "InvalidApi", "InvalidVersion"}

// cacheNotFound reports whether an answer says that the image cache does not exist.
func cacheNotFound(code string, status int) bool {
	if !strings.HasSuffix(code, "NotFound") {
		return false
	}
	for _, p := range callerNotFound {
		if strings.HasPrefix(code, p) {
			return false
		}
	}
	return status == 404 || strings.Contains(code, "ImageCache")
}

// TransportError is a call that produced no usable answer: the connection failed or timed
// out, or the response could not be read or parsed. Whether the server acted on the
// request is unknown, so a retry must reuse the ClientToken. The request URL (which holds
// every parameter) is never part of the text.
type TransportError struct {
	Action string
	Region string
	kind   string // what went wrong and who answered, e.g. "timed out"
	msg    string // redacted text of err
	err    error  // the cause, with any *url.Error (and so the URL) stripped
}

func (e *TransportError) Error() string { return e.Action + ": " + e.kind + ": " + e.msg }

// Unwrap returns the cause, e.g. a net.Error or a *json.SyntaxError.
func (e *TransportError) Unwrap() error { return e.err }

// Timeout reports whether the call ran out of time (ReadTimeout or ConnectTimeout).
func (e *TransportError) Timeout() bool {
	var ne net.Error
	return errors.As(e.err, &ne) && ne.Timeout()
}

// CredentialsError means the credential chain found no usable credentials. It says how to
// provide them. The chain's own message is not kept, because some providers quote the
// files they read (secrets included).
type CredentialsError struct {
	// Action is the call that found no credentials, empty when the error came before
	// any call. The text leaves it out: nothing was sent, whatever the call.
	Action string
}

func (e *CredentialsError) Error() string {
	msg := "no usable Alibaba Cloud credentials\n" +
		"  set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET\n" +
		"    (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS),\n" +
		"  or configure a profile (aliyun configure, ~/.alibabacloud/credentials,\n" +
		"    ALIBABA_CLOUD_PROFILE), an OIDC role (ALIBABA_CLOUD_ROLE_ARN,\n" +
		"    ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE)\n" +
		"    or an ECS RAM role,\n" +
		"  or use --sim to work against the local emulator"
	return msg
}

// Is makes a *CredentialsError match ErrNoCredentials.
func (e *CredentialsError) Is(target error) bool { return target == ErrNoCredentials }

// Retryable reports whether err is worth retrying with backoff and the same ClientToken:
// throttling, a server error, an operation conflict, or a network failure or timeout.
// A cancelled or expired context is not retryable, nor is a call the circuit breaker
// refused.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, ErrCircuitOpen) {
		return false
	}
	if errors.Is(err, ErrThrottled) || errors.Is(err, ErrServer) || errors.Is(err, ErrConflict) {
		return true
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.kind != kindHostNotFound
	}
	var api *APIError
	var ce *CredentialsError
	if errors.As(err, &api) || errors.As(err, &ce) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	var se *json.SyntaxError
	return errors.As(err, &ne) || errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

// redactor removes known secret values (registry passwords, the static AccessKey secret)
// from texts that a server or library produced, in their plain and URL-encoded forms.
type redactor []string

func (r redactor) with(secrets ...string) redactor {
	out := append(redactor(nil), r...)
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := url.QueryEscape(s)
		out = append(out, s, q, strings.ReplaceAll(q, "+", "%20"), url.PathEscape(s), url.QueryEscape(q))
	}
	return out
}

func (r redactor) apply(s string) string {
	if len(r) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(r))
	for _, secret := range r {
		pairs = append(pairs, secret, "******")
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// signaturePhrases start the part of a signature error message where gateways quote
// their string to sign, which may carry request parameters; it is cut off.
var signaturePhrases = []string{"string to sign", "canonical request"}

// convertError turns what the SDK returned into *APIError, *TransportError or
// *CredentialsError, with every known secret removed from the text.
func convertError(action, region string, err error, r redactor) error {
	if err == nil {
		return nil
	}
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return &CredentialsError{Action: action}
	}
	var sdk *tea.SDKError
	if !errors.As(err, &sdk) {
		return newTransportError(action, region, err, r)
	}
	code := tea.StringValue(sdk.Code)
	if code == "<nil>" { // OA's rendering of a body without Code
		code = ""
	}
	if code == "InvalidCredentials" && sdk.StatusCode == nil {
		return &CredentialsError{Action: action}
	}
	e := &APIError{Action: action, Region: region, Code: code, HTTPStatus: tea.IntValue(sdk.StatusCode)}
	var body map[string]any
	if sdk.Data != nil && json.Unmarshal([]byte(*sdk.Data), &body) == nil {
		e.Message = firstString(body, "Message", "message")
		e.RequestID = firstString(body, "RequestId", "requestId")
		if e.Code == "" {
			e.Code = firstString(body, "Code", "code")
		}
	} else {
		e.Message, e.RequestID = splitSDKMessage(tea.StringValue(sdk.Message))
	}
	if e.Message == "" && e.Code == "" {
		e.Message = http.StatusText(e.HTTPStatus)
	}
	e.Message = r.apply(cutStringToSign(e.Message))
	return e
}

// cutStringToSign drops what follows the first signature phrase of a message.
func cutStringToSign(msg string) string {
	lower := strings.ToLower(msg)
	cut := -1
	for _, p := range signaturePhrases {
		if i := strings.Index(lower, p); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return msg
	}
	return strings.TrimRight(msg[:cut], " :,.") + " (string to sign omitted)"
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// splitSDKMessage takes apart OA's "code: 400, <message> request id: <id>".
func splitSDKMessage(s string) (msg, requestID string) {
	if strings.HasPrefix(s, "code: ") {
		if i := strings.Index(s, ", "); i >= 0 {
			s = s[i+2:]
		}
	}
	if i := strings.LastIndex(s, " request id: "); i >= 0 {
		s, requestID = s[:i], s[i+len(" request id: "):]
	}
	if s == "<nil>" {
		s = ""
	}
	return s, requestID
}

func newTransportError(action, region string, err error, r redactor) *TransportError {
	cause, kind := err, "unreadable answer"
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err // the URL holds every parameter, secrets included
		kind = "request failed"
		if ue.Timeout() {
			kind = "timed out"
		}
	}
	return &TransportError{Action: action, Region: region, kind: kind, msg: r.apply(cause.Error()), err: cause}
}

// from says who answered: the endpoint t, directly or through proxy. A failure of the
// proxy itself becomes a *ProxyError cause (the relay's answers already are one, with the
// proxy's status). An answer that is not the API's JSON is attributed to the proxy when
// there is one.
func (e *TransportError) from(t target, proxy *url.URL) {
	var already *ProxyError
	var dns *net.DNSError
	switch {
	case errors.As(e.err, &already):
	case proxy == nil && errors.As(e.err, &dns) && dns.IsNotFound:
		e.kind, e.msg = kindHostNotFound, hostNotFound(t.host, e.Region)
	case proxy == nil && e.kind == "unreadable answer":
		e.kind = fmt.Sprintf("unreadable answer from %s://%s (not the API's JSON)", t.protocol, t.host)
	case proxy == nil:
	case proxyFailure(proxy, e.err) != nil:
		pe := proxyFailure(proxy, e.err)
		e.err, e.kind, e.msg = pe, "request failed", pe.Error()
	case e.kind == "unreadable answer":
		e.kind = fmt.Sprintf("unreadable answer through the proxy %s (not the API's JSON: most likely the proxy's own error page)", proxy.Redacted())
	default:
		e.kind += " (through the proxy " + proxy.Redacted() + ")"
	}
}

// kindHostNotFound is the kind of a TransportError whose host does not exist.
const kindHostNotFound = "host not found"

// hostNotFound words a DNS answer that the API's host does not exist (NXDOMAIN): a
// misspelt region or endpoint, which no retry mends.
func hostNotFound(host, region string) string {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	msg := fmt.Sprintf("%s\n  the name does not resolve (DNS: no such host), for region %s", h, region)
	if !slices.Contains(spec.Regions, region) {
		msg += fmt.Sprintf(";\n  %s is not a known ECI region, did you mean %s?", region, spec.Closest(region, spec.Regions, 1)[0])
	} else {
		msg += ";\n  check the endpoint and the DNS settings"
	}
	return msg
}
