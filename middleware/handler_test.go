package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// issuerFunc adapts a function to token.Issuer.
type issuerFunc func(ctx context.Context, id token.Identity) (string, error)

func (f issuerFunc) Issue(ctx context.Context, id token.Identity) (string, error) { return f(ctx, id) }

// countingIssuer returns "tok-1", "tok-2", ... and remembers what it was
// asked for.
type countingIssuer struct {
	mu  sync.Mutex
	n   int
	ids []token.Identity
}

func (c *countingIssuer) Issue(ctx context.Context, id token.Identity) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.n++
	c.ids = append(c.ids, id)
	return fmt.Sprintf("h.p%d.s", c.n), nil
}

// retryError is an issuer error that suggests a delay.
type retryError struct{ d time.Duration }

func (e retryError) Error() string                   { return "busy" }
func (e retryError) Unwrap() error                   { return token.ErrUnavailable }
func (e retryError) RetryAfter() time.Duration       { return e.d }
func alice(*http.Request) (userresolver.User, error) { return aliceUser, nil }

var aliceUser = userresolver.User{
	ID:       "alice",
	GroupIDs: []string{"engineering"},
	Info:     map[string]any{"name": "Alice", "avatar": "https://example.com/a.png", "color": "#ff0000"},
}

// post builds a same-origin JSON POST to the endpoint.
func post(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://app.test/api/liveblocks-auth", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func serve(t *testing.T, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// wantError checks a failure response against the contract.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status: got %d, want %d (body %s)", w.Code, status, w.Body)
	}
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", got)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not a JSON object of strings: %v", w.Body, err)
	}
	wantKind := "forbidden"
	if status >= 500 {
		wantKind = "unavailable"
	}
	if body["error"] != wantKind || body["code"] != code || body["reason"] == "" || len(body) != 3 {
		t.Errorf("body: got %v, want error %q, code %q and a reason", body, wantKind, code)
	}
}

