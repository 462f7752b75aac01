package token

import "errors"

var (
	// ErrInvalidIdentity is returned when an Identity breaks a platform
	// limit: an empty, overlong or ill-formed user ID (invalid UTF-8, a NUL
	// character), a non-string name or avatar, or user info longer than
	// MaxUserInfoLen once encoded.
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

	// ErrInvalidToken is returned by [Verifier.Verify] for a token that must
	// be refused: malformed, signed by no key of the verifier, signed with
	// an algorithm its key does not allow, expired, not yet valid, or with
	// claims that break the rules of [Verifier.Verify]. The error also
	// wraps jwt/v5's sentinel for the cause where there is one (such as
	// jwt.ErrTokenExpired or jwt.ErrTokenSignatureInvalid), so errors.Is
	// matches both.
	ErrInvalidToken = errors.New("token: invalid token")

	// ErrKeysUnavailable is returned when a remote [Verifier] could not
	// fetch its JWK Set: by [NewRemoteVerifier] and [Verifier.Refresh], and
	// by [Verifier.Verify] for a token naming a key it does not know when
	// the fetch that should have found that key failed, or was not made
	// because the last fetch for an unknown key was less than
	// [WithUnknownKeyRefresh] ago. The token may be valid: retrying later
	// may succeed.
	ErrKeysUnavailable = errors.New("token: verification keys unavailable")
)
