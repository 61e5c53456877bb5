package digests

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sync/errgroup"
)

// Pinned reports whether an image reference names a digest (name@sha256:…): it never
// moves, so it is never resolved.
func Pinned(image string) bool { return strings.Contains(image, "@") }

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
	// Keychain finds the credentials of registries; nil means the Docker config
	// (DOCKER_CONFIG or ~/.docker/config.json and its credential helpers). It is the
	// only source of credentials: the file's passwordFromEnv is never read here, since
	// a plan may run on a file from an untrusted pull request.
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
	// Registries maps a registry host that could not be used (network, TLS, an answer
	// that is not a registry's, or 401 Unauthorized) to the error; none of its
	// references were resolved. Print an error with Describe.
	Registries map[string]error
	// Images maps a reference that could not be resolved although its registry
	// answered (no such tag, no access to the repository) to the error. Print an error
	// with Describe.
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

	puller, err := remote.NewPuller(remote.WithTransport(counter), remote.WithAuthFromKeychain(opts.Keychain),
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
// HTTP answer (network, TLS, timeout), an answer no registry gives, or 401 Unauthorized
// (no credential for it, or a wrong one: every reference would be refused alike). Any
// other HTTP error answer is about one reference.
func registryDown(err error) bool {
	var te *transport.Error
	return !errors.As(err, &te) || te.StatusCode == http.StatusUnauthorized
}

// Unauthorized reports whether err is a registry's 401 answer.
func Unauthorized(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == http.StatusUnauthorized
}

// maxDescribed bounds the text Describe returns, in bytes.
const maxDescribed = 200

// Describe is err as one bounded line fit to print: a registry's error answer becomes
// its HTTP status and error codes, never its messages or body (a hostile registry may
// echo a credential in them); any other error text is cut to one line of at most 200
// bytes, without control characters (an answer's header may be 100 KB long).
func Describe(err error) string {
	var te *transport.Error
	if errors.As(err, &te) {
		s := fmt.Sprintf("HTTP %d %s", te.StatusCode, http.StatusText(te.StatusCode))
		var codes []string
		for _, d := range te.Errors {
			if c := string(d.Code); validCode(c) && !slices.Contains(codes, c) && len(codes) < 3 {
				codes = append(codes, c)
			}
		}
		if len(codes) > 0 {
			s += " (" + strings.Join(codes, ", ") + ")"
		}
		return s
	}
	return oneLine(err.Error(), maxDescribed)
}

// validCode reports whether c looks like a registry error code (UNAUTHORIZED,
// MANIFEST_UNKNOWN): upper-case letters and underscores, at most 40.
func validCode(c string) bool {
	if c == "" || len(c) > 40 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && r != '_' {
			return false
		}
	}
	return true
}

// oneLine replaces control characters of s with spaces and cuts it to at most max
// bytes (on a rune boundary), marking a cut with "…".
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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