// errorReason returns the "reason" of a failure body.
func errorReason(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()

	var body struct{ Reason string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	return body.Reason
}

func TestHandlerErrorContract(t *testing.T) {
	t.Parallel()

	noUser := userresolver.Func(func(*http.Request) (userresolver.User, error) {
		return userresolver.User{}, fmt.Errorf("no cookie: %w", userresolver.ErrNoUser)
	})
	refused := userresolver.Func(func(*http.Request) (userresolver.User, error) {
		return userresolver.User{}, userresolver.ErrForbidden
	})
	dbDown := userresolver.Func(func(*http.Request) (userresolver.User, error) {
		return userresolver.User{}, errors.New("dial tcp 10.0.0.5:5432: password=hunter2 refused")
	})
	panics := userresolver.Func(func(*http.Request) (userresolver.User, error) {
		panic("resolver bug: password=hunter2")
	})
	userWith := func(u userresolver.User) userresolver.UserResolver {
		return userresolver.Func(func(*http.Request) (userresolver.User, error) { return u, nil })
	}
	failing := func(err error) token.Issuer {
		return issuerFunc(func(context.Context, token.Identity) (string, error) { return "", err })
	}
	bigInfo := map[string]any{"name": strings.Repeat("x", 1015)} // {"name":"…"} is 1026 chars

	tests := []struct {
		name        string
		req         func() *http.Request
		resolver    userresolver.UserResolver
		issuer      token.Issuer
		wantStatus  int
		wantCode    string
		wantReason  string
		wantHeaders map[string]string
	}{
		{
			name:        "GET is not allowed",
			req:         func() *http.Request { return httptest.NewRequest(http.MethodGet, "/auth", nil) },
			wantStatus:  http.StatusMethodNotAllowed,
			wantCode:    CodeMethodNotAllowed,
			wantReason:  reasonMethod,
			wantHeaders: map[string]string{"Allow": "POST"},
		},
		{
			name:        "PUT is not allowed",
			req:         func() *http.Request { return httptest.NewRequest(http.MethodPut, "/auth", strings.NewReader("{}")) },
			wantStatus:  http.StatusMethodNotAllowed,
			wantCode:    CodeMethodNotAllowed,
			wantReason:  reasonMethod,
			wantHeaders: map[string]string{"Allow": "POST"},
		},
		{
			name: "a preflight without allowed origins is not allowed",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodOptions, "/auth", nil)
				r.Header.Set("Origin", "https://evil.test")
				r.Header.Set("Access-Control-Request-Method", "POST")
				return r
			},
			wantStatus:  http.StatusMethodNotAllowed,
			wantCode:    CodeMethodNotAllowed,
			wantReason:  reasonMethod,
			wantHeaders: map[string]string{"Allow": "POST", "Access-Control-Allow-Origin": ""},
		},
		{
			name:       "a body that is not JSON is a bad request",
			req:        func() *http.Request { return post(`room=doc`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadJSON,
		},
		{
			name:       "truncated JSON is a bad request",
			req:        func() *http.Request { return post(`{"room": "doc"`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadJSON,
		},
		{
			name:       "a JSON array is a bad request",
			req:        func() *http.Request { return post(`["doc"]`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadJSON,
		},
		{
			name:       "a JSON string is a bad request",
			req:        func() *http.Request { return post(`"doc"`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadJSON,
		},
		{
			name:       "a numeric room is a bad request",
			req:        func() *http.Request { return post(`{"room": 5}`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadRoom,
		},
		{
			name:       "an empty room is a bad request",
			req:        func() *http.Request { return post(`{"room": ""}`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadRoom,
		},
		{
			name:       "a 129-character room is a bad request",
			req:        func() *http.Request { return post(`{"room": "` + strings.Repeat("r", 129) + `"}`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadRoom,
		},
		{
			name:       "65 emoji are a 130-character room as JavaScript counts",
			req:        func() *http.Request { return post(`{"room": "` + strings.Repeat("😀", 65) + `"}`) },
			wantStatus: http.StatusBadRequest,
			wantCode:   CodeBadRequest,
			wantReason: reasonBadRoom,
		},
		{
			name:       "a body over the limit is too large",
			req:        func() *http.Request { return post(`{"room": "` + strings.Repeat("r", 16<<10) + `"}`) },
			wantStatus: http.StatusRequestEntityTooLarge,
			wantCode:   CodeTooLarge,
			wantReason: reasonTooLarge,
		},
		{
			name: "a chunked body over the limit is too large",
			req: func() *http.Request {
				r := post(`{"room": "` + strings.Repeat("r", 16<<10) + `"}`)
				r.ContentLength = -1
				return r
			},
			wantStatus: http.StatusRequestEntityTooLarge,
			wantCode:   CodeTooLarge,
			wantReason: reasonTooLarge,
		},
		{
			name: "a text/plain body is an unsupported media type",
			req: func() *http.Request {
				r := post(`{"room": "doc"}`)
				r.Header.Set("Content-Type", "text/plain")
				return r
			},
			wantStatus: http.StatusUnsupportedMediaType,
			wantCode:   CodeUnsupportedMediaType,
			wantReason: reasonMediaType,
		},
		{
			name: "a body with no content type is an unsupported media type",
			req: func() *http.Request {
				r := post(`{"room": "doc"}`)
				r.Header.Del("Content-Type")
				return r
			},
			wantStatus: http.StatusUnsupportedMediaType,
			wantCode:   CodeUnsupportedMediaType,
			wantReason: reasonMediaType,
		},
		{
			name: "a cross-site request is refused",
			req: func() *http.Request {
				r := post(`{"room": "doc"}`)
				r.Header.Set("Sec-Fetch-Site", "cross-site")
				r.Header.Set("Origin", "https://evil.test")
				return r
			},
			wantStatus: http.StatusForbidden,
			wantCode:   CodeOriginNotAllowed,
			wantReason: reasonOrigin,
		},
		{
			name: "a request from another origin without fetch metadata is refused",
			req: func() *http.Request {
				r := post(`{"room": "doc"}`)
				r.Header.Set("Origin", "https://evil.test")
				return r
			},
			wantStatus: http.StatusForbidden,
			wantCode:   CodeOriginNotAllowed,
			wantReason: reasonOrigin,
		},
		{
			name:       "nobody logged in is unauthenticated",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   noUser,
			wantStatus: http.StatusUnauthorized,
			wantCode:   CodeUnauthenticated,
			wantReason: reasonNoUser,
		},
		{
			name:       "a refused user is forbidden",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   refused,
			wantStatus: http.StatusForbidden,
			wantCode:   CodeForbidden,
			wantReason: reasonForbidden,
		},
		{
			name:       "an empty user ID is an invalid identity",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   userWith(userresolver.User{}),
			wantStatus: http.StatusForbidden,
			wantCode:   CodeInvalidIdentity,
			wantReason: "The user's identity breaks a platform limit: user ID is empty.",
		},
		{
			name:       "a 129-character user ID is an invalid identity",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   userWith(userresolver.User{ID: strings.Repeat("u", 129)}),
			wantStatus: http.StatusForbidden,
			wantCode:   CodeInvalidIdentity,
			wantReason: "The user's identity breaks a platform limit: user ID is 129 characters long, more than 128.",
		},
		{
			name:       "user info over 1024 characters is an invalid identity",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   userWith(userresolver.User{ID: "alice", Info: bigInfo}),
			wantStatus: http.StatusForbidden,
			wantCode:   CodeInvalidIdentity,
			wantReason: "The user's identity breaks a platform limit: user info is 1026 characters as JSON, more than 1024.",
		},
		{
			name:       "an issuer's identity check is an invalid identity",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:     failing(fmt.Errorf("%w: too many groups", token.ErrInvalidIdentity)),
			wantStatus: http.StatusForbidden,
			wantCode:   CodeInvalidIdentity,
			wantReason: reasonIssuerIdentity,
		},
		{
			name:       "a failing resolver is an internal error",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   dbDown,
			wantStatus: http.StatusInternalServerError,
			wantCode:   CodeInternal,
			wantReason: reasonInternal,
		},
		{
			name:       "a panicking resolver is an internal error",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			resolver:   panics,
			wantStatus: http.StatusInternalServerError,
			wantCode:   CodeInternal,
			wantReason: reasonInternal,
		},
		{
			name:        "an unavailable upstream is retried later",
			req:         func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:      failing(fmt.Errorf("dial: %w", token.ErrUnavailable)),
			wantStatus:  http.StatusServiceUnavailable,
			wantCode:    CodeUpstreamUnavailable,
			wantReason:  reasonUnavailable,
			wantHeaders: map[string]string{"Retry-After": "2"},
		},
		{
			name:        "an upstream's own delay is passed on",
			req:         func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:      failing(retryError{d: 6500 * time.Millisecond}),
			wantStatus:  http.StatusServiceUnavailable,
			wantCode:    CodeUpstreamUnavailable,
			wantReason:  reasonUnavailable,
			wantHeaders: map[string]string{"Retry-After": "7"},
		},
		{
			name:        "an upstream timeout is unavailable",
			req:         func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:      failing(context.DeadlineExceeded),
			wantStatus:  http.StatusServiceUnavailable,
			wantCode:    CodeUpstreamUnavailable,
			wantReason:  reasonUnavailable,
			wantHeaders: map[string]string{"Retry-After": "2"},
		},
		{
			name:       "an upstream refusal is rejected",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:     failing(fmt.Errorf("422: %w", token.ErrRejected)),
			wantStatus: http.StatusForbidden,
			wantCode:   CodeUpstreamRejected,
			wantReason: reasonRejected,
		},
		{
			name:       "a malformed upstream token is a bad gateway",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:     failing(fmt.Errorf("kind acc: %w", token.ErrBadResponse)),
			wantStatus: http.StatusBadGateway,
			wantCode:   CodeUpstreamBadResponse,
			wantReason: reasonBadResponse,
		},
		{
			name:       "an unknown issuer error is an internal error",
			req:        func() *http.Request { return post(`{"room": "doc"}`) },
			issuer:     failing(errors.New("key file password=hunter2 unreadable")),
			wantStatus: http.StatusInternalServerError,
			wantCode:   CodeInternal,
			wantReason: reasonIssuerInternal,
		},
		{
			name: "a panicking issuer is an internal error",
			req:  func() *http.Request { return post(`{"room": "doc"}`) },
			issuer: issuerFunc(func(context.Context, token.Identity) (string, error) {
				panic("signer bug: password=hunter2")
			}),
			wantStatus: http.StatusInternalServerError,
			wantCode:   CodeInternal,
			wantReason: reasonIssuerInternal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resolver := tt.resolver
			if resolver == nil {
				resolver = userresolver.Func(alice)
			}
			issuer := tt.issuer
			if issuer == nil {
				issuer = &countingIssuer{}
			}
			w := serve(t, Handler(resolver, WithIssuer(issuer)), tt.req())

			wantError(t, w, tt.wantStatus, tt.wantCode)
			if got := errorReason(t, w); got != tt.wantReason {
				t.Errorf("reason: got %q, want %q", got, tt.wantReason)
			}
			for name, want := range tt.wantHeaders {
				if got := w.Header().Get(name); got != want {
					t.Errorf("header %s: got %q, want %q", name, got, want)
				}
			}
			if tt.wantStatus != http.StatusServiceUnavailable && w.Header().Get("Retry-After") != "" {
				t.Errorf("Retry-After on a %d: got %q, want none", tt.wantStatus, w.Header().Get("Retry-After"))
			}
			if strings.Contains(w.Body.String(), "hunter2") {
				t.Errorf("body leaks internal error text: %s", w.Body)
			}
			if c := w.Header().Values("Set-Cookie"); len(c) != 0 {
				t.Errorf("Set-Cookie: got %q, want none", c)
			}
		})
	}
}

func TestHandlerIssuesToken(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		req      func() *http.Request
		wantRoom string
		wantBody string
	}{
		{
			name:     "a room request",
			req:      func() *http.Request { return post(`{"room": "doc-1"}`) },
			wantRoom: "doc-1",
			wantBody: `{"room": "doc-1"}`,
		},
		{
			name:     "a room-less empty object",
			req:      func() *http.Request { return post(`{}`) },
			wantBody: `{}`,
		},
		{
			name: "an empty body without a content type",
			req: func() *http.Request {
				r := post("")
				r.Header.Del("Content-Type")
				return r
			},
			wantBody: `{}`,
		},
		{
			name:     "a null room",
			req:      func() *http.Request { return post(`{"room": null}`) },
			wantBody: `{"room": null}`,
		},
		{
			name:     "a 128-character room",
			req:      func() *http.Request { return post(`{"room":"` + strings.Repeat("r", 128) + `"}`) },
			wantRoom: strings.Repeat("r", 128),
			wantBody: `{"room":"` + strings.Repeat("r", 128) + `"}`,
		},
		{
			name:     "a non-ASCII room counted as JavaScript counts",
			req:      func() *http.Request { return post(`{"room":"` + strings.Repeat("é", 128) + `"}`) },
			wantRoom: strings.Repeat("é", 128),
			wantBody: `{"room":"` + strings.Repeat("é", 128) + `"}`,
		},
		{
			name: "extra fields and a charset",
			req: func() *http.Request {
				r := post(`{"room":"doc","groupIds":["admin"],"tenant":"t1"}`)
				r.Header.Set("Content-Type", "application/json; charset=utf-8")
				return r
			},
			wantRoom: "doc",
			wantBody: `{"room":"doc","groupIds":["admin"],"tenant":"t1"}`,
		},
		{
			name: "same-origin fetch metadata",
			req: func() *http.Request {
				r := post(`{"room":"doc"}`)
				r.Header.Set("Sec-Fetch-Site", "same-origin")
				r.Header.Set("Origin", "http://app.test")
				return r
			},
			wantRoom: "doc",
			wantBody: `{"room":"doc"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var seen AuthRequest
			resolver := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
				req, ok := RequestFromContext(r.Context())
				if !ok {
					t.Error("RequestFromContext: got false, want true")
				}
				seen = req
				return aliceUser, nil
			})
			issuer := &countingIssuer{}
			w := serve(t, Handler(resolver, WithIssuer(issuer)), tt.req())

			if w.Code != http.StatusOK {
				t.Fatalf("status: got %d, want 200 (body %s)", w.Code, w.Body)
			}
			if got, want := w.Body.String(), `{"token":"h.p1.s"}`; got != want {
				t.Errorf("body: got %s, want %s", got, want)
			}
			wantHeaders := map[string]string{
				"Content-Type":   "application/json",
				"Cache-Control":  "no-store",
				"Content-Length": "18",
			}
			for name, want := range wantHeaders {
				if got := w.Header().Get(name); got != want {
					t.Errorf("header %s: got %q, want %q", name, got, want)
				}
			}
			if seen.Room != tt.wantRoom || string(seen.Body) != tt.wantBody {
				t.Errorf("request in context: got %q %s, want %q %s", seen.Room, seen.Body, tt.wantRoom, tt.wantBody)
			}
			wantID := token.Identity{UserID: aliceUser.ID, GroupIDs: aliceUser.GroupIDs, UserInfo: aliceUser.Info}
			if len(issuer.ids) != 1 || !reflect.DeepEqual(issuer.ids[0], wantID) {
				t.Errorf("issuer asked for %+v, want [%+v]", issuer.ids, wantID)
			}
		})
	}
}

func TestHandlerNeverReusesTokens(t *testing.T) {
	t.Parallel()

	issuer := &countingIssuer{}
	h := Handler(userresolver.Func(alice), WithIssuer(issuer))

	const calls = 64
	var wg sync.WaitGroup
	tokens := make(chan string, calls)
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, post(`{"room":"doc"}`))
			var body struct{ Token string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusOK {
				t.Errorf("got %d %s, want 200 with a token", w.Code, w.Body)
			}
			tokens <- body.Token
		}()
	}
	wg.Wait()
	close(tokens)

	seen := map[string]bool{}
	for tok := range tokens {
		if seen[tok] {
			t.Errorf("token %q returned twice", tok)
		}
		seen[tok] = true
	}
	if len(seen) != calls || issuer.n != calls {
		t.Errorf("got %d distinct tokens from %d issues, want %d of each", len(seen), issuer.n, calls)
	}
}

func TestHandlerAllowedOrigins(t *testing.T) {
	t.Parallel()

	const allowed = "https://app.example.com"
	h := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithAllowedOrigins(allowed))

	t.Run("preflight from an allowed origin", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodOptions, "http://api.example.com/auth", nil)
		r.Header.Set("Origin", allowed)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "content-type,x-workspace")
		resolverCalled := false
		h := Handler(userresolver.Func(func(*http.Request) (userresolver.User, error) {
			resolverCalled = true
			return aliceUser, nil
		}), WithIssuer(&countingIssuer{}), WithAllowedOrigins(allowed))
		w := serve(t, h, r)

		if w.Code != http.StatusNoContent {
			t.Fatalf("status: got %d, want 204", w.Code)
		}
		want := map[string]string{
			"Access-Control-Allow-Origin":      allowed,
			"Access-Control-Allow-Credentials": "true",
			"Access-Control-Allow-Methods":     "POST",
			"Access-Control-Allow-Headers":     "content-type,x-workspace",
			"Access-Control-Max-Age":           "600",
			"Vary":                             "Origin",
		}
		for name, v := range want {
			if got := w.Header().Get(name); got != v {
				t.Errorf("header %s: got %q, want %q", name, got, v)
			}
		}
		if resolverCalled || w.Body.Len() != 0 {
			t.Errorf("preflight called the resolver (%v) or wrote a body (%q)", resolverCalled, w.Body)
		}
	})

	t.Run("cross-site POST from an allowed origin", func(t *testing.T) {
		r := post(`{"room":"doc"}`)
		r.Header.Set("Origin", allowed)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := serve(t, h, r)

		if w.Code != http.StatusOK || w.Body.String() != `{"token":"h.p1.s"}` {
			t.Fatalf("got %d %s, want 200 with a token", w.Code, w.Body)
		}
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != allowed {
			t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, allowed)
		}
		if got := w.Header().Get("Access-Control-Allow-Credentials"); got != "true" {
			t.Errorf("Access-Control-Allow-Credentials: got %q, want true", got)
		}
	})

	t.Run("cross-site POST from another origin", func(t *testing.T) {
		r := post(`{"room":"doc"}`)
		r.Header.Set("Origin", "https://evil.example.com")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := serve(t, h, r)

		wantError(t, w, http.StatusForbidden, CodeOriginNotAllowed)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Access-Control-Allow-Origin: got %q, want none", got)
		}
	})

	t.Run("preflight from another origin", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodOptions, "http://api.example.com/auth", nil)
		r.Header.Set("Origin", "https://evil.example.com")
		r.Header.Set("Access-Control-Request-Method", "POST")
		w := serve(t, h, r)

		wantError(t, w, http.StatusMethodNotAllowed, CodeMethodNotAllowed)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Access-Control-Allow-Origin: got %q, want none", got)
		}
	})
}

func TestHandlerGroupsComeFromTheResolverOnly(t *testing.T) {
	t.Parallel()

	issuer := &countingIssuer{}
	h := Handler(userresolver.Func(alice), WithIssuer(issuer))
	w := serve(t, h, post(`{"room":"doc","groupIds":["admin"],"gids":["admin"],"userId":"mallory"}`))

	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200", w.Code)
	}
	got := issuer.ids[0]
	if got.UserID != "alice" || !reflect.DeepEqual(got.GroupIDs, []string{"engineering"}) {
		t.Errorf("identity: got %+v, want alice in engineering only", got)
	}
}

func TestHandlerLogs(t *testing.T) {
	t.Parallel()

	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))

	ok := Handler(userresolver.Func(alice), WithIssuer(issuerFunc(func(context.Context, token.Identity) (string, error) {
		return "secret.token.value", nil
	})), WithLogger(logger))
	serve(t, ok, post(`{"room":"doc"}`))

	broken := Handler(userresolver.Func(func(*http.Request) (userresolver.User, error) {
		return userresolver.User{}, errors.New("database is down")
	}), WithIssuer(&countingIssuer{}), WithLogger(logger))
	serve(t, broken, post(`{"room":"doc"}`))

	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), out)
	}
	if !strings.Contains(lines[0], "level=DEBUG") || !strings.Contains(lines[0], "user=alice") || !strings.Contains(lines[0], "room=doc") {
		t.Errorf("success line: got %s, want a debug line naming user and room", lines[0])
	}
	if !strings.Contains(lines[1], "level=ERROR") || !strings.Contains(lines[1], "code=internal") || !strings.Contains(lines[1], "database is down") {
		t.Errorf("fault line: got %s, want an error line with the code and the cause", lines[1])
	}
	for _, secret := range []string{"secret.token.value", "Alice", "example.com/a.png"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	return l.w.Write(p)
}

func TestHandlerErrorHook(t *testing.T) {
	t.Parallel()

	var got *Error
	h := Handler(userresolver.Func(alice),
		WithIssuer(issuerFunc(func(context.Context, token.Identity) (string, error) {
			return "", fmt.Errorf("refused: %w", token.ErrRejected)
		})),
		WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			if !errors.As(err, &got) {
				t.Errorf("error hook got %T, want *Error", err)
			}
			if !errors.Is(err, token.ErrRejected) {
				t.Errorf("errors.Is(%v, token.ErrRejected) = false, want true", err)
			}
			w.WriteHeader(http.StatusTeapot)
		}))
	w := serve(t, h, post(`{}`))

	if w.Code != http.StatusTeapot {
		t.Errorf("status: got %d, want the hook's 418", w.Code)
	}
	if got == nil || got.Status != http.StatusForbidden || got.Code != CodeUpstreamRejected || got.Kind() != "forbidden" {
		t.Errorf("hook error: got %+v, want 403 upstream_rejected", got)
	}
	if want := "middleware: upstream_rejected: " + reasonRejected + ": refused: " + token.ErrRejected.Error(); got.Error() != want {
		t.Errorf("Error(): got %q, want %q", got.Error(), want)
	}
}

func TestWriteErrorOfAPlainError(t *testing.T) {
	t.Parallel()

	w := httptest.NewRecorder()
	WriteError(w, httptest.NewRequest(http.MethodPost, "/", nil), errors.New("password=hunter2"))

	if got, want := w.Body.String(), `{"error":"unavailable","code":"internal","reason":"`+reasonInternal+`"}`; got != want {
		t.Errorf("body: got %s, want %s", got, want)
	}
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status: got %d, want 500", w.Code)
	}
}

func TestHandlerExactErrorBodies(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		resolver userresolver.Func
		wantBody string
	}{
		{
			name: "unauthenticated",
			resolver: func(*http.Request) (userresolver.User, error) {
				return userresolver.User{}, userresolver.ErrNoUser
			},
			wantBody: `{"error":"forbidden","code":"unauthenticated","reason":"Nobody is logged in: the session is missing, expired or invalid."}`,
		},
		{
			name: "invalid identity names the limit",
			resolver: func(*http.Request) (userresolver.User, error) {
				return userresolver.User{ID: strings.Repeat("u", 129)}, nil
			},
			wantBody: `{"error":"forbidden","code":"invalid_identity","reason":"The user's identity breaks a platform limit: user ID is 129 characters long, more than 128."}`,
		},
		{
			name: "internal",
			resolver: func(*http.Request) (userresolver.User, error) {
				return userresolver.User{}, errors.New("boom")
			},
			wantBody: `{"error":"unavailable","code":"internal","reason":"The server failed to identify the user; see the server logs."}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			w := serve(t, Handler(tt.resolver, WithIssuer(&countingIssuer{})), post(`{"room":"doc"}`))
			if got := w.Body.String(); got != tt.wantBody {
				t.Errorf("body: got %s, want %s", got, tt.wantBody)
			}
		})
	}
}

func TestHandlerPanicsOnMisconfiguration(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		make func()
		want string
	}{
		{
			name: "no resolver",
			make: func() { Handler(nil, WithIssuer(&countingIssuer{})) },
			want: "middleware: Handler needs a resolver",
		},
		{
			name: "no issuer",
			make: func() { Handler(userresolver.Func(alice)) },
			want: "middleware: Handler needs an issuer (WithIssuer)",
		},
		{
			name: "an origin with a path",
			make: func() {
				Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithAllowedOrigins("https://app.test/path"))
			},
			want: `middleware: allowed origin "https://app.test/path"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			defer func() {
				got := fmt.Sprint(recover())
				if !strings.HasPrefix(got, tt.want) {
					t.Errorf("panic: got %q, want it to start with %q", got, tt.want)
				}
			}()
			tt.make()
		})
	}
}

func TestHandlerBodyLimitOption(t *testing.T) {
	t.Parallel()

	small := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithMaxBodyBytes(16))
	wantError(t, serve(t, small, post(`{"room":"doc-12345"}`)), http.StatusRequestEntityTooLarge, CodeTooLarge)
	if w := serve(t, small, post(`{"room":"doc"}`)); w.Code != http.StatusOK {
		t.Errorf("a 14-byte body under a 16-byte limit: got %d, want 200", w.Code)
	}

	reset := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithMaxBodyBytes(0))
	if w := serve(t, reset, post(`{"room":"`+strings.Repeat("r", 100)+`"}`)); w.Code != http.StatusOK {
		t.Errorf("limit 0 restores the default: got %d, want 200", w.Code)
	}
}
