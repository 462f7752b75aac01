package token_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/liveauth/liveauth/token"
)

func TestNewKey(t *testing.T) {
	t.Parallel()

	k := testKeys()
	tests := []struct {
		name    string
		signer  crypto.Signer
		wantAlg token.Algorithm
	}{
		{name: "an ECDSA P-256 key is ES256", signer: k.esRaw, wantAlg: token.ES256},
		{name: "an Ed25519 key is EdDSA", signer: k.edRaw, wantAlg: token.EdDSA},
		{name: "a pointer to an Ed25519 key is EdDSA", signer: &k.edRaw, wantAlg: token.EdDSA},
		{name: "an RSA key is RS256", signer: k.rsRaw, wantAlg: token.RS256},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			key, err := token.NewKey(tt.signer)
			if err != nil {
				t.Fatalf("NewKey: got error %v, want none", err)
			}
			if got := key.Algorithm(); got != tt.wantAlg {
				t.Errorf("Algorithm: got %q, want %q", got, tt.wantAlg)
			}
			if got, want := key.ID(), independentThumbprint(t, tt.signer.Public()); got != want {
				t.Errorf("ID: got %q, want the thumbprint %q", got, want)
			}
			if !key.CanSign() {
				t.Errorf("CanSign: got false, want true")
			}
			pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
			if !ok || !pub.Equal(tt.signer.Public()) {
				t.Errorf("Public: got %v, want the signer's public key", key.Public())
			}
		})
	}
}

func TestNewKeyErrors(t *testing.T) {
	t.Parallel()

	// NewSigner reports the same errors; TestNewSignerKeyErrors has the
	// full table.
	_, err := token.NewKey(must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader)))
	if got, want := fmt.Sprint(err), "token: ECDSA key is on P-384, want P-256 (ES256)"; got != want {
		t.Errorf("P-384 key: got error %q, want %q", got, want)
	}
}

func TestNewHMACKey(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		secret      []byte
		wantMessage string
	}{
		{name: "a 32-byte secret is accepted", secret: bytes.Repeat([]byte{7}, 32)},
		{name: "a 64-byte secret is accepted", secret: bytes.Repeat([]byte{7}, 64)},
		{
			name:        "a 31-byte secret is refused",
			secret:      bytes.Repeat([]byte{7}, 31),
			wantMessage: "token: HS256 secret is 31 bytes, want at least 32",
		},
		{
			name:        "an empty secret is refused",
			secret:      nil,
			wantMessage: "token: HS256 secret is 0 bytes, want at least 32",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			key, err := token.NewHMACKey(tt.secret)
			if tt.wantMessage != "" {
				if err == nil || err.Error() != tt.wantMessage {
					t.Fatalf("got error %v, want %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}

			// The ID is HMAC-SHA256(secret, label), computed here the
			// long way.
			mac := hmac.New(sha256.New, tt.secret)
			mac.Write([]byte("liveauth/token HS256 key ID"))
			if got, want := key.ID(), base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); got != want {
				t.Errorf("ID: got %q, want %q", got, want)
			}
			if key.Algorithm() != token.HS256 || key.Public() != nil || !key.CanSign() {
				t.Errorf("got algorithm %q, public %v, can sign %v; want HS256, nil, true",
					key.Algorithm(), key.Public(), key.CanSign())
			}
			if containsSecret(key.ID(), tt.secret) {
				t.Errorf("ID %q reveals the secret", key.ID())
			}
		})
	}
}

func TestNewHMACKeyCopiesSecret(t *testing.T) {
	t.Parallel()

	secret := bytes.Clone(testSecret)
	key := must(token.NewHMACKey(secret))
	s := must(token.NewKeySetSigner(mustSet(t, key), token.WithClock(fixedClock)))
	secret[0] ^= 0xff // the caller reuses its buffer

	raw := must(s.Issue(context.Background(), token.Identity{UserID: "alice"}))
	v := mustVerifier(t, mustSet(t, testKeys().hs))
	if _, err := v.Verify(context.Background(), raw); err != nil {
		t.Errorf("Verify with the original secret: got error %v, want none", err)
	}
}

