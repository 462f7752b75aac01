package token

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks tokens signed by a [Signer] (or any signer with the same
// payload shape and key rules) and returns their claims. It is meant for a
// self-hosted realtime server, or a room guard in front of one.
//
// Its keys come from a [KeySet] ([NewVerifier]) or from a JWK Set URL that
// it fetches again in the background ([NewRemoteVerifier]). A Verifier is
// safe for concurrent use; [Verifier.UseKeys] and background refreshes
// swap the whole key set atomically.
//
// A room guard in front of a realtime server takes the token from the
// "tok" query parameter or an "Authorization: Bearer" header, strips the
// "Bearer " prefix itself, and passes the request's context to
// [Verifier.Verify]. An error wrapping [ErrInvalidToken] means "refuse the
// connection" (401, or close code 4001 on a WebSocket); one wrapping
// [ErrKeysUnavailable] means "cannot tell now" (503, retry later). It then
// authorises the room from the claims: for an ID token, from the room's
// accesses and [Claims.GroupIDs]; for an access token, from
// [Claims.Permissions] (see the permission package).
//
// Security: see [Verifier.Verify] for the rules. The algorithm is never
// taken from the token alone: each key verifies with the one algorithm its
// type allows, so a public key can never serve as an HMAC secret, and
// "alg": "none" is always refused.
type Verifier struct {
	keys   atomic.Pointer[KeySet]
	parser *jwt.Parser

	projectID string // "" accepts any

	// remote fetches the keys; nil for a Verifier built by NewVerifier.
	remote *remoteKeys
}

// NewVerifier returns a Verifier that trusts the keys of set, configured by
// opts. The set may hold verification-only keys (see [NewPublicKey]) and
// HS256 secrets. Options marked "remote only" are refused.
func NewVerifier(set *KeySet, opts ...VerifierOption) (*Verifier, error) {
	cfg, err := verifierOptions(false, opts)
	if err != nil {
		return nil, err
	}
	if err := set.check(); err != nil {
		return nil, err
	}

	v := newVerifier(cfg, []string{string(ES256), string(EdDSA), string(RS256), string(HS256)})
	v.keys.Store(set)
	return v, nil
}

// verifierOptions applies opts over the defaults and checks the result.
func verifierOptions(remote bool, opts []VerifierOption) (verifierConfig, error) {
	cfg := defaultVerifierConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.check(remote); err != nil {
		return verifierConfig{}, err
	}
	if cfg.testInterval > 0 {
		cfg.refreshInterval = cfg.testInterval
	}
	return cfg, nil
}

// newVerifier builds a Verifier with no keys yet, for tokens of the given
// algorithms.
func newVerifier(cfg verifierConfig, algs []string) *Verifier {
	v := &Verifier{
		parser: jwt.NewParser(
			jwt.WithValidMethods(algs),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.leeway),
			jwt.WithTimeFunc(cfg.now),
			jwt.WithStrictDecoding(),
		),
	}
	if cfg.projectID != nil {
		v.projectID = *cfg.projectID
	}
	return v
}

