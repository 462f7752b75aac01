package token

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Algorithm names a JWS signing algorithm, as written in a token's "alg"
// header.
type Algorithm string

// The algorithms this package signs and verifies. Each [Key] has exactly
// one, fixed by the type of its key material.
const (
	// ES256 is ECDSA on the P-256 curve with SHA-256: short keys, short
	// signatures, fast signing. It is the default.
	ES256 Algorithm = "ES256"

	// EdDSA is Ed25519: deterministic signatures, fastest to sign and
	// verify, but not accepted by every verifier outside Go.
	EdDSA Algorithm = "EdDSA"

	// RS256 is RSASSA-PKCS1-v1_5 with SHA-256, for RSA keys of at least
	// [MinRSABits] bits: slow to sign, fast to verify, long tokens.
	RS256 Algorithm = "RS256"

	// HS256 is HMAC with SHA-256 over a shared secret of at least
	// [MinHMACSecretLen] bytes. Whoever can verify such a token can also
	// sign one, so the secret must never leave the servers that share it;
	// it is never published in a JWK Set.
	HS256 Algorithm = "HS256"
)

// MinHMACSecretLen is the shortest HS256 secret, in bytes, that
// [NewHMACKey] accepts: as many bytes as SHA-256 has, as RFC 7518 §3.2
// requires.
const MinHMACSecretLen = 32

// hmacKeyIDLabel is the message whose HMAC under a secret names that secret.
const hmacKeyIDLabel = "liveauth/token HS256 key ID"

// Key is one signing or verification key: its key material, the algorithm
// that material dictates, and its key ID ("kid").
//
// A Key comes from [NewKey] (a private key), [NewHMACKey] (a shared secret),
// [GenerateKey], [ParseKeyPEM] or [LoadKeyFile], all of which can sign, or
// from [NewPublicKey], which can only verify. The zero Key is not a key:
// every function of this package refuses it.
//
// A Key is an immutable value and safe for concurrent use; copies share
// the key material, which must not be modified after the Key is made.
//
// Security: a Key never prints its secret. Its String and Format methods
// show the algorithm and key ID only, whatever the fmt verb, so a Key can
// be logged. Its key ID reveals nothing usable about the secret (see
// [NewHMACKey]).
type Key struct {
	alg    Algorithm
	id     string
	method jwt.SigningMethod

	// signKey is what method.Sign expects; nil when the key can only
	// verify.
	signKey any

	// verifyKey is what method.Verify expects: the public key, or the
	// HMAC secret.
	verifyKey any

	// public is the public key; nil for HS256.
	public crypto.PublicKey

	// header is the encoded JOSE header of tokens signed with the key.
	header string

	// sigLen is the encoded length of a signature, to size token buffers.
	sigLen int
}

// NewKey returns a signing Key for a private key. Its key ID is the
// RFC 7638 thumbprint of the public key (see [Thumbprint]); [Key.WithID]
// gives it another.
//
// signer must be an *ecdsa.PrivateKey on P-256 ([ES256]), an
// ed25519.PrivateKey or *ed25519.PrivateKey ([EdDSA]) or an *rsa.PrivateKey
// of at least [MinRSABits] bits ([RS256]). Any other key or a broken key is
// an error. NewKey signs and verifies one message to make sure that the
// private and public halves belong together.
func NewKey(signer crypto.Signer) (Key, error) {
	method, signKey, err := signingKey(signer)
	if err != nil {
		return Key{}, err
	}
	public := signer.Public()

	// A private key whose public half was swapped or damaged signs tokens
	// that nobody can verify; find out now rather than in production.
	sig, err := selfTest(method, signKey, public)
	if err != nil {
		return Key{}, err
	}

	kid, err := Thumbprint(public)
	if err != nil {
		return Key{}, err
	}
	k := Key{
		alg:       Algorithm(method.Alg()),
		method:    method,
		signKey:   signKey,
		verifyKey: public,
		public:    public,
		sigLen:    base64.RawURLEncoding.EncodedLen(len(sig)),
	}
	return k.WithID(kid)
}

// NewHMACKey returns an [HS256] Key for a shared secret of at least
// [MinHMACSecretLen] bytes; a shorter secret is an error. The secret is
// copied. It should be random, such as the 32 bytes [GenerateKey] makes for
// HS256: a passphrase of 32 characters holds far fewer than 256 bits of
// entropy.
//
// The key ID is HMAC-SHA256 keyed with the secret over the fixed label
// "liveauth/token HS256 key ID", base64url-encoded without padding
// (43 characters). It is one-way: it tells nothing about the secret that a
// token signed with the secret does not already tell, and both servers
// sharing a secret derive the same ID from it.
//
// Security: HS256 suits one service that both signs and verifies, or
// services that can share a secret safely. Anyone able to verify can also
// forge tokens, and the secret cannot be published, so a realtime server
// run by someone else should get an asymmetric key instead.
func NewHMACKey(secret []byte) (Key, error) {
	if len(secret) < MinHMACSecretLen {
		return Key{}, fmt.Errorf("token: HS256 secret is %d bytes, want at least %d",
			len(secret), MinHMACSecretLen)
	}
	secret = bytes.Clone(secret)

	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(hmacKeyIDLabel))
	k := Key{
		alg:       HS256,
		method:    jwt.SigningMethodHS256,
		signKey:   secret,
		verifyKey: secret,
		sigLen:    base64.RawURLEncoding.EncodedLen(sha256.Size),
	}
	return k.WithID(b64(mac.Sum(nil)))
}