func TestNewPublicKey(t *testing.T) {
	t.Parallel()

	k := testKeys()
	rsa1024 := must(rsa.GenerateKey(rand.Reader, 1024))
	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: k.esRaw.X, Y: k.esRaw.X}

	tests := []struct {
		name        string
		pub         crypto.PublicKey
		wantAlg     token.Algorithm
		wantMessage string
		wantPrefix  bool
	}{
		{name: "an ECDSA P-256 key is ES256", pub: &k.esRaw.PublicKey, wantAlg: token.ES256},
		{name: "an Ed25519 key is EdDSA", pub: k.edRaw.Public(), wantAlg: token.EdDSA},
		{name: "an RSA key is RS256", pub: &k.rsRaw.PublicKey, wantAlg: token.RS256},
		{
			name:        "a nil ECDSA key is refused",
			pub:         (*ecdsa.PublicKey)(nil),
			wantMessage: "token: ECDSA public key is nil",
		},
		{
			name:        "a P-384 key is refused",
			pub:         &p384.PublicKey,
			wantMessage: "token: ECDSA key is on P-384, want P-256 (ES256)",
		},
		{
			name:        "a point off the curve is refused",
			pub:         offCurve,
			wantMessage: "token: invalid ECDSA public key: ",
			wantPrefix:  true,
		},
		{
			name:        "a short Ed25519 key is refused",
			pub:         ed25519.PublicKey(make([]byte, 31)),
			wantMessage: "token: Ed25519 public key is 31 bytes, want 32",
		},
		{
			name:        "a nil RSA key is refused",
			pub:         (*rsa.PublicKey)(nil),
			wantMessage: "token: RSA public key is nil",
		},
		{
			name:        "a 1024-bit RSA key is refused",
			pub:         &rsa1024.PublicKey,
			wantMessage: "token: RSA key is 1024 bits, want at least 2048",
		},
		{
			name:        "an HMAC secret is refused",
			pub:         testSecret,
			wantMessage: "token: an HMAC secret is not a public key; use NewHMACKey",
		},
		{
			name: "a private key is refused",
			pub:  k.esRaw,
			wantMessage: "token: unsupported public key type *ecdsa.PrivateKey " +
				"(want *ecdsa.PublicKey on P-256, ed25519.PublicKey or *rsa.PublicKey)",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			key, err := token.NewPublicKey(tt.pub)
			if tt.wantMessage != "" {
				switch {
				case err == nil:
					t.Fatalf("got key %v, want error %q", key, tt.wantMessage)
				case tt.wantPrefix && !strings.HasPrefix(err.Error(), tt.wantMessage):
					t.Errorf("got error %q, want one starting %q", err, tt.wantMessage)
				case !tt.wantPrefix && err.Error() != tt.wantMessage:
					t.Errorf("got error %q, want %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if key.Algorithm() != tt.wantAlg || key.CanSign() {
				t.Errorf("got algorithm %q, can sign %v; want %q, false", key.Algorithm(), key.CanSign(), tt.wantAlg)
			}
			if got, want := key.ID(), independentThumbprint(t, tt.pub); got != want {
				t.Errorf("ID: got %q, want %q", got, want)
			}
		})
	}
}

func TestPublicKeyVerifiesButCannotSign(t *testing.T) {
	t.Parallel()

	k := testKeys()
	pub := must(token.NewPublicKey(&k.rsRaw.PublicKey))
	set := mustSet(t, pub)
	if _, err := mustVerifier(t, set).Verify(context.Background(), k.signAs(token.RS256, nil)); err != nil {
		t.Errorf("Verify: got error %v, want none", err)
	}

	wantMessage := fmt.Sprintf("token: active key %q cannot sign (it is a public key)", pub.ID())
	if _, err := token.NewKeySetSigner(set); err == nil || err.Error() != wantMessage {
		t.Errorf("NewKeySetSigner: got error %v, want %q", err, wantMessage)
	}
	s := must(token.NewKeySetSigner(mustSet(t, k.es)))
	if err := s.UseKeys(set); err == nil || err.Error() != wantMessage {
		t.Errorf("UseKeys: got error %v, want %q", err, wantMessage)
	}
	if got, want := s.KeyID(), k.es.ID(); got != want {
		t.Errorf("KeyID after a refused UseKeys: got %q, want %q", got, want)
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()

	for _, alg := range []token.Algorithm{token.ES256, token.EdDSA, token.RS256, token.HS256} {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()

			a := must(token.GenerateKey(alg))
			b := must(token.GenerateKey(alg))
			if a.Algorithm() != alg || !a.CanSign() {
				t.Errorf("got algorithm %q, can sign %v; want %q, true", a.Algorithm(), a.CanSign(), alg)
			}
			if a.ID() == b.ID() {
				t.Errorf("ID: got %q twice, want a fresh key each call", a.ID())
			}

			// The key signs tokens that a verifier of the key accepts.
			s := must(token.NewKeySetSigner(mustSet(t, a), token.WithClock(fixedClock)))
			raw := must(s.Issue(context.Background(), token.Identity{UserID: "u"}))
			if _, err := mustVerifier(t, mustSet(t, a)).Verify(context.Background(), raw); err != nil {
				t.Errorf("Verify: got error %v, want none", err)
			}
		})
	}

	_, err := token.GenerateKey("HS512")
	if got, want := fmt.Sprint(err), `token: unsupported algorithm "HS512" (want ES256, EdDSA, RS256 or HS256)`; got != want {
		t.Errorf("GenerateKey(HS512): got error %q, want %q", got, want)
	}
}

