package digests

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sync/errgroup"
)

// Pinned reports whether an image reference names a digest (name@sha256:…): it never
// moves, so it is never resolved.
func Pinned(image string) bool { return strings.Contains(image, "@") }

// Credential is a registry's user name and password, from the file's
// imageRegistryCredentials (the password read from its passwordFromEnv variable).
type Credential struct {
	Server, UserName, Password string
}

// Options tune Resolve. The zero value is usable.
type Options struct {
	// Parallelism is how many registry lookups run at once; below 1 means 8.
	Parallelism int
	// Attempts is how often one lookup is tried when the registry throttles (429),
	// answers 5xx or times out; below 1 means 3.
	Attempts int
	// Timeout bounds one lookup, its retries included; 0 means 10s (a registry whose
	// address does not answer, such as a VPC endpoint outside the VPC, costs that long).
	Timeout time.Duration
	// Credentials are the file's registry credentials; for their servers they come
	// before Keychain.
	Credentials []Credential
	// Keychain finds the credentials of other registries; nil means the Docker config
	// (DOCKER_CONFIG or ~/.docker/config.json and its credential helpers).
	Keychain authn.Keychain
	// Transport sends the HTTP requests; nil means go-containerregistry's default, which
	// follows the proxy environment variables.
	Transport http.RoundTripper
}

func (o Options) withDefaults() Options {
	if o.Parallelism < 1 {
		o.Parallelism = 8
	}
	if o.Attempts < 1 {
		o.Attempts = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	if o.Transport == nil {
		o.Transport = remote.DefaultTransport
	}
	return o
}

// Result is what Resolve found.
type Result struct {
	// Digests maps each tag reference resolved to its digest ("sha256:…").
	Digests map[string]string
	// Registries maps a registry host that could not be reached (network, TLS or
	// authentication failure) to the error; none of its references were resolved.
	Registries map[string]error
	// Images maps a reference that could not be resolved although its registry
	// answered (no such tag, no access to the repository) to the error.
	Images map[string]error
	// Requests counts the HTTP requests sent to registries, retries included.
	Requests int64
}

// Unresolved reports whether the image is a tag that Resolve could not resolve.
func (r Result) Unresolved(image string) bool {
	_, ok := r.Digests[image]
	return !ok && !Pinned(image)
}

// Resolve looks up the digest of every tag reference among images (duplicates and
// digest-pinned references are skipped; two spellings of one reference, such as
// nginx:1 and docker.io/library/nginx:1, are looked up once). One registry's failure
// never stops the others; ctx's end stops new lookups.
func Resolve(ctx context.Context, images []string, opts Options) Result {
	opts = opts.withDefaults()
	counter := &countingTransport{next: opts.Transport}
	keychain := authn.NewMultiKeychain(credentialKeychain(opts.Credentials), opts.Keychain)
	res := Result{Digests: map[string]string{}, Registries: map[string]error{}, Images: map[string]error{}}

	// Group the references by registry, each once, in a stable order.
	spellings := map[string][]string{} // tag.Name() → the references as written
	byHost := map[string][]name.Tag{}
	for _, img := range images {
		if Pinned(img) {
			continue
		}
		tag, err := name.NewTag(img)
		if err != nil {
			res.Images[img] = err
			continue
		}
		key := tag.Name()
		if _, dup := spellings[key]; !dup {
			byHost[tag.RegistryStr()] = append(byHost[tag.RegistryStr()], tag)
		}
		if !slices.Contains(spellings[key], img) {
			spellings[key] = append(spellings[key], img)
		}
	}
	hosts := slices.Sorted(maps.Keys(byHost))

	puller, err := remote.NewPuller(remote.WithTransport(counter), remote.WithAuthFromKeychain(keychain),
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Jitter: 0.2, Steps: opts.Attempts}),
		remote.WithUserAgent("imcsync"))
	if err != nil { // only for invalid options
		for _, h := range hosts {
			res.Registries[h] = err
		}
		return res
	}
	var mu sync.Mutex
	lookup := func(tag name.Tag) {
		c, cancel := context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
		desc, err := puller.Head(c, tag)
		mu.Lock()
		defer mu.Unlock()
		for _, img := range spellings[tag.Name()] {
			switch {
			case err == nil:
				res.Digests[img] = desc.Digest.String()
			case !registryDown(err):
				res.Images[img] = err
			}
		}
		if err != nil && registryDown(err) {
			if _, ok := res.Registries[tag.RegistryStr()]; !ok {
				res.Registries[tag.RegistryStr()] = err
			}
		}
	}

	// First one reference per registry: a registry that cannot be reached is then
	// skipped, at the cost of a single failed lookup.
	g := errgroup.Group{}
	g.SetLimit(opts.Parallelism)
	for _, h := range hosts {
		g.Go(func() error { lookup(byHost[h][0]); return nil })
	}
	_ = g.Wait()
	for _, h := range hosts {
		if _, down := res.Registries[h]; down {
			continue
		}
		for _, tag := range byHost[h][1:] {
			if ctx.Err() != nil {
				break
			}
			g.Go(func() error { lookup(tag); return nil })
		}
	}
	_ = g.Wait()
	res.Requests = counter.n.Load()
	return res
}

// registryDown reports whether err says the registry could not be used at all: no
// HTTP answer (network, TLS, timeout). An HTTP error answer is about one reference.
func registryDown(err error) bool {
	var te *transport.Error
	return !errors.As(err, &te)
}

// credentialKeychain serves the file's registry credentials by server.
type credentialKeychain []Credential

// Resolve returns the credential whose server is the target registry, or Anonymous (the
// next keychain is then asked).
func (k credentialKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	for _, c := range k {
		if strings.EqualFold(strings.TrimSuffix(c.Server, "/"), target.RegistryStr()) && c.Password != "" {
			return authn.FromConfig(authn.AuthConfig{Username: c.UserName, Password: c.Password}), nil
		}
	}
	return authn.Anonymous, nil
}

// countingTransport counts the requests it sends.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}
