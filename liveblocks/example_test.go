package liveblocks_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

func ExampleNew() {
	// Under `npx liveblocks dev -c "..."` these come from
	// LIVEBLOCKS_SECRET_KEY and LIVEBLOCKS_BASE_URL.
	lb, err := liveblocks.New("sk_localdev",
		liveblocks.WithBaseURL("http://127.0.0.1:1153/"),
		liveblocks.WithTimeout(5*time.Second),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lb)

	// A public key by mistake: the error says so, without repeating it.
	_, err = liveblocks.New("pk_prod_0123456789")
	fmt.Println(errors.Is(err, liveblocks.ErrInvalidConfig))
	// Output:
	// liveblocks.Client(http://127.0.0.1:1153)
	// true
}

// fakeDevServer answers POST /v2/identify-user the way the dev server
// does: with an unsigned token for the identity it was sent.
func fakeDevServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			UserID   string         `json:"userId"`
			GroupIDs []string       `json:"groupIds"`
			UserInfo map[string]any `json:"userInfo"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, `{"error":"Bad Request"}`, http.StatusBadRequest)
			return
		}
		// The client refuses expired tokens, so the times are real ones.
		iat := time.Now().Unix()
		payload, _ := json.Marshal(map[string]any{
			"k": "id", "pid": "localdev", "uid": in.UserID, "gids": in.GroupIDs, "ui": in.UserInfo,
			"iat": iat, "exp": iat + 3600, "jti": "abcdefghijkl",
		})
		raw := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + base64.RawURLEncoding.EncodeToString(payload) + "."
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"token": raw})
	}))
}

func ExampleClient_IdentifyUser() {
	srv := fakeDevServer()
	defer srv.Close()

	lb, err := liveblocks.New("sk_localdev", liveblocks.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}

	raw, err := lb.IdentifyUser(context.Background(), token.Identity{
		UserID:   "alice",
		GroupIDs: []string{"engineering"},
		UserInfo: map[string]any{"name": "Alice", "color": "#e11d48"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The token goes to the browser as {"token": raw}. Here we peek at
	// its payload; never trust it for decisions.
	var claims token.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.Kind, claims.UserID, claims.GroupIDs, claims.UserInfo["name"])
	fmt.Println(claims.ExpiresAt.Sub(claims.IssuedAt.Time))
	// Output:
	// id alice [engineering] Alice
	// 1h0m0s
}

// fakeAuthorizeUser answers POST /v2/authorize-user the way the dev
// server does: with an unsigned access token whose "perms" are the
// permissions it was sent, in the same order.
func fakeAuthorizeUser() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			UserID      string          `json:"userId"`
			Permissions json.RawMessage `json:"permissions"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, `{"error":"Bad Request"}`, http.StatusBadRequest)
			return
		}
		iat := time.Now().Unix()
		payload, _ := json.Marshal(struct {
			K     string          `json:"k"`
			PID   string          `json:"pid"`
			UID   string          `json:"uid"`
			Perms json.RawMessage `json:"perms"`
			IAT   int64           `json:"iat"`
			EXP   int64           `json:"exp"`
		}{"acc", "localdev", in.UserID, in.Permissions, iat, iat + 3600})
		raw := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + base64.RawURLEncoding.EncodeToString(payload) + "."
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"token": raw})
	}))
}

func ExampleClient_AuthorizeUser() {
	srv := fakeAuthorizeUser()
	defer srv.Close()

	lb, err := liveblocks.New("sk_localdev", liveblocks.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}

	// Read-only in one room, write access without Storage in the rest of
	// the organisation. Patterns keep the order they are allowed in.
	var perms permission.Grants
	if err := perms.Allow("org1.room1", permission.Read); err != nil {
		fmt.Println(err)
		return
	}
	if err := perms.Allow("org1*", permission.Write, permission.StorageNone); err != nil {
		fmt.Println(err)
		return
	}

	// An identity with permissions asks for an access token; Issue would
	// pick AuthorizeUser for it too.
	raw, err := lb.AuthorizeUser(context.Background(), token.Identity{UserID: "alice", Permissions: perms})
	if err != nil {
		fmt.Println(err)
		return
	}

	var claims token.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.Kind, claims.UserID)
	for pattern, scopes := range claims.Permissions.All() {
		fmt.Println(pattern, scopes)
	}
	// Output:
	// acc alice
	// org1.room1 [*:read]
	// org1* [*:write storage:none]
}

func ExampleError() {
	// Liveblocks is rate-limiting this project.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"TOO_MANY_REQUESTS","message":"Too many requests"}`)
	}))
	defer srv.Close()

	lb, err := liveblocks.New("sk_localdev", liveblocks.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = lb.Issue(context.Background(), token.Identity{UserID: "alice"})

	// An endpoint needs only the token sentinels to pick its status...
	switch {
	case errors.Is(err, token.ErrUnavailable):
		fmt.Println("503: try again later")
	case errors.Is(err, token.ErrRejected):
		fmt.Println("403: refused")
	case errors.Is(err, token.ErrBadResponse):
		fmt.Println("502: bad answer")
	}

	// ...and *Error for the details.
	var lbErr *liveblocks.Error
	if errors.As(err, &lbErr) {
		fmt.Println(lbErr.Status, lbErr.Code)
	}

	// The upstream's Retry-After is a method, so code that does not import
	// this package (such as the liveauth endpoint) finds it too.
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		fmt.Println("retry after", ra.RetryAfter())
	}
	fmt.Println(err)
	// Output:
	// 503: try again later
	// 429 TOO_MANY_REQUESTS
	// retry after 30s
	// liveblocks: POST /v2/identify-user: status 429 (TOO_MANY_REQUESTS): Too many requests
}

func ExampleClient_GetOrCreateRoom() {
	// A fake that echoes the room it is asked to create.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var room map[string]any
		json.NewDecoder(r.Body).Decode(&room)
		room["createdAt"] = "2026-01-01T00:00:00.000Z"
		room["organizationId"] = "default"
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(room)
	}))
	defer srv.Close()

	lb, err := liveblocks.New("sk_localdev", liveblocks.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}

	// The permissions of the Liveblocks docs' example: everyone may read
	// and show presence, engineering and alice may write.
	room, err := lb.GetOrCreateRoom(context.Background(), "design-doc", liveblocks.CreateRoomParams{
		DefaultAccesses: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		GroupsAccesses:  map[string][]permission.Scope{"engineering": {permission.RoomWrite}},
		UsersAccesses:   map[string][]permission.Scope{"alice": {permission.RoomWrite}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	acc := room.Accesses()
	fmt.Println(room.ID, room.CreatedAt.Year())
	fmt.Println(acc.Default, acc.Groups["engineering"], acc.Users["alice"])
	// Output:
	// design-doc 2026
	// [room:read room:presence:write] [room:write] [room:write]
}
