package eci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
)

// sdkError builds the *tea.SDKError that darabonba-openapi v2.0.11 makes from an error
// answer: same map keys, same message format.
func sdkError(status int, body map[string]any) *tea.SDKError {
	data := map[string]any{}
	for k, v := range body {
		data[k] = v
	}
	data["statusCode"] = tea.Int(status)
	pick := func(a, b string) any {
		if v, ok := body[a]; ok {
			return v
		}
		return body[b]
	}
	return tea.NewSDKError(map[string]any{
		"code":               tea.ToString(pick("Code", "code")),
		"message":            "code: " + fmt.Sprint(status) + ", " + tea.ToString(pick("Message", "message")) + " request id: " + tea.ToString(pick("RequestId", "requestId")),
		"data":               data,
		"description":        tea.ToString(pick("Description", "description")),
		"accessDeniedDetail": pick("AccessDeniedDetail", "accessDeniedDetail"),
	})
}

func TestConvertErrorClasses(t *testing.T) {
	classes := []error{ErrThrottled, ErrServer, ErrIncorrectStatus, ErrNotFound, ErrNoNeedUpdate, ErrConflict, ErrPermanent}
	tests := []struct {
		status    int
		code      string
		want      error
		retryable bool
	}{
		{400, "Throttling", ErrThrottled, true},
		{400, "Throttling.User", ErrThrottled, true},
		{400, "Throttling.Api", ErrThrottled, true},
		{429, "Throttling.Resource", ErrThrottled, true},
		{429, "TooManyRequests", ErrThrottled, true},
		{503, "ServiceUnavailable", ErrServer, true},
		{500, "InternalError", ErrServer, true},
		{502, "BadGateway", ErrServer, true},
		{400, "IncorrectStatus", ErrIncorrectStatus, false},
		{400, "ImageCache.IncorrectStatus", ErrIncorrectStatus, false},
		{404, "InvalidImageCacheId.NotFound", ErrNotFound, false},
		{400, "ImageCache.NotFound", ErrNotFound, false},
		{404, "ImageSnapshot.NotFound", ErrNotFound, false},
		{404, "InvalidParameter.NotFound", ErrNotFound, false},
		{404, "ResourceNotFound", ErrNotFound, false},
		{404, "InvalidAction.NotFound", ErrPermanent, false},
		{404, "InvalidRegionId.NotFound", ErrPermanent, false},
		{400, "NoNeedUpdate", ErrNoNeedUpdate, false},
		{400, "OperationConflict", ErrConflict, true},
		{400, "InvalidParameter", ErrPermanent, false},
		{400, "InvalidParameter.CPU.Memory", ErrPermanent, false},
		{403, "QuotaExceeded", ErrPermanent, false},
		{403, "Forbidden.RiskControl", ErrPermanent, false},
		{403, "OperationDenied.NoStock", ErrPermanent, false},
		{403, "SignatureDoesNotMatch", ErrPermanent, false},
		{404, "InvalidAccessKeyId.NotFound", ErrPermanent, false},
		{400, "IdempotentParameterMismatch", ErrPermanent, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			in := sdkError(tt.status, map[string]any{"Code": tt.code, "Message": "msg of " + tt.code, "RequestId": "RID-1", "HostId": "eci.cn-hangzhou.aliyuncs.com"})
			err := convertError("UpdateImageCache", "cn-hangzhou", in, nil)
			var api *APIError
			if !errors.As(err, &api) {
				t.Fatalf("got %T %v, want *APIError", err, err)
			}
			for _, class := range classes {
				if got := errors.Is(err, class); got != (class == tt.want) {
					t.Errorf("errors.Is(err, %v) = %v", class, got)
				}
			}
			wrapped := fmt.Errorf("cn-hangzhou/web update failed: %w", err)
			if !errors.Is(wrapped, tt.want) {
				t.Errorf("class lost through wrapping")
			}
			if got := Retryable(wrapped); got != tt.retryable {
				t.Errorf("Retryable = %v, want %v", got, tt.retryable)
			}
			if api.Code != tt.code || api.HTTPStatus != tt.status || api.RequestID != "RID-1" || api.Message != "msg of "+tt.code {
				t.Errorf("got %+v", *api)
			}
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	in := sdkError(400, map[string]any{"Code": "ImageCache.IncorrectStatus", "Message": "The current status of the resource does not support this operation.", "RequestId": "5A1B-77"})
	err := convertError("UpdateImageCache", "cn-hangzhou", in, nil)
	want := "UpdateImageCache: ImageCache.IncorrectStatus: The current status of the resource does not support this operation. (HTTP 400, request id 5A1B-77)"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err.Error(), want)
	}
	var api *APIError
	if !errors.As(err, &api) || api.Action != "UpdateImageCache" || api.Region != "cn-hangzhou" {
		t.Errorf("got %#v", err)
	}
}

