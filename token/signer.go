package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinRSABits is the smallest RSA modulus, in bits, that [NewKey],
// [NewPublicKey] and [NewSigner] accept.
const MinRSABits = 2048

// Signer is an [Issuer] that signs tokens locally, with the payload shape
// Liveblocks uses ([Claims]). It suits self-hosted realtime servers, tests
// and offline demos; with Liveblocks itself, use the Liveblocks REST client
// instead, since Liveblocks only accepts tokens it signed.
//
// A Signer signs with the active key of its [KeySet]. The algorithm follows
// from that key: ES256 for an ECDSA key on P-256 (the default of
// [GenerateSigner], and the recommended choice), EdDSA for an Ed25519 key,
// RS256 for an RSA key of at least [MinRSABits] bits, HS256 for a shared
// secret (see [NewHMACKey]). Every token's header names the algorithm, type
// "JWT" and the key ID ("kid"), so that a [Verifier] can pick the key and
// pin the algorithm.
//
// A Signer is safe for concurrent use. Its settings are fixed once built;
// its keys change only through [Signer.UseKeys], which swaps the whole set
// atomically, so a token is always signed by the key its header names.
//
// Security: the payload of a token is signed, not encrypted. The browser
// client and anyone the token reaches can read the user ID, the groups and
// the user info, so put nothing secret in an [Identity]. A token cannot be
// revoked before it expires: keep the lifetime short. The private key must
// not be modified after it is passed to [NewSigner] or [NewKey].
type Signer struct {
	// keys holds the current key set; keys.Load().Active() signs.
	keys atomic.Pointer[KeySet]

	projectID string
	lifetime  time.Duration
	now       func() time.Time
}

// Signer is an Issuer.
var _ Issuer = (*Signer)(nil)

// NewSigner returns a Signer that signs with key, configured by opts. It is
// [NewKey] followed by [NewKeySetSigner] with a set of that one key.
//
// key must be an *ecdsa.PrivateKey on P-256 (ES256), an ed25519.PrivateKey
// (EdDSA) or an *rsa.PrivateKey of at least [MinRSABits] bits (RS256). Any
// other key, a broken key, or an option out of range is an error. NewSigner
// signs and verifies one message to make sure the private and public halves
// of the key belong together.
func NewSigner(key crypto.Signer, opts ...SignerOption) (*Signer, error) {
	cfg := defaultSignerConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}

	k, err := NewKey(key)
	if err != nil {
		return nil, err
	}
	if cfg.keyID != nil {
		if k, err = k.WithID(*cfg.keyID); err != nil {
			return nil, err
		}
	}
	set, err := NewKeySet(k)
	if err != nil {
		return nil, err
	}
	return newSigner(set, cfg), nil
}

// NewKeySetSigner returns a Signer that signs with the active key of set,
// configured by opts. The active key must be able to sign (it may not come
// from [NewPublicKey]). [WithKeyID] is refused: name keys with [Key.WithID]
// instead.
func NewKeySetSigner(set *KeySet, opts ...SignerOption) (*Signer, error) {
	cfg := defaultSignerConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.keyID != nil {
		return nil, errors.New("token: WithKeyID applies to NewSigner only; name keys with Key.WithID")
	}
	if err := set.checkSigning(); err != nil {
		return nil, err
	}
	return newSigner(set, cfg), nil
}

// newSigner builds a Signer from checked parts.
func newSigner(set *KeySet, cfg signerConfig) *Signer {
	s := &Signer{
		projectID: cfg.projectID,
		lifetime:  cfg.lifetime.Truncate(time.Second),
		now:       cfg.now,
	}
	s.keys.Store(set)
	return s
}

// UseKeys makes set the signer's key set: tokens issued from then on are
// signed by set's active key, which must be able to sign. Calls to Issue
// that are under way finish with the previous set. It is safe to call
// while the Signer is in use; a nil or unusable set is an error and changes
// nothing.
//
// A [JWKS] handler built on [Signer.KeySet] publishes the new set at once.
func (s *Signer) UseKeys(set *KeySet) error {
	if err := set.checkSigning(); err != nil {
		return err
	}
	s.keys.Store(set)
	return nil
}

// KeySet returns the signer's current key set.
func (s *Signer) KeySet() *KeySet { return s.keys.Load() }

