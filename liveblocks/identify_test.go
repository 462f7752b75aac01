package liveblocks

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

func TestIdentifyUserRequest(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		identity token.Identity
		wantBody string
	}{
		{
			name:     "user ID only",
			identity: token.Identity{UserID: "alice"},
			wantBody: `{"userId":"alice"}`,
		},
		{
			name: "groups and info",
			identity: token.Identity{
				UserID:   "alice",
				GroupIDs: []string{"eng", "ops"},
				UserInfo: map[string]any{"name": "Alice <A&B>", "color": "#f00"},
			},
			wantBody: `{"userId":"alice","groupIds":["eng","ops"],"userInfo":{"color":"#f00","name":"Alice <A&B>"}}`,
		},
		{
			name:     "empty groups and info are omitted",
			identity: token.Identity{UserID: "alice", GroupIDs: []string{}, UserInfo: map[string]any{}},
			wantBody: `{"userId":"alice"}`,
		},
		{
			name:     "non-ASCII is sent as UTF-8",
			identity: token.Identity{UserID: "alice", UserInfo: map[string]any{"name": "Zoë 名"}},
			wantBody: `{"userId":"alice","userInfo":{"name":"Zoë 名"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := signedToken(t, token.KindID, "alice")
			c, f := newFake(t, reply(http.StatusOK, tokenBody(t, want)))

			got, err := c.IdentifyUser(context.Background(), tt.identity)
			if err != nil {
				t.Fatalf("IdentifyUser: %v", err)
			}
			if got != want {
				t.Errorf("token: got %q, want %q", got, want)
			}

			req := f.only(t)
			if req.Method != http.MethodPost {
				t.Errorf("method: got %s, want POST", req.Method)
			}
			if req.RequestURI != "/v2/identify-user" {
				t.Errorf("request URI: got %q, want /v2/identify-user", req.RequestURI)
			}
			checkHeader(t, req.Header, "Authorization", "Bearer "+testSecret)
			checkHeader(t, req.Header, "Content-Type", "application/json")
			checkHeader(t, req.Header, "Accept", "application/json")
			if string(req.Body) != tt.wantBody {
				t.Errorf("body: got %s, want %s", req.Body, tt.wantBody)
			}
		})
	}
}

func checkHeader(t *testing.T, h http.Header, key, want string) {
	t.Helper()
	if got := h.Get(key); got != want {
		t.Errorf("header %s: got %q, want %q", key, got, want)
	}
}

func TestIdentifyUserAcceptsTokens(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		raw  func(t *testing.T) string
	}{
		{
			name: "HS256 token signed with real jwt/v5",
			raw:  func(t *testing.T) string { return signedToken(t, token.KindID, "alice") },
		},
		{
			name: "token issued by the dev server",
			raw:  func(*testing.T) string { return devServerToken },
		},
		{
			name: "alg none token with empty signature",
			raw: func(*testing.T) string {
				return unsignedToken(`{"k":"id","pid":"localdev","uid":"alice","iat":1796322248,"exp":1796325848,"jti":"abc"}`)
			},
		},
		{
			name: "algorithm unknown to jwt/v5",
			raw: func(*testing.T) string {
				return withHeader(`{"alg":"XS999","typ":"JWT"}`, `{"k":"id","uid":"alice","exp":1796325848}`)
			},
		},
		{
			name: "no algorithm in the header",
			raw: func(*testing.T) string {
				return withHeader(`{"typ":"JWT"}`, `{"k":"id","uid":"alice","exp":1796325848}`)
			},
		},
		{
			name: "no iat and an exp one second after now",
			raw: func(*testing.T) string {
				return unsignedToken(`{"k":"id","uid":"alice","exp":1796322301}`)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.raw(t)
			c, _ := newFake(t, reply(http.StatusOK, tokenBody(t, want)))

			got, err := c.Issue(context.Background(), token.Identity{UserID: "alice"})
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			if got != want {
				t.Errorf("token: got %q, want %q", got, want)
			}
		})
	}
}

func TestIdentifyUserBadResponses(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		body        func(t *testing.T) string
		status      int
		wantMessage string
		wantText    string  // exact Error() when set
		wantIs      []error // besides token.ErrBadResponse
	}{
		{
			name:        "body is not JSON",
			body:        func(*testing.T) string { return "<html>hello</html>" },
			wantMessage: "body is not the expected JSON",
		},
		{
			name:        "token is a number",
			body:        func(*testing.T) string { return `{"token": 5}` },
			wantMessage: `"token" is not a string`,
			wantText:    `liveblocks: POST /v2/identify-user: status 200: "token" is not a string`,
		},
		{
			name:        "token is missing",
			body:        func(*testing.T) string { return `{"tok": "x"}` },
			wantMessage: `no "token" in the answer`,
		},
		{
			name:        "token is null",
			body:        func(*testing.T) string { return `{"token": null}` },
			wantMessage: `no "token" in the answer`,
		},
		{
			name:        "body is a JSON array",
			body:        func(*testing.T) string { return `["token"]` },
			wantMessage: "body is not the expected JSON",
		},
		{
			name:        "token is empty",
			body:        func(t *testing.T) string { return tokenBody(t, "") },
			wantMessage: "cannot decode the token",
			wantIs:      []error{jwt.ErrTokenMalformed},
		},
		{
			name: "access token instead of ID token",
			body: func(t *testing.T) string {
				return tokenBody(t, signedToken(t, token.KindAccess, "alice"))
			},
			wantMessage: `token kind is "acc", want "id"`,
			wantText:    `liveblocks: POST /v2/identify-user: status 200: token kind is "acc", want "id"`,
		},
		{
			name: "token without kind",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"uid":"alice"}`))
			},
			wantMessage: `token kind is "", want "id"`,
		},
		{
			name: "token for another user",
			body: func(t *testing.T) string {
				return tokenBody(t, signedToken(t, token.KindID, "mallory"))
			},
			wantMessage: "token is for another user",
			wantText:    "liveblocks: POST /v2/identify-user: status 200: token is for another user",
		},
		{
			name: "token with two parts",
			body: func(t *testing.T) string {
				raw := signedToken(t, token.KindID, "alice")
				return tokenBody(t, raw[:strings.LastIndex(raw, ".")])
			},
			wantMessage: "cannot decode the token",
			wantText: "liveblocks: POST /v2/identify-user: status 200: cannot decode the token: " +
				"token is malformed: token contains an invalid number of segments",
			wantIs: []error{jwt.ErrTokenMalformed},
		},
		{
			name: "token with four parts",
			body: func(t *testing.T) string {
				return tokenBody(t, signedToken(t, token.KindID, "alice")+".x")
			},
			wantMessage: "cannot decode the token",
			wantIs:      []error{jwt.ErrTokenMalformed},
		},
		{
			name: "payload is not JSON",
			body: func(t *testing.T) string {
				return tokenBody(t, noneHeader+".bm90IGpzb24.")
			},
			wantMessage: "cannot decode the token",
			wantIs:      []error{jwt.ErrTokenMalformed},
		},
		{
			name: "payload is a JSON array",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`["k","id"]`))
			},
			wantMessage: "cannot decode the token",
		},
		{
			name: "uid of the wrong type",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":5}`))
			},
			wantMessage: "cannot decode the token",
		},
		{
			name: "token ending in a newline",
			body: func(t *testing.T) string {
				return tokenBody(t, signedToken(t, token.KindID, "alice")+"\n")
			},
			wantMessage: "token has characters outside the base64url alphabet",
			wantText: "liveblocks: POST /v2/identify-user: status 200: " +
				"token has characters outside the base64url alphabet",
		},
		{
			name: "token with a line break in its payload",
			body: func(t *testing.T) string {
				raw := signedToken(t, token.KindID, "alice")
				dot := strings.Index(raw, ".")
				return tokenBody(t, raw[:dot+5]+"\r\n"+raw[dot+5:])
			},
			wantMessage: "token has characters outside the base64url alphabet",
		},
		{
			name: "token in standard base64 with padding",
			body: func(t *testing.T) string {
				return tokenBody(t, noneHeader+"."+
					base64.StdEncoding.EncodeToString([]byte(`{"k":"id","uid":"alice","exp":1796325848}`))+".")
			},
			wantMessage: "cannot decode the token",
			wantIs:      []error{jwt.ErrTokenMalformed},
		},
		{
			name: "token already expired (iat 1, exp 2)",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":"alice","iat":1,"exp":2}`))
			},
			wantMessage: "token expired at 1970-01-01T00:00:02Z",
			wantText: "liveblocks: POST /v2/identify-user: status 200: " +
				"token expired at 1970-01-01T00:00:02Z",
		},
		{
			name: "token expiring right now",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":"alice","iat":1796322248,"exp":1796322300}`))
			},
			wantMessage: "token expired at 2026-12-03T18:25:00Z",
		},
		{
			name: "token without exp",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":"alice","iat":1796322248}`))
			},
			wantMessage: `token has no expiry ("exp")`,
			wantText:    `liveblocks: POST /v2/identify-user: status 200: token has no expiry ("exp")`,
		},
		{
			name: "token with exp equal to iat",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":"alice","iat":1796325848,"exp":1796325848}`))
			},
			wantMessage: `token expires before it is issued ("exp" not after "iat")`,
		},
		{
			name: "token with exp before iat",
			body: func(t *testing.T) string {
				return tokenBody(t, unsignedToken(`{"k":"id","uid":"alice","iat":1796329448,"exp":1796325848}`))
			},
			wantMessage: `token expires before it is issued ("exp" not after "iat")`,
		},
		{
			name: "201 with a broken token",
			body: func(t *testing.T) string {
				return tokenBody(t, "a.b")
			},
			status:      http.StatusCreated,
			wantMessage: "cannot decode the token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			c, _ := newFake(t, reply(status, tt.body(t)))

			got, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
			if got != "" {
				t.Errorf("token: got %q, want none", got)
			}
			checkIs(t, err, append([]error{token.ErrBadResponse}, tt.wantIs...),
				[]error{token.ErrUnavailable, token.ErrRejected, token.ErrInvalidIdentity})
			e := asError(t, err)
			if e.Status != status {
				t.Errorf("Status: got %d, want %d", e.Status, status)
			}
			if e.Message != tt.wantMessage {
				t.Errorf("Message: got %q, want %q", e.Message, tt.wantMessage)
			}
			if tt.wantText != "" && err.Error() != tt.wantText {
				t.Errorf("Error():\n got %q\nwant %q", err.Error(), tt.wantText)
			}
			checkNoSecret(t, "Error()", err.Error())
		})
	}
}