// NewPublicKey returns a Key that verifies tokens but cannot sign them,
// for a verifier that holds public keys only. Its key ID is the RFC 7638
// thumbprint of pub, as [NewKey] gives the matching private key.
//
// pub must be an *ecdsa.PublicKey on P-256, an ed25519.PublicKey or an
// *rsa.PublicKey of at least [MinRSABits] bits.
func NewPublicKey(pub crypto.PublicKey) (Key, error) {
	var method jwt.SigningMethod
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return Key{}, errors.New("token: ECDSA public key is nil")
		}
		if k.Curve != elliptic.P256() {
			return Key{}, fmt.Errorf("token: ECDSA key is on %s, want P-256 (ES256)",
				k.Curve.Params().Name)
		}
		method = jwt.SigningMethodES256

	case ed25519.PublicKey:
		method = jwt.SigningMethodEdDSA

	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return Key{}, errors.New("token: RSA public key is nil")
		}
		if bits := k.N.BitLen(); bits < MinRSABits {
			return Key{}, fmt.Errorf("token: RSA key is %d bits, want at least %d", bits, MinRSABits)
		}
		method = jwt.SigningMethodRS256

	case []byte:
		return Key{}, errors.New("token: an HMAC secret is not a public key; use NewHMACKey")

	default:
		return Key{}, fmt.Errorf("token: unsupported public key type %T "+
			"(want *ecdsa.PublicKey on P-256, ed25519.PublicKey or *rsa.PublicKey)", pub)
	}

	// Thumbprint also checks the key: a point on the curve, an Ed25519 key
	// of the right size, a positive RSA modulus and exponent.
	kid, err := Thumbprint(pub)
	if err != nil {
		return Key{}, err
	}
	k := Key{
		alg:       Algorithm(method.Alg()),
		method:    method,
		verifyKey: pub,
		public:    pub,
	}
	return k.WithID(kid)
}

// GenerateKey returns a new random signing Key for alg: an ECDSA P-256 key
// for [ES256], an Ed25519 key for [EdDSA], a 2048-bit RSA key for [RS256]
// (which takes a fraction of a second), or a 32-byte secret for [HS256].
//
// The key lives in memory only. To keep it across restarts, generate it
// outside the program (for example with openssl) and load it with
// [LoadKeyFile].
func GenerateKey(alg Algorithm) (Key, error) {
	var (
		signer crypto.Signer
		err    error
	)
	switch alg {
	case ES256:
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EdDSA:
		_, signer, err = ed25519.GenerateKey(rand.Reader)
	case RS256:
		signer, err = rsa.GenerateKey(rand.Reader, MinRSABits)
	case HS256:
		secret := make([]byte, MinHMACSecretLen)
		rand.Read(secret) // never fails: the runtime crashes rather than return an error
		return NewHMACKey(secret)
	default:
		return Key{}, fmt.Errorf("token: unsupported algorithm %q (want ES256, EdDSA, RS256 or HS256)", alg)
	}
	if err != nil {
		return Key{}, fmt.Errorf("token: generate %s key: %w", alg, err)
	}
	return NewKey(signer)
}

// WithID returns a copy of k named kid, for keys that verifiers look up
// under a name of your own (a key management service's key ID, say). kid
// must not be empty. Two different keys of one [KeySet] must have
// different IDs.
func (k Key) WithID(kid string) (Key, error) {
	if err := k.check(); err != nil {
		return Key{}, err
	}
	if kid == "" {
		return Key{}, errors.New("token: key ID is empty")
	}

	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{string(k.alg), "JWT", kid})
	if err != nil {
		return Key{}, fmt.Errorf("token: encode header: %w", err)
	}
	k.id = kid
	k.header = b64(header)
	return k, nil
}

// ID returns the key ID: the "kid" header of the tokens the key signs.
func (k Key) ID() string { return k.id }

// Algorithm returns the only algorithm the key signs and verifies with.
func (k Key) Algorithm() Algorithm { return k.alg }

// Public returns the public key (an *ecdsa.PublicKey, an ed25519.PublicKey
// or an *rsa.PublicKey), or nil for an [HS256] key, which has none. The
// caller must not modify it.
func (k Key) Public() crypto.PublicKey { return k.public }

// CanSign reports whether k holds a private key or secret, rather than a
// public key only (see [NewPublicKey]).
func (k Key) CanSign() bool { return k.signKey != nil }

// String describes k by algorithm and key ID, never by its key material:
// for example `ES256 key "Nn8..."`, followed by " (verification only)" for
// a key that cannot sign.
func (k Key) String() string {
	if k.method == nil {
		return "invalid key"
	}
	s := fmt.Sprintf("%s key %q", k.alg, k.id)
	if !k.CanSign() {
		s += " (verification only)"
	}
	return s
}

// Format writes [Key.String] whatever the verb, so that no fmt verb (%v,
// %+v, %#v, %x, %d...) can print the key material.
func (k Key) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, k.String())
}

// check reports whether k was made by a constructor of this package.
func (k Key) check() error {
	if k.method == nil {
		return errors.New("token: key is the zero Key")
	}
	return nil
}

// sameMaterial reports whether a and b verify with the same key material.
func sameMaterial(a, b Key) bool {
	if a.alg != b.alg {
		return false
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch av := a.verifyKey.(type) {
	case []byte:
		bv, ok := b.verifyKey.([]byte)
		return ok && hmac.Equal(av, bv)
	case equaler:
		return av.Equal(b.verifyKey)
	}
	return false
}

// signingKey maps a private key to the jwt/v5 method that signs with it and
// the value that method's Sign expects. It is the algorithm table of the
// package: a new asymmetric algorithm is a new case here and in
// NewPublicKey.
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
