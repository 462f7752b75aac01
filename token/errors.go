package token

import "errors"

var (
	// ErrInvalidIdentity is returned when an Identity breaks a platform
	// limit: an empty or overlong user ID, a non-string name or avatar, or
	// user info longer than MaxUserInfoLen once encoded.
	ErrInvalidIdentity = errors.New("token: invalid identity")

	// ErrUnavailable is returned by an Issuer whose upstream could not
	// issue a token for now: unreachable, timed out, overloaded (5xx, 429),
	// or refusing our credentials. Retrying later may succeed.
	ErrUnavailable = errors.New("token: issuer unavailable")

	// ErrRejected is returned by an Issuer whose upstream refused to issue
	// a token for this identity. Retrying will not help.
	ErrRejected = errors.New("token: identity rejected by issuer")

	// ErrBadResponse is returned by an Issuer whose upstream answered with
	// something that is not a well-formed token for the requested user.
	ErrBadResponse = errors.New("token: malformed token from issuer")
)
