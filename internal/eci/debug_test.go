package eci

import (
	"errors"
	"testing"
)

// TestDebugRefused: every DEBUG value that turns on the SDK's debug output (as
// github.com/alibabacloud-go/debug reads it: comma-separated, exact parts) makes New fail
// before anything is sent; other values do not.
func TestDebugRefused(t *testing.T) {
	tests := map[string]bool{
		"":                false,
		"sdk":             false,
		"teapot":          false,
		"tea":             true,
		"credential":      true,
		"sdk,tea":         true,
		"credential,sdk":  true,
		"TEA":             true, // not read by the SDK; refused anyway
		" tea ":           true,
		"sdk,teapot,cred": false,
	}
	defer func(orig func() string) { debugEnv = orig }(debugEnv)
	for value, refused := range tests {
		debugEnv = func() string { return value }
		_, err := New(Config{Endpoint: "http://127.0.0.1:1", AccessKeyID: "id", AccessKeySecret: "secret"})
		var de *DebugError
		if got := errors.As(err, &de); got != refused {
			t.Errorf("DEBUG=%q: err = %v, want refused %v", value, err, refused)
		}
	}
}