// Verify checks raw, a token without any "Bearer " prefix, and returns its
// claims. A token is accepted only if all of these hold:
//
//   - it is a compact JWS of at most [MaxTokenLen] bytes, in canonical
//     base64url, without "crit" header parameters;
//   - its "kid" header names a key of the verifier (a remote Verifier
//     fetches its JWK Set again for an unknown kid, at most once per
//     [WithUnknownKeyRefresh]; see below);
//   - its "alg" header is the algorithm of that key (ES256, EdDSA, RS256
//     or HS256) and the signature verifies with that key; "none" never
//     does;
//   - "exp" is present and not passed, "nbf" (if present) is passed, and
//     "iat" (if present) is not in the future, each give or take the
//     leeway ([WithLeeway]) by the verifier's clock
//     ([WithVerifierClock]);
//   - the payload is a JSON object that JavaScript reads as Go does: no
//     member name appears twice, and none matches a claim name of
//     [Claims] only when case is ignored ("K", "Exp"), which encoding/json
//     would take for the claim and JSON.parse would not;
//   - "exp", "nbf" and "iat", where present, are JSON numbers within the
//     range of a JavaScript Date (±8.64e12 seconds around 1970);
//   - "k" is "id" or "acc", an ID token carries no "perms" and an access
//     token no "gids", and "pid" is the expected project ID if one was set
//     ([WithExpectedProjectID]);
//   - "uid" is not empty, is at most [MaxUserIDLen] characters as
//     JavaScript counts them (the limit of [Identity.Validate]), contains
//     no NUL, and is valid UTF-8 with no unpaired surrogate escape
//     ("\ud800", which encoding/json would turn into U+FFFD).
//
// A refused token gives an error wrapping [ErrInvalidToken] and, where
// jwt/v5 has one for the cause, its sentinel: jwt.ErrTokenMalformed (the
// payload rules above included), jwt.ErrTokenUnverifiable (no or unknown
// kid, algorithm not that of the key), jwt.ErrTokenSignatureInvalid (bad
// signature, algorithm not allowed), jwt.ErrTokenExpired,
// jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued,
// jwt.ErrTokenRequiredClaimMissing or jwt.ErrTokenInvalidClaims.
//
// A remote Verifier returns an error wrapping [ErrKeysUnavailable] instead,
// with jwt.ErrTokenUnverifiable, when a token names a key it does not know
// and it cannot look again: the fetch failed, or the last fetch caused by
// an unknown key was less than [WithUnknownKeyRefresh] ago. The token may
// be valid (signed by a key that was just published), so the answer is
// "cannot tell now" (503, retry later), not "refused"; a forged key ID gets
// the same answer while the limit holds, and [ErrInvalidToken] once a
// fetch has shown that the key is not in the set. A closed remote Verifier
// fetches no more, and refuses unknown key IDs with [ErrInvalidToken].
//
// If ctx is done before verification starts, or while waiting for a fetch,
// the error wraps ctx.Err(). ctx is used by nothing else.
//
// Security: error messages may quote the token's key ID, kind or project
// ID (cut to 64 characters) but never the token itself, and what they
// quote of a malformed token is cut to a few hundred bytes; still, answer
// the client with a fixed text, not err.Error(), and log no token: a token
// in a URL ("?tok=") also ends up in access logs unless they are told not
// to keep query strings. Verify does not check "perms" scopes or room
// names (see the permission package), nor whether a token was seen before:
// "jti" is returned, not tracked.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("token: verify: %w", err)
	}
	switch {
	case raw == "":
		return nil, fmt.Errorf("%w: %w: token is empty", ErrInvalidToken, jwt.ErrTokenMalformed)
	case len(raw) > MaxTokenLen:
		return nil, fmt.Errorf("%w: %w: token is %d bytes long, more than %d",
			ErrInvalidToken, jwt.ErrTokenMalformed, len(raw), MaxTokenLen)
	}

	p := &payload{}
	_, err := v.parser.ParseWithClaims(raw, p, func(t *jwt.Token) (any, error) {
		return v.keyFor(ctx, t)
	})
	switch {
	case errors.Is(err, ErrKeysUnavailable), errors.Is(err, context.Canceled),
		errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("token: verify: %w", err)
	case err != nil:
		// The cause may quote the payload (a permission pattern, say):
		// its text is cut short, its sentinels kept.
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, cutError{err})
	}

	if err := v.checkClaims(&p.Claims); err != nil {
		return nil, fmt.Errorf("%w: %w: %s", ErrInvalidToken, jwt.ErrTokenInvalidClaims, err)
	}
	return &p.Claims, nil
}

// maxCauseLen is the most of a refused token's cause that an error of
// Verify quotes, in bytes.
const maxCauseLen = 200

// cutError shows at most maxCauseLen bytes of its cause's text, so that an
// error never repeats a long stretch of an attacker's token; errors.Is and
// errors.As still see the cause.
type cutError struct{ err error }

