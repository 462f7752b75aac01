package middleware

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// quiet is a logger for tests whose log lines do not matter.
var quiet = slog.New(slog.DiscardHandler)

// badJSON is a profile value whose encoding fails with a message that must
// never reach a client.
type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return nil, errors.New("db password=hunter2") }

// panicJSON is a profile value whose encoding panics.
type panicJSON struct{}

func (panicJSON) MarshalJSON() ([]byte, error) { panic("nil map in MarshalJSON") }

func TestHandlerRefusesMalformedInput(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		body       string
		wantReason string
	}{
		{name: "a null body", body: `null`, wantReason: reasonBadJSON},
		{name: "a no-break space before the object", body: "\u00a0{\"room\":\"doc\"}", wantReason: reasonBadJSON},
		{name: "form feeds around the object", body: "\f{\"room\":\"doc\"}\v", wantReason: reasonBadJSON},
		{name: "a body of form feeds only", body: "\f\f", wantReason: reasonBadJSON},
		{name: "invalid UTF-8 in the room", body: "{\"room\":\"\xff\xfe\"}", wantReason: reasonBadJSON},
		{name: "trailing garbage", body: `{"room":"doc"}x`, wantReason: reasonBadJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			issuer := &countingIssuer{}
			w := serve(t, Handler(userresolver.Func(alice), WithIssuer(issuer), WithLogger(quiet)), post(tt.body))
			wantError(t, w, http.StatusBadRequest, CodeBadRequest)
			if got := errorReason(t, w); got != tt.wantReason {
				t.Errorf("reason: got %q, want %q", got, tt.wantReason)
			}
			if issuer.n != 0 {
				t.Errorf("issuer called %d times, want 0", issuer.n)
			}
		})
	}
}

func TestHandlerAcceptsJSONWhitespaceAndNoBody(t *testing.T) {
	t.Parallel()

	h := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithLogger(quiet))
	if w := serve(t, h, post(" \t\r\n{\"room\":\"doc\"}\n")); w.Code != http.StatusOK {
		t.Errorf("JSON white space around the object: got %d %s, want 200", w.Code, w.Body)
	}
	r := post("")
	r.Body = nil // a request built by hand, not by net/http
	if w := serve(t, h, r); w.Code != http.StatusOK {
		t.Errorf("a nil body: got %d %s, want 200", w.Code, w.Body)
	}
}

