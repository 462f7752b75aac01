package userresolver

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// contextKey is the type of the context key under which [NewContext] stores
// a user. A pointer to an unexported struct cannot collide with keys from
// other packages.
type contextKey struct {
	name string
}

// String names the key when a context is printed.
func (k *contextKey) String() string {
	return "userresolver context key " + k.name
}

// userContextKey is the key under which [NewContext] stores a user.
var userContextKey = &contextKey{name: "user"}

// NewContext returns a copy of ctx that carries u. The application's own
// authentication middleware calls it so that a [Context] resolver finds the
// user later in the same request:
//
//	next.ServeHTTP(w, r.WithContext(userresolver.NewContext(r.Context(), u)))
//
// The context keeps its own copy of u's group IDs and of the top level of
// its profile, so later changes to u do not show through.
func NewContext(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userContextKey, cloneUser(u))
}

// FromContext returns the user that [NewContext] stored in ctx, and whether
// there was one. It never panics, even for a nil ctx. The group IDs and the
// top level of the profile are copies, so changing them does not change the
// user stored in ctx.
func FromContext(ctx context.Context) (User, bool) {
	if ctx == nil {
		return User{}, false
	}
	u, ok := ctx.Value(userContextKey).(User)
	if !ok {
		return User{}, false
	}
	return cloneUser(u), true
}

// Context returns a resolver for a user that the application's own
// authentication middleware placed in the request context with
// [NewContext]. It reports [ErrNoUser] when the context holds no user or a
// user with an empty ID. The resolver is safe for concurrent use.
func Context() UserResolver {
	return Func(resolveFromContext)
}

// resolveFromContext is the resolver returned by [Context].
func resolveFromContext(r *http.Request) (User, error) {
	u, ok := FromContext(r.Context())
	if !ok {
		return User{}, fmt.Errorf("%w: no user in the request context", ErrNoUser)
	}
	if u.ID == "" {
		return User{}, fmt.Errorf("%w: the user in the request context has an empty ID", ErrNoUser)
	}
	return u, nil
}

// cloneUser copies u's group IDs and the top level of its profile. Nil stays
// nil.
func cloneUser(u User) User {
	u.GroupIDs = slices.Clone(u.GroupIDs)
	u.Info = maps.Clone(u.Info)
	return u
}
