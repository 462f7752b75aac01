package token

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxKeyFileSize is the largest file [LoadKeyFile] reads. A PEM private key
// takes a few kilobytes at most.
const MaxKeyFileSize = 64 << 10

// ParseKeyPEM returns the signing Key held by PEM-encoded data, as written
// by openssl or by crypto/x509 and encoding/pem. It accepts one private key
// in any of these blocks:
//
//   - "PRIVATE KEY": PKCS #8, holding an ECDSA P-256, Ed25519 or RSA key
//     (openssl genpkey);
//   - "EC PRIVATE KEY": SEC 1, holding an ECDSA P-256 key (openssl ecparam
//     -genkey, whose "EC PARAMETERS" block before it is skipped);
//   - "RSA PRIVATE KEY": PKCS #1, holding an RSA key (openssl genrsa
//     -traditional).
//
// The key must then satisfy [NewKey]: P-256 only, RSA of at least
// [MinRSABits] bits. Data with no PEM block, with a public key or
// certificate, with an encrypted key, with any other block, or with more
// than one key is an error that says which. The key ID is the key's
// thumbprint, as with NewKey.
//
// Security: the error never quotes the data, so it can be logged.
func ParseKeyPEM(data []byte) (Key, error) {
	var found *pem.Block
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest

		switch block.Type {
		case "EC PARAMETERS":
			// openssl ecparam -genkey writes the curve's name first; the
			// key block repeats it.
			continue
		case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
			if block.Headers["Proc-Type"] == "4,ENCRYPTED" {
				return Key{}, errors.New("token: PEM private key is encrypted; " +
					"decrypt it first (for example: openssl pkey -in key.pem -out plain.pem)")
			}
		case "ENCRYPTED PRIVATE KEY":
			return Key{}, errors.New("token: PEM private key is encrypted (PKCS #8); " +
				"decrypt it first (for example: openssl pkey -in key.pem -out plain.pem)")
		case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
			return Key{}, fmt.Errorf("token: PEM block %q holds a public key, want a private key "+
				"(a verifier that holds public keys only uses NewPublicKey)", block.Type)
		default:
			return Key{}, fmt.Errorf("token: unsupported PEM block %q "+
				`(want "PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY")`, block.Type)
		}

		if found != nil {
			return Key{}, errors.New("token: PEM data holds more than one private key")
		}
		found = block
	}
	if found == nil {
		return Key{}, errors.New("token: no PEM private key found")
	}

	var (
		key any
		err error
	)
	switch found.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(found.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(found.Bytes)
	default: // "RSA PRIVATE KEY"
		key, err = x509.ParsePKCS1PrivateKey(found.Bytes)
	}
	if err != nil {
		return Key{}, fmt.Errorf("token: PEM block %q: %w", found.Type, err)
	}

	// ParsePKCS8PrivateKey may also return an *ecdh.PrivateKey (X25519),
	// which is not a crypto.Signer.
	signer, ok := key.(crypto.Signer)
	if !ok {
		return Key{}, fmt.Errorf("token: PEM block %q holds a %T, which cannot sign", found.Type, key)
	}
	return NewKey(signer)
}

// LoadKeyFile reads the PEM file at path and returns its key, as
// [ParseKeyPEM] does. Errors name the path but never quote the file.
//
// Security: keep the file readable by the service's user only; the error
// for a file larger than [MaxKeyFileSize] protects against reading a wrong
// path, not against a hostile file.
func LoadKeyFile(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("token: load key: %w", err)
	}
	defer f.Close()

	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return Key{}, fmt.Errorf("token: load key %s: %w", path, err)
	}
	if len(data) > MaxKeyFileSize {
		return Key{}, fmt.Errorf("token: load key %s: file is larger than %d bytes", path, MaxKeyFileSize)
	}

	k, err := ParseKeyPEM(data)
	if err != nil {
		return Key{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return k, nil
}
