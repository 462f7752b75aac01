package token_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// FuzzVerify feeds Verify valid and mangled tokens. Verify must never
// panic, must refuse with ErrInvalidToken, and must accept only tokens
// whose header and payload were signed here by a key of the set. The keys
// and signing inputs are the same in every fuzzing process.
//
//	go test -run '^$' -fuzz FuzzVerify -fuzztime 10s ./token
func FuzzVerify(f *testing.F) {
	k := testKeys()
	v := must(token.NewVerifier(must(token.NewKeySet(k.es, k.ed, k.rs, k.hs)), token.WithVerifierClock(verifyClock)))

	// signed holds the signing inputs (header.payload) signed here.
	signed := map[string]bool{}
	sign := func(alg token.Algorithm, edits map[string]any) string {
		raw := k.signAs(alg, edits)
		signed[raw[:strings.LastIndexByte(raw, '.')]] = true
		return raw
	}
	access := map[string]any{"k": "acc", "perms": map[string]any{"org1*": []string{"*:read"}}}
	rsPEM := pem.EncodeToMemory(&pem.Block{
		Type:  "PUBLIC KEY",
		Bytes: must(x509.MarshalPKIXPublicKey(&k.rsRaw.PublicKey)),
	})

	seeds := []string{
		sign(token.ES256, nil),
		sign(token.EdDSA, nil),
		sign(token.RS256, nil),
		sign(token.HS256, nil),
		sign(token.EdDSA, access),
		sign(token.HS256, map[string]any{"gids": []string{"a", "b"}, "ui": map[string]any{"name": "Zoë"}}),
		sign(token.ES256, map[string]any{"exp": nil}),
		sign(token.EdDSA, map[string]any{"k": "admin"}),
		sign(token.HS256, map[string]any{"nbf": verifyNow.Unix() + 3600}),
		craft(header("none", k.es.ID()), claimsWith(nil), nil, nil),
		craft(header("HS256", k.rs.ID()), claimsWith(nil), jwt.SigningMethodHS256, rsPEM),
		craft(map[string]any{"alg": "EdDSA"}, claimsWith(nil), jwt.SigningMethodEdDSA, k.edRaw),
		craft(header("ES256", k.ed.ID()), claimsWith(nil), jwt.SigningMethodES256, k.esRaw),
		"",
		"..",
		"a.b.c.d",
		"eyJhbGciOiJIUzI1NiJ9.e30.",
		"Bearer " + sign(token.HS256, nil),
	}
	// Mangled forms of a valid token: truncated, tampered, re-padded.
	valid := sign(token.HS256, nil)
	parts := strings.Split(valid, ".")
	seeds = append(seeds,
		valid[:len(valid)-1],
		valid+"A",
		parts[0]+"."+b64json(claimsWith(map[string]any{"uid": "mallory"}))+"."+parts[2],
		parts[0]+"="+"."+parts[1]+"."+parts[2],
		strings.ToUpper(valid),
	)
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := v.Verify(context.Background(), raw)
		if err != nil {
			if claims != nil {
				t.Fatalf("got claims %+v with error %v, want none", claims, err)
			}
			if !errors.Is(err, token.ErrInvalidToken) {
				t.Fatalf("got error %v, want it to match %v", err, token.ErrInvalidToken)
			}
			return
		}

		i := strings.LastIndexByte(raw, '.')
		if i < 0 || !signed[raw[:i]] {
			t.Fatalf("accepted a token not signed by the set's keys: %q", raw)
		}
		if claims.UserID == "" || (claims.Kind != token.KindID && claims.Kind != token.KindAccess) {
			t.Fatalf("accepted claims that break the rules: %+v", claims)
		}
	})
}
