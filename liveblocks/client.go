package liveblocks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults used by [New] when no option overrides them.
const (
	// DefaultBaseURL is the Liveblocks cloud API.
	DefaultBaseURL = "https://api.liveblocks.io"

	// DefaultTimeout bounds each call, on top of the caller's context.
	DefaultTimeout = 10 * time.Second
)

// Limits on what is read from Liveblocks.
const (
	// maxBodyLen bounds a successful answer to a room call. A full page
	// of rooms with the largest metadata allowed stays well below it.
	maxBodyLen = 16 << 20

	// maxTokenBodyLen bounds a successful answer to a token call
	// (identify-user, authorize-user): {"token": "..."} with a token of a
	// few hundred bytes, a few KiB with a large userInfo.
	maxTokenBodyLen = 64 << 10

	// maxErrorBodyLen bounds an error answer; only a short text is kept.
	maxErrorBodyLen = 64 << 10
)

// userAgent identifies the library to Liveblocks.
const userAgent = "liveauth-go (+https://github.com/liveauth/liveauth)"

// secretPattern is the shape @liveblocks/node accepts for a secret key.
var secretPattern = regexp.MustCompile(`^[\w-]+$`)

// Client calls the Liveblocks REST API with one project's secret key.
//
// A Client is immutable once built and safe for concurrent use by many
// goroutines; build one at start-up and share it. It implements
// [token.Issuer] through [Client.Issue].
//
// Printing a Client with the fmt package shows its base URL only, never the
// secret key.
type Client struct {
	secret  string
	auth    string // "Bearer " + secret
	baseURL string // no trailing slash
	shown   string // base URL with any password masked, for String
	http    *http.Client
	timeout time.Duration

	// now is the clock used to check token expiry and Retry-After dates:
	// time.Now, replaced by tests.
	now func() time.Time
}

// Option configures a [Client] built by [New].
type Option func(*config)

// config collects options before New checks them.
type config struct {
	baseURL    string
	httpClient *http.Client
	httpSet    bool
	timeout    time.Duration
}

// WithBaseURL sets the API's address, for example the dev server's
// "http://127.0.0.1:1153" (what `npx liveblocks dev` exports as
// LIVEBLOCKS_BASE_URL). It must be an absolute http or https URL without
// query or fragment; a trailing slash is ignored, and a path is kept as a
// prefix for every call. The default is [DefaultBaseURL], and an empty u
// keeps it, so that WithBaseURL(os.Getenv("LIVEBLOCKS_BASE_URL")) means
// "the dev server when it is running me, the cloud otherwise".
func WithBaseURL(u string) Option {
	return func(c *config) {
		if u != "" {
			c.baseURL = u
		}
	}
}

// WithHTTPClient makes the Client send its requests through hc, which is
// used as is (transport, redirect policy, client timeout). It must not be
// nil.
//
// The default is a client of its own with a keep-alive transport cloned
// from [http.DefaultTransport] (so proxies from the environment apply),
// which keeps up to 32 idle connections to Liveblocks and does not follow
// redirects: a redirect becomes an [*Error], usually a sign of a wrong base
// URL.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) {
		c.httpClient = hc
		c.httpSet = true
	}
}

// WithTimeout bounds each call to d, applied on top of the context the
// caller passes, which is always honoured as well. It must be positive. The
// default is [DefaultTimeout].
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// New returns a Client that authenticates with secret, a project's secret
// key ("sk_..."; "sk_localdev" for the dev server).
//
// New checks the key's shape the way @liveblocks/node does (non-empty,
// starting with "sk_", only letters, digits, '_' and '-') and each option.
// Its errors wrap [ErrInvalidConfig], say what is wrong and never repeat
// the key. New makes no request.
func New(secret string, opts ...Option) (*Client, error) {
	if err := checkSecret(secret); err != nil {
		return nil, err
	}

	cfg := config{baseURL: DefaultBaseURL, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&cfg)
	}

	base, shown, err := parseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("%w: timeout must be positive, got %s", ErrInvalidConfig, cfg.timeout)
	}
	hc := cfg.httpClient
	if cfg.httpSet && hc == nil {
		return nil, fmt.Errorf("%w: HTTP client is nil", ErrInvalidConfig)
	}
	if hc == nil {
		hc = defaultHTTPClient()
	}

	return &Client{
		secret:  secret,
		auth:    "Bearer " + secret,
		baseURL: base,
		shown:   shown,
		http:    hc,
		timeout: cfg.timeout,
		now:     time.Now,
	}, nil
}

