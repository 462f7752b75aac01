package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// verifierFunc adapts a function to TokenVerifier.
type verifierFunc func(ctx context.Context, raw string) (*token.Claims, error)

func (f verifierFunc) Verify(ctx context.Context, raw string) (*token.Claims, error) {
	return f(ctx, raw)
}

// fakeVerifier accepts the tokens in its map and refuses every other one.
func fakeVerifier(tokens map[string]*token.Claims) TokenVerifier {
	return verifierFunc(func(_ context.Context, raw string) (*token.Claims, error) {
		if c, ok := tokens[raw]; ok {
			return c, nil
		}
		return nil, errors.New("token: signature is invalid")
	})
}

// brokenRooms fails every lookup.
type brokenRooms struct{}

func (brokenRooms) RoomAccesses(context.Context, string) (permission.Accesses, error) {
	return permission.Accesses{}, errors.New("database is down")
}

func TestRoomGuard(t *testing.T) {
	t.Parallel()

	var rooms MemoryRooms
	mustSet := func(id string, a permission.Accesses) {
		if err := rooms.Set(id, a); err != nil {
			t.Fatalf("Set(%s): %v", id, err)
		}
	}
	mustSet("doc", permission.Accesses{
		Default: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		Groups:  map[string][]permission.Scope{"engineering": {permission.RoomWrite}},
	})
	mustSet("private", permission.Accesses{Default: []permission.Scope{}})

	var grants permission.Grants
	if err := grants.Allow("org1:*", permission.Read); err != nil {
		t.Fatal(err)
	}
	// "*" → read listed before "org1:*" → write: the server applies the
	// first matching prefix (read), where the client's merge says write.
	var overlap permission.Grants
	if err := json.Unmarshal([]byte(`{"*":["*:read"],"org1:*":["*:write"]}`), &overlap); err != nil {
		t.Fatal(err)
	}
	// A scope newer than this code counts for nothing, the rest still does.
	var future permission.Grants
	if err := json.Unmarshal([]byte(`{"room1":["*:write","storage:admin"]}`), &future); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]*token.Claims{
		"alice":   {Kind: token.KindID, UserID: "alice", GroupIDs: []string{"engineering"}},
		"bob":     {Kind: token.KindID, UserID: "bob"},
		"acc":     {Kind: token.KindAccess, UserID: "carol", Permissions: grants},
		"overlap": {Kind: token.KindAccess, UserID: "dave", Permissions: overlap},
		"future":  {Kind: token.KindAccess, UserID: "erin", Permissions: future},
	}

	tests := []struct {
		name       string
		target     string
		header     string
		rooms      RoomStore
		verifier   TokenVerifier
		wantStatus int
		wantCode   string
		wantUser   string
		wantWrite  bool
	}{
		{name: "a group member writes", target: "/v8?roomId=doc&tok=alice", wantStatus: 200, wantUser: "alice", wantWrite: true},
		{name: "the default reads", target: "/v8?roomId=doc&tok=bob", wantStatus: 200, wantUser: "bob"},
		{name: "a bearer header works too", target: "/v8?roomId=doc", header: "Bearer alice", wantStatus: 200, wantUser: "alice", wantWrite: true},
		{name: "an access token's prefix admits without a room record", target: "/v8?roomId=org1:new&tok=acc", wantStatus: 200, wantUser: "carol"},
		{name: "an access token outside its grants", target: "/v8?roomId=org2:doc&tok=acc", wantStatus: 403, wantCode: CodeNotAllowed},
		{name: "a private room refuses", target: "/v8?roomId=private&tok=alice", wantStatus: 403, wantCode: CodeNotAllowed},
		{name: "an unknown room refuses ID tokens", target: "/v8?roomId=nowhere&tok=alice", wantStatus: 403, wantCode: CodeNotAllowed},
		{name: "overlapping patterns follow the server's first match", target: "/v8?roomId=org1:doc&tok=overlap", wantStatus: 200, wantUser: "dave"},
		{name: "an unknown scope does not void the known ones", target: "/v8?roomId=room1&tok=future", wantStatus: 200, wantUser: "erin", wantWrite: true},
		{name: "the same token in the query and the header", target: "/v8?roomId=doc&tok=alice", header: "Bearer alice", wantStatus: 200, wantUser: "alice", wantWrite: true},
		{name: "two different tokens", target: "/v8?roomId=doc&tok=bob", header: "Bearer alice", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "roomId given twice", target: "/v8?roomId=doc&roomId=private&tok=alice", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "tok given twice", target: "/v8?roomId=doc&tok=&tok=alice", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "a valid token under another scheme", target: "/v8?roomId=doc", header: "Basic alice", wantStatus: 401, wantCode: CodeInvalidToken},
		{
			name:   "a verifier that returns nothing",
			target: "/v8?roomId=doc&tok=alice",
			verifier: verifierFunc(func(context.Context, string) (*token.Claims, error) {
				return nil, nil
			}),
			wantStatus: 401,
			wantCode:   CodeInvalidToken,
		},
		{name: "no token", target: "/v8?roomId=doc", wantStatus: 401, wantCode: CodeInvalidToken},
		{name: "a basic authorization is no token", target: "/v8?roomId=doc", header: "Basic YWxpY2U6cHc=", wantStatus: 401, wantCode: CodeInvalidToken},
		{name: "a forged token", target: "/v8?roomId=doc&tok=mallory", wantStatus: 401, wantCode: CodeInvalidToken},
		{name: "no room", target: "/v8?tok=alice", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "a 129-character room", target: "/v8?roomId=" + strings.Repeat("r", 129) + "&tok=alice", wantStatus: 400, wantCode: CodeBadRequest},
		{name: "a broken room store", target: "/v8?roomId=doc&tok=alice", rooms: brokenRooms{}, wantStatus: 500, wantCode: CodeInternal},
		{
			name:   "a verifier that timed out fetching keys",
			target: "/v8?roomId=doc&tok=alice",
			verifier: verifierFunc(func(context.Context, string) (*token.Claims, error) {
				return nil, fmt.Errorf("fetching keys: %w", context.DeadlineExceeded)
			}),
			wantStatus: 503,
			wantCode:   CodeUpstreamUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			store := tt.rooms
			if store == nil {
				store = &rooms
			}
			v := tt.verifier
			if v == nil {
				v = fakeVerifier(tokens)
			}
			var got Admission
			var called bool
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, called = AdmissionFromContext(r.Context())
				w.WriteHeader(http.StatusSwitchingProtocols)
			})
			h := RoomGuard(v, store, WithGuardLogger(slog.New(slog.DiscardHandler)))(next)

			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			w := serve(t, h, r)

			if tt.wantCode != "" {
				wantError(t, w, tt.wantStatus, tt.wantCode)
				if strings.Contains(w.Body.String(), "signature") || strings.Contains(w.Body.String(), "fetching keys") {
					t.Errorf("body carries the verifier's own text: %s", w.Body)
				}
				if called {
					t.Error("next was called for a refused request")
				}
				return
			}
			if w.Code != http.StatusSwitchingProtocols || !called {
				t.Fatalf("got %d (next called: %v), want next's 101", w.Code, called)
			}
			if got.Claims.UserID != tt.wantUser || got.CanWrite() != tt.wantWrite {
				t.Errorf("admission: got user %q canWrite %v, want %q %v", got.Claims.UserID, got.CanWrite(), tt.wantUser, tt.wantWrite)
			}
		})
	}
}