func (e cutError) Error() string {
	s := e.err.Error()
	if len(s) <= maxCauseLen {
		return s
	}
	i := maxCauseLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

func (e cutError) Unwrap() error { return e.err }

// keyFor returns the key that must verify t: the key its "kid" names, if
// that key's algorithm is t's.
func (v *Verifier) keyFor(ctx context.Context, t *jwt.Token) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		return nil, errors.New(`"crit" header parameters are not supported`)
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errors.New(`token has no "kid" header`)
	}

	key, ok := v.keys.Load().Lookup(kid)
	if !ok && v.remote != nil {
		set, err := v.remote.refreshUnknown(ctx)
		switch {
		case errors.Is(err, errRateLimited):
			// The key may have been published since the last fetch, which
			// forged key IDs can cause at will: "cannot tell", not
			// "refused".
			return nil, fmt.Errorf("%w: unknown key ID %.64q (JWK Set fetched too recently to look again)",
				ErrKeysUnavailable, kid)
		case errors.Is(err, errClosed):
			return nil, fmt.Errorf("unknown key ID %.64q (verifier closed)", kid)
		case err != nil:
			return nil, err
		}
		key, ok = set.Lookup(kid)
	}
	if !ok {
		return nil, fmt.Errorf("unknown key ID %.64q", kid)
	}

	// The pin: the token's algorithm must be the key's own, so that an
	// RSA or EC public key is never used as an HMAC secret, nor a key of
	// one type for another.
	if alg := t.Method.Alg(); alg != string(key.alg) {
		return nil, fmt.Errorf("key %.64q is for %s, token says %s", kid, key.alg, alg)
	}
	return key.verifyKey, nil
}

// checkClaims applies the payload rules that jwt/v5 does not know.
func (v *Verifier) checkClaims(c *Claims) error {
	switch c.Kind {
	case KindID:
		if c.Permissions.Len() > 0 {
			return errors.New(`an ID token carries "perms"`)
		}
	case KindAccess:
		if len(c.GroupIDs) > 0 {
			return errors.New(`an access token carries "gids"`)
		}
	default:
		return fmt.Errorf(`claim "k" is %.16q, want "id" or "acc"`, string(c.Kind))
	}
	switch {
	case c.UserID == "":
		return errors.New(`claim "uid" is missing or empty`)
	case utf16Len(c.UserID) > MaxUserIDLen:
		return fmt.Errorf(`claim "uid" is %d characters long, more than %d`, utf16Len(c.UserID), MaxUserIDLen)
	case strings.IndexByte(c.UserID, 0) >= 0:
		return errors.New(`claim "uid" contains a NUL character`)
	}
	if v.projectID != "" && c.ProjectID != v.projectID {
		return fmt.Errorf(`claim "pid" is %.64q, want %q`, c.ProjectID, v.projectID)
	}
	return nil
}

// UseKeys makes set the verifier's key set, for a Verifier built by
// [NewVerifier]: tokens verified from then on are checked against set only.
// It is safe to call while the Verifier is in use. A nil set is an error,
// and so is a Verifier built by [NewRemoteVerifier], whose keys come from
// its URL.
func (v *Verifier) UseKeys(set *KeySet) error {
	if v.remote != nil {
		return errors.New("token: a remote verifier takes its keys from its JWK Set URL")
	}
	if err := set.check(); err != nil {
		return err
	}
	v.keys.Store(set)
	return nil
}

// KeySet returns the verifier's current key set. For a remote Verifier it
// is the last JWK Set fetched, as verification-only keys whose active key
// is the first listed.
func (v *Verifier) KeySet() *KeySet { return v.keys.Load() }

// Refresh fetches the JWK Set of a remote Verifier now, whatever the
// interval and the rate limit on unknown keys, and reports whether that
// worked; on failure the keys stay as they were and the error wraps
// [ErrKeysUnavailable]. A fetch already under way is joined rather than
// repeated. For a Verifier built by [NewVerifier] it does nothing.
func (v *Verifier) Refresh(ctx context.Context) error {
	if v.remote == nil {
		return nil
	}
	_, err := v.remote.refresh(ctx, false)
	return err
}

// Close stops the background refresh of a remote Verifier and waits for
// its goroutines to end. The Verifier goes on verifying with the keys it
// last fetched, but fetches no more. Close is idempotent, always returns
// nil, and does nothing for a Verifier built by [NewVerifier].
func (v *Verifier) Close() error {
	if v.remote != nil {
		v.remote.close()
	}
	return nil
}
