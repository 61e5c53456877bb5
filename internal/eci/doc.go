// Package eci is imcsync's client for the four ECI image-cache actions
// (Create/Describe/Update/DeleteImageCache) and the tag actions for image caches
// (TagResources, UntagResources, ListTagResources). It is the only package that imports the
// official Alibaba Cloud SDK; everything above it sees plain Go types (cloud.Cache,
// CreateRequest, UpdateRequest) and a handful of error classes.
//
// Why a package of its own: the SDK (eci-20180808 v3.1.1 over darabonba-openapi v2.0.11)
// has traps that every caller would otherwise have to know about, and this package
// deals with each of them once:
//
//   - The SDK client is not safe for concurrent use: every call writes to it. Client
//     keeps a pool of SDK clients per endpoint and lends one to each call in flight, so
//     one *Client serves any number of goroutines. All of them share one credential
//     provider behind a mutex, so an STS session is fetched once, not per client.
//   - Timeouts come in two units: ReadTimeout is milliseconds (the whole HTTP exchange),
//     ConnectTimeout is whole seconds. Config takes time.Duration values and converts
//     them; both are always set, since an unset ReadTimeout means "wait forever".
//   - The SDK takes no context. A call checks ctx before sending and returns ctx's error
//     as soon as ctx ends; the request then runs on in the background until it completes
//     or reaches ReadTimeout, and its answer is dropped. Callers must therefore treat a
//     cancelled mutation as "may have happened" and reuse its ClientToken.
//   - SDK retries are off (RuntimeOptions.Autoretry false): the SDK would retry 5xx but
//     never throttling, and without backoff. The client retries instead, every call and
//     listings too, in one place (retry.go): throttling, 5xx, OperationConflict and
//     network failures, with capped exponential backoff and full jitter, the request
//     (and so its ClientToken) unchanged. Other refusals (quota, permissions, invalid
//     parameters) come back at once with the API's message. A circuit breaker per region
//     and action (breaker.go) stops sending a call that keeps failing with 5xx or network
//     errors, so that a dead API fails a run in seconds, not minutes.
//   - The SDK does not slow down when throttled. Each attempt of a call first waits for
//     a permit of Config.Pacer (package pacing) for its region and action, and tells it
//     whether the API throttled it (pace.go), so that many callers share what the API
//     accepts instead of piling up retries.
//   - The SDK wants the endpoint as host[:port] and the scheme apart; Config takes a URL.
//   - An empty Go slice sends no parameters at all, so an update cannot say "no tags" or
//     "no images": an empty Tags or Images means "not sent".
//
// Errors. An error answer of the API becomes *APIError (action, code, the API's own
// message, request ID, HTTP status), which matches exactly one class with errors.Is:
// ErrThrottled, ErrServer, ErrIncorrectStatus, ErrNotFound, ErrNoNeedUpdate, ErrConflict
// or ErrPermanent. A call that got no usable answer (network failure, timeout, unreadable
// body) is a *TransportError. A call the circuit breaker refused unsent is a
// *CircuitOpenError (ErrCircuitOpen). Missing credentials give a *CredentialsError
// (ErrNoCredentials) that explains how to provide them.
//
// Secrets. No access key secret, signature or registry password appears in an error:
// request URLs are dropped from network errors, known secrets are masked in any text a
// server sends back, signature errors lose the quoted string to sign, and the credential
// chain's own messages (some quote the profile file they read) are replaced. The SDK's
// debug log (environment DEBUG=tea) prints request URLs with every parameter, passwords
// included; never enable it with real credentials.
//
// Tests. The conformance tests in eci_test.go run against the emulator (ecisim) and,
// with `go test ./internal/eci -run Conformance -eci.real`, also against real ECI (credentials from
// the standard chain, region from ECI_TEST_REGION; they create and delete billed caches).
package eci
