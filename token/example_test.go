package token_test

import (
	"context"
	"fmt"
	"log"
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
