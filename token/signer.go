package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MinRSABits is the smallest RSA modulus, in bits, that [NewSigner] accepts.
const MinRSABits = 2048

// Signer is an [Issuer] that signs ID tokens locally, with the payload shape
// Liveblocks uses ([Claims] with Kind [KindID]). It suits self-hosted
// realtime servers, tests and offline demos; with Liveblocks itself, use the
// Liveblocks REST client instead, since Liveblocks only accepts tokens it
// signed.
//
// The algorithm follows from the key: ES256 for an ECDSA key on P-256 (the
// default of [GenerateSigner], and the recommended choice), EdDSA for an
// Ed25519 key, RS256 for an RSA key of at least [MinRSABits] bits. Every
// token's header names the algorithm, type "JWT" and the key ID ("kid"),
// so that a verifier can pick the key and pin the algorithm.
//
// A Signer is immutable once built and safe for concurrent use.
//
// Security: the payload of a token is signed, not encrypted. The browser
// client and anyone the token reaches can read the user ID, the groups and
// the user info, so put nothing secret in an [Identity]. A token cannot be
// revoked before it expires: keep the lifetime short. The private key must
// not be modified after it is passed to [NewSigner].
type Signer struct {
	method jwt.SigningMethod
	key    any // what method.Sign expects
	public crypto.PublicKey
	keyID  string

	// header is the encoded JOSE header, the same for every token.
	header string

	// sigLen is the encoded signature length, to size the token buffer.
	sigLen int

	projectID string
	lifetime  time.Duration
	now       func() time.Time
}

// Signer is an Issuer.
var _ Issuer = (*Signer)(nil)

// NewSigner returns a Signer that signs with key, configured by opts.
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

	method, signKey, err := signingKey(key)
	if err != nil {
		return nil, err
	}
	public := key.Public()

	// A private key whose public half was swapped or damaged signs tokens
	// that nobody can verify; find out now rather than in production.
	sig, err := selfTest(method, signKey, public)
	if err != nil {
		return nil, err
	}

	keyID := ""
	if cfg.keyID != nil {
		keyID = *cfg.keyID
	} else if keyID, err = Thumbprint(public); err != nil {
		return nil, err
	}

	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{method.Alg(), "JWT", keyID})
	if err != nil {
		return nil, fmt.Errorf("token: encode header: %w", err)
	}

	return &Signer{
		method:    method,
		key:       signKey,
		public:    public,
		keyID:     keyID,
		header:    b64(header),
		sigLen:    base64.RawURLEncoding.EncodedLen(len(sig)),
		projectID: cfg.projectID,
		lifetime:  cfg.lifetime.Truncate(time.Second),
		now:       cfg.now,
	}, nil
}

// GenerateSigner returns a Signer with a fresh ECDSA P-256 key (ES256),
// configured by opts.
//
// The key lives in memory only, so tokens from one run cannot be verified
// after a restart and each process has its own key. That suits demos and
// tests; in production, load a key with [NewSigner] and publish its public
// half to the verifiers.
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

// sign encodes claims and signs them under the signer's fixed header.
func (s *Signer) sign(claims *Claims) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("token: encode claims: %w", err)
	}

	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(s.header)+1+enc.EncodedLen(len(payload))+1+s.sigLen)
	buf = append(buf, s.header...)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, payload)

	sig, err := s.method.Sign(string(buf), s.key)
	if err != nil {
		return "", fmt.Errorf("token: sign: %w", err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// KeyID returns the "kid" header of the signer's tokens: the RFC 7638
// thumbprint of the public key unless [WithKeyID] set another.
func (s *Signer) KeyID() string { return s.keyID }

// Algorithm returns the JWS algorithm of the signer's tokens ("ES256",
// "EdDSA" or "RS256"), as found in their "alg" header.
func (s *Signer) Algorithm() string { return s.method.Alg() }

// Public returns the public key that verifies the signer's tokens: an
// *ecdsa.PublicKey, an ed25519.PublicKey or an *rsa.PublicKey. The caller
// must not modify it.
func (s *Signer) Public() crypto.PublicKey { return s.public }

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

// signingKey maps a private key to the jwt/v5 method that signs with it and
// the value that method's Sign expects. It is the algorithm table of the
// package: a new algorithm is a new case here (and, for a key that is not a
// crypto.Signer, such as an HMAC secret, a constructor of its own that
// fills the same Signer fields).
func signingKey(key crypto.Signer) (jwt.SigningMethod, any, error) {
	switch k := key.(type) {
	case nil:
		return nil, nil, errors.New("token: key is nil")

	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, nil, errors.New("token: ECDSA key is nil")
		}
		// crypto/ecdsa panics on a key with missing parts.
		if k.Curve == nil || k.D == nil || k.X == nil || k.Y == nil {
			return nil, nil, errors.New("token: ECDSA key is incomplete")
		}
		if k.Curve != elliptic.P256() {
			return nil, nil, fmt.Errorf("token: ECDSA key is on %s, want P-256 (ES256)",
				k.Curve.Params().Name)
		}
		return jwt.SigningMethodES256, k, nil

	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, nil, fmt.Errorf("token: Ed25519 key is %d bytes, want %d",
				len(k), ed25519.PrivateKeySize)
		}
		return jwt.SigningMethodEdDSA, k, nil

	case *ed25519.PrivateKey:
		if k == nil {
			return nil, nil, errors.New("token: Ed25519 key is nil")
		}
		return signingKey(*k)

	case *rsa.PrivateKey:
		if k == nil || k.N == nil {
			return nil, nil, errors.New("token: RSA key is nil")
		}
		if bits := k.N.BitLen(); bits < MinRSABits {
			return nil, nil, fmt.Errorf("token: RSA key is %d bits, want at least %d", bits, MinRSABits)
		}
		if err := k.Validate(); err != nil {
			return nil, nil, fmt.Errorf("token: invalid RSA key: %w", err)
		}
		return jwt.SigningMethodRS256, k, nil

	default:
		return nil, nil, fmt.Errorf("token: unsupported key type %T "+
			"(want *ecdsa.PrivateKey on P-256, ed25519.PrivateKey or *rsa.PrivateKey)", key)
	}
}

// selfTest signs a fixed message and verifies it with public. It returns
// the signature so that the caller knows its length.
func selfTest(method jwt.SigningMethod, key any, public crypto.PublicKey) ([]byte, error) {
	const msg = "liveauth key check"
	sig, err := method.Sign(msg, key)
	if err != nil {
		return nil, fmt.Errorf("token: key cannot sign: %w", err)
	}
	if err := method.Verify(msg, sig, public); err != nil {
		return nil, fmt.Errorf("token: public key does not match private key: %w", err)
	}
	return sig, nil
}

// newTokenID returns 128 random bits, base64url-encoded: the "jti" claim.
func newTokenID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: the runtime crashes rather than return an error
	return b64(b[:])
}
