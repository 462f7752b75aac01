package middleware

import (
	"context"
	"encoding/json"
)

// AuthRequest is what the client sent to the endpoint, as resolvers see it
// through [RequestFromContext].
type AuthRequest struct {
	// Room is the room the client wants to enter, or "" for room-less
	// features such as notifications.
	Room string

	// Body is the JSON object the client sent ("{}" when the body was
	// empty). Clients whose authEndpoint is a callback may add their own
	// fields; they are here for resolvers to read.
	Body json.RawMessage
}

// requestKey is the context key under which the AuthRequest is stored.
type requestKey struct{}

// RequestFromContext returns the parsed request body that [Handler] put in
// the request's context before calling the resolver. It reports false
// outside a Handler.
func RequestFromContext(ctx context.Context) (AuthRequest, bool) {
	req, ok := ctx.Value(requestKey{}).(AuthRequest)
	return req, ok
}
