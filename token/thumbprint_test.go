package token_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/token"
)

// The RSA key of RFC 7638 §3.1 and the thumbprint the RFC gives for it.
const (
	rfc7638N = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP" +
		"ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368Q" +
		"QMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2N" +
		"cRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
)

// The Ed25519 key of RFC 8037 appendix A.1 and its thumbprint (A.3).
const (
	rfc8037D          = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	rfc8037X          = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	rfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
)

func decodeB64(t *testing.T, s string) []byte {
	t.Helper()

	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decode %q: got error %v, want none", s, err)
	}
	return b
}

func TestThumbprint(t *testing.T) {
	t.Parallel()

	rfcRSA := &rsa.PublicKey{N: new(big.Int).SetBytes(decodeB64(t, rfc7638N)), E: 65537}
	rfcEd := ed25519.NewKeyFromSeed(decodeB64(t, rfc8037D))
	if got := base64.RawURLEncoding.EncodeToString(rfcEd.Public().(ed25519.PublicKey)); got != rfc8037X {
		t.Fatalf("RFC 8037 public key: got %q, want %q", got, rfc8037X)
	}

	p256, rsa2048 := &testP256Key().PublicKey, &testRSAKey().PublicKey
	tests := []struct {
		name string
		pub  crypto.PublicKey
		want string
	}{
		{name: "the RSA example of RFC 7638", pub: rfcRSA, want: rfc7638Thumbprint},
		{name: "the Ed25519 example of RFC 8037", pub: rfcEd.Public(), want: rfc8037Thumbprint},
		{name: "a P-256 key", pub: p256, want: independentThumbprint(t, p256)},
		{name: "a 2048-bit RSA key", pub: rsa2048, want: independentThumbprint(t, rsa2048)},
	}
	for _, curve := range []elliptic.Curve{elliptic.P384(), elliptic.P521()} {
		pub := &must(ecdsa.GenerateKey(curve, rand.Reader)).PublicKey
		tests = append(tests, struct {
			name string
			pub  crypto.PublicKey
			want string
		}{name: "a " + curve.Params().Name + " key", pub: pub, want: independentThumbprint(t, pub)})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := token.Thumbprint(tt.pub)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSignerKeyIDIsRFCThumbprint(t *testing.T) {
	t.Parallel()

	key := ed25519.NewKeyFromSeed(decodeB64(t, rfc8037D))
	s := newTestSigner(t, key)
	if got := s.KeyID(); got != rfc8037Thumbprint {
		t.Errorf("KeyID: got %q, want %q", got, rfc8037Thumbprint)
	}
}

func TestThumbprintErrors(t *testing.T) {
	t.Parallel()

	p256 := testP256Key().PublicKey
	tests := []struct {
		name        string
		pub         crypto.PublicKey
		wantMessage string
		wantPrefix  bool // the rest of the message comes from crypto/ecdsa
	}{
		{
			name:        "a key of another type is refused",
			pub:         []byte("secret"),
			wantMessage: "token: cannot take the thumbprint of a []uint8",
		},
		{
			name:        "a nil ECDSA key is refused",
			pub:         (*ecdsa.PublicKey)(nil),
			wantMessage: "token: nil ECDSA public key",
		},
		{
			name:        "an ECDSA key without coordinates is refused",
			pub:         &ecdsa.PublicKey{Curve: elliptic.P256()},
			wantMessage: "token: ECDSA public key is incomplete",
		},
		{
			name:        "an ECDSA key on P-224 is refused",
			pub:         &must(ecdsa.GenerateKey(elliptic.P224(), rand.Reader)).PublicKey,
			wantMessage: "token: ECDSA curve P-224 has no JWK name",
		},
		{
			name:        "an ECDSA point off the curve is refused",
			pub:         &ecdsa.PublicKey{Curve: elliptic.P256(), X: p256.Y, Y: p256.X},
			wantMessage: "token: invalid ECDSA public key: ",
			wantPrefix:  true,
		},
		{
			name:        "a short Ed25519 key is refused",
			pub:         ed25519.PublicKey{1, 2, 3},
			wantMessage: "token: Ed25519 public key is 3 bytes, want 32",
		},
		{
			name:        "a nil RSA key is refused",
			pub:         (*rsa.PublicKey)(nil),
			wantMessage: "token: invalid RSA public key",
		},
		{
			name:        "an RSA key without a modulus is refused",
			pub:         &rsa.PublicKey{E: 65537},
			wantMessage: "token: invalid RSA public key",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := token.Thumbprint(tt.pub)
			if err == nil {
				t.Fatalf("got %q, want error %q", got, tt.wantMessage)
			}
			msg := err.Error()
			if tt.wantPrefix && !strings.HasPrefix(msg, tt.wantMessage) {
				t.Errorf("got error %q, want one starting %q", msg, tt.wantMessage)
			}
			if !tt.wantPrefix && msg != tt.wantMessage {
				t.Errorf("got error %q, want %q", msg, tt.wantMessage)
			}
		})
	}
}
