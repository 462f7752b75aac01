package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
)

// maxRedirects is how many redirects the default client of a remote
// Verifier follows.
const maxRedirects = 5

var (
	// errRateLimited is returned by refreshUnknown when a fetch for an
	// unknown key would come too soon after the previous one; Verify
	// turns it into ErrKeysUnavailable.
	errRateLimited = errors.New("token: JWK Set fetched too recently")

	// errClosed is returned by refresh once the verifier is closed.
	errClosed = fmt.Errorf("%w: verifier is closed", ErrKeysUnavailable)
)

// NewRemoteVerifier returns a Verifier whose keys come from the JWK Set
// (RFC 7517) at jwksURL, such as one served by [JWKS], configured by opts.
//
// It fetches the set once before returning, within ctx and the HTTP
// timeout, and fails if that fetch fails (the error wraps
// [ErrKeysUnavailable]). Then a goroutine fetches it again every refresh
// interval ([WithRefreshInterval]; after a failure, sooner); a token naming
// an unknown key also causes a fetch, at most once per
// [WithUnknownKeyRefresh], and in between [Verifier.Verify] answers such a
// token with [ErrKeysUnavailable] (see [KeySet] for rotations). Each fetch
// is one GET bounded by [WithHTTPTimeout] and [WithMaxJWKSSize]; it sends
// the last ETag and accepts 304 Not Modified. A failed fetch keeps the keys
// already known.
//
// Keys are taken from the document as public keys only. A key is used when
// it has a "kid", a "use" of "sig" or none, and is an EC P-256, Ed25519 or
// RSA key of at least [MinRSABits] bits whose "alg" (if given) is ES256,
// EdDSA or RS256 to match; other keys are skipped, and "oct" (HMAC) keys
// are never used, so a remote Verifier never accepts HS256. A document
// with no usable key, more than [MaxRemoteKeys] keys or two keys of one ID
// fails the fetch.
//
// The goroutine stops when ctx is done or [Verifier.Close] is called; call
// Close when done with the Verifier. Either way the Verifier then goes on
// with the keys it has and fetches no more, so ctx must outlive the
// Verifier: pass the server's context, not a request's.
//
// Security: jwksURL must use https, except on a loopback host such as
// 127.0.0.1 or localhost (see [WithPlainHTTP]): whoever can change the
// document can forge tokens. The default client applies the same rule to
// redirects (at most 5); a client given by [WithHTTPClient] keeps its own
// redirect policy. Trust the JWK Set's publisher as you would the signer.
func NewRemoteVerifier(ctx context.Context, jwksURL string, opts ...VerifierOption) (*Verifier, error) {
	cfg, err := verifierOptions(true, opts)
	if err != nil {
		return nil, err
	}
	u, err := checkJWKSURL(jwksURL, cfg.plainHTTP)
	if err != nil {
		return nil, err
	}

	client := cfg.client
	var transport *http.Transport
	if client == nil {
		// A transport of its own, whose idle connections Close can end
		// without touching anyone else's.
		transport = http.DefaultTransport.(*http.Transport).Clone()
		client = &http.Client{
			Transport: transport,
			// A redirect must meet the rules of the URL itself: no
			// downgrade from https to plain http.
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= maxRedirects {
					return fmt.Errorf("stopped after %d redirects", maxRedirects)
				}
				_, err := checkJWKSURL(req.URL.String(), cfg.plainHTTP)
				return err
			},
		}
	}
	r := &remoteKeys{
		url:       u.String(),
		display:   u.Redacted(),
		client:    client,
		timeout:   cfg.httpTimeout,
		maxBytes:  cfg.maxJWKSSize,
		interval:  cfg.refreshInterval,
		gap:       cfg.unknownRefresh,
		now:       cfg.now,
		logger:    cfg.logger,
		transport: transport,
	}
	r.ctx, r.cancel = context.WithCancel(ctx)

	// The first fetch runs here so that a wrong URL fails at start.
	set, err := r.fetch(ctx)
	if err != nil {
		r.close()
		return nil, err
	}

	v := newVerifier(cfg, []string{string(ES256), string(EdDSA), string(RS256)})
	v.keys.Store(set)
	v.remote = r
	r.install, r.load = v.keys.Store, v.keys.Load

	r.wg.Add(1)
	go r.loop()
	return v, nil
}