func TestAPIErrorLowerCaseKeysAndNoData(t *testing.T) {
	// OA also accepts lower-case keys.
	lower := sdkError(400, map[string]any{"code": "Throttling.User", "message": "Request was denied due to user flow control.", "requestId": "r-2"})
	err := convertError("DescribeImageCaches", "cn-beijing", lower, nil)
	var api *APIError
	if !errors.As(err, &api) || api.Code != "Throttling.User" || api.Message != "Request was denied due to user flow control." || api.RequestID != "r-2" {
		t.Fatalf("got %#v", err)
	}
	// Without Data, the message and request id come out of SDKError.Message.
	bare := &tea.SDKError{Code: tea.String("QuotaExceeded"), StatusCode: tea.Int(403), Message: tea.String("code: 403, ImageCache quota exceeded. request id: r-3")}
	err = convertError("CreateImageCache", "cn-beijing", bare, nil)
	if !errors.As(err, &api) || api.Message != "ImageCache quota exceeded." || api.RequestID != "r-3" || !errors.Is(err, ErrPermanent) {
		t.Fatalf("got %#v", err)
	}
}

func TestCredentialErrors(t *testing.T) {
	// What OA returns when no credential is configured at all.
	oa := tea.NewSDKError(map[string]any{"code": "InvalidCredentials", "message": "Please set up the credentials correctly."})
	for _, in := range []error{oa, &CredentialsError{}} {
		err := convertError("DescribeImageCaches", "cn-hangzhou", in, nil)
		if !errors.Is(err, ErrNoCredentials) || Retryable(err) {
			t.Errorf("%v: not a non-retryable ErrNoCredentials", err)
		}
		var ce *CredentialsError
		if !errors.As(err, &ce) || ce.Action != "DescribeImageCaches" {
			t.Errorf("%#v: the action is not kept", err)
		}
		for _, hint := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "profile", "--sim"} {
			if !strings.Contains(err.Error(), hint) {
				t.Errorf("%q lacks %q", err, hint)
			}
		}
		// A short first line, the ways out indented below it, none past 80 columns.
		lines := strings.Split(err.Error(), "\n")
		if lines[0] != "no usable Alibaba Cloud credentials" {
			t.Errorf("first line %q", lines[0])
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "  ") || len(l) > 78 {
				t.Errorf("detail line %q: want indented, at most 78 characters", l)
			}
		}
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	const pw = "s3cr+t p@ss/word"
	r := redactor(nil).with(pw, "AKSECRET")
	// A server that echoes parameters (plain, query-encoded and path-encoded).
	msg := fmt.Sprintf("bad value %s or %s or %s for AKSECRET", pw, url.QueryEscape(pw), url.PathEscape(pw))
	err := convertError("CreateImageCache", "cn-hangzhou", sdkError(400, map[string]any{"Code": "InvalidParameter", "Message": msg, "RequestId": "r"}), r)
	assertNoSecret(t, err, pw, "AKSECRET")
	if !strings.Contains(err.Error(), "bad value ******") {
		t.Errorf("masked text missing: %v", err)
	}

	// A signature error quoting the server's string to sign, which carries the query.
	sig := "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&ImageRegistryCredential.1.Password%3D" + url.QueryEscape(url.QueryEscape(pw))
	err = convertError("UpdateImageCache", "cn-hangzhou", sdkError(400, map[string]any{"Code": "SignatureDoesNotMatch", "Message": sig, "RequestId": "r"}), nil)
	assertNoSecret(t, err, pw, "Password")
	if !strings.HasPrefix(err.(*APIError).Message, "Specified signature is not matched with our calculation") {
		t.Errorf("message lost: %v", err)
	}

	// A network error: *url.Error quotes the request URL with every parameter.
	netErr := &url.Error{Op: "Post", URL: "https://eci.cn-hangzhou.aliyuncs.com/?ImageRegistryCredential.1.Password=" + url.QueryEscape(pw),
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	err = convertError("CreateImageCache", "cn-hangzhou", netErr, r)
	assertNoSecret(t, err, pw, "Password")
	var te *TransportError
	if !errors.As(err, &te) || !Retryable(err) || te.Timeout() {
		t.Errorf("got %#v", err)
	}
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		assertNoSecret(t, e, pw, "Password")
	}
}

