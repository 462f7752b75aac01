package liveblocks

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// grants builds Grants from pattern and scope pairs, in order.
func grants(t *testing.T, allow ...any) permission.Grants {
	t.Helper()
	var g permission.Grants
	for i := 0; i < len(allow); i += 2 {
		if err := g.Allow(allow[i].(string), allow[i+1].([]permission.Scope)...); err != nil {
			t.Fatalf("Allow: %v", err)
		}
	}
	return g
}

// accToken is an unsigned access token for uid, as the dev server issues.
func accToken(uid string) string {
	return unsignedToken(`{"k":"acc","pid":"localdev","uid":"` + uid +
		`","perms":{"r1":["*:write"]},"iat":1796322248,"exp":1796325848,"jti":"abc"}`)
}

func TestAuthorizeUserRequest(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		identity func(t *testing.T) token.Identity
		wantBody string
	}{
		{
			name: "exact room before its prefix keeps that order",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: grants(t,
					"org1.room1", []permission.Scope{permission.Read},
					"org1*", []permission.Scope{permission.Write, permission.StorageNone},
				)}
			},
			wantBody: `{"userId":"alice","permissions":{"org1.room1":["*:read"],"org1*":["*:write","storage:none"]}}`,
		},
		{
			name: "prefix before exact room keeps that order",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: grants(t,
					"org1*", []permission.Scope{permission.Write},
					"org1.room1", []permission.Scope{permission.Read},
				)}
			},
			wantBody: `{"userId":"alice","permissions":{"org1*":["*:write"],"org1.room1":["*:read"]}}`,
		},
		{
			name: "user info is sent, groups are not",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{
					UserID:      "alice",
					GroupIDs:    []string{"eng"},
					UserInfo:    map[string]any{"name": "Alice <A&B>", "color": "#f00"},
					Permissions: grants(t, "*", []permission.Scope{permission.RoomRead, permission.PresenceWrite}),
				}
			},
			wantBody: `{"userId":"alice","permissions":{"*":["room:read","room:presence:write"]},` +
				`"userInfo":{"color":"#f00","name":"Alice <A&B>"}}`,
		},
		{
			name: "scopes added to a pattern stay under it",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: grants(t,
					"b", []permission.Scope{permission.Read},
					"a", []permission.Scope{permission.Read},
					"b", []permission.Scope{permission.CommentsWrite},
				)}
			},
			wantBody: `{"userId":"alice","permissions":{"b":["*:read","comments:write"],"a":["*:read"]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := accToken("alice")
			c, f := newFake(t, reply(http.StatusOK, tokenBody(t, want)))

			got, err := c.AuthorizeUser(context.Background(), tt.identity(t))
			if err != nil {
				t.Fatalf("AuthorizeUser: %v", err)
			}
			if got != want {
				t.Errorf("token: got %q, want %q", got, want)
			}
			checkRequest(t, f.only(t), http.MethodPost, "/v2/authorize-user", tt.wantBody)
		})
	}
}

func TestAuthorizeUserTokens(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		raw         func(t *testing.T) string
		wantMessage string // empty: the token is accepted
	}{
		{
			name: "alg none access token with empty signature",
			raw:  func(*testing.T) string { return accToken("alice") },
		},
		{
			name: "HS256 access token signed with real jwt/v5",
			raw:  func(t *testing.T) string { return signedToken(t, token.KindAccess, "alice") },
		},
		{
			name:        "ID token refused",
			raw:         func(*testing.T) string { return devServerToken },
			wantMessage: `token kind is "id", want "acc"`,
		},
		{
			name:        "access token for another user refused",
			raw:         func(*testing.T) string { return accToken("mallory") },
			wantMessage: "token is for another user",
		},
		{
			name: "token without kind refused",
			raw: func(*testing.T) string {
				return unsignedToken(`{"uid":"alice","perms":{"r1":["*:write"]}}`)
			},
			wantMessage: `token kind is "", want "acc"`,
		},
		{
			name:        "not a token",
			raw:         func(*testing.T) string { return "a.b" },
			wantMessage: "cannot decode the token",
		},
		{
			name:        "token ending in a newline refused",
			raw:         func(*testing.T) string { return accToken("alice") + "\n" },
			wantMessage: "token has characters outside the base64url alphabet",
		},
		{
			name: "expired access token refused",
			raw: func(*testing.T) string {
				return unsignedToken(`{"k":"acc","uid":"alice","perms":{"r1":["*:write"]},"iat":1,"exp":2}`)
			},
			wantMessage: "token expired at 1970-01-01T00:00:02Z",
		},
		{
			name: "access token without exp refused",
			raw: func(*testing.T) string {
				return unsignedToken(`{"k":"acc","uid":"alice","perms":{"r1":["*:write"]}}`)
			},
			wantMessage: `token has no expiry ("exp")`,
		},
		{
			name: "access token with exp before iat refused",
			raw: func(*testing.T) string {
				return unsignedToken(`{"k":"acc","uid":"alice","perms":{"r1":["*:write"]},` +
					`"iat":1796329448,"exp":1796325848}`)
			},
			wantMessage: `token expires before it is issued ("exp" not after "iat")`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := tt.raw(t)
			c, _ := newFake(t, reply(http.StatusOK, tokenBody(t, raw)))

			id := token.Identity{UserID: "alice", Permissions: grants(t, "r1", []permission.Scope{permission.Write})}
			got, err := c.AuthorizeUser(context.Background(), id)
			if tt.wantMessage == "" {
				if err != nil || got != raw {
					t.Fatalf("AuthorizeUser: got %q, %v; want the token", got, err)
				}
				return
			}
			if got != "" {
				t.Errorf("token: got %q, want none", got)
			}
			checkIs(t, err, []error{token.ErrBadResponse}, without([]error{token.ErrBadResponse}))
			e := asError(t, err)
			if e.Method != http.MethodPost || e.Path != "/v2/authorize-user" || e.Status != http.StatusOK {
				t.Errorf("got %s %s status %d, want POST /v2/authorize-user status 200", e.Method, e.Path, e.Status)
			}
			if e.Message != tt.wantMessage {
				t.Errorf("Message: got %q, want %q", e.Message, tt.wantMessage)
			}
		})
	}
}

func TestAuthorizeUserInvalidIdentity(t *testing.T) {
	t.Parallel()

	// Grants decoded from JSON are not checked until Validate.
	var badPattern permission.Grants
	if err := badPattern.UnmarshalJSON([]byte(`{"a*b":["*:read"]}`)); err != nil {
		t.Fatal(err)
	}
	var emptyScopes permission.Grants
	if err := emptyScopes.UnmarshalJSON([]byte(`{"r1":[]}`)); err != nil {
		t.Fatal(err)
	}
	var decodedEmpty permission.Grants
	if err := decodedEmpty.UnmarshalJSON([]byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	read := func(t *testing.T) permission.Grants {
		return grants(t, "r1", []permission.Scope{permission.Read})
	}

	tests := []struct {
		name     string
		identity func(t *testing.T) token.Identity
		wantText string  // exact Error() when set
		wantIs   []error // besides token.ErrInvalidIdentity
	}{
		{
			name:     "no permissions",
			identity: func(*testing.T) token.Identity { return token.Identity{UserID: "alice"} },
			wantText: "token: invalid identity: an access token needs permissions (allow at least one room pattern)",
		},
		{
			name: "empty permissions decoded from {}",
			identity: func(*testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: decodedEmpty}
			},
			wantText: "token: invalid identity: an access token needs permissions (allow at least one room pattern)",
		},
		{
			name: "empty user ID",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{Permissions: read(t)}
			},
		},
		{
			name: "name is not a string",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{UserID: "a", UserInfo: map[string]any{"name": 5}, Permissions: read(t)}
			},
		},
		{
			name: "invalid pattern",
			identity: func(*testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: badPattern}
			},
			wantIs: []error{permission.ErrInvalidPattern},
		},
		{
			name: "empty scope list",
			identity: func(*testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: emptyScopes}
			},
			wantIs: []error{permission.ErrEmptyScopes},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, tokenBody(t, accToken("alice"))))

			_, err := c.AuthorizeUser(context.Background(), tt.identity(t))
			want := append([]error{token.ErrInvalidIdentity}, tt.wantIs...)
			checkIs(t, err, want, without(want))
			if tt.wantText != "" && err.Error() != tt.wantText {
				t.Errorf("Error():\n got %q\nwant %q", err.Error(), tt.wantText)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("got %d requests, want 0", n)
			}
		})
	}
}

func TestIdentifyUserRefusesPermissions(t *testing.T) {
	t.Parallel()
	c, f := newFake(t, reply(http.StatusOK, tokenBody(t, devServerToken)))

	id := token.Identity{UserID: "alice", Permissions: grants(t, "r1", []permission.Scope{permission.Write})}
	_, err := c.IdentifyUser(context.Background(), id)
	checkIs(t, err, []error{token.ErrInvalidIdentity}, without([]error{token.ErrInvalidIdentity}))
	if !strings.Contains(err.Error(), "an ID token carries no permissions") {
		t.Errorf("Error(): got %q", err.Error())
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("got %d requests, want 0", n)
	}
}

func TestIssueDispatches(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		identity func(t *testing.T) token.Identity
		wantPath string
		wantKind token.Kind
	}{
		{
			name:     "no permissions: ID token",
			identity: func(*testing.T) token.Identity { return token.Identity{UserID: "alice", GroupIDs: []string{"g1"}} },
			wantPath: "/v2/identify-user",
			wantKind: token.KindID,
		},
		{
			name: "permissions: access token",
			identity: func(t *testing.T) token.Identity {
				return token.Identity{UserID: "alice", Permissions: grants(t, "r1", []permission.Scope{permission.Write})}
			},
			wantPath: "/v2/authorize-user",
			wantKind: token.KindAccess,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The fake answers each route with its kind of token, so a
			// call to the wrong route fails the token check as well.
			c, f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/v2/identify-user":
					reply(http.StatusOK, tokenBody(t, devServerToken))(w, r)
				case "/v2/authorize-user":
					reply(http.StatusOK, tokenBody(t, accToken("alice")))(w, r)
				default:
					reply(http.StatusNotFound, `{"error":"NOT_FOUND"}`)(w, r)
				}
			})

			raw, err := c.Issue(context.Background(), tt.identity(t))
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			if req := f.only(t); req.Path != tt.wantPath {
				t.Errorf("path: got %s, want %s", req.Path, tt.wantPath)
			}
			want := map[token.Kind]string{token.KindID: devServerToken, token.KindAccess: accToken("alice")}[tt.wantKind]
			if raw != want {
				t.Errorf("token: got %q, want the %s token", raw, tt.wantKind)
			}
		})
	}
}