func TestMemoryRooms(t *testing.T) {
	t.Parallel()

	var rooms MemoryRooms
	a := permission.Accesses{
		Default: []permission.Scope{permission.Read},
		Users:   map[string][]permission.Scope{"alice": {permission.Write}},
	}
	if err := rooms.Set("doc", a); err != nil {
		t.Fatal(err)
	}
	a.Users["alice"][0] = permission.Read // the store keeps its own copy

	got, err := rooms.RoomAccesses(context.Background(), "doc")
	want := permission.Accesses{
		Default: []permission.Scope{permission.Read},
		Users:   map[string][]permission.Scope{"alice": {permission.Write}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("RoomAccesses: got %+v, %v; want %+v", got, err, want)
	}

	rooms.Delete("doc")
	if _, err := rooms.RoomAccesses(context.Background(), "doc"); !errors.Is(err, ErrRoomNotFound) {
		t.Errorf("after Delete: got %v, want ErrRoomNotFound", err)
	}

	if err := rooms.Set("bad", permission.Accesses{Default: []permission.Scope{"room:fly"}}); !errors.Is(err, permission.ErrUnknownScope) {
		t.Errorf("Set with an unknown scope: got %v, want ErrUnknownScope", err)
	}
	if err := rooms.Set("", permission.Accesses{}); !errors.Is(err, permission.ErrInvalidRoomID) {
		t.Errorf("Set with a bad room ID: got %v, want ErrInvalidRoomID", err)
	}
}

func TestRoomGuardPanicsWithoutParts(t *testing.T) {
	t.Parallel()

	defer func() {
		if got := fmt.Sprint(recover()); got != "middleware: RoomGuard needs a verifier and a room store" {
			t.Errorf("panic: got %q", got)
		}
	}()
	RoomGuard(nil, &MemoryRooms{})
}

// TestRoomGuardWithRealTokens runs the guard with token.Signer and
// token.Verifier: what the example and a Go realtime server use.
func TestRoomGuardWithRealTokens(t *testing.T) {
	t.Parallel()

	key, err := token.GenerateKey(token.ES256)
	if err != nil {
		t.Fatal(err)
	}
	set, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	signer, err := token.NewKeySetSigner(set, token.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := token.NewVerifier(set, token.WithVerifierClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := token.GenerateSigner(token.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}

	var rooms MemoryRooms
	if err := rooms.Set("doc", permission.Accesses{
		Default: []permission.Scope{permission.Read},
		Users:   map[string][]permission.Scope{"alice": {permission.Write}},
	}); err != nil {
		t.Fatal(err)
	}
	issue := func(s *token.Signer, user string) string {
		t.Helper()
		tok, err := s.Issue(context.Background(), token.Identity{UserID: user, UserInfo: map[string]any{"name": user}})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	aliceTok, bobTok, strangerTok := issue(signer, "alice"), issue(signer, "bob"), issue(stranger, "alice")

	var got Admission
	h := RoomGuard(verifier, &rooms, WithGuardLogger(quiet))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = AdmissionFromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))

	w := serve(t, h, httptest.NewRequest(http.MethodGet, "/v8?roomId=doc&tok="+aliceTok, nil))
	if w.Code != http.StatusNoContent || got.Claims.UserID != "alice" || !got.CanWrite() || got.Claims.UserInfo["name"] != "alice" {
		t.Errorf("alice: got %d, %+v; want admitted writing", w.Code, got)
	}
	w = serve(t, h, httptest.NewRequest(http.MethodGet, "/v8?roomId=doc&tok="+bobTok, nil))
	if w.Code != http.StatusNoContent || got.Claims.UserID != "bob" || got.CanWrite() {
		t.Errorf("bob: got %d, %+v; want admitted read-only", w.Code, got)
	}
	wantError(t, serve(t, h, httptest.NewRequest(http.MethodGet, "/v8?roomId=doc&tok="+strangerTok, nil)), http.StatusUnauthorized, CodeInvalidToken)

	now = now.Add(2 * time.Hour) // past the token's hour and the minute of leeway
	wantError(t, serve(t, h, httptest.NewRequest(http.MethodGet, "/v8?roomId=doc&tok="+aliceTok, nil)), http.StatusUnauthorized, CodeInvalidToken)
}

func TestRoomGuardNeverLogsTokens(t *testing.T) {
	t.Parallel()

	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := RoomGuard(fakeVerifier(nil), &MemoryRooms{}, WithGuardLogger(logger))(http.NotFoundHandler())

	const secret = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl"
	serve(t, h, httptest.NewRequest(http.MethodGet, "/v8?roomId=doc&tok="+secret, nil))
	r := httptest.NewRequest(http.MethodGet, "/v8?roomId=doc", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	serve(t, h, r)

	mu.Lock()
	defer mu.Unlock()
	if out := buf.String(); strings.Contains(out, "c2VjcmV0") || strings.Count(out, "code=invalid_token") != 2 {
		t.Errorf("log: got %q, want two invalid_token lines without the token", out)
	}
}
