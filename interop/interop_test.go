//go:build interop

package interop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/userresolver"
)

var passed, failed atomic.Int32

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("interop: %d passed, %d failed\n", passed.Load(), failed.Load())
	os.Exit(code)
}

// scenario runs one end-to-end scenario as a subtest, counts it and
// reports whether it passed.
func scenario(t *testing.T, name string, fn func(t *testing.T)) bool {
	t.Helper()
	ok := t.Run(name, fn)
	if ok {
		passed.Add(1)
	} else {
		failed.Add(1)
	}
	return ok
}

// The demo users, as the app's database would hold them. ASCII only: the
// dev server mangles non-ASCII user info (the unit tests cover it).
var users = map[string]userresolver.User{
	"alice": {
		ID:       "alice",
		GroupIDs: []string{"engineering"},
		Info: map[string]any{
			"name":   "Alice Anders",
			"avatar": "https://example.com/avatars/alice.png",
			"colors": []any{"#ff5a5f", "#ffd1d3"},
		},
	},
	"bob": {
		ID:   "bob",
		Info: map[string]any{"name": "Bob Brown", "avatar": "https://example.com/avatars/bob.png"},
	},
}

// app is the Go backend under test: a login route that starts a
// gorilla/sessions session, and the liveauth endpoint.
type app struct {
	server   *httptest.Server
	endpoint string
	baseURL  string // the dev server
	lb       *liveblocks.Client
}

func newApp(t *testing.T) *app {
	t.Helper()

	baseURL := os.Getenv("LIVEBLOCKS_BASE_URL")
	secret := os.Getenv("LIVEBLOCKS_SECRET_KEY")
	if baseURL == "" || secret == "" {
		t.Fatal("LIVEBLOCKS_BASE_URL and LIVEBLOCKS_SECRET_KEY are not set: run the suite with make interop, inside liveblocks dev -c")
	}
	lb, err := liveblocks.New(secret, liveblocks.WithBaseURL(baseURL))
	if err != nil {
		t.Fatalf("liveblocks.New: %v", err)
	}

	store := sessions.NewCookieStore([]byte("interop-test-hash-key-32-bytes!!"))
	store.Options.HttpOnly = true
	store.Options.SameSite = http.SameSiteLaxMode

	lookup := func(ctx context.Context, id string) (userresolver.User, error) {
		u, ok := users[id]
		if !ok {
			return userresolver.User{}, userresolver.ErrNoUser
		}
		return u, nil
	}
	sessionUsers := userresolver.Session(store, "session", userresolver.WithLookup(lookup))

	// The callback scenario sends X-Workspace; an app might use such a
	// header to choose a tenant. The resolver shows it in the profile so
	// that the test can see it arrived.
	resolver := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		u, err := sessionUsers.ResolveUser(r)
		if err != nil {
			return u, err
		}
		if ws := r.Header.Get("X-Workspace"); ws != "" {
			info := map[string]any{"workspace": ws}
			for k, v := range u.Info {
				info[k] = v
			}
			u.Info = info
		}
		return u, nil
	})

	mux := http.NewServeMux()
	mux.Handle("POST /api/liveblocks-auth", middleware.Handler(resolver, middleware.WithIssuer(lb)))
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("user")
		if _, ok := users[id]; !ok {
			http.Error(w, "unknown user", http.StatusForbidden)
			return
		}
		session, _ := store.Get(r, "session")
		session.Values[userresolver.DefaultUserIDKey] = id
		if err := session.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)

	return &app{server: server, endpoint: server.URL + "/api/liveblocks-auth", baseURL: baseURL, lb: lb}
}

// login logs a user in over HTTP and returns the Cookie header a browser
// would then send.
func (a *app) login(t *testing.T, user string) string {
	t.Helper()

	resp, err := http.PostForm(a.server.URL+"/login", map[string][]string{"user": {user}})
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("login %s: got status %d, want 204", user, resp.StatusCode)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("login %s: got %d cookies, want 1", user, len(cookies))
	}
	return cookies[0].Name + "=" + cookies[0].Value
}

// clientSpec is what client.mjs takes.
type clientSpec struct {
	BaseURL      string            `json:"baseUrl"`
	AuthEndpoint string            `json:"authEndpoint"`
	Cookie       string            `json:"cookie"`
	Mode         string            `json:"mode"`
	Headers      map[string]string `json:"headers,omitempty"`
	Rooms        []string          `json:"rooms"`
	Roomless     bool              `json:"roomless,omitempty"`
	SettleMs     int               `json:"settleMs,omitempty"`
	TimeoutMs    int               `json:"timeoutMs,omitempty"`
	// ClientPerRoom enters each room with a client of its own, so that no
	// token is reused across rooms.
	ClientPerRoom bool `json:"clientPerRoom,omitempty"`
}

