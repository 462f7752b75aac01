package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// verifyNow is the clock of the verifiers in the tests: ten minutes after
// the tokens are issued (at testNow).
var verifyNow = testNow.Add(10 * time.Minute)

func verifyClock() time.Time { return verifyNow }

// testSecret is the HS256 secret of the tests.
var testSecret = []byte("liveauth test secret, 32+ bytes!")

// fixedKeys are the keys of the tests, the same in every process (fuzzing
// runs several), loaded from testdata: the raw keys, to craft tokens by
// hand, and the Keys made from them.
type fixedKeys struct {
	esRaw *ecdsa.PrivateKey
	edRaw ed25519.PrivateKey
	rsRaw *rsa.PrivateKey

	es, ed, rs, hs token.Key
}

var testKeys = sync.OnceValue(func() fixedKeys {
	var k fixedKeys
	k.esRaw = readPKCS8(filepath.Join("testdata", "es256-pkcs8.pem")).(*ecdsa.PrivateKey)
	k.edRaw = readPKCS8(filepath.Join("testdata", "ed25519-pkcs8.pem")).(ed25519.PrivateKey)
	k.rsRaw = readPKCS8(filepath.Join("testdata", "rsa2048-pkcs8.pem")).(*rsa.PrivateKey)
	k.es = must(token.NewKey(k.esRaw))
	k.ed = must(token.NewKey(k.edRaw))
	k.rs = must(token.NewKey(k.rsRaw))
	k.hs = must(token.NewHMACKey(testSecret))
	return k
})

// readPKCS8 parses a PKCS #8 PEM file with the standard library alone.
func readPKCS8(path string) any {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic("no PEM in " + path)
	}
	return must(x509.ParsePKCS8PrivateKey(block.Bytes))
}

// all returns the four keys, one per algorithm.
func (k fixedKeys) all() []token.Key { return []token.Key{k.es, k.ed, k.rs, k.hs} }

// raw returns the jwt/v5 method and signing value of the fixed key named
// by alg.
func (k fixedKeys) raw(alg token.Algorithm) (jwt.SigningMethod, any) {
	switch alg {
	case token.ES256:
		return jwt.SigningMethodES256, k.esRaw
	case token.EdDSA:
		return jwt.SigningMethodEdDSA, k.edRaw
	case token.RS256:
		return jwt.SigningMethodRS256, k.rsRaw
	default:
		return jwt.SigningMethodHS256, testSecret
	}
}

// b64json encodes v as JSON, then base64url without padding.
func b64json(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// craft assembles a token from header and claims and signs it with method
// and key; a nil method leaves the signature empty.
func craft(header, claims any, method jwt.SigningMethod, key any) string {
	input := b64json(header) + "." + b64json(claims)
	if method == nil {
		return input + "."
	}
	sig, err := method.Sign(input, key)
	if err != nil {
		panic(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// craftRaw is craft with the payload given as JSON text, so that it may
// hold what a map cannot: a repeated name, members in a chosen order.
func craftRaw(header any, payload string, method jwt.SigningMethod, key any) string {
	input := b64json(header) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := method.Sign(input, key)
	if err != nil {
		panic(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// testTimeout bounds each test that talks to a JWK Set server, so that a
// regression that hangs fails in seconds.
const testTimeout = 10 * time.Second

// testContext returns a context that ends testTimeout from now, or with
// the test.
func testContext(t *testing.T) context.Context {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// header returns a JOSE header for alg and kid.
func header(alg, kid string) map[string]any {
	return map[string]any{"alg": alg, "typ": "JWT", "kid": kid}
}

// claimsWith returns valid ID-token claims issued at testNow for an hour,
// changed by edits (a nil value deletes the claim).
func claimsWith(edits map[string]any) map[string]any {
	c := map[string]any{
		"k":   "id",
		"pid": "liveauth",
		"uid": "alice",
		"iat": testNow.Unix(),
		"exp": testNow.Add(time.Hour).Unix(),
		"jti": "jti-1",
	}
	maps.Copy(c, edits)
	for name, v := range c {
		if v == nil {
			delete(c, name)
		}
	}
	return c
}

// signAs crafts a token with valid claims changed by edits, signed by the
// fixed key of alg under its own kid.
func (k fixedKeys) signAs(alg token.Algorithm, edits map[string]any) string {
	method, key := k.raw(alg)
	kid := ""
	for _, fk := range k.all() {
		if fk.Algorithm() == alg {
			kid = fk.ID()
		}
	}
	return craft(header(string(alg), kid), claimsWith(edits), method, key)
}

// checkErrors checks err against every expected sentinel and, when
// wantMessage is set, its exact text. No expected error means none.
func checkErrors(t *testing.T, err error, wantErrs []error, wantMessage string) {
	t.Helper()

	if len(wantErrs) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %v", wantErrs)
	}
	for _, want := range wantErrs {
		if !errors.Is(err, want) {
			t.Errorf("got error %q, want it to match %q", err, want)
		}
	}
	if wantMessage != "" && err.Error() != wantMessage {
		t.Errorf("message:\ngot  %q\nwant %q", err.Error(), wantMessage)
	}
}

// mustVerifier builds a Verifier over keys with the test clock and opts.
func mustVerifier(t testing.TB, set *token.KeySet, opts ...token.VerifierOption) *token.Verifier {
	t.Helper()

	opts = append([]token.VerifierOption{token.WithVerifierClock(verifyClock)}, opts...)
	v, err := token.NewVerifier(set, opts...)
	if err != nil {
		t.Fatalf("NewVerifier: got error %v, want none", err)
	}
	return v
}

// mustSet builds a key set or fails the test.
func mustSet(t testing.TB, active token.Key, older ...token.Key) *token.KeySet {
	t.Helper()

	set, err := token.NewKeySet(active, older...)
	if err != nil {
		t.Fatalf("NewKeySet: got error %v, want none", err)
	}
	return set
}

// containsSecret reports whether s holds secret in any common encoding.
func containsSecret(s string, secret []byte) bool {
	for _, enc := range []string{
		string(secret),
		base64.RawURLEncoding.EncodeToString(secret),
		base64.StdEncoding.EncodeToString(secret),
		strings.TrimRight(base64.StdEncoding.EncodeToString(secret), "="),
		fmt.Sprintf("%x", secret),
		strings.Trim(fmt.Sprint(secret[:8]), "[]"), // as %d or %v prints bytes
	} {
		if strings.Contains(s, enc) {
			return true
		}
	}
	return false
}
