package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// newTestApp builds the app from cfg, logging to the test's output, and
// returns it with what it printed on start.
func newTestApp(t *testing.T, cfg config) (*app, string) {
	t.Helper()
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var stdout bytes.Buffer
	a, err := newApp(t.Context(), cfg, &stdout)
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	return a, stdout.String()
}

// serve runs h on a loopback test server and returns the server with a
// client that keeps cookies and does not follow redirects.
func serve(t *testing.T, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, newClient(t)
}

// newClient returns a client with a cookie jar that does not follow
// redirects, so that tests see the 303 of /login and /logout.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// response is an answer read in full.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends req with c and reads the whole answer.
func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// get sends GET url.
func get(t *testing.T, c *http.Client, url string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

// postForm sends POST url with a form body.
func postForm(t *testing.T, c *http.Client, url string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// postJSON sends POST url with a JSON body, as the Liveblocks client does.
func postJSON(t *testing.T, c *http.Client, url, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, c, req)
}

// login logs user in through POST /login and checks the redirect.
func login(t *testing.T, c *http.Client, base, user string) response {
	t.Helper()
	resp := postForm(t, c, base+"/login", url.Values{"user": {user}})
	if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/" {
		t.Fatalf("POST /login user=%s: got %d to %q, want 303 to /",
			user, resp.status, resp.header.Get("Location"))
	}
	return resp
}

// tokenFrom returns the token of a 200 answer of the endpoint.
func tokenFrom(t *testing.T, resp response) string {
	t.Helper()
	if resp.status != http.StatusOK {
		t.Fatalf("status: got %d, want 200; body %s", resp.status, resp.body)
	}
	if got := resp.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(resp.body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.body, err)
	}
	raw, ok := body["token"].(string)
	if !ok || len(body) != 1 {
		t.Fatalf("body: got %s, want exactly {\"token\": \"...\"}", resp.body)
	}
	return raw
}

// checkError checks that resp is the endpoint's JSON error with status and
// code.
func checkError(t *testing.T, resp response, status int, code string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status: got %d, want %d; body %s", resp.status, status, resp.body)
	}
	if got := resp.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	if loc := resp.header.Get("Location"); loc != "" {
		t.Errorf("Location: got %q, want no redirect", loc)
	}
	var body struct{ Error, Code, Reason string }
	if err := json.Unmarshal([]byte(resp.body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.body, err)
	}
	wantError := "forbidden"
	if status >= 500 {
		wantError = "unavailable"
	}
	if body.Error != wantError || body.Code != code || body.Reason == "" {
		t.Errorf("body: got %s, want error %q, code %q and a reason", resp.body, wantError, code)
	}
}

// payloadOf decodes the payload of a JWT without checking anything.
func payloadOf(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload: %v", err)
	}
	var payload map[string]any
	if err := json.Unmarshal(data, &payload); err != nil {
		t.Fatalf("payload %s: %v", data, err)
	}
	return payload
}

// wantClaims returns the claims a token for u must hold, other than iat, exp
// and jti, as JSON decodes them.
func wantClaims(u demoUser, projectID string) map[string]any {
	want := map[string]any{
		"k":   "id",
		"pid": projectID,
		"uid": u.ID,
		"ui": map[string]any{
			"name":   u.Name,
			"avatar": "/avatars/" + u.ID + ".svg",
			"color":  u.Color,
		},
	}
	if len(u.Groups) > 0 {
		gids := make([]any, len(u.Groups))
		for i, g := range u.Groups {
			gids[i] = g
		}
		want["gids"] = gids
	}
	return want
}

// checkSignedToken verifies raw with the signer's public key and checks
// that its claims are exactly those of an ID token for u.
func checkSignedToken(t *testing.T, signer *token.Signer, raw string, u demoUser) {
	t.Helper()
	var claims token.Claims
	parsed, err := jwt.ParseWithClaims(raw, &claims,
		func(*jwt.Token) (any, error) { return signer.Public(), nil },
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	if err != nil {
		t.Fatalf("verifying the token: %v", err)
	}
	if got := parsed.Header["kid"]; got != signer.KeyID() {
		t.Errorf("kid: got %v, want %q", got, signer.KeyID())
	}

	payload := payloadOf(t, raw)
	iat, _ := payload["iat"].(float64)
	exp, _ := payload["exp"].(float64)
	if exp-iat != signer.Lifetime().Seconds() {
		t.Errorf("exp - iat: got %v, want %v", exp-iat, signer.Lifetime().Seconds())
	}
	if jti, _ := payload["jti"].(string); jti == "" {
		t.Errorf("jti: got %v, want a random string", payload["jti"])
	}
	for _, k := range []string{"iat", "exp", "jti"} {
		delete(payload, k)
	}
	if want := wantClaims(u, signer.ProjectID()); !reflect.DeepEqual(payload, want) {
		t.Errorf("claims:\ngot  %v\nwant %v", payload, want)
	}
}

// TestParseConfig checks the flags and environment variables.
func TestParseConfig(t *testing.T) {
	t.Parallel()
	longKey := strings.Repeat("k", 32)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr error
	}{
		{
			name: "no flags and no environment",
			want: config{addr: "localhost:8080"},
		},
		{
			name: "an address",
			args: []string{"-addr", "127.0.0.1:0"},
			want: config{addr: "127.0.0.1:0"},
		},
		{
			name: "the dev server's variables",
			env: map[string]string{
				"LIVEBLOCKS_SECRET_KEY": "sk_localdev",
				"LIVEBLOCKS_BASE_URL":   "http://127.0.0.1:1153",
			},
			want: config{
				addr:              "localhost:8080",
				liveblocksSecret:  "sk_localdev",
				liveblocksBaseURL: "http://127.0.0.1:1153",
			},
		},
		{
			name: "a session key",
			env:  map[string]string{"SESSION_KEY": longKey},
			want: config{addr: "localhost:8080", sessionKey: []byte(longKey)},
		},
		{
			name:    "a session key too short",
			env:     map[string]string{"SESSION_KEY": "short"},
			wantErr: errors.New("SESSION_KEY is 5 bytes long, want at least 32 (try: openssl rand -hex 32)"),
		},
		{
			name:    "an unknown flag",
			args:    []string{"-port", "80"},
			wantErr: errUsage,
		},
		{
			name:    "an extra argument",
			args:    []string{"serve"},
			wantErr: errUsage,
		},
		{
			name:    "asking for help",
			args:    []string{"-h"},
			wantErr: flag.ErrHelp,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tt.env[k] }
			got, err := parseConfig(tt.args, getenv, io.Discard)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("got %+v, want error %v", got, tt.wantErr)
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) && err.Error() != tt.wantErr.Error() {
					t.Errorf("got error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestListenURL checks the address printed in the listening line.
func TestListenURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr   string
		actual net.Addr
		want   string
	}{
		{"localhost:8080", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://localhost:8080"},
		{"127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}, "http://127.0.0.1:41234"},
		{":0", &net.TCPAddr{IP: net.IPv6unspecified, Port: 41234}, "http://localhost:41234"},
		{"0.0.0.0:9000", &net.TCPAddr{IP: net.IPv4zero, Port: 9000}, "http://localhost:9000"},
		{"[::1]:0", &net.TCPAddr{IP: net.IPv6loopback, Port: 5000}, "http://[::1]:5000"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			if got := listenURL(tt.addr, tt.actual); got != tt.want {
				t.Errorf("listenURL(%q, %v) = %q, want %q", tt.addr, tt.actual, got, tt.want)
			}
		})
	}
}

// TestStartupLines checks the lines newApp prints about the session key
// and the issuer in local mode.
func TestStartupLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  config
		want []string
	}{
		{
			name: "no environment",
			cfg:  config{},
			want: []string{
				"sessions: cookies signed with a random key made at start; " +
					"set SESSION_KEY to keep logins across restarts",
				"issuer: no LIVEBLOCKS_SECRET_KEY set, so tokens are signed locally with ES256, key ID ",
				"rooms: the public keys are at /.well-known/jwks.json; the live demo rooms " +
					"(demo-room, design-review) are served here, behind the room guard, at /rooms/stream",
			},
		},
		{
			name: "a session key",
			cfg:  config{sessionKey: bytes.Repeat([]byte("k"), 32)},
			want: []string{
				"sessions: cookies signed with the key from SESSION_KEY",
				"issuer: no LIVEBLOCKS_SECRET_KEY set",
			},
		},
		{
			name: "a base URL without a secret key",
			cfg:  config{liveblocksBaseURL: "http://127.0.0.1:1153"},
			want: []string{
				"issuer: no LIVEBLOCKS_SECRET_KEY set",
				"issuer: LIVEBLOCKS_BASE_URL is ignored without LIVEBLOCKS_SECRET_KEY",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, out := newTestApp(t, tt.cfg)
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("start-up output:\n%s\nwant a line with %q", out, want)
				}
			}
			if a.signer == nil {
				t.Fatal("got no local signer, want one")
			}
			if want := "key ID " + a.signer.KeyID(); !strings.Contains(out, want) {
				t.Errorf("start-up output:\n%s\nwant %q", out, want)
			}
		})
	}
}

