package eci_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/eci"
)

// fullListener returns the address of a loopback socket whose accept queue is full, so
// that a new connection hangs in connect until the dialler gives up.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for range 8 { // fill the queue (one connection with backlog 0) and prove it is full
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("could not fill the accept queue on this system")
	return ""
}

// TestConnectTimeout proves the ConnectTimeout unit (whole seconds in the SDK): with 1s
// to connect and 30s to read, a connection that never completes fails after about 1s.
func TestConnectTimeout(t *testing.T) {
	addr := fullListener(t)
	c, err := eci.New(eci.Config{Endpoint: "http://" + addr, AccessKeyID: "id", AccessKeySecret: "secret",
		ConnectTimeout: time.Second, ReadTimeout: 30 * time.Second, Retry: eci.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.List(context.Background(), "cn-hangzhou")
	d := time.Since(start)
	var te *eci.TransportError
	if !errors.As(err, &te) || !te.Timeout() || !eci.Retryable(err) {
		t.Fatalf("got %v", err)
	}
	if d < 900*time.Millisecond || d > 5*time.Second {
		t.Errorf("connect gave up after %v, want about 1s", d)
	}
}