func TestIdentifyUserInvalidIdentity(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		identity token.Identity
	}{
		{name: "empty user ID", identity: token.Identity{}},
		{name: "user ID too long", identity: token.Identity{UserID: strings.Repeat("u", token.MaxUserIDLen+1)}},
		{name: "name is not a string", identity: token.Identity{UserID: "a", UserInfo: map[string]any{"name": 5}}},
		{name: "empty group ID", identity: token.Identity{UserID: "a", GroupIDs: []string{""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, tokenBody(t, devServerToken)))

			_, err := c.IdentifyUser(context.Background(), tt.identity)
			checkIs(t, err, []error{token.ErrInvalidIdentity},
				[]error{token.ErrUnavailable, token.ErrRejected, token.ErrBadResponse})
			if n := len(f.requests()); n != 0 {
				t.Errorf("got %d requests, want 0", n)
			}
		})
	}
}

// TestIdentifyUserConcurrent shares one Client between goroutines; run
// with -race.
func TestIdentifyUserConcurrent(t *testing.T) {
	t.Parallel()

	var n int
	var mu sync.Mutex
	c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		jti := n
		mu.Unlock()
		payload := fmt.Sprintf(`{"k":"id","pid":"localdev","uid":"alice","iat":1796322248,"exp":1796325848,"jti":"%d"}`, jti)
		reply(http.StatusOK, tokenBody(t, unsignedToken(payload)))(w, r)
	})

	const calls = 32
	tokens := make(chan string, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			raw, err := c.Issue(context.Background(), token.Identity{UserID: "alice"})
			if err != nil {
				t.Errorf("Issue: %v", err)
			}
			tokens <- raw
		})
	}
	wg.Wait()
	close(tokens)

	seen := map[string]bool{}
	for raw := range tokens {
		if seen[raw] {
			t.Errorf("token %q returned twice", raw)
		}
		seen[raw] = true
	}
	if len(seen) != calls {
		t.Errorf("got %d distinct tokens, want %d", len(seen), calls)
	}
}

func TestCheckTokenKeepsCause(t *testing.T) {
	t.Parallel()

	_, err := checkToken(identifyUserPath, http.StatusOK, []byte(`"a.b"`), token.KindID, "alice", testNow)
	if !errors.Is(err, jwt.ErrTokenMalformed) {
		t.Errorf("errors.Is(%v, jwt.ErrTokenMalformed) = false, want true", err)
	}
}
