package eci

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// A proxy that refuses a plain-HTTP call answers with its own page (HTML or text). The
// SDK reads every error answer as the API's JSON and drops the HTTP status when it cannot,
// so the proxy and its status would be lost. Plain-HTTP calls through a proxy therefore go
// through a relay: a loopback HTTP proxy in this process that forwards each call to the
// configured proxy and, when the answer is an error that is not JSON, answers the SDK with
// a JSON error naming the status, which send turns into a *ProxyError. HTTPS calls need no
// relay: the proxy refuses their CONNECT, and Go's transport keeps that status.

// relayCode is the Code of the relay's own answers: relayCode+"Answered" carries the
// proxy's status, relayCode+"Unreachable" says the proxy could not be reached.
const relayCode = "imcsync.Proxy"

// relayed is the loopback address of the relay to proxy, started on first use and kept
// for the client's life.
func (c *Client) relayed(proxy *url.URL) (*url.URL, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := proxy.String()
	if u, ok := c.relays[key]; ok {
		return u, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("eci: starting the relay to the proxy %s: %w", proxy.Redacted(), err)
	}
	go (&http.Server{Handler: relayHandler(proxy)}).Serve(ln) //nolint:errcheck // serves until the process ends
	u := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	if c.relays == nil {
		c.relays = map[string]*url.URL{}
	}
	c.relays[key] = u
	return u, nil
}

// relayHandler forwards each proxied request to proxy and copies its answer back, except
// an error answer that is not JSON, which it replaces by a JSON error naming the status.
func relayHandler(proxy *url.URL) http.Handler {
	transport := &http.Transport{Proxy: http.ProxyURL(proxy)}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := r.Clone(r.Context())
		out.RequestURI = ""
		resp, err := transport.RoundTrip(out)
		if err != nil {
			writeRelayError(w, http.StatusBadGateway, relayCode+"Unreachable", err.Error())
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 && !isJSON(resp.Header.Get("Content-Type")) {
			writeRelayError(w, resp.StatusCode, relayCode+"Answered", http.StatusText(resp.StatusCode))
			return
		}
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			w.Write(buf[:n]) //nolint:errcheck // the SDK's side closed: nothing to tell it
			if err != nil {
				return
			}
		}
	})
}

func isJSON(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	return err == nil && (t == "application/json" || strings.HasSuffix(t, "+json"))
}

func writeRelayError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": msg}) //nolint:errcheck
}

// fromRelay turns the relay's own answer, err, into the *ProxyError it stands for; any
// other error is returned as it is.
func fromRelay(err error, proxy *url.URL) error {
	var api *APIError
	if !errors.As(err, &api) || !strings.HasPrefix(api.Code, relayCode) {
		return err
	}
	pe := &ProxyError{Proxy: proxy.Redacted(), err: errors.New(api.Message)}
	if api.Code == relayCode+"Answered" {
		pe.Status = api.HTTPStatus
	}
	return &TransportError{Action: api.Action, Region: api.Region, kind: "request failed", msg: pe.Error(), err: pe}
}