// roomResult is what the client saw in one room.
type roomResult struct {
	Status string `json:"status"`
	Self   *struct {
		ID         string         `json:"id"`
		Info       map[string]any `json:"info"`
		CanWrite   bool           `json:"canWrite"`
		CanComment bool           `json:"canComment"`
	} `json:"self"`
	Errors []struct {
		Message string `json:"message"`
		Code    *int   `json:"code"`
	} `json:"errors"`

	// Scopes are those of the server's ROOM_STATE message, nil if it sent
	// none.
	Scopes []string `json:"scopes"`

	// SocketErrors are the distinct errors of the room's sockets, such as
	// "Unexpected server response: 500", which the client does not report
	// as room errors.
	SocketErrors []string `json:"socketErrors"`
}

// authCall is one request the client made to the endpoint.
type authCall struct {
	Body     map[string]any `json:"body"`
	Status   int            `json:"status"`
	Response any            `json:"response"`
}

type clientResult struct {
	Rooms    map[string]roomResult `json:"rooms"`
	Roomless *struct {
		Error *string `json:"error"`
	} `json:"roomless"`
	AuthCalls []authCall `json:"authCalls"`
	Tokens    []string   `json:"tokens"`
}

// runClient runs the real @liveblocks/client with spec and returns what it
// saw.
func (a *app) runClient(t *testing.T, spec clientSpec) clientResult {
	t.Helper()

	spec.BaseURL = a.baseURL
	spec.AuthEndpoint = a.endpoint
	if spec.Mode == "" {
		spec.Mode = "url"
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "client.mjs", string(raw))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("client.mjs: %v\nstdout: %s\nstderr: %s", err, out, stderr.String())
	}
	var res clientResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("client.mjs output %q: %v", out, err)
	}
	return res
}

// createRoom creates a room on the dev server through our REST client.
func (a *app) createRoom(t *testing.T, id string, p liveblocks.CreateRoomParams) {
	t.Helper()

	if _, err := a.lb.CreateRoom(context.Background(), id, p); err != nil {
		t.Fatalf("CreateRoom %s: %v", id, err)
	}
}

// wantConnected checks that the client entered a room as user.
func wantConnected(t *testing.T, res clientResult, room, user string, canWrite bool, info map[string]any) {
	t.Helper()

	r, ok := res.Rooms[room]
	if !ok {
		t.Fatalf("no result for room %s", room)
	}
	if r.Status != "connected" || r.Self == nil {
		t.Fatalf("room %s: got status %q, self %v, errors %+v; want connected", room, r.Status, r.Self, r.Errors)
	}
	if r.Self.ID != user {
		t.Errorf("room %s: getSelf().id: got %q, want %q", room, r.Self.ID, user)
	}
	if r.Self.CanWrite != canWrite {
		t.Errorf("room %s: canWrite: got %v, want %v", room, r.Self.CanWrite, canWrite)
	}
	if !reflect.DeepEqual(r.Self.Info, info) {
		t.Errorf("room %s: getSelf().info: got %v, want %v", room, r.Self.Info, info)
	}
	if len(r.Errors) != 0 {
		t.Errorf("room %s: errors: got %+v, want none", room, r.Errors)
	}
}

// callsFor returns the auth calls made for one room ("" for room-less).
func callsFor(res clientResult, room string) []authCall {
	var calls []authCall
	for _, c := range res.AuthCalls {
		got, _ := c.Body["room"].(string)
		if got == room {
			calls = append(calls, c)
		}
	}
	return calls
}

// claims decodes a token's payload (the client does the same; it never
// verifies the signature).
func claims(t *testing.T, tok string) map[string]any {
	t.Helper()

	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", tok, len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatalf("token payload: %v", err)
	}
	return c
}

func scopes(s ...permission.Scope) []permission.Scope { return s }