// GenerateSigner returns a Signer with a fresh ECDSA P-256 key (ES256),
// configured by opts.
//
// The key lives in memory only, so tokens from one run cannot be verified
// after a restart and each process has its own key. That suits demos and
// tests; in production, load a key with [LoadKeyFile], sign with
// [NewKeySetSigner] and publish the public keys with [JWKS].
func GenerateSigner(opts ...SignerOption) (*Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("token: generate key: %w", err)
	}
	return NewSigner(key, opts...)
}

// Issue returns a new signed token for id. It implements [Issuer].
//
// The token's claims are those of [Claims]: the kind id asks for (an ID
// token with id's groups, or an access token with id's permissions, see
// [Identity.Kind]), the signer's project ID, id's user ID and user info, "iat" now (whole seconds),
// "exp" the signer's lifetime later and a random "jti" of 128 bits, so
// every call returns a different token. The identity is copied: changing
// id afterwards changes nothing.
//
// If id breaks a platform limit the error wraps [ErrInvalidIdentity]. If
// ctx is already done the error wraps ctx.Err() and no token is made;
// signing itself is not interrupted.
func (s *Signer) Issue(ctx context.Context, id Identity) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("token: issue: %w", err)
	}
	if err := id.Validate(); err != nil {
		return "", err
	}

	now := s.now().Truncate(time.Second)
	claims := Claims{
		Kind:      id.Kind(),
		ProjectID: s.projectID,
		UserID:    id.UserID,
		UserInfo:  maps.Clone(id.UserInfo),
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.lifetime)),
			ID:        newTokenID(),
		},
	}
	if claims.Kind == KindAccess {
		claims.Permissions = id.Permissions
	} else {
		claims.GroupIDs = slices.Clone(id.GroupIDs)
	}
	return s.sign(&claims)
}

// sign encodes claims and signs them with the active key, under that key's
// header.
func (s *Signer) sign(claims *Claims) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("token: encode claims: %w", err)
	}
	return signWith(s.keys.Load().Active(), payload)
}

// signWith signs payload (JSON) with k, under k's header.
func signWith(k Key, payload []byte) (string, error) {
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(k.header)+1+enc.EncodedLen(len(payload))+1+k.sigLen)
	buf = append(buf, k.header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)

	sig, err := k.method.Sign(string(buf), k.signKey)
	if err != nil {
		return "", fmt.Errorf("token: sign: %w", err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// KeyID returns the "kid" header of the signer's tokens, the ID of the
// active key: the RFC 7638 thumbprint of the public key unless
// [WithKeyID] or [Key.WithID] set another.
func (s *Signer) KeyID() string { return s.keys.Load().Active().ID() }

// Algorithm returns the JWS algorithm of the signer's tokens ("ES256",
// "EdDSA", "RS256" or "HS256"), as found in their "alg" header: that of the
// active key, as a plain string.
func (s *Signer) Algorithm() string { return string(s.keys.Load().Active().Algorithm()) }

// Public returns the public key that verifies the signer's tokens, that of
// the active key: an *ecdsa.PublicKey, an ed25519.PublicKey or an
// *rsa.PublicKey, or nil for an HS256 key. The caller must not modify it.
func (s *Signer) Public() crypto.PublicKey { return s.keys.Load().Active().Public() }

// Lifetime returns how long the signer's tokens stay valid (exp − iat).
func (s *Signer) Lifetime() time.Duration { return s.lifetime }

// ProjectID returns the "pid" claim of the signer's tokens.
func (s *Signer) ProjectID() string { return s.projectID }

// check reports the first setting out of range.
func (c *signerConfig) check() error {
	switch {
	case c.lifetime < MinLifetime:
		return fmt.Errorf("token: lifetime %v is shorter than the minimum %v", c.lifetime, MinLifetime)
	case c.lifetime > MaxLifetime:
		return fmt.Errorf("token: lifetime %v is longer than the maximum %v", c.lifetime, MaxLifetime)
	case c.projectID == "":
		return errors.New("token: project ID is empty")
	case c.now == nil:
		return errors.New("token: clock is nil")
	case c.keyID != nil && *c.keyID == "":
		return errors.New("token: key ID is empty")
	}
	return nil
}

// newTokenID returns 128 random bits, base64url-encoded: the "jti" claim.
func newTokenID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: the runtime crashes rather than return an error
	return b64(b[:])
}
