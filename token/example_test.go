package token_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

func ExampleSigner_Issue() {
	// A fixed clock keeps the output stable; leave it out in real code.
	now := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	signer, err := token.GenerateSigner(
		token.WithProjectID("my-project"),
		token.WithLifetime(15*time.Minute),
		token.WithClock(func() time.Time { return now }),
	)
	if err != nil {
		log.Fatal(err)
	}

	raw, err := signer.Issue(context.Background(), token.Identity{
		UserID:   "charlie",
		GroupIDs: []string{"editors"},
		UserInfo: map[string]any{"name": "Charlie Layne", "color": "#4f46e5"},
	})
	if err != nil {
		log.Fatal(err)
	}

	// A realtime server verifies the token with the signer's public key,
	// pinning the algorithm.
	claims := &token.Claims{}
	parsed, err := jwt.NewParser(
		jwt.WithValidMethods([]string{signer.Algorithm()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	).ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return signer.Public(), nil
	})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("alg:", parsed.Header["alg"])
	fmt.Println("kid is the key's thumbprint:", parsed.Header["kid"] == signer.KeyID())
	fmt.Println("k:", claims.Kind)
	fmt.Println("pid:", claims.ProjectID)
	fmt.Println("uid:", claims.UserID)
	fmt.Println("gids:", claims.GroupIDs)
	fmt.Println("ui:", claims.UserInfo)
	fmt.Println("iat:", claims.IssuedAt.UTC())
	fmt.Println("exp:", claims.ExpiresAt.UTC())
	fmt.Println("jti length:", len(claims.ID))
	// Output:
	// alg: ES256
	// kid is the key's thumbprint: true
	// k: id
	// pid: my-project
	// uid: charlie
	// gids: [editors]
	// ui: map[color:#4f46e5 name:Charlie Layne]
	// iat: 2024-05-01 12:00:00 +0000 UTC
	// exp: 2024-05-01 12:15:00 +0000 UTC
	// jti length: 22
}

func ExampleVerifier_Verify() {
	// A fixed clock keeps the output stable; leave it out in real code.
	now := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ctx := context.Background()

	key, err := token.GenerateKey(token.ES256)
	if err != nil {
		log.Fatal(err)
	}
	set, err := token.NewKeySet(key)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := token.NewKeySetSigner(set, token.WithProjectID("my-project"), token.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}

	// The realtime server's verifier trusts the same keys.
	verifier, err := token.NewVerifier(set,
		token.WithExpectedProjectID("my-project"),
		token.WithVerifierClock(clock),
	)
	if err != nil {
		log.Fatal(err)
	}

	raw, err := signer.Issue(ctx, token.Identity{
		UserID:   "charlie",
		GroupIDs: []string{"editors"},
		UserInfo: map[string]any{"name": "Charlie Layne"},
	})
	if err != nil {
		log.Fatal(err)
	}
	claims, err := verifier.Verify(ctx, raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("k:", claims.Kind)
	fmt.Println("uid:", claims.UserID)
	fmt.Println("gids:", claims.GroupIDs)
	fmt.Println("ui:", claims.UserInfo)
	fmt.Println("exp:", claims.ExpiresAt.UTC())

	// Charlie's signature on Mallory's payload is refused.
	other, err := signer.Issue(ctx, token.Identity{UserID: "mallory"})
	if err != nil {
		log.Fatal(err)
	}
	parts := strings.Split(raw, ".")
	parts[1] = strings.Split(other, ".")[1]
	_, err = verifier.Verify(ctx, strings.Join(parts, "."))
	fmt.Println("spliced token refused:", errors.Is(err, token.ErrInvalidToken),
		errors.Is(err, jwt.ErrTokenSignatureInvalid))

	// Two hours later the token has expired.
	now = now.Add(2 * time.Hour)
	_, err = verifier.Verify(ctx, raw)
	fmt.Println("expired token refused:", errors.Is(err, token.ErrInvalidToken),
		errors.Is(err, jwt.ErrTokenExpired))
	// Output:
	// k: id
	// uid: charlie
	// gids: [editors]
	// ui: map[name:Charlie Layne]
	// exp: 2024-05-01 13:00:00 +0000 UTC
	// spliced token refused: true true
	// expired token refused: true true
}

func ExampleKeySet_Rotate() {
	now := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ctx := context.Background()
	alice := token.Identity{UserID: "alice"}

	current, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	next, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	set, err := token.NewKeySet(current)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := token.NewKeySetSigner(set, token.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := token.NewVerifier(set, token.WithVerifierClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	before, err := signer.Issue(ctx, alice)
	if err != nil {
		log.Fatal(err)
	}

	// Rotate: next signs from now on, current still verifies.
	rotated, err := set.Rotate(next)
	if err != nil {
		log.Fatal(err)
	}
	if err := signer.UseKeys(rotated); err != nil {
		log.Fatal(err)
	}
	if err := verifier.UseKeys(rotated); err != nil {
		log.Fatal(err)
	}
	after, err := signer.Issue(ctx, alice)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keys:", rotated.Len(), "signs with next:", signer.KeyID() == next.ID())
	_, errBefore := verifier.Verify(ctx, before)
	_, errAfter := verifier.Verify(ctx, after)
	fmt.Println("overlap: old token ok:", errBefore == nil, "new token ok:", errAfter == nil)

	// Once the old tokens have expired, retire the old key.
	retired, err := rotated.Without(current.ID())
	if err != nil {
		log.Fatal(err)
	}
	if err := verifier.UseKeys(retired); err != nil {
		log.Fatal(err)
	}
	_, errBefore = verifier.Verify(ctx, before)
	_, errAfter = verifier.Verify(ctx, after)
	fmt.Println("retired: old token refused:", errors.Is(errBefore, token.ErrInvalidToken),
		"new token ok:", errAfter == nil)
	// Output:
	// keys: 2 signs with next: true
	// overlap: old token ok: true new token ok: true
	// retired: old token refused: true new token ok: true
}

func ExampleJWKS() {
	now := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ctx := context.Background()

	key, err := token.GenerateKey(token.ES256)
	if err != nil {
		log.Fatal(err)
	}
	set, err := token.NewKeySet(key)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := token.NewKeySetSigner(set, token.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}

	// The auth server publishes its public keys; the document follows
	// signer.UseKeys. In a real server:
	// mux.Handle("GET /.well-known/jwks.json", jwks)
	jwks, err := token.JWKS(signer.KeySet, token.WithMaxAge(10*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(jwks)
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	for _, k := range doc.Keys {
		fmt.Println(k["kty"], k["crv"], k["alg"], k["use"], "kid is the key's ID:", k["kid"] == key.ID())
	}

	// A realtime server verifies with the published keys, fetched again in
	// the background until Close.
	verifier, err := token.NewRemoteVerifier(ctx, srv.URL, token.WithVerifierClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close()

	raw, err := signer.Issue(ctx, token.Identity{UserID: "charlie"})
	if err != nil {
		log.Fatal(err)
	}
	claims, err := verifier.Verify(ctx, raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verified:", claims.UserID)
	// Output:
	// application/jwk-set+json public, max-age=600
	// EC P-256 ES256 sig kid is the key's ID: true
	// verified: charlie
}