// TestLocalEndToEnd walks through the page in local mode: log in, get a
// token, verify it, log out.
func TestLocalEndToEnd(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})
	srv, c := serve(t, a)
	alice, _ := findUser("alice")

	t.Run("the page lists every demo user", func(t *testing.T) {
		resp := get(t, c, srv.URL+"/")
		if resp.status != http.StatusOK {
			t.Fatalf("GET /: got %d, want 200", resp.status)
		}
		if got := resp.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("Content-Type: got %q, want text/html; charset=utf-8", got)
		}
		for _, u := range demoUsers {
			if !strings.Contains(resp.body, u.Name) {
				t.Errorf("page does not name %s", u.Name)
			}
		}
		for _, want := range []string{
			"Nobody is logged in", `value="demo-room"`, `value="design-review"`, "room-less",
		} {
			if !strings.Contains(resp.body, want) {
				t.Errorf("page does not contain %q", want)
			}
		}
	})

	t.Run("no token before logging in", func(t *testing.T) {
		resp := postJSON(t, c, srv.URL+authEndpoint, `{"room":"demo-room"}`)
		checkError(t, resp, http.StatusUnauthorized, "unauthenticated")
	})

	t.Run("logging in as alice sets the session cookie", func(t *testing.T) {
		resp := login(t, c, srv.URL, "alice")
		cookies := (&http.Response{Header: resp.header}).Cookies()
		if len(cookies) != 1 {
			t.Fatalf("got %d cookies, want 1", len(cookies))
		}
		ck := cookies[0]
		if ck.Name != "session" || ck.Value == "" || ck.Path != "/" || !ck.HttpOnly ||
			ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != sessionMaxAge {
			t.Errorf("cookie: got %s, want session=...; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax",
				ck, sessionMaxAge)
		}
	})

	t.Run("the page shows alice", func(t *testing.T) {
		resp := get(t, c, srv.URL+"/")
		for _, want := range []string{
			"Log out", "(alice)", "groups: engineering", `src="/avatars/alice.svg"`, "data-verdict=",
		} {
			if !strings.Contains(resp.body, want) {
				t.Errorf("page does not contain %q", want)
			}
		}
	})

	t.Run("alice gets a signed ID token for demo-room", func(t *testing.T) {
		resp := postJSON(t, c, srv.URL+authEndpoint, `{"room":"demo-room"}`)
		if got := resp.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
		checkSignedToken(t, a.signer, tokenFrom(t, resp), alice)
	})

	t.Run("every call gives a new token", func(t *testing.T) {
		first := tokenFrom(t, postJSON(t, c, srv.URL+authEndpoint, `{"room":"demo-room"}`))
		second := tokenFrom(t, postJSON(t, c, srv.URL+authEndpoint, `{}`))
		if first == second {
			t.Error("got the same token twice, want a new one on every call")
		}
	})

	t.Run("logging out clears the session", func(t *testing.T) {
		resp := postForm(t, c, srv.URL+"/logout", nil)
		if resp.status != http.StatusSeeOther || resp.header.Get("Location") != "/" {
			t.Fatalf("POST /logout: got %d to %q, want 303 to /", resp.status, resp.header.Get("Location"))
		}
		cookies := (&http.Response{Header: resp.header}).Cookies()
		if len(cookies) != 1 || cookies[0].Name != "session" || cookies[0].MaxAge >= 0 {
			t.Errorf("cookies: got %v, want session deleted (Max-Age=0)", cookies)
		}
		checkError(t, postJSON(t, c, srv.URL+authEndpoint, `{"room":"demo-room"}`),
			http.StatusUnauthorized, "unauthenticated")
		if page := get(t, c, srv.URL+"/"); !strings.Contains(page.body, "Nobody is logged in") {
			t.Error("page still shows a logged-in user")
		}
	})
}

// TestTokenClaimsPerUser checks the claims of every demo user's token,
// whatever room is asked for.
func TestTokenClaimsPerUser(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})
	srv, _ := serve(t, a)

	tests := []struct {
		user string
		body string
	}{
		{"alice", `{"room":"demo-room"}`},
		{"bob", `{"room":"design-review"}`},
		{"carol", `{"room":"design-review"}`}, // an ID token is issued; the room refuses her later
		{"carol", `{}`},
		{"bob", ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			c := newClient(t)
			login(t, c, srv.URL, tt.user)
			u, _ := findUser(tt.user)
			resp := postJSON(t, c, srv.URL+authEndpoint, tt.body)
			checkSignedToken(t, a.signer, tokenFrom(t, resp), u)
		})
	}
}

// TestAuthEndpointRefusals checks that the endpoint answers failures with
// its JSON error contract, never a redirect or a cookie.
func TestAuthEndpointRefusals(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})

	// sessionCookie returns a session cookie naming userID, signed with
	// the app's key.
	sessionCookie := func(t *testing.T, userID string) *http.Cookie {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		rec := httptest.NewRecorder()
		s, err := a.store.New(req, sessionName)
		if err != nil {
			t.Fatal(err)
		}
		s.Values[userresolver.DefaultUserIDKey] = userID
		if err := s.Save(req, rec); err != nil {
			t.Fatal(err)
		}
		return rec.Result().Cookies()[0]
	}

	tests := []struct {
		name    string
		method  string
		body    string
		ctype   string
		headers map[string]string
		cookie  *http.Cookie
		status  int
		code    string
	}{
		{
			name:   "no session cookie",
			body:   `{"room":"demo-room"}`,
			status: http.StatusUnauthorized,
			code:   "unauthenticated",
		},
		{
			name:   "a session for a user not in the table",
			body:   `{"room":"demo-room"}`,
			cookie: sessionCookie(t, "mallory"),
			status: http.StatusUnauthorized,
			code:   "unauthenticated",
		},
		{
			name:   "a cookie signed with another key",
			body:   `{"room":"demo-room"}`,
			cookie: &http.Cookie{Name: sessionName, Value: "MTcwMDAwMDAwMHxkR1Z6ZEE9PXzY2Jk"},
			status: http.StatusUnauthorized,
			code:   "unauthenticated",
		},
		{
			name:   "GET",
			method: http.MethodGet,
			cookie: sessionCookie(t, "alice"),
			status: http.StatusMethodNotAllowed,
			code:   "method_not_allowed",
		},
		{
			name:   "a body that is not JSON",
			body:   `room=demo-room`,
			cookie: sessionCookie(t, "alice"),
			status: http.StatusBadRequest,
			code:   "bad_request",
		},
		{
			name:   "a form instead of JSON",
			body:   `room=demo-room`,
			ctype:  "application/x-www-form-urlencoded",
			cookie: sessionCookie(t, "alice"),
			status: http.StatusUnsupportedMediaType,
			code:   "unsupported_media_type",
		},
		{
			name:    "a request from another site",
			body:    `{"room":"demo-room"}`,
			headers: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
			cookie:  sessionCookie(t, "alice"),
			status:  http.StatusForbidden,
			code:    "origin_not_allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := cmpOr(tt.method, http.MethodPost)
			req := httptest.NewRequest(method, authEndpoint, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", cmpOr(tt.ctype, "application/json"))
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			if tt.cookie != nil {
				req.AddCookie(tt.cookie)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			resp := response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
			checkError(t, resp, tt.status, tt.code)
			if got := rec.Header().Values("Set-Cookie"); len(got) > 0 {
				t.Errorf("Set-Cookie: got %q, want none from the endpoint", got)
			}
		})
	}
}

