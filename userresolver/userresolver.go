// Package userresolver finds out which user is behind an HTTP request.
//
// The liveauth endpoint ([github.com/liveauth/liveauth/middleware]) asks a
// [UserResolver] for the current user before it issues a token. A resolver
// reads whatever the application already uses to remember who is logged in:
// a gorilla/sessions session ([Session]), a user placed in the request
// context by the application's own authentication middleware ([Context]), or
// any function ([Func]). [First] tries several resolvers in order.
//
// A resolver answers in one of four ways, and the endpoint maps each to a
// status:
//
//   - a [User] and a nil error: the user is logged in (200 with a token);
//   - an error matching [ErrNoUser]: nobody is logged in, the session is
//     missing, expired or undecodable, or the user no longer exists (401);
//   - an error matching [ErrForbidden]: the user is known but may not use
//     realtime features (403);
//   - any other error: the resolver could not tell, for example because the
//     database is down (500). Such errors are logged, never shown to clients.
//
// Group IDs always come from the server side: nothing in this package reads
// them from the request body.
package userresolver

import (
	"errors"
	"net/http"
)

// ErrNoUser is returned by a resolver when nobody is logged in: no session
// cookie, a cookie that fails to decode or has expired, or a session naming
// a user who no longer exists. The endpoint answers 401.
var ErrNoUser = errors.New("userresolver: nobody is logged in")

// ErrForbidden is returned by a resolver when the user is logged in but may
// not use realtime features. The endpoint answers 403.
var ErrForbidden = errors.New("userresolver: user may not use realtime features")

// User is the identity the endpoint puts into a token.
type User struct {
	// ID identifies the user to the realtime server (the token's "uid").
	// It must be 1 to 128 characters long.
	ID string

	// GroupIDs lists the groups the user belongs to (the token's "gids").
	// Rooms grant access to groups through their groupsAccesses.
	GroupIDs []string

	// Info is the user's public profile (the token's "ui"), shown to everyone
	// in the room: for example "name", "avatar" and "color". If "name" or
	// "avatar" is present it must be a string. Serialised as JSON it must not
	// exceed 1024 characters. Nil means no profile.
	Info map[string]any
}

// UserResolver finds the user behind a request.
//
// ResolveUser must not modify the request, must use r.Context() for anything
// that blocks, and must be safe for concurrent use. See the package
// documentation for what its errors mean.
type UserResolver interface {
	ResolveUser(r *http.Request) (User, error)
}

// Func adapts an ordinary function to the [UserResolver] interface. The
// function must follow the same contract as ResolveUser: leave the request
// unchanged, use r.Context() for anything that blocks, be safe for concurrent
// use, and report "nobody logged in" and "refused" with errors matching
// [ErrNoUser] and [ErrForbidden].
type Func func(r *http.Request) (User, error)

// ResolveUser calls f(r).
func (f Func) ResolveUser(r *http.Request) (User, error) {
	return f(r)
}