func TestEndToEnd(t *testing.T) {
	a := newApp(t)

	// Rooms as the Liveblocks docs' example sets them: read and presence
	// for everyone, write for a group, write for one user.
	readOnly := scopes(permission.RoomRead, permission.PresenceWrite)
	a.createRoom(t, "team-room", liveblocks.CreateRoomParams{
		DefaultAccesses: readOnly,
		GroupsAccesses:  map[string][]permission.Scope{"engineering": scopes(permission.RoomWrite)},
	})
	a.createRoom(t, "read-room", liveblocks.CreateRoomParams{DefaultAccesses: readOnly})
	a.createRoom(t, "bob-room", liveblocks.CreateRoomParams{
		DefaultAccesses: readOnly,
		UsersAccesses:   map[string][]permission.Scope{"bob": scopes(permission.RoomWrite)},
	})
	a.createRoom(t, "private-room", liveblocks.CreateRoomParams{
		DefaultAccesses: scopes(),
		GroupsAccesses:  map[string][]permission.Scope{"engineering": scopes(permission.RoomWrite)},
	})

	alice := a.login(t, "alice")
	bob := a.login(t, "bob")

	scenario(t, "a group with room:write lets its member write, with the resolver's profile", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: alice, Rooms: []string{"team-room"}})
		wantConnected(t, res, "team-room", "alice", true, users["alice"].Info)

		c := claims(t, res.Tokens[0])
		if c["k"] != "id" || c["uid"] != "alice" || !reflect.DeepEqual(c["gids"], []any{"engineering"}) {
			t.Errorf("token claims: got %v, want an ID token for alice in engineering", c)
		}
	})

	scenario(t, "a room whose default is read and presence is read-only", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: alice, Rooms: []string{"read-room"}})
		wantConnected(t, res, "read-room", "alice", false, users["alice"].Info)
	})

	scenario(t, "a user-level access overrides the room default", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: bob, Rooms: []string{"bob-room", "read-room"}})
		wantConnected(t, res, "bob-room", "bob", true, users["bob"].Info)
		wantConnected(t, res, "read-room", "bob", false, users["bob"].Info)
	})

	scenario(t, "a user with no access is refused with 4001 and the client stops", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: bob, Rooms: []string{"private-room"}, SettleMs: 2500})
		r := res.Rooms["private-room"]
		if r.Status != "disconnected" || r.Self != nil {
			t.Fatalf("got status %q, self %v; want disconnected with no self", r.Status, r.Self)
		}
		if len(r.Errors) != 1 || r.Errors[0].Code == nil || *r.Errors[0].Code != 4001 {
			t.Errorf("errors: got %+v, want one with code 4001", r.Errors)
		}
		if calls := callsFor(res, "private-room"); len(calls) != 1 || calls[0].Status != http.StatusOK {
			t.Errorf("auth calls: got %+v, want exactly one 200 (no retry loop)", calls)
		}
	})

	scenario(t, "without a session cookie the client stops on our 401", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: "", Rooms: []string{"team-room"}, SettleMs: 2500})
		r := res.Rooms["team-room"]
		if r.Status != "disconnected" || r.Self != nil {
			t.Fatalf("got status %q, self %v; want disconnected with no self", r.Status, r.Self)
		}
		wantBody := map[string]any{
			"error":  "forbidden",
			"code":   "unauthenticated",
			"reason": "Nobody is logged in: the session is missing, expired or invalid.",
		}
		if len(res.AuthCalls) != 1 || res.AuthCalls[0].Status != http.StatusUnauthorized ||
			!reflect.DeepEqual(res.AuthCalls[0].Response, wantBody) {
			t.Errorf("auth calls: got %+v, want exactly one 401 with %v", res.AuthCalls, wantBody)
		}
		if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "401 returned by POST") {
			t.Errorf("errors: got %+v, want one naming our 401", r.Errors)
		}
	})

	scenario(t, "a forged session cookie is nobody logged in", func(t *testing.T) {
		forged := alice[:len(alice)-4] + "AAAA"
		res := a.runClient(t, clientSpec{Cookie: forged, Rooms: []string{"team-room"}, SettleMs: 500})
		if len(res.AuthCalls) != 1 || res.AuthCalls[0].Status != http.StatusUnauthorized {
			t.Errorf("auth calls: got %+v, want exactly one 401", res.AuthCalls)
		}
		if r := res.Rooms["team-room"]; r.Status != "disconnected" {
			t.Errorf("status: got %q, want disconnected", r.Status)
		}
	})

	scenario(t, "an authEndpoint callback sends a header the resolver reads", func(t *testing.T) {
		res := a.runClient(t, clientSpec{
			Cookie:  alice,
			Mode:    "callback",
			Headers: map[string]string{"X-Workspace": "acme"},
			Rooms:   []string{"team-room"},
		})
		want := map[string]any{"workspace": "acme"}
		for k, v := range users["alice"].Info {
			want[k] = v
		}
		wantConnected(t, res, "team-room", "alice", true, want)
	})

	scenario(t, "one client in two rooms at once gets two different tokens", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: alice, Rooms: []string{"team-room", "private-room"}})
		wantConnected(t, res, "team-room", "alice", true, users["alice"].Info)
		wantConnected(t, res, "private-room", "alice", true, users["alice"].Info)
		if len(res.Tokens) != 2 || res.Tokens[0] == res.Tokens[1] {
			t.Errorf("tokens: got %d (%v), want 2 different ones", len(res.Tokens), res.Tokens)
		}
	})

	scenario(t, "a room-less request {} gets an ID token", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: alice, Roomless: true})
		if len(res.AuthCalls) != 1 || res.AuthCalls[0].Status != http.StatusOK || len(res.AuthCalls[0].Body) != 0 {
			t.Fatalf("auth calls: got %+v, want one 200 for the body {}", res.AuthCalls)
		}
		c := claims(t, res.Tokens[0])
		if c["k"] != "id" || c["uid"] != "alice" || !reflect.DeepEqual(c["ui"], users["alice"].Info) {
			t.Errorf("token claims: got %v, want an ID token for alice with her profile", c)
		}
		if res.Roomless == nil || res.Roomless.Error != nil {
			t.Errorf("inbox notifications: got %+v, want no error", res.Roomless)
		}
	})

	scenario(t, "a room the dev server has never seen refuses an ID token", func(t *testing.T) {
		res := a.runClient(t, clientSpec{Cookie: alice, Rooms: []string{"no-such-room"}, SettleMs: 1000})
		r := res.Rooms["no-such-room"]
		if r.Status != "disconnected" || len(r.Errors) != 1 || r.Errors[0].Code == nil || *r.Errors[0].Code != 4001 {
			t.Errorf("got status %q, errors %+v; want disconnected with 4001", r.Status, r.Errors)
		}
	})
}