// checkJWKSURL parses raw and checks its scheme.
func checkJWKSURL(raw string, plainHTTP bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("token: JWK Set URL: %w", err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("token: JWK Set URL %q has no host", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !plainHTTP && !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("token: JWK Set URL %q is plain http on a host that is not loopback "+
				"(use https, or WithPlainHTTP on a trusted network)", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("token: JWK Set URL %q: scheme must be https", u.Redacted())
	}
	return u, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// remoteKeys fetches the JWK Set of a remote Verifier.
type remoteKeys struct {
	url      string
	display  string // url without its password, for messages
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	interval time.Duration
	gap      time.Duration
	now      func() time.Time
	logger   *slog.Logger

	// transport is the default client's own, nil for a client given by
	// WithHTTPClient.
	transport *http.Transport

	// install makes a fetched set the verifier's; load returns it.
	install func(*KeySet)
	load    func() *KeySet

	// ctx ends with Close or the constructor's context; it bounds every
	// fetch.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// etag is the ETag of the last document; only the fetch in flight
	// uses it.
	etag string

	mu          sync.Mutex
	closed      bool
	flight      *flight   // the fetch under way, if any
	lastUnknown time.Time // start of the last fetch for an unknown key
}

// flight is one fetch, which any number of callers wait for.
type flight struct {
	done chan struct{}
	set  *KeySet
	err  error
}

// loop fetches the set every interval until the context ends.
func (r *remoteKeys) loop() {
	defer r.wg.Done()

	timer := time.NewTimer(r.interval)
	defer timer.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-timer.C:
		}

		next := r.interval
		if _, err := r.refresh(r.ctx, false); err != nil {
			if r.ctx.Err() != nil {
				return
			}
			if r.logger != nil {
				r.logger.Error("token: JWK Set refresh failed", "url", r.display, "error", err)
			}
			next = min(r.interval, r.gap)
		}
		timer.Reset(next)
	}
}

// refreshUnknown fetches the set for a token naming an unknown key, unless
// such a fetch started less than the gap ago; a fetch already under way is
// joined either way.
func (r *remoteKeys) refreshUnknown(ctx context.Context) (*KeySet, error) {
	return r.refresh(ctx, true)
}

// refresh joins the fetch under way or starts one, and waits for it or for
// ctx. unknown marks a fetch caused by an unknown key, which is rate
// limited.
func (r *remoteKeys) refresh(ctx context.Context, unknown bool) (*KeySet, error) {
	r.mu.Lock()
	if r.closed || r.ctx.Err() != nil {
		r.mu.Unlock()
		return nil, errClosed
	}
	f := r.flight
	if f == nil {
		if unknown {
			now := r.now()
			if !r.lastUnknown.IsZero() && now.Sub(r.lastUnknown) < r.gap {
				r.mu.Unlock()
				return nil, errRateLimited
			}
			r.lastUnknown = now
		}
		f = &flight{done: make(chan struct{})}
		r.flight = f
		r.wg.Add(1)
		go r.run(f)
	}
	r.mu.Unlock()

	select {
	case <-f.done:
		return f.set, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrKeysUnavailable, ctx.Err())
	}
}

// run performs the fetch of f and installs its result.
func (r *remoteKeys) run(f *flight) {
	defer r.wg.Done()

	set, err := r.fetch(r.ctx)
	if err == nil {
		r.install(set)
	}

	r.mu.Lock()
	r.flight = nil
	r.mu.Unlock()

	f.set, f.err = set, err
	close(f.done)
}

// fetch gets and decodes the document once. On 304 Not Modified it
// returns the keys already installed.
func (r *remoteKeys) fetch(ctx context.Context) (*KeySet, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeysUnavailable, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	if r.etag != "" {
		req.Header.Set("If-None-Match", r.etag)
	}

	resp, err := r.client.Do(req)
	if err != nil {
		// The client's error names the URL; it may hold a password.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("%w: GET %s: %w", ErrKeysUnavailable, r.display, err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && r.etag != "":
		return r.load(), nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: GET %s: status %s", ErrKeysUnavailable, r.display, resp.Status)
	}

	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: GET %s: reading the body: %w", ErrKeysUnavailable, r.display, err)
	}
	if int64(len(body)) > r.maxBytes {
		return nil, fmt.Errorf("%w: GET %s: JWK Set is larger than %d bytes", ErrKeysUnavailable, r.display, r.maxBytes)
	}

	set, err := r.decode(body)
	if err != nil {
		return nil, fmt.Errorf("%w: GET %s: %w", ErrKeysUnavailable, r.display, err)
	}
	r.etag = resp.Header.Get("ETag")
	return set, nil
}

// decode turns a JWK Set document into verification-only keys.
func (r *remoteKeys) decode(body []byte) (*KeySet, error) {
	var doc jwkset.JWKSMarshal
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decoding the JWK Set: %w", err)
	}
	if len(doc.Keys) > MaxRemoteKeys {
		return nil, fmt.Errorf("JWK Set lists %d keys, more than %d", len(doc.Keys), MaxRemoteKeys)
	}

	var keys []Key
	for i, m := range doc.Keys {
		k, err := remoteKey(m)
		if err != nil {
			if r.logger != nil {
				r.logger.Debug("token: skipping a key of the JWK Set",
					"url", r.display, "index", i, "kid", m.KID, "reason", err.Error())
			}
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("JWK Set has no usable key among %d", len(doc.Keys))
	}
	set, err := newKeySet(keys)
	if err != nil {
		return nil, fmt.Errorf("JWK Set: %w", err)
	}
	return set, nil
}

// remoteKey turns one JWK into a verification-only Key, or says why it
// cannot be used.
func remoteKey(m jwkset.JWKMarshal) (Key, error) {
	switch {
	case m.KID == "":
		return Key{}, errors.New(`no "kid"`)
	case m.USE != "" && m.USE != jwkset.UseSig:
		return Key{}, fmt.Errorf(`"use" is %q, not "sig"`, m.USE)
	case m.KTY == jwkset.KtyOct:
		return Key{}, errors.New(`"oct" keys (shared secrets) are never taken from a JWK Set`)
	}

	// Without the Private option, jwkset ignores any private part and
	// refuses "oct" keys.
	jwk, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return Key{}, err
	}
	k, err := NewPublicKey(jwk.Key())
	if err != nil {
		return Key{}, err
	}
	if m.ALG != "" && string(m.ALG) != string(k.alg) {
		return Key{}, fmt.Errorf(`"alg" is %q, but the key is for %s`, m.ALG, k.alg)
	}
	return k.WithID(m.KID)
}

// close stops the loop, waits for every goroutine and closes the idle
// connections of its own transport.
func (r *remoteKeys) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()

	r.cancel()
	r.wg.Wait()
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}
