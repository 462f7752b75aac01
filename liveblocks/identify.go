package liveblocks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// identifyUserPath is the endpoint that issues ID tokens.
const identifyUserPath = "/v2/identify-user"

// Client is an issuer of ID tokens and access tokens.
var _ token.Issuer = (*Client)(nil)

// identifyRequest is the body of POST /v2/identify-user.
type identifyRequest struct {
	UserID   string         `json:"userId"`
	GroupIDs []string       `json:"groupIds,omitempty"`
	UserInfo map[string]any `json:"userInfo,omitempty"`
}

// tokenResponse is the body of a successful POST /v2/identify-user or
// /v2/authorize-user. The field is raw so that a token of the wrong JSON
// type can be reported.
type tokenResponse struct {
	Token json.RawMessage `json:"token"`
}

// IdentifyUser asks Liveblocks for an ID token for id and returns the raw
// JWT, ready to be sent to the browser as {"token": "..."}. Each call
// returns a new token; none is cached.
//
// id is validated first ([token.Identity.Validate]); an invalid identity
// is returned as an error wrapping [token.ErrInvalidIdentity], without any
// request. So is an identity with permissions: an ID token carries none,
// and dropping them silently could give the user other rights than
// intended; use [Client.AuthorizeUser], or [Client.Issue], which picks.
// The request is POST /v2/identify-user with body {"userId", "groupIds",
// "userInfo"}, the last two omitted when empty.
//
// The answer must be {"token": "<jwt>"}, at most 64 KiB, where the JWT is
// three base64url parts (header, payload, signature; only the signature
// may be empty) whose payload, decoded without any signature check, is an
// ID token ("k": "id") for id.UserID with an "exp" later than now and
// than its "iat", if any; otherwise the error is an [*Error] matching
// [token.ErrBadResponse]. Unsigned tokens from the dev server are
// accepted. The token is only sanity-checked, never trusted: do not use
// its claims for decisions.
//
// Other failures are [*Error] values matching [token.ErrUnavailable] or
// [token.ErrRejected]; see [Error].
func (c *Client) IdentifyUser(ctx context.Context, id token.Identity) (string, error) {
	if id.Kind() != token.KindID {
		return "", fmt.Errorf("%w: an ID token carries no permissions "+
			"(ask for an access token with AuthorizeUser)", token.ErrInvalidIdentity)
	}
	if err := id.Validate(); err != nil {
		return "", err
	}

	req := identifyRequest{UserID: id.UserID, GroupIDs: id.GroupIDs, UserInfo: id.UserInfo}
	var resp tokenResponse
	status, err := c.doStatus(ctx, http.MethodPost, identifyUserPath, "", req, &resp, maxTokenBodyLen)
	if err != nil {
		return "", err
	}

	return checkToken(identifyUserPath, status, resp.Token, token.KindID, id.UserID, c.now())
}

// Issue implements [token.Issuer]. It asks for the kind of token id asks
// for ([token.Identity.Kind]): an access token from [Client.AuthorizeUser]
// when id carries permissions, an ID token from [Client.IdentifyUser]
// otherwise.
func (c *Client) Issue(ctx context.Context, id token.Identity) (string, error) {
	if id.Kind() == token.KindAccess {
		return c.AuthorizeUser(ctx, id)
	}
	return c.IdentifyUser(ctx, id)
}

// compactJWT is the shape of a token in JWS compact form: three base64url
// parts without padding, the last (the signature) empty for the dev
// server's unsigned tokens. Go's base64 decoder skips CR and LF, so
// decoding alone would let a token with a line break through.
var compactJWT = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)

// checkToken checks that field, from a 2xx answer with the given status to
// POST path, is a JSON string holding a three-part JWT in compact form
// whose payload is a token of the given kind for userID, expiring after
// now (and after it was issued, when it says), and returns the string. The
// header's algorithm and the signature are not looked at: the browser
// client ignores them too.
func checkToken(
	path string, status int, field json.RawMessage, kind token.Kind, userID string, now time.Time,
) (string, error) {
	bad := func(cause error, format string, args ...any) error {
		return badResponse(http.MethodPost, path, status, cause, format, args...)
	}

	if len(field) == 0 || string(field) == "null" {
		return "", bad(nil, "no \"token\" in the answer")
	}
	var raw string
	if err := json.Unmarshal(field, &raw); err != nil {
		return "", bad(nil, "\"token\" is not a string")
	}

	var claims token.Claims
	_, _, err := jwt.NewParser().ParseUnverified(raw, &claims)
	// An algorithm jwt/v5 does not know is no reason to refuse: the
	// payload, decoded before the algorithm is looked up, is what matters.
	if err != nil && !errors.Is(err, jwt.ErrTokenUnverifiable) {
		return "", bad(err, "cannot decode the token")
	}
	if !compactJWT.MatchString(raw) {
		return "", bad(nil, "token has characters outside the base64url alphabet")
	}
	if claims.Kind != kind {
		return "", bad(nil, "token kind is %q, want %q", claims.Kind, kind)
	}
	if claims.UserID != userID {
		return "", bad(nil, "token is for another user")
	}

	// A token the browser cannot use is no token: it must expire, and
	// later than now (no leeway) and than its issue time.
	if claims.ExpiresAt == nil {
		return "", bad(nil, "token has no expiry (\"exp\")")
	}
	if !claims.ExpiresAt.After(now) {
		return "", bad(nil, "token expired at %s", claims.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if claims.IssuedAt != nil && !claims.ExpiresAt.After(claims.IssuedAt.Time) {
		return "", bad(nil, "token expires before it is issued (\"exp\" not after \"iat\")")
	}
	return raw, nil
}
