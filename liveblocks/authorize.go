package liveblocks

import (
	"context"
	"fmt"
	"net/http"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// authorizeUserPath is the endpoint that issues access tokens.
const authorizeUserPath = "/v2/authorize-user"

// authorizeRequest is the body of POST /v2/authorize-user. Grants encode
// as a JSON object that keeps the patterns in order.
type authorizeRequest struct {
	UserID      string            `json:"userId"`
	Permissions permission.Grants `json:"permissions"`
	UserInfo    map[string]any    `json:"userInfo,omitempty"`
}

// AuthorizeUser asks Liveblocks for an access token for id and returns the
// raw JWT, ready to be sent to the browser as {"token": "..."}. An access
// token carries its own room permissions, id.Permissions, so the rooms'
// accesses play no part; see [Client.IdentifyUser] for the other kind.
// Each call returns a new token; none is cached.
//
// id must carry at least one room pattern (see [permission.Grants.Allow])
// and be valid ([token.Identity.Validate], which checks the grants too);
// otherwise the error wraps [token.ErrInvalidIdentity] and no request is
// made. The request is POST /v2/authorize-user with body {"userId",
// "permissions", "userInfo"}: "permissions" lists the patterns in the
// order of id.Permissions, which matters to servers that take the first
// matching prefix (the dev server does), and "userInfo" is omitted when
// empty. id.GroupIDs is not sent: access tokens carry no groups.
//
// The answer must be {"token": "<jwt>"}, checked as by
// [Client.IdentifyUser] (at most 64 KiB, three base64url parts, an "exp"
// later than now and than "iat"), whose payload is an access token
// ("k": "acc") for id.UserID; otherwise the error is an [*Error] matching
// [token.ErrBadResponse]. Its permissions are not compared with those
// asked for. Unsigned tokens from the dev server are accepted. The token
// is only sanity-checked, never trusted: do not use its claims for
// decisions.
//
// Other failures are [*Error] values matching [token.ErrUnavailable] or
// [token.ErrRejected]; see [Error].
func (c *Client) AuthorizeUser(ctx context.Context, id token.Identity) (string, error) {
	if id.Permissions.Len() == 0 {
		return "", fmt.Errorf("%w: an access token needs permissions "+
			"(allow at least one room pattern)", token.ErrInvalidIdentity)
	}
	if err := id.Validate(); err != nil {
		return "", err
	}

	req := authorizeRequest{UserID: id.UserID, Permissions: id.Permissions, UserInfo: id.UserInfo}
	var resp tokenResponse
	status, err := c.doStatus(ctx, http.MethodPost, authorizeUserPath, "", req, &resp, maxTokenBodyLen)
	if err != nil {
		return "", err
	}

	return checkToken(authorizeUserPath, status, resp.Token, token.KindAccess, id.UserID, c.now())
}
