package token

import (
	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/permission"
)

// Kind tells an ID token from an access token (the "k" claim).
type Kind string

const (
	// KindID marks an ID token: identity only, with room permissions taken
	// from each room's accesses when the user connects.
	KindID Kind = "id"

	// KindAccess marks an access token: it carries its own room permissions
	// in the "perms" claim.
	KindAccess Kind = "acc"
)

// Claims is the payload of a Liveblocks token, field for field.
//
// The Liveblocks browser client reads the payload without checking the
// signature, and realtime servers read "k", "pid", "uid", "gids", "ui" and
// "perms"; the JSON names below are therefore fixed. The registered claims
// used are "iat", "exp" and "jti".
type Claims struct {
	// Kind is "id" or "acc".
	Kind Kind `json:"k"`

	// ProjectID names the project that issued the token ("localdev" on the
	// Liveblocks dev server).
	ProjectID string `json:"pid"`

	// UserID is the user's ID.
	UserID string `json:"uid"`

	// GroupIDs lists the user's groups (ID tokens only).
	GroupIDs []string `json:"gids,omitempty"`

	// UserInfo is the user's public profile.
	UserInfo map[string]any `json:"ui,omitempty"`

	// Permissions are the room permissions of an access token, pattern by
	// pattern in order (access tokens only).
	Permissions permission.Grants `json:"perms,omitzero"`

	jwt.RegisteredClaims
}