// checkSecret validates a secret key without ever quoting it.
func checkSecret(secret string) error {
	switch {
	case secret == "":
		return fmt.Errorf("%w: secret key is empty (set LIVEBLOCKS_SECRET_KEY?)", ErrInvalidConfig)
	case strings.HasPrefix(secret, "pk_"):
		return fmt.Errorf("%w: secret key is a public key (it starts with \"pk_\"); "+
			"use the project's secret key, which starts with \"sk_\"", ErrInvalidConfig)
	case !strings.HasPrefix(secret, "sk_"):
		return fmt.Errorf("%w: secret key does not start with \"sk_\"", ErrInvalidConfig)
	case !secretPattern.MatchString(secret):
		return fmt.Errorf("%w: secret key contains characters other than "+
			"letters, digits, '_' and '-' (a space or newline?)", ErrInvalidConfig)
	}
	return nil
}

// parseBaseURL validates a base URL and returns it without trailing
// slashes, plus a form safe to print.
func parseBaseURL(raw string) (base, shown string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the text without the URL, which may hold a password
		}
		return "", "", fmt.Errorf("%w: base URL does not parse: %v", ErrInvalidConfig, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("%w: base URL must start with http:// or https://", ErrInvalidConfig)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("%w: base URL has no host", ErrInvalidConfig)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", "", fmt.Errorf("%w: base URL must not have a query or fragment", ErrInvalidConfig)
	}
	return strings.TrimRight(u.String(), "/"), strings.TrimRight(u.Redacted(), "/"), nil
}

// defaultHTTPClient returns a keep-alive client with a transport of its
// own, so that tuning it does not affect the rest of the program.
func defaultHTTPClient() *http.Client {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		// Someone replaced http.DefaultTransport; start from its usual
		// settings instead.
		dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	tr.MaxIdleConnsPerHost = 32

	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// String describes the Client by its base URL; the secret key is left out.
func (c *Client) String() string {
	return "liveblocks.Client(" + c.shown + ")"
}

// GoString is like String, so that %#v does not print the secret key.
func (c *Client) GoString() string {
	return c.String()
}

// do sends one request and decodes a 2xx JSON answer into out (unless out
// is nil); a 2xx answer may be up to maxBodyLen bytes. path is already
// escaped; rawQuery is appended as is. Failures that involve Liveblocks are
// returned as *Error.
func (c *Client) do(ctx context.Context, method, path, rawQuery string, in, out any) error {
	_, err := c.doStatus(ctx, method, path, rawQuery, in, out, maxBodyLen)
	return err
}

// doStatus is do with the limit on a 2xx answer given as maxLen, also
// returning the status of a 2xx answer. A longer 2xx answer is an *Error
// matching token.ErrBadResponse.
func (c *Client) doStatus(
	ctx context.Context, method, path, rawQuery string, in, out any, maxLen int64,
) (int, error) {
	var body io.Reader
	if in != nil {
		payload, err := marshal(in)
		if err != nil {
			return 0, fmt.Errorf("liveblocks: %s %s: encoding the request: %w", method, path, err)
		}
		body = bytes.NewReader(payload)
	}

	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	target := c.baseURL + path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	req, err := http.NewRequestWithContext(callCtx, method, target, body)
	if err != nil {
		return 0, fmt.Errorf("liveblocks: %s %s: building the request: %w", method, path, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return 0, c.transportError(ctx, callCtx, method, path, err)
	}
	defer resp.Body.Close()

	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBodyLen)
	if ok {
		limit = maxLen
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, c.transportError(ctx, callCtx, method, path, err)
	}
	if !ok {
		if int64(len(data)) > limit {
			data = data[:limit]
		}
		return 0, c.responseError(method, path, resp, data)
	}
	if int64(len(data)) > limit {
		return 0, badResponse(method, path, resp.StatusCode, nil, "body is larger than %d bytes", limit)
	}

	if out == nil {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return 0, badResponse(method, path, resp.StatusCode, err, "body is not the expected JSON")
	}
	return resp.StatusCode, nil
}

// transportError builds the error for a call that got no answer. The cause
// keeps the context's error in its chain, so errors.Is can tell a timeout
// from a cancellation.
func (c *Client) transportError(
	parent, callCtx context.Context, method, path string, err error,
) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL from the text; the path says enough
	}
	e := &Error{Method: method, Path: path, Err: err}

	ctxErr := callCtx.Err()
	if ctxErr == nil {
		return e
	}
	if !errors.Is(err, ctxErr) {
		e.Err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	if parent.Err() == nil && errors.Is(ctxErr, context.DeadlineExceeded) {
		e.Message = "no answer within " + c.timeout.String()
	}
	return e
}

// marshal encodes v as JSON the way JSON.stringify would: no HTML escaping
// and no trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
