package liveblocks

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// testSecret is distinctive so that a leak into any text is easy to find.
const testSecret = "sk_test_S3CRET-do-not-leak_42"

// noneHeader is the header of the dev server's unsigned tokens,
// {"alg":"none","typ":"JWT"}.
const noneHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"

// devServerToken was issued by the Liveblocks dev server 1.9.0 for
// {"userId":"alice","groupIds":["g1"],"userInfo":{"name":"A"}}.
const devServerToken = noneHeader + "." +
	"eyJrIjoiaWQiLCJwaWQiOiJsb2NhbGRldiIsInVpZCI6ImFsaWNlIiwidWkiOnsibmFtZSI6IkEifSwiZ2lkcyI6WyJnMSJdLCJpYXQiOjE3OTYzMjIyNDgsImV4cCI6MTc5NjMyNTg0OCwianRpIjoienJ3Wmo1cnVvcFFMIn0" +
	"."

// testNow is the clock of every Client made by newFake: a minute into the
// hour for which devServerToken and the other test tokens are valid.
var testNow = time.Unix(1_796_322_300, 0)

// recorded is one request as the fake server saw it.
type recorded struct {
	Method     string
	RequestURI string // the request line's target, escaping untouched
	Path       string
	RawQuery   string
	Header     http.Header
	Body       []byte
}

// fake is an httptest server on 127.0.0.1 that records requests and
// answers through a handler.
type fake struct {
	srv *httptest.Server

	mu   sync.Mutex
	reqs []recorded
}

// newFake starts a fake server answering with h and returns it with a
// Client pointed at it, whose clock is stopped at testNow. Extra options
// come after WithBaseURL.
func newFake(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *fake) {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method:     r.Method,
			RequestURI: r.RequestURI,
			Path:       r.URL.Path,
			RawQuery:   r.URL.RawQuery,
			Header:     r.Header.Clone(),
			Body:       body,
		})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)

	c, err := New(testSecret, append([]Option{WithBaseURL(f.srv.URL)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.now = func() time.Time { return testNow }
	return c, f
}

// requests returns what the fake has seen so far.
func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// only returns the single request the fake has seen.
func (f *fake) only(t *testing.T) recorded {
	t.Helper()
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

// reply returns a handler answering with a fixed status, headers and body.
// A JSON content type is set unless headers say otherwise.
func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// tokenBody wraps a raw token as the identify-user answer.
func tokenBody(t *testing.T, raw string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"token": raw})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signedToken builds an HS256 token with real jwt/v5, as the cloud would
// sign one (with a key we do not have to know).
func signedToken(t *testing.T, kind token.Kind, uid string) string {
	t.Helper()
	now := testNow
	claims := token.Claims{
		Kind:      kind,
		ProjectID: "proj_123",
		UserID:    uid,
		GroupIDs:  []string{"eng"},
		UserInfo:  map[string]any{"name": "Alice"},
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
			ID:        "jti-1",
		},
	}
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("upstream key"))
	if err != nil {
		t.Fatalf("signing: %v", err)
	}
	return raw
}

// unsignedToken builds a dev-server-shaped token: alg none, the payload
// given as JSON, an empty signature part.
func unsignedToken(payload string) string {
	return noneHeader + "." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + "."
}

// withHeader builds a token with a custom header and payload, both JSON.
func withHeader(header, payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + ".c2ln"
}

// closedAddr returns a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// asError returns err as *Error or fails the test.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %T (%v), want *Error", err, err)
	}
	return e
}

// checkIs checks err against every sentinel it must and must not match.
func checkIs(t *testing.T, err error, want, notWant []error) {
	t.Helper()
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Errorf("errors.Is(%v, %v) = false, want true", err, w)
		}
	}
	for _, w := range notWant {
		if errors.Is(err, w) {
			t.Errorf("errors.Is(%v, %v) = true, want false", err, w)
		}
	}
}

// checkNoSecret fails if s contains the secret key or a long part of it.
func checkNoSecret(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, testSecret) || strings.Contains(s, testSecret[3:]) {
		t.Errorf("%s contains the secret key: %q", what, s)
	}
}
