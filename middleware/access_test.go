package middleware

import (
	"errors"
	"net/http"
	"testing"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/userresolver"
)

// grantsOf builds grants from pattern/scope pairs, failing the test on a
// bad pattern.
func grantsOf(t *testing.T, pairs ...any) permission.Grants {
	t.Helper()

	var g permission.Grants
	for i := 0; i < len(pairs); i += 2 {
		if err := g.Allow(pairs[i].(string), pairs[i+1].([]permission.Scope)...); err != nil {
			t.Fatalf("Allow(%v): %v", pairs[i], err)
		}
	}
	return g
}

func TestHandlerAccessTokens(t *testing.T) {
	t.Parallel()

	write := []permission.Scope{permission.Write}
	tests := []struct {
		name       string
		body       string
		wantRoom   string
		grants     func(t *testing.T) permission.Grants
		policyErr  error
		wantStatus int
		wantCode   string // "" for success
	}{
		{
			name:       "an exact grant for the room",
			body:       `{"room":"doc-1"}`,
			wantRoom:   "doc-1",
			grants:     func(t *testing.T) permission.Grants { return grantsOf(t, "doc-1", write) },
			wantStatus: http.StatusOK,
		},
		{
			name:     "a prefix grant covering the room",
			body:     `{"room":"org1:doc-1"}`,
			wantRoom: "org1:doc-1",
			grants: func(t *testing.T) permission.Grants {
				return grantsOf(t, "org1:*", []permission.Scope{permission.Read})
			},
			wantStatus: http.StatusOK,
		},
		{
			name:       "a grant on every room for a room-less request",
			body:       `{}`,
			grants:     func(t *testing.T) permission.Grants { return grantsOf(t, "*", write) },
			wantStatus: http.StatusOK,
		},
		{
			name:       "a prefix grant that does not cover the room",
			body:       `{"room":"org2:doc-1"}`,
			grants:     func(t *testing.T) permission.Grants { return grantsOf(t, "org1:*", write) },
			wantStatus: http.StatusForbidden,
			wantCode:   CodeNotAllowed,
		},
		{
			name: "a grant with no base scope",
			body: `{"room":"doc-1"}`,
			grants: func(t *testing.T) permission.Grants {
				return grantsOf(t, "doc-1", []permission.Scope{permission.StorageWrite})
			},
			wantStatus: http.StatusForbidden,
			wantCode:   CodeNotAllowed,
		},
		{
			name: "the first matching prefix decides, as on the realtime server",
			body: `{"room":"org1:doc-1"}`,
			grants: func(t *testing.T) permission.Grants {
				return grantsOf(t, "*", []permission.Scope{permission.StorageWrite}, "org1:*", write)
			},
			wantStatus: http.StatusForbidden,
			wantCode:   CodeNotAllowed,
		},
		{
			name:     "an exact pattern decides over an earlier prefix",
			body:     `{"room":"org1:doc-1"}`,
			wantRoom: "org1:doc-1",
			grants: func(t *testing.T) permission.Grants {
				return grantsOf(t, "org1:*", []permission.Scope{permission.StorageWrite}, "org1:doc-1", write)
			},
			wantStatus: http.StatusOK,
		},
		{
			name:       "no grants at all for a room",
			body:       `{"room":"doc-1"}`,
			grants:     func(t *testing.T) permission.Grants { return permission.Grants{} },
			wantStatus: http.StatusForbidden,
			wantCode:   CodeNotAllowed,
		},
		{
			name:       "no grants at all for a room-less request",
			body:       ``,
			grants:     func(t *testing.T) permission.Grants { return permission.Grants{} },
			wantStatus: http.StatusForbidden,
			wantCode:   CodeNotAllowed,
		},
		{
			name:       "a policy that refuses the user",
			body:       `{"room":"doc-1"}`,
			policyErr:  userresolver.ErrForbidden,
			wantStatus: http.StatusForbidden,
			wantCode:   CodeForbidden,
		},
		{
			name:       "a policy that fails",
			body:       `{"room":"doc-1"}`,
			policyErr:  errors.New("acl service down"),
			wantStatus: http.StatusInternalServerError,
			wantCode:   CodeInternal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var want permission.Grants
			if tt.grants != nil {
				want = tt.grants(t)
			}
			var gotRoom string
			var gotUser userresolver.User
			policy := func(r *http.Request, user userresolver.User, room string) (permission.Grants, error) {
				gotRoom, gotUser = room, user
				return want, tt.policyErr
			}
			issuer := &countingIssuer{}
			w := serve(t, Handler(userresolver.Func(alice), WithIssuer(issuer), WithAccessTokens(policy)), post(tt.body))

			if tt.wantCode != "" {
				wantError(t, w, tt.wantStatus, tt.wantCode)
				if issuer.n != 0 {
					t.Errorf("issuer called %d times, want 0", issuer.n)
				}
				return
			}
			if w.Code != tt.wantStatus || w.Body.String() != `{"token":"h.p1.s"}` {
				t.Fatalf("got %d %s, want 200 with a token", w.Code, w.Body)
			}
			if gotRoom != tt.wantRoom || gotUser.ID != "alice" {
				t.Errorf("policy called with room %q user %q, want %q alice", gotRoom, gotUser.ID, tt.wantRoom)
			}
			id := issuer.ids[0]
			if id.Kind() != "acc" || id.Permissions.Len() != want.Len() {
				t.Errorf("issued identity: got kind %q with %d patterns, want acc with %d", id.Kind(), id.Permissions.Len(), want.Len())
			}
			for p, scopes := range want.All() {
				got, ok := id.Permissions.Lookup(string(p))
				if !ok || len(got) != len(scopes) {
					t.Errorf("issued grants for %q: got %v, want %v", p, got, scopes)
				}
			}
		})
	}
}

func TestHandlerAccessTokenPolicyPanics(t *testing.T) {
	t.Parallel()

	policy := func(*http.Request, userresolver.User, string) (permission.Grants, error) {
		panic("policy bug")
	}
	w := serve(t, Handler(userresolver.Func(alice), WithIssuer(&countingIssuer{}), WithAccessTokens(policy)), post(`{"room":"doc-1"}`))
	wantError(t, w, http.StatusInternalServerError, CodeInternal)
}

func TestHandlerIDTokensByDefault(t *testing.T) {
	t.Parallel()

	issuer := &countingIssuer{}
	serve(t, Handler(userresolver.Func(alice), WithIssuer(issuer)), post(`{"room":"doc-1"}`))
	if got := issuer.ids[0].Kind(); got != "id" {
		t.Errorf("kind: got %q, want id", got)
	}
}
