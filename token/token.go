// Package token defines what the liveauth endpoint turns into a token and who
// turns it into one.
//
// An [Identity] names a user, their groups and their public profile. An
// [Issuer] turns an Identity into a raw JWT. Two issuers exist: the
// Liveblocks REST client ([github.com/liveauth/liveauth/liveblocks.Client]),
// which asks Liveblocks to sign, and [Signer], which signs locally for
// self-hosted realtime servers, tests and offline demos.
//
// Tokens have the payload shape the Liveblocks client and servers expect
// ([Claims]). An ID token ("k": "id") carries identity only; the realtime
// server decides what the user may do in each room from the room's accesses.
// An access token ("k": "acc") carries its own room permissions.
//
// # Self-hosted tokens
//
// A [Key] is a private key or shared secret with its algorithm (ES256 by
// default, EdDSA, RS256 or HS256) and key ID; [GenerateKey] makes one and
// [LoadKeyFile] reads one from a PEM file. A [KeySet] holds the active key
// and older keys that still verify, and rotates immutably
// ([KeySet.Rotate], [KeySet.Without]). A [Signer] signs with the active
// key of its set; [JWKS] publishes the set's public keys; a [Verifier]
// checks tokens against a set ([NewVerifier]) or against a published JWK
// Set that it refreshes in the background ([NewRemoteVerifier]), and
// returns their [Claims]. Signers and verifiers switch key sets atomically
// while in use (UseKeys).
package token

// BUG(liveauth): Only ES256, EdDSA, RS256 and HS256 are supported: no
// ES384, ES512 or PS256, no encrypted PEM keys, and no keys held by a KMS
// or HSM (NewKey takes the standard library's in-memory key types only).

// BUG(liveauth): A Verifier refuses "alg": "none", so the unsigned
// "JWT-lite" tokens of the Liveblocks dev server never verify; and it
// cannot verify tokens signed by Liveblocks itself, whose keys are not
// published.

// BUG(liveauth): Tokens cannot be revoked and "jti" is not tracked, so a
// token can be replayed until it expires. ES256 signatures are malleable
// (a second valid signature exists for each token), so compare tokens by
// "jti", never by their text.

// BUG(liveauth): A remote Verifier ignores the Cache-Control of the JWK
// Set and refreshes on its own interval, and it does not check the
// certificate chains ("x5c") a JWK may carry beyond their matching the key.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/liveauth/liveauth/permission"
)

// Limits that an [Identity] must respect. They are those of the Liveblocks
// platform.
const (
	// MaxUserIDLen is the longest user ID, in characters as JavaScript
	// counts them (UTF-16 code units: an emoji counts two).
	MaxUserIDLen = 128

	// MaxUserInfoLen is the longest user info, in characters of its JSON
	// serialisation (counted as JavaScript counts string length).
	MaxUserInfoLen = 1024
)

// Identity is what an [Issuer] puts into a token.
type Identity struct {
	// UserID identifies the user (the "uid" claim). Required, at most
	// MaxUserIDLen characters, valid UTF-8 without NUL characters (the
	// rules [Verifier.Verify] applies to "uid").
	UserID string

	// GroupIDs lists the user's groups (the "gids" claim). Optional.
	GroupIDs []string

	// UserInfo is the user's public profile (the "ui" claim). Optional. If
	// "name" or "avatar" is present it must be a string, and the JSON form
	// must not exceed MaxUserInfoLen characters.
	UserInfo map[string]any

	// Permissions, when it holds at least one pattern, asks for an access
	// token ("k": "acc") carrying these room permissions in its "perms"
	// claim instead of an ID token. Access tokens carry no groups: GroupIDs
	// is ignored for them. At most permission.MaxPatterns patterns.
	Permissions permission.Grants
}

// Kind returns the kind of token id asks for: [KindAccess] when it carries
// permissions, [KindID] otherwise.
func (id Identity) Kind() Kind {
	if id.Permissions.Len() > 0 {
		return KindAccess
	}
	return KindID
}

// Validate reports whether id respects the platform's limits. The error
// wraps [ErrInvalidIdentity] and says which limit was broken.
func (id Identity) Validate() error {
	if id.UserID == "" {
		return invalidIdentity("user ID is empty")
	}
	if !utf8.ValidString(id.UserID) {
		return invalidIdentity("user ID is not valid UTF-8")
	}
	if n := utf16Len(id.UserID); n > MaxUserIDLen {
		return invalidIdentity(fmt.Sprintf("user ID is %d characters long, more than %d", n, MaxUserIDLen))
	}
	if strings.IndexByte(id.UserID, 0) >= 0 {
		return invalidIdentity("user ID contains a NUL character")
	}
	for i, g := range id.GroupIDs {
		if g == "" {
			return invalidIdentity(fmt.Sprintf("group ID %d is empty", i))
		}
	}
	if err := id.Permissions.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidIdentity, err)
	}
	if id.UserInfo == nil {
		return nil
	}
	for _, key := range []string{"name", "avatar"} {
		if v, ok := id.UserInfo[key]; ok {
			if _, isString := v.(string); !isString {
				return invalidIdentity(fmt.Sprintf("user info %q is a %T, not a string", key, v))
			}
		}
	}
	n, err := userInfoLen(id.UserInfo)
	if err != nil {
		return fmt.Errorf("%w: user info cannot be encoded as JSON: %w", ErrInvalidIdentity, err)
	}
	if n > MaxUserInfoLen {
		return invalidIdentity(fmt.Sprintf("user info is %d characters as JSON, more than %d", n, MaxUserInfoLen))
	}
	return nil
}

// userInfoLen returns the length of info's JSON form as JavaScript would
// count it (UTF-16 code units), which is how the platform limit is defined.
func userInfoLen(info map[string]any) (int, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // JSON.stringify leaves <, > and & alone
	if err := enc.Encode(info); err != nil {
		return 0, err
	}
	return jsLen(strings.TrimSuffix(buf.String(), "\n")), nil
}

// jsLen returns the length JavaScript gives to the JSON text s produced by
// encoding/json with HTML escaping off. Characters count as UTF-16 code
// units. encoding/json escapes U+2028, U+2029 and invalid UTF-8 (as U+FFFD)
// where JSON.stringify writes a single character, so those six-character
// escapes count as one; every other escape is the same in both.
func jsLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			if s[i+1] == 'u' && i+6 <= len(s) {
				switch s[i+2 : i+6] {
				case "2028", "2029", "fffd":
					n++
					i += 6
					continue
				}
			}
			// The backslash and the character it escapes; the digits of
			// any other \uXXXX count one each below.
			n += 2
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += utf16.RuneLen(r)
		i += size
	}
	return n
}

// utf16Len returns the length of s as JavaScript counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func invalidIdentity(detail string) error {
	return fmt.Errorf("%w: %s", ErrInvalidIdentity, detail)
}

// Issuer turns an [Identity] into a raw JWT.
//
// Issue must return a token string it has never returned before: the
// Liveblocks client refuses a token it has already seen, so issuers never
// cache. It must honour ctx and be safe for concurrent use.
//
// Errors should wrap one of the sentinels of this package so that the
// endpoint can answer with the right status: [ErrInvalidIdentity],
// [ErrUnavailable], [ErrRejected] or [ErrBadResponse]. Any other error is
// treated as an internal fault.
type Issuer interface {
	Issue(ctx context.Context, id Identity) (string, error)
}