// cmpOr returns s, or def when s is empty.
func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestLoginRefusals checks that /login refuses unknown users and forms
// posted from other sites.
func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})

	tests := []struct {
		name    string
		method  string
		form    string
		headers map[string]string
		status  int
	}{
		{name: "an unknown user", form: "user=mallory", status: http.StatusBadRequest},
		{name: "no user", form: "", status: http.StatusBadRequest},
		{
			name:    "a form posted from another site",
			form:    "user=alice",
			headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			status:  http.StatusForbidden,
		},
		{name: "GET", method: http.MethodGet, status: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(cmpOr(tt.method, http.MethodPost), "/login", strings.NewReader(tt.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Values("Set-Cookie"); len(got) > 0 {
				t.Errorf("Set-Cookie: got %q, want none", got)
			}
		})
	}
}

// TestSessionKey checks that SESSION_KEY keeps logins valid across
// restarts, and that random keys do not.
func TestSessionKey(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte("0123456789abcdef"), 2)
	tests := []struct {
		name       string
		key        []byte
		wantStatus int
	}{
		{name: "the same SESSION_KEY keeps the login across restarts", key: key, wantStatus: http.StatusOK},
		{name: "random keys lose it", key: nil, wantStatus: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, _ := newTestApp(t, config{sessionKey: tt.key})
			second, _ := newTestApp(t, config{sessionKey: tt.key})
			srv1, c := serve(t, first)
			srv2 := httptest.NewServer(second)
			t.Cleanup(srv2.Close)

			login(t, c, srv1.URL, "bob")
			u1, _ := url.Parse(srv1.URL)
			u2, _ := url.Parse(srv2.URL)
			c.Jar.SetCookies(u2, c.Jar.Cookies(u1))

			resp := postJSON(t, c, srv2.URL+authEndpoint, `{}`)
			if resp.status != tt.wantStatus {
				t.Errorf("status at the second app: got %d, want %d; body %s",
					resp.status, tt.wantStatus, resp.body)
			}
		})
	}
}

// TestAssets checks the avatars and the static files.
func TestAssets(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})

	tests := []struct {
		path      string
		status    int
		ctype     string
		bodyStart string
	}{
		{"/avatars/alice.svg", http.StatusOK, "image/svg+xml", "<svg"},
		{"/avatars/bob.svg", http.StatusOK, "image/svg+xml", "<svg"},
		{"/avatars/carol.svg", http.StatusOK, "image/svg+xml", "<svg"},
		{"/avatars/mallory.svg", http.StatusNotFound, "", ""},
		{"/avatars/alice.png", http.StatusNotFound, "", ""},
		{"/static/style.css", http.StatusOK, "text/css; charset=utf-8", "/*"},
		{"/static/app.js", http.StatusOK, "text/javascript; charset=utf-8", "//"},
		{"/static/room.js", http.StatusOK, "text/javascript; charset=utf-8", "//"},
		{"/static/missing.js", http.StatusNotFound, "", ""},
		{"/nothing-here", http.StatusNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status: got %d, want %d", rec.Code, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type: got %q, want %q", got, tt.ctype)
			}
			if got := rec.Body.String(); !strings.HasPrefix(got, tt.bodyStart) {
				t.Errorf("body starts with %.20q, want %q", got, tt.bodyStart)
			}
		})
	}
}

