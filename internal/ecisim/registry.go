package ecisim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Registry is an in-memory OCI registry (go-containerregistry's pkg/registry) served
// beside the emulator, so that image digests, and tags that move, can be shown and
// tested offline. It speaks plain HTTP on a loopback address, which registry clients
// use without TLS.
type Registry struct {
	// Host is host:port, the registry part of an image reference (Host + "/web:1").
	Host string

	http     *http.Server
	done     chan error
	requests atomic.Int64
	mu       sync.Mutex
	stopped  bool
}

// StartRegistry serves an empty registry on addr (empty: 127.0.0.1:0, a free port).
func StartRegistry(addr string) (*Registry, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Registry{Host: ln.Addr().String(), done: make(chan error, 1)}
	h := registry.New(registry.Logger(nopLogger()))
	r.http = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		h.ServeHTTP(w, req)
	})}
	go func() { r.done <- r.http.Serve(ln) }()
	return r, nil
}

// Requests returns how many HTTP requests the registry has served.
func (r *Registry) Requests() int64 { return r.requests.Load() }

// Close stops the registry; its address then refuses connections. Safe to call twice.
func (r *Registry) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return nil
	}
	r.stopped = true
	err := r.http.Close()
	if serr := <-r.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Push uploads a new random image (one small layer) under ref, a reference to this
// registry with a tag ("web:1" or Host+"/web:1"), and returns its digest. Pushing the
// same tag again moves it to a new digest.
func (r *Registry) Push(ctx context.Context, ref string) (string, error) {
	tag, err := name.NewTag(r.qualify(ref), name.StrictValidation)
	if err != nil {
		return "", err
	}
	img, err := random.Image(256, 1)
	if err != nil {
		return "", err
	}
	if err := remote.Write(tag, img, remote.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("pushing %s: %w", tag, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// Resolve returns the digest an image reference of this registry points to now, ""
// when it names another registry or nothing (Config.Resolve).
func (r *Registry) Resolve(image string) string {
	if !strings.HasPrefix(image, r.Host+"/") {
		return ""
	}
	ref, err := name.ParseReference(image)
	if err != nil {
		return ""
	}
	if d, ok := ref.(name.Digest); ok {
		return d.DigestStr()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	desc, err := remote.Head(ref, remote.WithContext(ctx))
	if err != nil {
		return ""
	}
	return desc.Digest.String()
}

// qualify prefixes a reference without a registry with Host.
func (r *Registry) qualify(ref string) string {
	if strings.HasPrefix(ref, r.Host+"/") {
		return ref
	}
	return r.Host + "/" + ref
}

// nopLogger discards the registry's request log.
func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
