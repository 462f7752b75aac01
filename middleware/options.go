package middleware

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// DefaultMaxBodyBytes is the default limit on the request body: 16 KiB,
// far more than {"room": "..."} needs.
const DefaultMaxBodyBytes = 16 << 10

// DefaultReadTimeout is the default bound on reading the request body.
const DefaultReadTimeout = 10 * time.Second

// DefaultRetryAfter is the Retry-After sent with 503 responses when the
// issuer did not suggest a delay of its own.
const DefaultRetryAfter = 2 * time.Second

// An Option configures a [Handler].
type Option func(*config)

type config struct {
	issuer       token.Issuer
	policy       Policy
	logger       *slog.Logger
	maxBody      int64
	readTimeout  time.Duration
	origins      []string
	errorHandler func(http.ResponseWriter, *http.Request, error)
}

// WithIssuer sets the [token.Issuer] that turns the user into a token: a
// liveblocks.Client for Liveblocks, or a [token.Signer] for a self-hosted
// realtime server. It is required.
func WithIssuer(issuer token.Issuer) Option {
	return func(c *config) { c.issuer = issuer }
}

// Policy decides what an access token lets user do. It is called with the
// request, the resolved user and the requested room ("" for room-less
// requests), and returns the room patterns and scopes to grant: the Go
// counterpart of @liveblocks/node's prepareSession, allow and authorize.
//
// Grants may cover more than the requested room (a prefix such as
// "org1:*" for every room of the user's organisation, say); the client
// reuses a token for every room it covers. Avoid overlapping patterns: the
// realtime server applies only the exact pattern or else the first matching
// prefix (see [permission.Grants.Select]), while the client merges them. Returning
// [userresolver.ErrForbidden] refuses the user (403 forbidden), any other
// error is a fault (500).
type Policy func(r *http.Request, user userresolver.User, room string) (permission.Grants, error)

// WithAccessTokens makes the endpoint issue access tokens, which carry
// their own permissions, instead of ID tokens, whose permissions come from
// each room's accesses. policy decides the permissions. When its grants do
// not let the user enter the requested room as the realtime server reads
// them (the exact pattern, else the first matching prefix, which must hold
// a base scope), or grant nothing at all on a room-less request, the
// endpoint answers 403 not_allowed without asking the issuer.
//
// ID tokens are the default and what Liveblocks recommends when rooms'
// permissions are kept on the rooms themselves.
func WithAccessTokens(policy Policy) Option {
	return func(c *config) { c.policy = policy }
}

// WithLogger sets the logger. Refusals (no user, bad request, refused
// user) are logged at debug level, faults (a failing resolver or issuer) at
// error level. Tokens, secrets and user info are never logged. The default
// is [slog.Default], so faults show in the application's log out of the
// box; pass slog.New(slog.DiscardHandler) to silence the endpoint.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithMaxBodyBytes sets the largest request body accepted, in bytes; larger
// bodies get 413. The default is [DefaultMaxBodyBytes]. A value of zero or
// less restores the default.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) { c.maxBody = n }
}

// WithReadTimeout bounds how long a client may take to send its request
// body, so that a body trickling in cannot hold a connection; a late body
// ends the connection. The default is [DefaultReadTimeout]; zero or less
// restores it. The bound applies where the server's ResponseWriter supports
// read deadlines (net/http's does).
func WithReadTimeout(d time.Duration) Option {
	return func(c *config) { c.readTimeout = d }
}

// WithAllowedOrigins admits cross-origin requests from the given origins,
// each written as scheme://host[:port] (for example
// "https://app.example.com"). Allowed origins get CORS headers naming
// exactly their origin, with credentials, and their preflight requests are
// answered. Requests from other origins are refused with 403
// origin_not_allowed. By default only same-origin requests are served.
//
// [Handler] panics if an origin is malformed.
func WithAllowedOrigins(origins ...string) Option {
	return func(c *config) { c.origins = append(c.origins, origins...) }
}

// WithErrorHandler sets the function that writes failures. It receives an
// [*Error] (use errors.As) whose Status, Code and Reason follow the error
// contract, with headers such as Allow and Retry-After already set. The
// default is [WriteError]. A custom handler must not write internal error
// text (Error.Err) to the client.
func WithErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return func(c *config) { c.errorHandler = h }
}