// TestPageHeaders checks the page's security headers and that it loads
// nothing from elsewhere.
func TestPageHeaders(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	want := map[string]string{
		"Cache-Control":           "no-store",
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Content-Type-Options":  "nosniff",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	// Nothing the page loads may come from elsewhere.
	for _, bad := range []string{"http://", "https://", "<script>", " style="} {
		body := strings.ReplaceAll(rec.Body.String(), `xmlns="http://www.w3.org/2000/svg"`, "")
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

// TestEffectiveAccess checks what each demo user may do in each demo room,
// and which layer decides it.
func TestEffectiveAccess(t *testing.T) {
	t.Parallel()
	rooms := demoRooms()
	tests := []struct {
		user        string
		room        int
		wantEnter   bool
		wantSummary string
		wantReason  string
	}{
		{"alice", 0, true, "write", `*:write from groupsAccesses["engineering"]`},
		{"bob", 0, true, "read", "*:read from defaultAccesses"},
		{"carol", 0, true, "write", `*:write from usersAccesses["carol"]`},
		{"alice", 1, false, "refused", "no base scope in any layer"},
		{"bob", 1, true, "write", `*:write from groupsAccesses["design"]`},
		{"carol", 1, false, "refused", "no base scope in any layer"},
	}
	for _, tt := range tests {
		t.Run(tt.user+" in "+rooms[tt.room].ID, func(t *testing.T) {
			t.Parallel()
			u, _ := findUser(tt.user)
			got := effectiveAccess(rooms[tt.room].Accesses, u)
			if got.CanEnter != tt.wantEnter || got.Summary != tt.wantSummary || got.Reason != tt.wantReason {
				t.Errorf("got %v, %q, %q; want %v, %q, %q",
					got.CanEnter, got.Summary, got.Reason, tt.wantEnter, tt.wantSummary, tt.wantReason)
			}
			if len(got.Features) != 7 {
				t.Errorf("got %d features, want 7", len(got.Features))
			}
		})
	}
}

// fakeLiveblocks answers the two REST routes the example uses, POST
// /v2/rooms?idempotent and POST /v2/identify-user, and records every call.
type fakeLiveblocks struct {
	t *testing.T

	// existing rooms are answered as they are, as Liveblocks answers an
	// idempotent create of a room that already exists.
	existing map[string]string

	// failStatus, when set, answers every call with that status.
	failStatus int

	mu    sync.Mutex
	calls []fakeCall
}

// fakeCall is one request the fake received.
type fakeCall struct {
	method, uri, auth, body string
}

// ServeHTTP records the call and answers it as Liveblocks would.
func (f *fakeLiveblocks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{
		method: r.Method, uri: r.RequestURI, auth: r.Header.Get("Authorization"), body: string(body),
	})
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if f.failStatus != 0 {
		w.WriteHeader(f.failStatus)
		fmt.Fprint(w, `{"error":"INVALID_SECRET_KEY","message":"Invalid secret key"}`)
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /v2/rooms":
		var room map[string]any
		if err := json.Unmarshal(body, &room); err != nil {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		id, _ := room["id"].(string)
		if existing, ok := f.existing[id]; ok {
			fmt.Fprint(w, existing)
			return
		}
		room["type"] = "room"
		room["createdAt"] = "2026-01-01T00:00:00.000Z"
		json.NewEncoder(w).Encode(room)

	case "POST /v2/identify-user":
		var in struct {
			UserID   string         `json:"userId"`
			GroupIDs []string       `json:"groupIds"`
			UserInfo map[string]any `json:"userInfo"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		now := time.Now().Unix()
		payload, _ := json.Marshal(map[string]any{
			"k": "id", "pid": "localdev", "uid": in.UserID, "gids": in.GroupIDs, "ui": in.UserInfo,
			"iat": now, "exp": now + 3600, "jti": fmt.Sprintf("jti%d", time.Now().UnixNano()),
		})
		enc := base64.RawURLEncoding
		header := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		raw := header + "." + enc.EncodeToString(payload) + "." // unsigned, as the dev server's
		json.NewEncoder(w).Encode(map[string]string{"token": raw})

	default:
		f.t.Errorf("unexpected call %s %s", r.Method, r.RequestURI)
		w.WriteHeader(http.StatusNotFound)
	}
}

// recorded returns the calls received so far.
func (f *fakeLiveblocks) recorded() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// checkJSON checks that got and want are the same JSON value.
func checkJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("%s: %q is not JSON: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want %q: %v", what, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, got, want)
	}
}

// TestLiveblocksMode runs the example against a fake Liveblocks: the rooms
// it creates, the page, and the tokens it passes on.
func TestLiveblocksMode(t *testing.T) {
	t.Parallel()
	const secret = "sk_dev_test123"
	fake := &fakeLiveblocks{
		t: t,
		// design-review already exists, with accesses of its own: the
		// page must show those, not the ones the example asks for.
		existing: map[string]string{
			"design-review": `{"type":"room","id":"design-review","createdAt":"2025-06-01T00:00:00.000Z",
				"defaultAccesses":[],"usersAccesses":{"dave":["*:read"]},"groupsAccesses":{"design":["*:write"]}}`,
		},
	}
	lbSrv := httptest.NewServer(fake)
	t.Cleanup(lbSrv.Close)

	a, out := newTestApp(t, config{liveblocksSecret: secret, liveblocksBaseURL: lbSrv.URL})
	if a.signer != nil {
		t.Error("got a local signer in Liveblocks mode, want none")
	}
	wantLine := "issuer: Liveblocks at " + lbSrv.URL + " issues the tokens (POST /v2/identify-user); " +
		"demo rooms ready: demo-room, design-review"
	if !strings.Contains(out, wantLine) {
		t.Errorf("start-up output:\n%s\nwant %q", out, wantLine)
	}
	if strings.Contains(out, secret) {
		t.Errorf("start-up output shows the secret key:\n%s", out)
	}

	t.Run("the demo rooms are created with the documented accesses", func(t *testing.T) {
		calls := fake.recorded()
		wantBodies := []string{
			`{"id":"demo-room","defaultAccesses":["room:read","room:presence:write"],
			  "usersAccesses":{"carol":["room:write"]},"groupsAccesses":{"engineering":["room:write"]}}`,
			`{"id":"design-review","defaultAccesses":[],"groupsAccesses":{"design":["room:write"]}}`,
		}
		if len(calls) != len(wantBodies) {
			t.Fatalf("got %d calls, want %d: %v", len(calls), len(wantBodies), calls)
		}
		for i, call := range calls {
			if call.method != http.MethodPost || call.uri != "/v2/rooms?idempotent" {
				t.Errorf("call %d: got %s %s, want POST /v2/rooms?idempotent", i, call.method, call.uri)
			}
			if call.auth != "Bearer "+secret {
				t.Errorf("call %d: Authorization: got %q, want the secret key", i, call.auth)
			}
			checkJSON(t, fmt.Sprintf("call %d body", i), call.body, wantBodies[i])
		}
	})

	srv, c := serve(t, a)

	t.Run("the page shows the rooms as Liveblocks holds them", func(t *testing.T) {
		resp := get(t, c, srv.URL+"/")
		for _, want := range []string{"Liveblocks", lbSrv.URL, "dave", "engineering"} {
			if !strings.Contains(resp.body, want) {
				t.Errorf("page does not contain %q", want)
			}
		}
	})

	t.Run("bob gets the token Liveblocks issued", func(t *testing.T) {
		before := len(fake.recorded())
		login(t, c, srv.URL, "bob")
		raw := tokenFrom(t, postJSON(t, c, srv.URL+authEndpoint, `{"room":"design-review"}`))

		calls := fake.recorded()[before:]
		if len(calls) != 1 || calls[0].uri != "/v2/identify-user" {
			t.Fatalf("calls: got %v, want one POST /v2/identify-user", calls)
		}
		checkJSON(t, "identify-user body", calls[0].body,
			`{"userId":"bob","groupIds":["design"],
			  "userInfo":{"name":"Bob","avatar":"/avatars/bob.svg","color":"#2b8a3e"}}`)

		bob, _ := findUser("bob")
		payload := payloadOf(t, raw)
		for _, k := range []string{"iat", "exp", "jti"} {
			delete(payload, k)
		}
		if want := wantClaims(bob, "localdev"); !reflect.DeepEqual(payload, want) {
			t.Errorf("claims:\ngot  %v\nwant %v", payload, want)
		}
	})

	t.Run("nobody logged in is refused without calling Liveblocks", func(t *testing.T) {
		before := len(fake.recorded())
		checkError(t, postJSON(t, newClient(t), srv.URL+authEndpoint, `{"room":"demo-room"}`),
			http.StatusUnauthorized, "unauthenticated")
		if calls := fake.recorded()[before:]; len(calls) != 0 {
			t.Errorf("calls: got %v, want none", calls)
		}
	})
}

// TestLiveblocksSetupFails checks that a failed set-up of the rooms stops
// the example with an error naming the base URL and never the secret key.
func TestLiveblocksSetupFails(t *testing.T) {
	t.Parallel()
	const (
		secret      = "sk_dev_verysecret"
		setupFailed = "cannot set up the demo rooms on Liveblocks at "
	)

	// closedURL is the address of a server that no longer listens.
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name       string
		secret     string
		failStatus int
		baseURL    string // empty: the fake's
		want       string
	}{
		{
			name:       "the key is refused",
			secret:     secret,
			failStatus: http.StatusForbidden,
			want:       setupFailed,
		},
		{
			name:       "the server fails",
			secret:     secret,
			failStatus: http.StatusInternalServerError,
			want:       setupFailed,
		},
		{
			name:    "nothing listens",
			secret:  secret,
			baseURL: closedURL,
			want:    setupFailed + closedURL,
		},
		{
			name:   "the key is malformed",
			secret: "not a key",
			want:   "LIVEBLOCKS_SECRET_KEY or LIVEBLOCKS_BASE_URL: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeLiveblocks{t: t, failStatus: tt.failStatus}
			lbSrv := httptest.NewServer(fake)
			t.Cleanup(lbSrv.Close)
			base := cmpOr(tt.baseURL, lbSrv.URL)

			var stdout bytes.Buffer
			a, err := newApp(t.Context(), config{liveblocksSecret: tt.secret, liveblocksBaseURL: base}, &stdout)
			if err == nil {
				t.Fatalf("got app %v, want an error", a)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error: got %q, want it to contain %q", msg, tt.want)
			}
			if tt.failStatus != 0 && !strings.Contains(msg, base) {
				t.Errorf("error: got %q, want it to name %s", msg, base)
			}
			if strings.Contains(msg, tt.secret) || strings.Contains(stdout.String(), tt.secret) {
				t.Errorf("the secret key shows in %q or %q", msg, stdout.String())
			}
		})
	}
}

// TestBaseURLPasswordHidden checks that a password in LIVEBLOCKS_BASE_URL
// shows neither in the start-up output, nor in the start-up error, nor on
// the page: each shows the URL with the password masked.
func TestBaseURLPasswordHidden(t *testing.T) {
	t.Parallel()
	// The dev server's key, so that the page shows the base URL twice: as
	// the issuer, and as the client's baseUrl.
	const (
		secret   = "sk_localdev"
		password = "hunter2"
	)

	t.Run("start-up error", func(t *testing.T) {
		t.Parallel()
		var stdout bytes.Buffer
		cfg := config{liveblocksSecret: secret, liveblocksBaseURL: "http://u:" + password + "@127.0.0.1:1"}
		a, err := newApp(t.Context(), cfg, &stdout)
		if err == nil {
			t.Fatalf("got app %v, want an error", a)
		}
		msg := err.Error()
		if strings.Contains(msg, password) || strings.Contains(stdout.String(), password) {
			t.Errorf("the password shows in %q or %q", msg, stdout.String())
		}
		want := "cannot set up the demo rooms on Liveblocks at http://u:xxxxx@127.0.0.1:1 "
		if !strings.Contains(msg, want) {
			t.Errorf("error: got %q, want it to contain %q", msg, want)
		}
	})

	t.Run("start-up output and page", func(t *testing.T) {
		t.Parallel()
		lbSrv := httptest.NewServer(&fakeLiveblocks{t: t})
		t.Cleanup(lbSrv.Close)
		hostPort := strings.TrimPrefix(lbSrv.URL, "http://")
		base := "http://u:" + password + "@" + hostPort
		masked := "http://u:xxxxx@" + hostPort

		a, out := newTestApp(t, config{liveblocksSecret: secret, liveblocksBaseURL: base})
		if strings.Contains(out, password) {
			t.Errorf("start-up output shows the password:\n%s", out)
		}
		if want := "issuer: Liveblocks at " + masked + " issues the tokens"; !strings.Contains(out, want) {
			t.Errorf("start-up output:\n%s\nwant %q", out, want)
		}

		srv, c := serve(t, a)
		resp := get(t, c, srv.URL+"/")
		if resp.status != http.StatusOK {
			t.Fatalf("GET /: got %d, want 200", resp.status)
		}
		if strings.Contains(resp.body, password) {
			t.Errorf("the page shows the password")
		}
		if n := strings.Count(resp.body, masked); n != 2 {
			t.Errorf("the page shows %q %d times, want 2", masked, n)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitForListening reads lines from r until the listening line, and
// returns the URL it names. It fails the test after timeout. Lines after
// it are drained in the background.
func waitForListening(t *testing.T, r io.Reader, timeout time.Duration) string {
	t.Helper()
	const prefix = "liveauth example listening on "
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				select {
				case found <- u:
				default:
				}
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatal("the output ended without the listening line")
		}
		return u
	case <-time.After(timeout):
		t.Fatalf("no listening line within %v", timeout)
	}
	return ""
}

// TestRunServesUntilCancelled runs the server in-process on a free port
// and checks that it stops gracefully when its context is cancelled.
func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer

	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(string) string { return "" }, pw, &stderr)
		pw.Close()
	}()

	base := waitForListening(t, pr, 10*time.Second)
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, ":0") {
		t.Errorf("listening on %q, want http://127.0.0.1:<port>", base)
	}
	if resp := get(t, newClient(t), base+"/"); resp.status != http.StatusOK {
		t.Errorf("GET /: got %d, want 200", resp.status)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: got %v, want nil after a graceful shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of the cancellation")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("logs:\n%s\nwant a shutdown line", stderr.String())
	}
}

// TestServerTimeouts checks the timeouts of the server run builds: the
// defaults, and those of the configuration when set.
func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		timeouts serverTimeouts
		want     [4]time.Duration // read header, read, write, idle
	}{
		{
			name: "defaults",
			want: [4]time.Duration{10 * time.Second, 15 * time.Second, 30 * time.Second, 2 * time.Minute},
		},
		{
			name:     "from the configuration",
			timeouts: serverTimeouts{readHeader: 1, read: 2, write: 3, idle: 4},
			want:     [4]time.Duration{1, 2, 3, 4},
		},
		{
			name:     "a zero field takes the default",
			timeouts: serverTimeouts{read: time.Second},
			want:     [4]time.Duration{10 * time.Second, time.Second, 30 * time.Second, 2 * time.Minute},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(config{timeouts: tt.timeouts}, http.NotFoundHandler())
			got := [4]time.Duration{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout}
			if got != tt.want {
				t.Errorf("timeouts (read header, read, write, idle): got %v, want %v", got, tt.want)
			}
			if srv.ErrorLog == nil {
				t.Error("ErrorLog: got nil, want the logger's")
			}
		})
	}
}

// TestSlowBodyIsCut sends a request whose body never finishes (a
// slow-loris) to the server run builds, with a read timeout shortened to
// 300ms, and checks that the server closes the connection soon after.
func TestSlowBodyIsCut(t *testing.T) {
	t.Parallel()
	const (
		readTimeout = 300 * time.Millisecond
		patience    = 5 * time.Second // far beyond readTimeout
	)
	cfg := config{timeouts: serverTimeouts{read: readTimeout}}
	a, _ := newTestApp(t, cfg)
	srv := newServer(cfg, a)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	conn.SetDeadline(start.Add(patience))

	// A login form announced as 100 bytes, of which 5 ever come.
	_, err = io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nuser=")
	if err != nil {
		t.Fatal(err)
	}

	// The server may answer before closing; either way the connection
	// must reach EOF well before our own deadline.
	_, err = io.ReadAll(conn)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("reading until the server closes: got %v after %v, want EOF within %v", err, elapsed, patience)
	}
}

// TestProgram builds the example, runs it as on a fresh machine, loads the
// page and stops it with SIGINT.
func TestProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops the program with SIGINT")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	t.Parallel()

	bin := filepath.Join(t.TempDir(), "example")
	buildCtx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(buildCtx, goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Run it as on a fresh machine: no Liveblocks key, no session key.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		for _, k := range []string{envSecretKey, envBaseURL, envSessionKey} {
			if strings.HasPrefix(kv, k+"=") {
				return true
			}
		}
		return false
	})
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	cmd.Env = env
	cmd.Stdout = pw
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill() // a no-op once it has exited
		<-exited
		pr.Close()
	})

	base := waitForListening(t, pr, 20*time.Second)
	resp := get(t, newClient(t), base+"/")
	if resp.status != http.StatusOK || !strings.Contains(resp.body, "liveauth example") {
		t.Errorf("GET /: got %d, want 200 with the page", resp.status)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err // for the clean-up
		if err != nil {
			t.Errorf("exit after SIGINT: got %v, want status 0; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after SIGINT; stderr:\n%s", stderr.String())
	}
}

// sseEvent is one Server-Sent Event as a stream test reads it: a comment
// line has the name ":" and the comment as data.
type sseEvent struct {
	name, data string
}

// sseStream reads the events of one stream in the background.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent // closed at the end of the stream
	cancel context.CancelFunc
}

// openStream opens a stream with GET url and checks that it is one. It is
// closed when the test ends, if not before.
func openStream(t *testing.T, url string) *sseStream {
	t.Helper()
	resp, cancel := startStream(t, url)
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("GET %s: got %d, want 200; body %s", url, resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Errorf("Content-Type: got %q, want text/event-stream", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", got)
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 256), cancel: cancel}
	go s.read()
	t.Cleanup(s.close)
	return s
}

// startStream sends GET url with a context of its own, without the
// client timeout that would cut a stream, and returns the answer with the
// function that ends it.
func startStream(t *testing.T, url string) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	resp, err := (&http.Transport{}).RoundTrip(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, func() {
		cancel()
		resp.Body.Close()
	}
}

// read parses the stream into events until it ends. Lines are bounded by
// the scanner's buffer (64 KiB).
func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.name != "" || ev.data != "" {
				s.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, ":"):
			s.events <- sseEvent{name: ":", data: strings.TrimSpace(line[1:])}
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data += line[len("data: "):]
		}
	}
}

// close ends the stream from the client's side.
func (s *sseStream) close() {
	s.cancel()
}

// waitFor returns the first event for which match is true, failing the
// test if none comes within timeout or the stream ends first.
func (s *sseStream) waitFor(t *testing.T, what string, timeout time.Duration, match func(sseEvent) bool) sseEvent {
	t.Helper()
	deadline := time.After(timeout)
	var seen []string
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before %s; events: %s", what, strings.Join(seen, " | "))
			}
			seen = append(seen, ev.name+" "+ev.data)
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s within %v; events: %s", what, timeout, strings.Join(seen, " | "))
		}
	}
}

// waitForEnd fails the test unless the stream ends within timeout.
func (s *sseStream) waitForEnd(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the stream still runs after %v", timeout)
		}
	}
}

// testRoomState is the "room" event as the page reads it.
type testRoomState struct {
	Room    string
	Counter int64
	Users   []struct {
		ID, Name, Avatar, Color string
		CanWrite                bool
		Connections             int
	}
}

// roomEvent decodes a "room" event; ok is false for any other event.
func roomEvent(t *testing.T, ev sseEvent) (testRoomState, bool) {
	t.Helper()
	var st testRoomState
	if ev.name != "room" {
		return st, false
	}
	if err := json.Unmarshal([]byte(ev.data), &st); err != nil {
		t.Fatalf("room event %q: %v", ev.data, err)
	}
	return st, true
}

// presentIDs returns the IDs of the users in st, in order.
func presentIDs(st testRoomState) string {
	ids := make([]string, len(st.Users))
	for i, u := range st.Users {
		ids[i] = u.ID
	}
	return strings.Join(ids, ",")
}

// withUsers matches a "room" event listing exactly the users ids, in
// order, separated by commas.
func withUsers(t *testing.T, ids string) func(sseEvent) bool {
	return func(ev sseEvent) bool {
		st, ok := roomEvent(t, ev)
		return ok && presentIDs(st) == ids
	}
}

// withCounter matches a "room" event whose counter is n.
func withCounter(t *testing.T, n int64) func(sseEvent) bool {
	return func(ev sseEvent) bool {
		st, ok := roomEvent(t, ev)
		return ok && st.Counter == n
	}
}

// tokenFor logs user in with a client of their own and returns a token
// for room from the endpoint.
func tokenFor(t *testing.T, base, user, room string) string {
	t.Helper()
	c := newClient(t)
	login(t, c, base, user)
	return tokenFrom(t, postJSON(t, c, base+authEndpoint, `{"room":"`+room+`"}`))
}

// streamURL is the live room's stream of room with tok.
func streamURL(base, room, tok string) string {
	return base + roomStreamPath + "?" + url.Values{"roomId": {room}, "tok": {tok}}.Encode()
}

// postCounter sends POST to the counter of room with tok as a Bearer
// token.
func postCounter(t *testing.T, base, room, tok string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+roomCounterPath+"?roomId="+url.QueryEscape(room), nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return do(t, newClient(t), req)
}

// serveLive runs a in local mode on a test server whose streams end
// before the server closes, as Shutdown does through Close.
func serveLive(t *testing.T, cfg config) (*app, *httptest.Server) {
	t.Helper()
	a, _ := newTestApp(t, cfg)
	srv, _ := serve(t, a)
	t.Cleanup(a.Close) // runs before srv.Close
	return a, srv
}

// TestJWKS checks the signer's public keys at /.well-known/jwks.json: a
// token from the endpoint verifies against them, with a remote
// token.Verifier reading the document and with jwt/v5 and the key decoded
// by hand.
func TestJWKS(t *testing.T) {
	t.Parallel()
	a, srv := serveLive(t, config{})
	raw := tokenFor(t, srv.URL, "alice", "demo-room")

	resp := get(t, newClient(t), srv.URL+jwksPath)
	if resp.status != http.StatusOK {
		t.Fatalf("GET %s: got %d, want 200", jwksPath, resp.status)
	}
	if got := resp.header.Get("Content-Type"); got != token.JWKSContentType {
		t.Errorf("Content-Type: got %q, want %q", got, token.JWKSContentType)
	}

	t.Run("a remote verifier over the document accepts the token", func(t *testing.T) {
		v, err := token.NewRemoteVerifier(t.Context(), srv.URL+jwksPath)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		claims, err := v.Verify(t.Context(), raw)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if claims.UserID != "alice" || claims.Kind != token.KindID {
			t.Errorf("claims: got uid %q kind %q, want alice, id", claims.UserID, claims.Kind)
		}
	})

	t.Run("the key decoded by hand verifies the token", func(t *testing.T) {
		var doc struct {
			Keys []struct {
				Kty, Crv, X, Y, Kid, Alg, Use string
			}
		}
		if err := json.Unmarshal([]byte(resp.body), &doc); err != nil {
			t.Fatalf("the JWKS %s: %v", resp.body, err)
		}
		if len(doc.Keys) != 1 {
			t.Fatalf("got %d keys, want 1: %s", len(doc.Keys), resp.body)
		}
		k := doc.Keys[0]
		if k.Kty != "EC" || k.Crv != "P-256" || k.Alg != "ES256" || k.Use != "sig" || k.Kid != a.signer.KeyID() {
			t.Errorf("key: got %+v, want an ES256 P-256 signing key with kid %q", k, a.signer.KeyID())
		}
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			t.Fatalf("x, y: %v, %v, %d and %d bytes, want 32 each", errX, errY, len(x), len(y))
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			t.Fatal(err)
		}
		_, err = jwt.Parse(raw, func(tok *jwt.Token) (any, error) {
			if tok.Header["kid"] != k.Kid {
				return nil, fmt.Errorf("kid %v, want %q", tok.Header["kid"], k.Kid)
			}
			return pub, nil
		}, jwt.WithValidMethods([]string{"ES256"}), jwt.WithExpirationRequired())
		if err != nil {
			t.Errorf("verifying the token with the published key: %v", err)
		}
	})
}

// TestRoomRefusals checks that the live room's routes refuse, in the
// error contract, what the guard and the routes must refuse.
func TestRoomRefusals(t *testing.T) {
	t.Parallel()
	_, srv := serveLive(t, config{})
	alice := tokenFor(t, srv.URL, "alice", "design-review")
	bob := tokenFor(t, srv.URL, "bob", "demo-room")

	// A token of another run of the example: signed by another key.
	other, _ := newTestApp(t, config{})
	otherSrv, _ := serve(t, other)
	foreign := tokenFor(t, otherSrv.URL, "alice", "demo-room")

	tests := []struct {
		name   string
		method string
		path   string
		bearer string
		status int
		code   string
	}{
		{
			name:   "a stream without a token",
			path:   roomStreamPath + "?roomId=demo-room",
			status: http.StatusUnauthorized,
			code:   "invalid_token",
		},
		{
			name:   "a stream with a token of another key",
			path:   roomStreamPath + "?roomId=demo-room&tok=" + foreign,
			status: http.StatusUnauthorized,
			code:   "invalid_token",
		},
		{
			name:   "a stream with a token that is not a JWT",
			path:   roomStreamPath + "?roomId=demo-room&tok=not-a-token",
			status: http.StatusUnauthorized,
			code:   "invalid_token",
		},
		{
			name:   "a stream without a room",
			path:   roomStreamPath + "?tok=" + bob,
			status: http.StatusBadRequest,
			code:   "bad_request",
		},
		{
			name:   "alice's stream to a room she may not enter",
			path:   roomStreamPath + "?roomId=design-review&tok=" + alice,
			status: http.StatusForbidden,
			code:   "not_allowed",
		},
		{
			name:   "a stream to a room that does not exist",
			path:   roomStreamPath + "?roomId=nowhere&tok=" + bob,
			status: http.StatusForbidden,
			code:   "not_allowed",
		},
		{
			name:   "alice's admission to a room she may not enter",
			path:   roomAdmissionPath + "?roomId=design-review",
			bearer: alice,
			status: http.StatusForbidden,
			code:   "not_allowed",
		},
		{
			name:   "a write without a token",
			method: http.MethodPost,
			path:   roomCounterPath + "?roomId=demo-room",
			status: http.StatusUnauthorized,
			code:   "invalid_token",
		},
		{
			name:   "bob's write in a room where he is read-only",
			method: http.MethodPost,
			path:   roomCounterPath + "?roomId=demo-room",
			bearer: bob,
			status: http.StatusForbidden,
			code:   "read_only",
		},
		{
			name:   "POST to the stream",
			method: http.MethodPost,
			path:   roomStreamPath + "?roomId=demo-room&tok=" + bob,
			status: http.StatusMethodNotAllowed,
			code:   "method_not_allowed",
		},
		{
			name:   "GET of the counter",
			path:   roomCounterPath + "?roomId=demo-room",
			bearer: bob,
			status: http.StatusMethodNotAllowed,
			code:   "method_not_allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(cmpOr(tt.method, http.MethodGet), srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+tt.bearer)
			}
			resp := do(t, newClient(t), req)
			checkError(t, resp, tt.status, tt.code)
			if tt.status == http.StatusMethodNotAllowed && resp.header.Get("Allow") == "" {
				t.Error("Allow: got none, want the route's method")
			}
		})
	}

	t.Run("the read-only refusal is exactly the contract's body", func(t *testing.T) {
		t.Parallel()
		resp := postCounter(t, srv.URL, "demo-room", bob)
		const want = `{"error":"forbidden","code":"read_only",` +
			`"reason":"Your access to this room is read-only: you may not change its storage."}`
		if resp.status != http.StatusForbidden || resp.body != want {
			t.Errorf("got %d %s, want 403 %s", resp.status, resp.body, want)
		}
	})
}

// TestRoomAdmission checks what the admission route tells each demo user
// about demo-room.
func TestRoomAdmission(t *testing.T) {
	t.Parallel()
	_, srv := serveLive(t, config{})
	tests := []struct {
		user      string
		canWrite  bool
		storage   string
		wantName  string
		wantColor string
	}{
		{"alice", true, "write", "Alice", "#1c7ed6"},
		{"bob", false, "read", "Bob", "#2b8a3e"},
		{"carol", true, "write", "Carol", "#c2255c"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			tok := tokenFor(t, srv.URL, tt.user, "demo-room")
			req, _ := http.NewRequest(http.MethodGet, srv.URL+roomAdmissionPath+"?roomId=demo-room", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp := do(t, newClient(t), req)
			if resp.status != http.StatusOK {
				t.Fatalf("got %d %s, want 200", resp.status, resp.body)
			}
			var got struct {
				Room     string
				User     struct{ ID, Name, Avatar, Color string }
				CanWrite bool
				Levels   map[string]string
			}
			if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
				t.Fatalf("body %s: %v", resp.body, err)
			}
			if got.Room != "demo-room" || got.User.ID != tt.user || got.User.Name != tt.wantName ||
				got.User.Avatar != avatarPath(tt.user) || got.User.Color != tt.wantColor ||
				got.CanWrite != tt.canWrite || got.Levels["storage"] != tt.storage {
				t.Errorf("got %s, want %s (%s) in demo-room, canWrite %v, storage %s",
					resp.body, tt.wantName, tt.user, tt.canWrite, tt.storage)
			}
		})
	}
}

// TestRoomPresenceAndCounter walks two users through demo-room: each sees
// the other, a writer's increment reaches both, a read-only write is
// refused and changes nothing, and a stream that ends removes its user.
func TestRoomPresenceAndCounter(t *testing.T) {
	t.Parallel()
	a, srv := serveLive(t, config{})
	const wait = 5 * time.Second
	aliceTok := tokenFor(t, srv.URL, "alice", "demo-room")
	bobTok := tokenFor(t, srv.URL, "bob", "demo-room")

	alice := openStream(t, streamURL(srv.URL, "demo-room", aliceTok))
	hello := alice.waitFor(t, "the hello event", wait, func(ev sseEvent) bool { return ev.name == "hello" })
	var h struct {
		Room         string
		ConnectionID uint64
		User         struct{ ID, Name string }
		CanWrite     bool
	}
	if err := json.Unmarshal([]byte(hello.data), &h); err != nil {
		t.Fatalf("hello %q: %v", hello.data, err)
	}
	if h.Room != "demo-room" || h.User.ID != "alice" || h.User.Name != "Alice" || !h.CanWrite || h.ConnectionID == 0 {
		t.Errorf("hello: got %s, want alice, who may write, in demo-room", hello.data)
	}
	alice.waitFor(t, "alice alone in the room", wait, withUsers(t, "alice"))

	bob := openStream(t, streamURL(srv.URL, "demo-room", bobTok))

	t.Run("each sees the other, with name, avatar and access", func(t *testing.T) {
		for name, s := range map[string]*sseStream{"alice": alice, "bob": bob} {
			ev := s.waitFor(t, "alice and bob in "+name+"'s stream", wait, withUsers(t, "alice,bob"))
			st, _ := roomEvent(t, ev)
			a, b := st.Users[0], st.Users[1]
			if a.Name != "Alice" || a.Avatar != "/avatars/alice.svg" || !a.CanWrite || a.Connections != 1 {
				t.Errorf("%s's stream: alice is %+v", name, a)
			}
			if b.Name != "Bob" || b.Avatar != "/avatars/bob.svg" || b.CanWrite || b.Connections != 1 {
				t.Errorf("%s's stream: bob is %+v, want read-only", name, b)
			}
		}
	})

	t.Run("a writer's increment is pushed to both", func(t *testing.T) {
		resp := postCounter(t, srv.URL, "demo-room", aliceTok)
		if resp.status != http.StatusOK || resp.body != "{\"counter\":1}\n" {
			t.Fatalf("alice's write: got %d %q, want 200 {\"counter\":1}", resp.status, resp.body)
		}
		alice.waitFor(t, "counter 1 in alice's stream", wait, withCounter(t, 1))
		bob.waitFor(t, "counter 1 in bob's stream", wait, withCounter(t, 1))
	})

	t.Run("a read-only write changes nothing", func(t *testing.T) {
		checkError(t, postCounter(t, srv.URL, "demo-room", bobTok), http.StatusForbidden, "read_only")
		// Another write from alice comes next; the counter must go from
		// 1 to 2, never through a refused write.
		postCounter(t, srv.URL, "demo-room", aliceTok)
		ev := bob.waitFor(t, "the next counter in bob's stream", wait, func(ev sseEvent) bool {
			st, ok := roomEvent(t, ev)
			return ok && st.Counter != 1
		})
		if st, _ := roomEvent(t, ev); st.Counter != 2 {
			t.Errorf("counter: got %d, want 2", st.Counter)
		}
	})

	t.Run("a second connection of a user is listed once", func(t *testing.T) {
		again := openStream(t, streamURL(srv.URL, "demo-room", bobTok))
		alice.waitFor(t, "bob's second connection", wait, func(ev sseEvent) bool {
			st, ok := roomEvent(t, ev)
			return ok && presentIDs(st) == "alice,bob" && st.Users[1].Connections == 2
		})
		again.close()
		alice.waitFor(t, "bob back to one connection", wait, func(ev sseEvent) bool {
			st, ok := roomEvent(t, ev)
			return ok && presentIDs(st) == "alice,bob" && st.Users[1].Connections == 1
		})
	})

	t.Run("a stream that ends removes its user", func(t *testing.T) {
		bob.close()
		alice.waitFor(t, "bob gone from alice's stream", wait, withUsers(t, "alice"))
		if n := a.live.subscribers("demo-room"); n != 1 {
			t.Errorf("subscribers: got %d, want 1", n)
		}
	})
}

// TestRoomKeepalive checks that an idle stream gets keepalive comments and
// outlives the server's read and write timeouts.
func TestRoomKeepalive(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	cfg := config{
		keepalive: 50 * time.Millisecond,
		timeouts:  serverTimeouts{readHeader: timeout, read: timeout, write: timeout},
	}
	a, _ := newTestApp(t, cfg)
	srv := httptest.NewUnstartedServer(a)
	srv.Config = newServer(cfg, a)
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(a.Close)

	tok := tokenFor(t, srv.URL, "carol", "demo-room")
	s := openStream(t, streamURL(srv.URL, "demo-room", tok))
	s.waitFor(t, "a keepalive comment", 5*time.Second, func(ev sseEvent) bool {
		return ev.name == ":" && ev.data == "keepalive"
	})

	time.Sleep(3 * timeout) // past every timeout of the server
	resp := postCounter(t, srv.URL, "demo-room", tok)
	if resp.status != http.StatusOK {
		t.Fatalf("carol's write: got %d %s, want 200", resp.status, resp.body)
	}
	s.waitFor(t, "counter 1 after the server's timeouts", 5*time.Second, withCounter(t, 1))
}

// TestRoomFull checks that a room serves at most maxSubscribers streams,
// and takes a new one once one ends.
func TestRoomFull(t *testing.T) {
	t.Parallel()
	a, srv := serveLive(t, config{maxSubscribers: 2})
	tok := tokenFor(t, srv.URL, "alice", "demo-room")
	first := openStream(t, streamURL(srv.URL, "demo-room", tok))
	openStream(t, streamURL(srv.URL, "demo-room", tok))

	resp := get(t, newClient(t), streamURL(srv.URL, "demo-room", tok))
	checkError(t, resp, http.StatusServiceUnavailable, "room_full")
	if got := resp.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After: got %q, want 2", got)
	}

	first.close()
	deadline := time.Now().Add(5 * time.Second)
	for a.live.subscribers("demo-room") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the closed stream is still counted after 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	openStream(t, streamURL(srv.URL, "demo-room", tok)).waitFor(t, "the hello event", 5*time.Second,
		func(ev sseEvent) bool { return ev.name == "hello" })
}

// TestRoomConcurrentUse runs many streams and writes at once, for the race
// detector, and checks that every stream sees the final counter.
func TestRoomConcurrentUse(t *testing.T) {
	t.Parallel()
	const (
		streams = 8
		writers = 4
		writes  = 10
	)
	a, srv := serveLive(t, config{})
	tok := tokenFor(t, srv.URL, "alice", "demo-room")

	var all []*sseStream
	for range streams {
		all = append(all, openStream(t, streamURL(srv.URL, "demo-room", tok)))
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			c := newClient(t)
			for range writes {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+roomCounterPath+"?roomId=demo-room", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	// Streams join and leave meanwhile.
	for range 4 {
		wg.Go(func() {
			resp, cancel := startStream(t, streamURL(srv.URL, "demo-room", tok))
			defer cancel()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a passing stream: got %d", resp.StatusCode)
				return
			}
			bufio.NewReader(resp.Body).ReadString('\n')
		})
	}
	wg.Wait()

	const want = writers * writes
	for i, s := range all {
		s.waitFor(t, fmt.Sprintf("counter %d in stream %d", want, i), 10*time.Second, withCounter(t, want))
	}
	deadline := time.Now().Add(5 * time.Second)
	for a.live.subscribers("demo-room") != streams {
		if time.Now().After(deadline) {
			t.Fatalf("subscribers: got %d, want %d after the passing streams left",
				a.live.subscribers("demo-room"), streams)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestShutdownWithOpenStreams runs the server in-process, opens a stream,
// and checks that cancelling run's context ends the stream and returns
// at once, well before the shutdown timeout.
func TestShutdownWithOpenStreams(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(string) string { return "" }, pw, &stderr)
		pw.Close()
	}()
	base := waitForListening(t, pr, 10*time.Second)

	tok := tokenFor(t, base, "bob", "demo-room")
	s := openStream(t, streamURL(base, "demo-room", tok))
	s.waitFor(t, "bob in the room", 5*time.Second, withUsers(t, "bob"))

	start := time.Now()
	cancel()
	const prompt = 2 * time.Second // shutdownTimeout is 5s
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: got %v, want nil", err)
		}
		if d := time.Since(start); d > prompt {
			t.Errorf("run returned %v after the cancellation, want under %v", d, prompt)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of the cancellation")
	}
	s.waitForEnd(t, time.Second)
}

// TestNoLiveRoomInLiveblocksMode checks that the JWKS and the live room
// exist in local mode only, and that the page says so.
func TestNoLiveRoomInLiveblocksMode(t *testing.T) {
	t.Parallel()
	lbSrv := httptest.NewServer(&fakeLiveblocks{t: t})
	t.Cleanup(lbSrv.Close)
	a, _ := newTestApp(t, config{liveblocksSecret: "sk_localdev", liveblocksBaseURL: lbSrv.URL})
	srv, c := serve(t, a)

	for _, path := range []string{jwksPath, roomStreamPath + "?roomId=demo-room", roomAdmissionPath} {
		if resp := get(t, c, srv.URL+path); resp.status != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", path, resp.status)
		}
	}
	if resp := postCounter(t, srv.URL, "demo-room", "x"); resp.status != http.StatusNotFound {
		t.Errorf("POST %s: got %d, want 404", roomCounterPath, resp.status)
	}
	login(t, c, srv.URL, "alice")
	page := get(t, c, srv.URL+"/")
	if !strings.Contains(page.body, "local mode only") || strings.Contains(page.body, `id="live-room"`) {
		t.Error("the page does not say that the demo room is local-mode only")
	}
	a.Close() // nothing to close; must not panic
}

// TestLivePage checks the demo room section of the page in local mode.
func TestLivePage(t *testing.T) {
	t.Parallel()
	a, _ := newTestApp(t, config{})
	srv, c := serve(t, a)

	if page := get(t, c, srv.URL+"/"); !strings.Contains(page.body, "Log in (step 1) to join the demo room") {
		t.Error("the page does not ask to log in before joining")
	}
	login(t, c, srv.URL, "bob")
	page := get(t, c, srv.URL+"/")
	for _, want := range []string{
		`id="live-room"`, `data-stream="/rooms/stream"`, `data-counter="/rooms/counter"`,
		`data-admission="/rooms/admission"`, `<option value="demo-room">demo-room (read)</option>`,
		`href="/.well-known/jwks.json"`, `src="/static/room.js"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
}

// TestRoomClosed checks that closing the app ends open streams and refuses
// new ones with 503 shutting_down.
func TestRoomClosed(t *testing.T) {
	t.Parallel()
	a, srv := serveLive(t, config{})
	tok := tokenFor(t, srv.URL, "carol", "demo-room")
	s := openStream(t, streamURL(srv.URL, "demo-room", tok))
	s.waitFor(t, "carol in the room", 5*time.Second, withUsers(t, "carol"))

	a.Close()
	s.waitForEnd(t, 5*time.Second)
	checkError(t, get(t, newClient(t), streamURL(srv.URL, "demo-room", tok)),
		http.StatusServiceUnavailable, "shutting_down")
	if n := a.live.subscribers("demo-room"); n != 0 {
		t.Errorf("subscribers: got %d, want 0", n)
	}
	a.Close() // a second time does nothing
}
