package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
)

// Thumbprint returns the RFC 7638 JWK thumbprint of pub: the SHA-256 digest
// of the key's required JWK members in canonical JSON, base64url-encoded
// without padding. It is the default key ID of a [Signer].
//
// pub must be an *ecdsa.PublicKey on P-256, P-384 or P-521, an
// ed25519.PublicKey or an *rsa.PublicKey.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	members, err := canonicalJWK(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(members))
	return b64(sum[:]), nil
}

// canonicalJWK returns the required members of pub's JWK, in the form
// RFC 7638 §3 hashes: members sorted by name, no whitespace. The values are
// base64url text and fixed names, which JSON never escapes, so plain
// concatenation gives the exact bytes.
func canonicalJWK(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k == nil {
			return "", errors.New("token: nil ECDSA public key")
		}
		return canonicalEC(k)

	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("token: Ed25519 public key is %d bytes, want %d",
				len(k), ed25519.PublicKeySize)
		}
		return `{"crv":"Ed25519","kty":"OKP","x":"` + b64(k) + `"}`, nil

	case *rsa.PublicKey:
		if k == nil || k.N == nil || k.N.Sign() <= 0 || k.E <= 0 {
			return "", errors.New("token: invalid RSA public key")
		}
		e := big.NewInt(int64(k.E)).Bytes() // big-endian, no leading zeros
		return `{"e":"` + b64(e) + `","kty":"RSA","n":"` + b64(k.N.Bytes()) + `"}`, nil

	default:
		return "", fmt.Errorf("token: cannot take the thumbprint of a %T", pub)
	}
}

// canonicalEC handles the NIST curves. The coordinates are the full field
// size, leading zeros included (RFC 7518 §6.2.1.2).
func canonicalEC(k *ecdsa.PublicKey) (string, error) {
	// crypto/ecdsa panics on a key with missing parts.
	if k.Curve == nil || k.X == nil || k.Y == nil {
		return "", errors.New("token: ECDSA public key is incomplete")
	}
	crv := k.Curve.Params().Name
	if crv != "P-256" && crv != "P-384" && crv != "P-521" {
		return "", fmt.Errorf("token: ECDSA curve %s has no JWK name", crv)
	}

	// Bytes gives 0x04 || X || Y, each coordinate padded to the field size.
	point, err := k.Bytes()
	if err != nil {
		return "", fmt.Errorf("token: invalid ECDSA public key: %w", err)
	}
	size := (len(point) - 1) / 2
	x, y := point[1:1+size], point[1+size:]
	return `{"crv":"` + crv + `","kty":"EC","x":"` + b64(x) + `","y":"` + b64(y) + `"}`, nil
}

// b64 encodes b as base64url without padding, as JOSE does everywhere.
func b64(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}
