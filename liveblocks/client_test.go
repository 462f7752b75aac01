package liveblocks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

func TestNewSecret(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		secret   string
		wantText string // empty: New succeeds
	}{
		{name: "dev server key", secret: "sk_localdev"},
		{name: "cloud-shaped key", secret: "sk_prod_AbC-123_xyz"},
		{
			name:     "empty",
			secret:   "",
			wantText: "liveblocks: invalid configuration: secret key is empty (set LIVEBLOCKS_SECRET_KEY?)",
		},
		{
			name:   "public key",
			secret: "pk_prod_ABCdef123",
			wantText: `liveblocks: invalid configuration: secret key is a public key (it starts with "pk_"); ` +
				`use the project's secret key, which starts with "sk_"`,
		},
		{
			name:     "wrong prefix",
			secret:   "xk_prod_ABCdef123",
			wantText: `liveblocks: invalid configuration: secret key does not start with "sk_"`,
		},
		{
			name:   "trailing newline",
			secret: "sk_prod_ABCdef123\n",
			wantText: "liveblocks: invalid configuration: secret key contains characters other than " +
				"letters, digits, '_' and '-' (a space or newline?)",
		},
		{
			name:   "space inside",
			secret: "sk_prod ABCdef123",
			wantText: "liveblocks: invalid configuration: secret key contains characters other than " +
				"letters, digits, '_' and '-' (a space or newline?)",
		},
		{
			name:   "non-ASCII letter",
			secret: "sk_prodé",
			wantText: "liveblocks: invalid configuration: secret key contains characters other than " +
				"letters, digits, '_' and '-' (a space or newline?)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.secret)
			if tt.wantText == "" {
				if err != nil || c == nil {
					t.Fatalf("New: got %v, %v; want a client", c, err)
				}
				return
			}
			if c != nil {
				t.Errorf("client: got %v, want nil", c)
			}
			checkIs(t, err, []error{ErrInvalidConfig}, without([]error{ErrInvalidConfig}))
			if err.Error() != tt.wantText {
				t.Errorf("Error():\n got %q\nwant %q", err.Error(), tt.wantText)
			}
			if len(tt.secret) > 4 && strings.Contains(err.Error(), strings.TrimSpace(tt.secret)) {
				t.Errorf("Error() repeats the secret: %q", err.Error())
			}
		})
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		opts        []Option
		wantBaseURL string
		wantTimeout time.Duration
		wantText    string // empty: New succeeds
	}{
		{
			name:        "defaults",
			wantBaseURL: "https://api.liveblocks.io",
			wantTimeout: 10 * time.Second,
		},
		{
			name:        "dev server with a trailing slash",
			opts:        []Option{WithBaseURL("http://127.0.0.1:1153/")},
			wantBaseURL: "http://127.0.0.1:1153",
			wantTimeout: DefaultTimeout,
		},
		{
			name:        "an empty base URL keeps the cloud",
			opts:        []Option{WithBaseURL("")},
			wantBaseURL: DefaultBaseURL,
			wantTimeout: DefaultTimeout,
		},
		{
			name:        "path prefix",
			opts:        []Option{WithBaseURL("https://proxy.example.com/liveblocks//")},
			wantBaseURL: "https://proxy.example.com/liveblocks",
			wantTimeout: DefaultTimeout,
		},
		{
			name:        "timeout",
			opts:        []Option{WithTimeout(time.Second)},
			wantBaseURL: DefaultBaseURL,
			wantTimeout: time.Second,
		},
		{
			name:     "host and port without scheme",
			opts:     []Option{WithBaseURL("localhost:1153")},
			wantText: "liveblocks: invalid configuration: base URL must start with http:// or https://",
		},
		{
			name:     "IP and port without scheme",
			opts:     []Option{WithBaseURL("127.0.0.1:1153")},
			wantText: `liveblocks: invalid configuration: base URL does not parse: first path segment in URL cannot contain colon`,
		},
		{
			name:     "other scheme",
			opts:     []Option{WithBaseURL("ftp://example.com")},
			wantText: "liveblocks: invalid configuration: base URL must start with http:// or https://",
		},
		{
			name:     "relative",
			opts:     []Option{WithBaseURL("/v2")},
			wantText: "liveblocks: invalid configuration: base URL must start with http:// or https://",
		},
		{
			name:     "no host",
			opts:     []Option{WithBaseURL("http:///v2")},
			wantText: "liveblocks: invalid configuration: base URL has no host",
		},
		{
			name:     "query",
			opts:     []Option{WithBaseURL("https://api.liveblocks.io/?x=1")},
			wantText: "liveblocks: invalid configuration: base URL must not have a query or fragment",
		},
		{
			name:     "fragment",
			opts:     []Option{WithBaseURL("https://api.liveblocks.io/#x")},
			wantText: "liveblocks: invalid configuration: base URL must not have a query or fragment",
		},
		{
			name:     "zero timeout",
			opts:     []Option{WithTimeout(0)},
			wantText: "liveblocks: invalid configuration: timeout must be positive, got 0s",
		},
		{
			name:     "negative timeout",
			opts:     []Option{WithTimeout(-time.Second)},
			wantText: "liveblocks: invalid configuration: timeout must be positive, got -1s",
		},
		{
			name:     "nil HTTP client",
			opts:     []Option{WithHTTPClient(nil)},
			wantText: "liveblocks: invalid configuration: HTTP client is nil",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(testSecret, tt.opts...)
			if tt.wantText != "" {
				checkIs(t, err, []error{ErrInvalidConfig}, without([]error{ErrInvalidConfig}))
				if err.Error() != tt.wantText {
					t.Errorf("Error():\n got %q\nwant %q", err.Error(), tt.wantText)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.baseURL != tt.wantBaseURL {
				t.Errorf("base URL: got %q, want %q", c.baseURL, tt.wantBaseURL)
			}
			if c.timeout != tt.wantTimeout {
				t.Errorf("timeout: got %v, want %v", c.timeout, tt.wantTimeout)
			}
		})
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	t.Parallel()

	c, err := New(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.http.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport: got %T, want *http.Transport", c.http.Transport)
	}
	if tr == http.DefaultTransport {
		t.Error("transport is http.DefaultTransport, want a clone")
	}
	if tr == other.http.Transport {
		t.Error("two clients share a transport, want one each")
	}
	if tr.MaxIdleConnsPerHost != 32 {
		t.Errorf("MaxIdleConnsPerHost: got %d, want 32", tr.MaxIdleConnsPerHost)
	}
	if tr.DisableKeepAlives {
		t.Error("keep-alives are disabled")
	}
	if c.http.Timeout != 0 {
		t.Errorf("http.Client.Timeout: got %v, want 0 (the per-call context bounds calls)", c.http.Timeout)
	}
}

// countingTransport counts the requests it forwards.
type countingTransport struct {
	n atomic.Int32
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithHTTPClient(t *testing.T) {
	t.Parallel()

	ct := &countingTransport{}
	c, f := newFake(t, reply(http.StatusOK, tokenBody(t, devServerToken)),
		WithHTTPClient(&http.Client{Transport: ct}))

	if _, err := c.Issue(context.Background(), token.Identity{UserID: "alice"}); err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if got := ct.n.Load(); got != 1 {
		t.Errorf("requests through the given client: got %d, want 1", got)
	}
	checkHeader(t, f.only(t).Header, "User-Agent", userAgent)
}

func TestBaseURLPathPrefix(t *testing.T) {
	t.Parallel()

	_, f := newFake(t, reply(http.StatusOK, roomJSON))
	c, err := New(testSecret, WithBaseURL(f.srv.URL+"/proxy/liveblocks/"))
	if err != nil {
		t.Fatal(err)
	}

	if _, err := c.GetRoom(context.Background(), "a/b"); err != nil {
		t.Fatalf("GetRoom: %v", err)
	}
	if got, want := f.only(t).RequestURI, "/proxy/liveblocks/v2/rooms/a%2Fb"; got != want {
		t.Errorf("request URI: got %q, want %q", got, want)
	}
}

func TestClientPrinting(t *testing.T) {
	t.Parallel()

	c, err := New(testSecret, WithBaseURL("http://user:hunter2@127.0.0.1:1153/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(verb, c)
		checkNoSecret(t, verb, got)
		if strings.Contains(got, "hunter2") {
			t.Errorf("%s shows the base URL's password: %q", verb, got)
		}
	}
	if got, want := c.String(), "liveblocks.Client(http://user:xxxxx@127.0.0.1:1153)"; got != want {
		t.Errorf("String(): got %q, want %q", got, want)
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()

	c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := strings.Repeat(" ", 1<<20)
		for range maxBodyLen>>20 + 1 {
			fmt.Fprint(w, chunk)
		}
	})

	_, err := c.GetRoom(context.Background(), "r1")
	checkIs(t, err, []error{token.ErrBadResponse}, without([]error{token.ErrBadResponse}))
	want := fmt.Sprintf("liveblocks: GET /v2/rooms/r1: status 200: body is larger than %d bytes", maxBodyLen)
	if err.Error() != want {
		t.Errorf("Error(): got %q, want %q", err.Error(), want)
	}
}

func TestTokenBodyTooLarge(t *testing.T) {
	t.Parallel()

	// A valid token answer padded to 100 KiB: small for a room call, far
	// too large for a token.
	tests := []struct {
		name     string
		raw      string
		call     func(c *Client, t *testing.T) (string, error)
		wantText string
	}{
		{
			name: "identify-user",
			raw:  devServerToken,
			call: func(c *Client, t *testing.T) (string, error) {
				return c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
			},
			wantText: "liveblocks: POST /v2/identify-user: status 200: body is larger than 65536 bytes",
		},
		{
			name: "authorize-user",
			raw:  accToken("alice"),
			call: func(c *Client, t *testing.T) (string, error) {
				id := token.Identity{
					UserID:      "alice",
					Permissions: grants(t, "r1", []permission.Scope{permission.Write}),
				}
				return c.AuthorizeUser(context.Background(), id)
			},
			wantText: "liveblocks: POST /v2/authorize-user: status 200: body is larger than 65536 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := tokenBody(t, tt.raw)
			body += strings.Repeat(" ", 100<<10-len(body))
			c, _ := newFake(t, reply(http.StatusOK, body))

			got, err := tt.call(c, t)
			if got != "" {
				t.Errorf("token: got %q, want none", got)
			}
			checkIs(t, err, []error{token.ErrBadResponse}, without([]error{token.ErrBadResponse}))
			e := asError(t, err)
			if e.Status != http.StatusOK {
				t.Errorf("Status: got %d, want 200", e.Status)
			}
			if want := "body is larger than 65536 bytes"; e.Message != want {
				t.Errorf("Message: got %q, want %q", e.Message, want)
			}
			if err.Error() != tt.wantText {
				t.Errorf("Error(): got %q, want %q", err.Error(), tt.wantText)
			}
		})
	}
}

func TestTokenBodyAtLimit(t *testing.T) {
	t.Parallel()

	body := tokenBody(t, devServerToken)
	body += strings.Repeat(" ", maxTokenBodyLen-len(body))
	c, _ := newFake(t, reply(http.StatusOK, body))

	got, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
	if err != nil || got != devServerToken {
		t.Errorf("IdentifyUser: got %q, %v; want the token", got, err)
	}
}

func TestRoomBodyAboveTokenLimit(t *testing.T) {
	t.Parallel()

	// Room calls keep the larger limit.
	c, _ := newFake(t, reply(http.StatusOK, roomJSON+strings.Repeat(" ", 100<<10)))

	room, err := c.GetRoom(context.Background(), "r1")
	if err != nil {
		t.Fatalf("GetRoom: %v", err)
	}
	if room.ID != "r1" {
		t.Errorf("room ID: got %q, want %q", room.ID, "r1")
	}
}

func TestLargeErrorBodyIsCut(t *testing.T) {
	t.Parallel()

	c, _ := newFake(t, reply(http.StatusInternalServerError, strings.Repeat("e", 2*maxErrorBodyLen)))

	_, err := c.GetRoom(context.Background(), "r1")
	e := asError(t, err)
	if len(e.Message) != maxErrorText {
		t.Errorf("Message: got %d bytes, want %d", len(e.Message), maxErrorText)
	}
	if !errors.Is(err, token.ErrUnavailable) {
		t.Errorf("errors.Is(%v, token.ErrUnavailable) = false, want true", err)
	}
}