func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	text := fmt.Sprintf("%v %+v %#v", err, err, err)
	if api, ok := err.(*APIError); ok {
		text += api.Message
	}
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if strings.Contains(text, form) {
				t.Errorf("%q appears in %q", form, text)
			}
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestRetryable(t *testing.T) {
	var syntax *json.SyntaxError
	_ = json.Unmarshal([]byte("<html>"), &struct{}{})
	if err := json.Unmarshal([]byte("<html>"), &struct{}{}); !errors.As(err, &syntax) {
		t.Fatal("no syntax error")
	}
	timeout := convertError("DescribeImageCaches", "r", &url.Error{Op: "Post", URL: "http://x/", Err: timeoutErr{}}, nil)
	var te *TransportError
	if !errors.As(timeout, &te) || !te.Timeout() {
		t.Errorf("timeout not seen: %#v", timeout)
	}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{timeout, true},
		{convertError("DescribeImageCaches", "r", syntax, nil), true},
		{fmt.Errorf("wrapped: %w", syntax), true},
		{timeoutErr{}, true},
		{io.ErrUnexpectedEOF, true},
		{context.Canceled, false},
		{fmt.Errorf("UpdateImageCache: %w", context.DeadlineExceeded), false},
		{errors.New("UpdateImageCache: a region is required"), false},
		{&CredentialsError{}, false},
	}
	for _, tt := range tests {
		if got := Retryable(tt.err); got != tt.want {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestHostNotFound: a host that does not resolve (NXDOMAIN) is not retried, and the
// error names the host and the region, with the closest known region.
func TestHostNotFound(t *testing.T) {
	const host = "eci.cn-shangai.invalid" // .invalid never resolves (RFC 6761)
	var dns *net.DNSError
	if _, err := net.LookupHost(host); !errors.As(err, &dns) || !dns.IsNotFound {
		t.Skipf("this resolver does not answer NXDOMAIN for %s: %v", host, err)
	}
	var pauses int
	c, err := New(Config{Endpoint: "https://" + host, AccessKeyID: "id", AccessKeySecret: "the-secret",
		Sleep: func(context.Context, time.Duration) error { pauses++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "cn-shangai")
	if err == nil || Retryable(err) || pauses != 0 {
		t.Fatalf("err %v, retryable %v, %d pauses; want one try", err, Retryable(err), pauses)
	}
	want := "DescribeImageCaches: host not found: eci.cn-shangai.invalid\n" +
		"  the name does not resolve (DNS: no such host), for region cn-shangai;\n" +
		"  cn-shangai is not a known ECI region, did you mean cn-shanghai?"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}
