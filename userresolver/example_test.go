package userresolver_test

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gorilla/sessions"

	"github.com/liveauth/liveauth/userresolver"
)

func ExampleSession() {
	// Cookie stores serialise session values with encoding/gob, which must
	// know the concrete type of a profile map.
	gob.Register(map[string]any{})

	store := sessions.NewCookieStore([]byte("32-byte-long-authentication-key!"))

	// The application's login handler remembers who logged in.
	login := func(w http.ResponseWriter, r *http.Request) {
		session, _ := store.Get(r, "session")
		session.Values[userresolver.DefaultUserIDKey] = 42
		session.Values[userresolver.DefaultGroupIDsKey] = []string{"editors"}
		session.Values[userresolver.DefaultInfoKey] = map[string]any{"name": "Ada"}
		if err := session.Save(r, w); err != nil {
			http.Error(w, "cannot save the session", http.StatusInternalServerError)
		}
	}
	w := httptest.NewRecorder()
	login(w, httptest.NewRequest(http.MethodPost, "/login", nil))

	// The browser sends the session cookie back to the auth endpoint.
	r := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}

	users := userresolver.Session(store, "session")
	user, err := users.ResolveUser(r)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(user.ID, user.GroupIDs, user.Info["name"])

	// Without the cookie, nobody is logged in.
	_, err = users.ResolveUser(httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil))
	fmt.Println(errors.Is(err, userresolver.ErrNoUser))
	// Output:
	// 42 [editors] Ada
	// true
}

func ExampleWithLookup() {
	store := sessions.NewCookieStore([]byte("32-byte-long-authentication-key!"))

	// findUser stands for the application's database query.
	findUser := func(ctx context.Context, id string) (userresolver.User, error) {
		switch id {
		case "7":
			return userresolver.User{
				GroupIDs: []string{"admins"},
				Info:     map[string]any{"name": "Grace"},
			}, nil
		case "8":
			return userresolver.User{}, fmt.Errorf("user %s is suspended: %w", id, userresolver.ErrForbidden)
		default:
			return userresolver.User{}, fmt.Errorf("user %s was deleted: %w", id, userresolver.ErrNoUser)
		}
	}
	users := userresolver.Session(store, "session", userresolver.WithLookup(findUser))

	for _, id := range []int{7, 8, 9} {
		// Log user id in, then send the cookie back as the browser would.
		w := httptest.NewRecorder()
		login := httptest.NewRequest(http.MethodPost, "/login", nil)
		session, _ := store.Get(login, "session")
		session.Values[userresolver.DefaultUserIDKey] = id
		if err := session.Save(login, w); err != nil {
			fmt.Println("error:", err)
			return
		}
		r := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
		for _, c := range w.Result().Cookies() {
			r.AddCookie(c)
		}

		user, err := users.ResolveUser(r)
		switch {
		case errors.Is(err, userresolver.ErrNoUser):
			fmt.Println(id, "unauthenticated")
		case errors.Is(err, userresolver.ErrForbidden):
			fmt.Println(id, "forbidden")
		case err != nil:
			fmt.Println(id, "internal error")
		default:
			fmt.Println(id, user.ID, user.GroupIDs, user.Info["name"])
		}
	}
	// Output:
	// 7 7 [admins] Grace
	// 8 forbidden
	// 9 unauthenticated
}

func ExampleFirst() {
	// apiKeys stands for another way of logging in, used by scripts.
	apiKeys := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		switch r.Header.Get("X-Api-Key") {
		case "":
			return userresolver.User{}, fmt.Errorf("%w: no API key", userresolver.ErrNoUser)
		case "key-123":
			return userresolver.User{ID: "bot-1"}, nil
		default:
			return userresolver.User{}, fmt.Errorf("unknown API key: %w", userresolver.ErrForbidden)
		}
	})
	users := userresolver.First(userresolver.Context(), apiKeys)

	fromContext := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	fromContext = fromContext.WithContext(
		userresolver.NewContext(fromContext.Context(), userresolver.User{ID: "ada"}))

	fromKey := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	fromKey.Header.Set("X-Api-Key", "key-123")

	badKey := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	badKey.Header.Set("X-Api-Key", "stolen")

	anonymous := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)

	for _, r := range []*http.Request{fromContext, fromKey, badKey, anonymous} {
		user, err := users.ResolveUser(r)
		switch {
		case errors.Is(err, userresolver.ErrNoUser):
			fmt.Println("nobody is logged in")
		case errors.Is(err, userresolver.ErrForbidden):
			fmt.Println("forbidden")
		case err != nil:
			fmt.Println("internal error")
		default:
			fmt.Println("user", user.ID)
		}
	}
	// Output:
	// user ada
	// user bot-1
	// forbidden
	// nobody is logged in
}

func ExampleNewContext() {
	// The application's own authentication middleware, here one that trusts
	// a header set by a proxy, puts the user in the request context.
	authenticate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id := r.Header.Get("X-Authenticated-User"); id != "" {
				u := userresolver.User{ID: id, GroupIDs: []string{"staff"}}
				r = r.WithContext(userresolver.NewContext(r.Context(), u))
			}
			next.ServeHTTP(w, r)
		})
	}

	// Further down, a Context resolver finds that user.
	users := userresolver.Context()
	endpoint := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, err := users.ResolveUser(r)
		if err != nil {
			fmt.Println("resolve:", errors.Is(err, userresolver.ErrNoUser))
			return
		}
		fmt.Println("resolve:", user.ID, user.GroupIDs)
	})
	handler := authenticate(endpoint)

	r := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	r.Header.Set("X-Authenticated-User", "ada")
	handler.ServeHTTP(httptest.NewRecorder(), r)

	anonymous := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", nil)
	handler.ServeHTTP(httptest.NewRecorder(), anonymous)
	// Output:
	// resolve: ada [staff]
	// resolve: true
}