func TestHandlerProfilesThatCannotBeEncoded(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		info map[string]any
	}{
		{name: "a channel", info: map[string]any{"name": "Alice", "ch": make(chan int)}},
		{name: "a NaN", info: map[string]any{"name": "Alice", "score": nan()}},
		{name: "a MarshalJSON error", info: map[string]any{"name": "Alice", "x": badJSON{}}},
		{name: "a MarshalJSON panic", info: map[string]any{"name": "Alice", "x": panicJSON{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resolver := userresolver.Func(func(*http.Request) (userresolver.User, error) {
				return userresolver.User{ID: "alice", Info: tt.info}, nil
			})
			w := serve(t, Handler(resolver, WithIssuer(&countingIssuer{}), WithLogger(quiet)), post(`{"room":"doc"}`))
			wantError(t, w, http.StatusInternalServerError, CodeInternal)
			if got := errorReason(t, w); got != reasonBadInfo {
				t.Errorf("reason: got %q, want %q", got, reasonBadInfo)
			}
			if strings.Contains(w.Body.String(), "hunter2") || strings.Contains(w.Body.String(), "chan") {
				t.Errorf("body leaks internal text: %s", w.Body)
			}
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestHandlerRefusesMalformedTokens(t *testing.T) {
	t.Parallel()

	for _, tok := range []string{"", "a.b", "a.b.c.d", ".b.c", "a..c", "a\"b.c.d", "a.b.c\n", "<script>.b.c"} {
		t.Run(fmt.Sprintf("%q", tok), func(t *testing.T) {
			t.Parallel()

			issuer := issuerFunc(func(context.Context, token.Identity) (string, error) { return tok, nil })
			w := serve(t, Handler(userresolver.Func(alice), WithIssuer(issuer), WithLogger(quiet)), post(`{}`))
			wantError(t, w, http.StatusBadGateway, CodeUpstreamBadResponse)
		})
	}
}

func TestHandlerClientGoneAway(t *testing.T) {
	t.Parallel()

	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: new(sync.Mutex)}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	issuer := issuerFunc(func(ctx context.Context, _ token.Identity) (string, error) { return "", ctx.Err() })
	h := Handler(userresolver.Func(alice), WithIssuer(issuer), WithLogger(logger))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := serve(t, h, post(`{}`).WithContext(ctx))

	wantError(t, w, http.StatusServiceUnavailable, CodeUpstreamUnavailable)
	if got := buf.String(); !strings.Contains(got, "level=DEBUG") || strings.Contains(got, "level=ERROR") {
		t.Errorf("log: got %q, want a debug line only (the client went away)", got)
	}
}

func TestHandlerReraisesAbort(t *testing.T) {
	t.Parallel()

	resolver := userresolver.Func(func(*http.Request) (userresolver.User, error) { panic(http.ErrAbortHandler) })
	h := Handler(resolver, WithIssuer(&countingIssuer{}), WithLogger(quiet))
	defer func() {
		if got := recover(); got != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-raised", got)
		}
	}()
	serve(t, h, post(`{}`))
	t.Error("ServeHTTP returned, want the abort panic")
}

func TestHandlerPreflightNeedsARequestMethod(t *testing.T) {
	t.Parallel()

	h := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithAllowedOrigins("https://app.example.com"), WithLogger(quiet))
	r := httptest.NewRequest(http.MethodOptions, "/auth", nil)
	r.Header.Set("Origin", "https://app.example.com")
	wantError(t, serve(t, h, r), http.StatusMethodNotAllowed, CodeMethodNotAllowed)
}

func TestHandlerCanonicalisesAllowedOrigins(t *testing.T) {
	t.Parallel()

	h := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithLogger(quiet),
		WithAllowedOrigins("HTTPS://App.Example.COM:443/", "http://[::1]:8080"))
	for _, origin := range []string{"https://app.example.com", "http://[::1]:8080"} {
		r := post(`{}`)
		r.Header.Set("Origin", origin)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := serve(t, h, r)
		if w.Code != http.StatusOK || w.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("origin %s: got %d with Access-Control-Allow-Origin %q, want 200 and the origin", origin, w.Code, w.Header().Get("Access-Control-Allow-Origin"))
		}
	}

	for _, bad := range []string{"https://*.example.com", "ftp://example.com", "https://u:p@example.com", "https://example.com?x=1", "example.com"} {
		t.Run(bad, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); !strings.HasPrefix(got, fmt.Sprintf("middleware: allowed origin %q", bad)) {
					t.Errorf("panic: got %q, want one naming %q", got, bad)
				}
			}()
			Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithAllowedOrigins(bad))
		})
	}
}

func TestWriteErrorUnwraps(t *testing.T) {
	t.Parallel()

	w := httptest.NewRecorder()
	wrapped := fmt.Errorf("hook saw: %w", &Error{Status: http.StatusUnauthorized, Code: CodeUnauthenticated, Reason: reasonNoUser})
	WriteError(w, httptest.NewRequest(http.MethodPost, "/", nil), wrapped)
	if want := `{"error":"forbidden","code":"unauthenticated","reason":"` + reasonNoUser + `"}`; w.Code != 401 || w.Body.String() != want {
		t.Errorf("wrapped error: got %d %s, want 401 %s", w.Code, w.Body, want)
	}

	w = httptest.NewRecorder()
	WriteError(w, httptest.NewRequest(http.MethodPost, "/", nil), &Error{})
	if w.Code != http.StatusInternalServerError {
		t.Errorf("an Error with no status: got %d, want 500", w.Code)
	}
}

func TestHandlerRefusesStarRoomsForAccessTokens(t *testing.T) {
	t.Parallel()

	policy := func(_ *http.Request, _ userresolver.User, room string) (permission.Grants, error) {
		var g permission.Grants
		return g, g.Allow(room, permission.Write) // as a careless policy might
	}
	issuer := &countingIssuer{}
	h := Handler(userresolver.Func(alice), WithIssuer(issuer), WithAccessTokens(policy), WithLogger(quiet))
	w := serve(t, h, post(`{"room":"acme:*"}`))
	wantError(t, w, http.StatusBadRequest, CodeBadRequest)
	if got := errorReason(t, w); got != reasonStarRoom || issuer.n != 0 {
		t.Errorf("got reason %q after %d issues, want %q and none", got, issuer.n, reasonStarRoom)
	}
}

// TestHandlerBoundsSlowBodies sends headers promising a body and then one
// byte of it, over a real loopback connection: the handler must give up
// after its read timeout instead of holding the connection.
func TestHandlerBoundsSlowBodies(t *testing.T) {
	t.Parallel()

	h := Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithReadTimeout(200*time.Millisecond), WithLogger(quiet))
	srv := httptest.NewServer(h)
	defer srv.Close()

	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", srv.Listener.Addr())

	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status: got %d, want 400", resp.StatusCode)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("answered after %v, want about the 200ms read timeout", waited)
	}
}
