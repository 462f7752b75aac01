package middleware_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// This example mounts the endpoint with a resolver that reads a header (an
// application would read its session instead) and a local signer.
func ExampleHandler() {
	signer, err := token.GenerateSigner()
	if err != nil {
		log.Fatal(err)
	}
	users := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		if r.Header.Get("X-Demo-User") != "alice" {
			return userresolver.User{}, userresolver.ErrNoUser
		}
		return userresolver.User{
			ID:       "alice",
			GroupIDs: []string{"engineering"},
			Info:     map[string]any{"name": "Alice"},
		}, nil
	})

	mux := http.NewServeMux()
	mux.Handle("/api/liveblocks-auth", middleware.Handler(users, middleware.WithIssuer(signer)))

	// Alice asks for a token to enter "doc-1".
	req := httptest.NewRequest("POST", "/api/liveblocks-auth", strings.NewReader(`{"room":"doc-1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Demo-User", "alice")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)

	var body struct{ Token string }
	json.Unmarshal(rec.Body.Bytes(), &body)
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(body.Token, ".")[1])
	var claims token.Claims
	json.Unmarshal(payload, &claims)
	fmt.Println(rec.Code, claims.Kind, claims.UserID, claims.GroupIDs, claims.UserInfo["name"])

	// Nobody is logged in.
	req = httptest.NewRequest("POST", "/api/liveblocks-auth", strings.NewReader(`{"room":"doc-1"}`))
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body)

	// Output:
	// 200 id alice [engineering] Alice
	// 401 {"error":"forbidden","code":"unauthenticated","reason":"Nobody is logged in: the session is missing, expired or invalid."}
}