func TestKeyWithID(t *testing.T) {
	t.Parallel()

	k := testKeys()
	named, err := k.es.WithID("2024-05")
	if err != nil {
		t.Fatalf("WithID: got error %v, want none", err)
	}
	if named.ID() != "2024-05" || k.es.ID() == "2024-05" {
		t.Errorf("ID: got %q (copy) and %q (original), want 2024-05 and the thumbprint", named.ID(), k.es.ID())
	}

	s := must(token.NewKeySetSigner(mustSet(t, named), token.WithClock(fixedClock)))
	raw := must(s.Issue(context.Background(), token.Identity{UserID: "u"}))
	if _, err := mustVerifier(t, mustSet(t, named)).Verify(context.Background(), raw); err != nil {
		t.Errorf("Verify under the new ID: got error %v, want none", err)
	}

	tests := []struct {
		name        string
		key         token.Key
		kid         string
		wantMessage string
	}{
		{name: "an empty ID is refused", key: k.es, kid: "", wantMessage: "token: key ID is empty"},
		{name: "the zero Key is refused", key: token.Key{}, kid: "x", wantMessage: "token: key is the zero Key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if _, err := tt.key.WithID(tt.kid); err == nil || err.Error() != tt.wantMessage {
				t.Errorf("got error %v, want %q", err, tt.wantMessage)
			}
		})
	}
}

func TestKeysNeverPrintTheirSecret(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.hs, k.es, must(token.NewPublicKey(&k.rsRaw.PublicKey)))
	want := map[string]string{
		"key": fmt.Sprintf("HS256 key %q", k.hs.ID()),
		"set": fmt.Sprintf("KeySet[active HS256 key %q; older ES256 key %q, RS256 key %q (verification only)]",
			k.hs.ID(), k.es.ID(), independentThumbprint(t, &k.rsRaw.PublicKey)),
	}
	values := map[string]any{"key": k.hs, "set": set}

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T-%[1]v"} {
		for name, v := range values {
			t.Run(name+" "+verb, func(t *testing.T) {
				t.Parallel()

				got := fmt.Sprintf(verb, v)
				if containsSecret(got, testSecret) || strings.Contains(got, k.esRaw.D.String()) {
					t.Fatalf("%s prints key material: %s", verb, got)
				}
				if verb == "%v" && got != want[name] {
					t.Errorf("got %s, want %s", got, want[name])
				}
			})
		}
	}

	if got, want := fmt.Sprint(token.Key{}), "invalid key"; got != want {
		t.Errorf("zero Key: got %q, want %q", got, want)
	}
	if got, want := fmt.Sprint((*token.KeySet)(nil)), "<nil>"; got != want {
		t.Errorf("nil KeySet: got %q, want %q", got, want)
	}
}

func TestSignerUseKeysWhileIssuing(t *testing.T) {
	t.Parallel()

	k := testKeys()
	setA, setB := mustSet(t, k.es, k.hs), mustSet(t, k.hs, k.es)
	s := must(token.NewKeySetSigner(setA, token.WithClock(fixedClock)))
	v := mustVerifier(t, setA)

	// Every token must be signed by the key its header names, whichever
	// set the signer uses at that moment.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 30 {
				raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
				if err == nil {
					_, err = v.Verify(context.Background(), raw)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 100 {
		set := setA
		if i%2 == 1 {
			set = setB
		}
		if err := s.UseKeys(set); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Issue and Verify during UseKeys: got error %v, want none", err)
	}
	if got := s.KeySet(); got != setB {
		t.Errorf("KeySet: got %v, want %v", got, setB)
	}
}

func TestNewKeySetSignerErrors(t *testing.T) {
	t.Parallel()

	set := mustSet(t, testKeys().es)
	tests := []struct {
		name        string
		set         *token.KeySet
		opts        []token.SignerOption
		wantMessage string
	}{
		{name: "a nil set is refused", set: nil, wantMessage: "token: key set is nil or empty"},
		{
			name:        "WithKeyID is refused",
			set:         set,
			opts:        []token.SignerOption{token.WithKeyID("k1")},
			wantMessage: "token: WithKeyID applies to NewSigner only; name keys with Key.WithID",
		},
		{
			name:        "options are checked",
			set:         set,
			opts:        []token.SignerOption{token.WithProjectID("")},
			wantMessage: "token: project ID is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if _, err := token.NewKeySetSigner(tt.set, tt.opts...); err == nil || err.Error() != tt.wantMessage {
				t.Errorf("got error %v, want %q", err, tt.wantMessage)
			}
		})
	}

	s := must(token.NewKeySetSigner(set))
	if err := s.UseKeys(nil); err == nil || err.Error() != "token: key set is nil or empty" {
		t.Errorf("UseKeys(nil): got error %v, want %q", err, "token: key set is nil or empty")
	}
}

func TestHS256Signer(t *testing.T) {
	t.Parallel()

	s := must(token.NewKeySetSigner(mustSet(t, testKeys().hs), token.WithClock(fixedClock)))
	if s.Algorithm() != "HS256" || s.Public() != nil || s.KeyID() != testKeys().hs.ID() {
		t.Errorf("got algorithm %q, public %v, key ID %q; want HS256, nil, %q",
			s.Algorithm(), s.Public(), s.KeyID(), testKeys().hs.ID())
	}
	raw := must(s.Issue(context.Background(), token.Identity{UserID: "u"}))
	if containsSecret(raw, testSecret) {
		t.Errorf("token %q reveals the secret", raw)
	}
}
