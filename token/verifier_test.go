package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// pemPublic returns the PKIX PEM and DER encodings of pub.
func pemPublic(t *testing.T, pub any) (pemBytes, der []byte) {
	t.Helper()

	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), der
}

func TestVerifierSecurity(t *testing.T) {
	t.Parallel()

	k := testKeys()
	rsPEM, rsDER := pemPublic(t, &k.rsRaw.PublicKey)
	esPEM, esDER := pemPublic(t, &k.esRaw.PublicKey)
	rsPKCS1 := pem.EncodeToMemory(&pem.Block{
		Type:  "RSA PUBLIC KEY",
		Bytes: x509.MarshalPKCS1PublicKey(&k.rsRaw.PublicKey),
	})
	otherRaw := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	other := must(token.NewKey(otherRaw))
	otherSigner := must(token.NewKeySetSigner(mustSet(t, other), token.WithClock(fixedClock)))

	hs256 := jwt.SigningMethodHS256
	valid := claimsWith(nil)

	tests := []struct {
		name        string
		raw         string
		opts        []token.VerifierOption
		wantErrs    []error
		wantMessage string // with {es}, {ed}, {rs}, {hs}, {other} for the key IDs
		wantUserID  string // for accepted tokens
	}{
		{
			name:       "an ES256 token of the active key is accepted",
			raw:        k.signAs(token.ES256, nil),
			wantUserID: "alice",
		},
		{
			name:       "an EdDSA token of an older key is accepted",
			raw:        k.signAs(token.EdDSA, nil),
			wantUserID: "alice",
		},
		{
			name:       "an RS256 token is accepted",
			raw:        k.signAs(token.RS256, nil),
			wantUserID: "alice",
		},
		{
			name:       "an HS256 token of the shared secret is accepted",
			raw:        k.signAs(token.HS256, nil),
			wantUserID: "alice",
		},
		{
			name: "HS256 signed with the RSA public key as PEM is refused (algorithm confusion)",
			raw:  craft(header("HS256", k.rs.ID()), valid, hs256, rsPEM),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`key "{rs}" is for RS256, token says HS256`,
		},
		{
			name: "HS256 signed with the RSA public key as DER is refused (algorithm confusion)",
			raw:  craft(header("HS256", k.rs.ID()), valid, hs256, rsDER),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`key "{rs}" is for RS256, token says HS256`,
		},
		{
			name:     "HS256 signed with the RSA public key as PKCS #1 PEM is refused",
			raw:      craft(header("HS256", k.rs.ID()), valid, hs256, rsPKCS1),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		},
		{
			name: "HS256 signed with the EC public key as PEM is refused (algorithm confusion)",
			raw:  craft(header("HS256", k.es.ID()), valid, hs256, esPEM),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`key "{es}" is for ES256, token says HS256`,
		},
		{
			name:     "HS256 signed with the EC public key as DER is refused (algorithm confusion)",
			raw:      craft(header("HS256", k.es.ID()), valid, hs256, esDER),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		},
		{
			name:     "HS256 signed with the Ed25519 public key bytes is refused (algorithm confusion)",
			raw:      craft(header("HS256", k.ed.ID()), valid, hs256, []byte(k.edRaw.Public().(ed25519.PublicKey))),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		},
		{
			name: "HS256 signed with the RSA public key under the HMAC key's ID is refused",
			raw:  craft(header("HS256", k.hs.ID()), valid, hs256, rsPEM),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid,
			},
			wantMessage: `token: invalid token: token signature is invalid: signature is invalid`,
		},
		{
			name: "an ES256 token under the HMAC key's ID is refused",
			raw:  craft(header("ES256", k.hs.ID()), valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`key "{hs}" is for HS256, token says ES256`,
		},
		{
			name: "an EdDSA token under the ES256 key's ID is refused",
			raw:  craft(header("EdDSA", k.es.ID()), valid, jwt.SigningMethodEdDSA, k.edRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`key "{es}" is for ES256, token says EdDSA`,
		},
		{
			name: `"alg": "none" with an empty signature is refused`,
			raw:  craft(header("none", k.es.ID()), valid, nil, nil),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid,
			},
			wantMessage: `token: invalid token: token signature is invalid: signing method none is invalid`,
		},
		{
			name: `"alg": "none" without a signature part is refused`,
			raw:  strings.TrimSuffix(craft(header("none", k.es.ID()), valid, nil, nil), "."),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
			wantMessage: `token: invalid token: token is malformed: token contains an invalid number of segments`,
		},
		{
			name: `"alg": "None" is refused`,
			raw:  craft(header("None", k.es.ID()), valid, nil, nil),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: signing method (alg) is unavailable`,
		},
		{
			name: "HS512 is refused even with the right secret",
			raw:  craft(header("HS512", k.hs.ID()), valid, jwt.SigningMethodHS512, testSecret),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid,
			},
			wantMessage: `token: invalid token: token signature is invalid: signing method HS512 is invalid`,
		},
		{
			name: "a tampered payload is refused",
			raw: func() string {
				parts := strings.Split(k.signAs(token.ES256, nil), ".")
				parts[1] = b64json(claimsWith(map[string]any{"uid": "mallory"}))
				return strings.Join(parts, ".")
			}(),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid,
			},
			wantMessage: `token: invalid token: token signature is invalid: crypto/ecdsa: verification error`,
		},
		{
			name: "a tampered HS256 payload is refused",
			raw: func() string {
				parts := strings.Split(k.signAs(token.HS256, nil), ".")
				parts[1] = b64json(claimsWith(map[string]any{"k": "acc", "perms": map[string]any{"*": []string{"*:write"}}}))
				return strings.Join(parts, ".")
			}(),
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid},
			wantMessage: `token: invalid token: token signature is invalid: signature is invalid`,
		},
		{
			name: "an unknown kid is refused",
			raw:  craft(header("ES256", "no-such-key"), valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`unknown key ID "no-such-key"`,
		},
		{
			name: "a long unknown kid is cut short in the message",
			raw:  craft(header("ES256", strings.Repeat("k", 500)), valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`unknown key ID "` + strings.Repeat("k", 64) + `"`,
		},
		{
			name: "a missing kid is refused",
			raw:  craft(map[string]any{"alg": "ES256", "typ": "JWT"}, valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`token has no "kid" header`,
		},
		{
			name:     "a kid that is not a string is refused",
			raw:      craft(map[string]any{"alg": "ES256", "kid": 7}, valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		},
		{
			name: "a wrong kid (key A's ID, signed by key B) is refused",
			raw:  craft(header("ES256", k.es.ID()), valid, jwt.SigningMethodES256, otherRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid,
			},
			wantMessage: `token: invalid token: token signature is invalid: crypto/ecdsa: verification error`,
		},
		{
			name: "a token from another signer is refused",
			raw:  must(otherSigner.Issue(context.Background(), token.Identity{UserID: "alice"})),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`unknown key ID "{other}"`,
		},
		{
			name: "a crit header is refused",
			raw: craft(map[string]any{"alg": "ES256", "kid": k.es.ID(), "crit": []string{"exp"}, "exp": 1},
				valid, jwt.SigningMethodES256, k.esRaw),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenUnverifiable,
			},
			wantMessage: `token: invalid token: token is unverifiable: error while executing keyfunc: ` +
				`"crit" header parameters are not supported`,
		},
		{
			name: "an expired token is refused",
			raw:  k.signAs(token.ES256, map[string]any{"exp": verifyNow.Add(-61 * time.Second).Unix()}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims, jwt.ErrTokenExpired,
			},
			wantMessage: `token: invalid token: token has invalid claims: token is expired`,
		},
		{
			name:       "a token expired within the leeway is accepted",
			raw:        k.signAs(token.ES256, map[string]any{"exp": verifyNow.Add(-59 * time.Second).Unix()}),
			wantUserID: "alice",
		},
		{
			name: "a token expired within the default leeway is refused with no leeway",
			raw:  k.signAs(token.ES256, map[string]any{"exp": verifyNow.Add(-time.Second).Unix()}),
			opts: []token.VerifierOption{token.WithLeeway(0)},
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims, jwt.ErrTokenExpired,
			},
		},
		{
			name: "a token not valid yet (nbf) is refused",
			raw:  k.signAs(token.ES256, map[string]any{"nbf": verifyNow.Add(61 * time.Second).Unix()}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims, jwt.ErrTokenNotValidYet,
			},
			wantMessage: `token: invalid token: token has invalid claims: token is not valid yet`,
		},
		{
			name:       "a token whose nbf is within the leeway is accepted",
			raw:        k.signAs(token.ES256, map[string]any{"nbf": verifyNow.Add(59 * time.Second).Unix()}),
			wantUserID: "alice",
		},
		{
			name: "an iat further in the future than the leeway is refused",
			raw:  k.signAs(token.ES256, map[string]any{"iat": verifyNow.Add(61 * time.Second).Unix()}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims, jwt.ErrTokenUsedBeforeIssued,
			},
			wantMessage: `token: invalid token: token has invalid claims: token used before issued`,
		},
		{
			name:       "an iat in the future within the leeway is accepted",
			raw:        k.signAs(token.ES256, map[string]any{"iat": verifyNow.Add(59 * time.Second).Unix()}),
			wantUserID: "alice",
		},
		{
			name: "a token without exp is refused",
			raw:  k.signAs(token.ES256, map[string]any{"exp": nil}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims, jwt.ErrTokenRequiredClaimMissing,
			},
			wantMessage: `token: invalid token: token has invalid claims: token is missing required claim: exp claim is required`,
		},
		{
			name: "a token without k is refused",
			raw:  k.signAs(token.ES256, map[string]any{"k": nil}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: claim "k" is "", want "id" or "acc"`,
		},
		{
			name: "a token with an unknown k is refused",
			raw:  k.signAs(token.ES256, map[string]any{"k": "admin"}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: claim "k" is "admin", want "id" or "acc"`,
		},
		{
			name: "a token without uid is refused",
			raw:  k.signAs(token.ES256, map[string]any{"uid": nil}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: claim "uid" is missing or empty`,
		},
		{
			name:     "a token with an empty uid is refused",
			raw:      k.signAs(token.ES256, map[string]any{"uid": ""}),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
		},
		{
			name: "a uid that is not a string is refused",
			raw:  k.signAs(token.ES256, map[string]any{"uid": 42}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
		},
		{
			name: "an ID token with perms is refused",
			raw:  k.signAs(token.ES256, map[string]any{"perms": map[string]any{"*": []string{"*:write"}}}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: an ID token carries "perms"`,
		},
		{
			name: "an access token with gids is refused",
			raw: k.signAs(token.ES256, map[string]any{
				"k": "acc", "gids": []string{"admins"}, "perms": map[string]any{"r1": []string{"*:read"}},
			}),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: an access token carries "gids"`,
		},
		{
			name: "another project's token is refused when a project is expected",
			raw:  k.signAs(token.ES256, map[string]any{"pid": "other"}),
			opts: []token.VerifierOption{token.WithExpectedProjectID("liveauth")},
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenInvalidClaims,
			},
			wantMessage: `token: invalid token: token has invalid claims: claim "pid" is "other", want "liveauth"`,
		},
		{
			name:       "the expected project's token is accepted",
			raw:        k.signAs(token.ES256, nil),
			opts:       []token.VerifierOption{token.WithExpectedProjectID("liveauth")},
			wantUserID: "alice",
		},
		{
			name: "an empty token is refused",
			raw:  "",
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
			wantMessage: `token: invalid token: token is malformed: token is empty`,
		},
		{
			name: "a token longer than MaxTokenLen is refused before parsing",
			raw:  strings.Repeat("a", token.MaxTokenLen+1),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
			wantMessage: `token: invalid token: token is malformed: token is 16385 bytes long, more than 16384`,
		},
		{
			name:     "garbage is refused",
			raw:      "not a token",
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
		},
		{
			name: "a Bearer prefix is not stripped",
			raw:  "Bearer " + k.signAs(token.ES256, nil),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
		},
		{
			name: "a signature in non-canonical base64url is refused",
			raw: func() string {
				raw := k.signAs(token.HS256, nil)
				// 32 bytes take 43 characters; the last holds 2 unused
				// bits, which canonical encoding leaves at zero.
				last := raw[len(raw)-1]
				i := strings.IndexByte(b64Alphabet, last)
				return raw[:len(raw)-1] + string(b64Alphabet[i|1])
			}(),
			wantErrs: []error{
				token.ErrInvalidToken, jwt.ErrTokenMalformed,
			},
			wantMessage: `token: invalid token: token is malformed: could not base64 decode signature: ` +
				`illegal base64 data at input byte 42`,
		},
	}

	set := mustSet(t, k.es, k.ed, k.rs, k.hs)
	names := strings.NewReplacer(
		"{es}", k.es.ID(), "{ed}", k.ed.ID(), "{rs}", k.rs.ID(), "{hs}", k.hs.ID(),
		"{other}", other.ID(),
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			v := mustVerifier(t, set, tt.opts...)
			claims, err := v.Verify(context.Background(), tt.raw)
			checkErrors(t, err, tt.wantErrs, names.Replace(tt.wantMessage))
			if err != nil {
				if claims != nil {
					t.Errorf("claims: got %+v, want nil", claims)
				}
				return
			}
			if claims.UserID != tt.wantUserID {
				t.Errorf("uid: got %q, want %q", claims.UserID, tt.wantUserID)
			}
		})
	}
}

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestVerifierReturnsClaims(t *testing.T) {
	t.Parallel()

	var grants permission.Grants
	if err := grants.Allow("org1*", permission.Read); err != nil {
		t.Fatal(err)
	}
	k := testKeys()
	tests := []struct {
		name string
		id   token.Identity
		want token.Claims // without the registered claims
	}{
		{
			name: "an ID token gives its groups and user info",
			id: token.Identity{
				UserID:   "user-42",
				GroupIDs: []string{"editors", "team-β"},
				UserInfo: map[string]any{"name": "Zoë", "color": "#ff8800"},
			},
			want: token.Claims{
				Kind:      token.KindID,
				ProjectID: "proj",
				UserID:    "user-42",
				GroupIDs:  []string{"editors", "team-β"},
				UserInfo:  map[string]any{"name": "Zoë", "color": "#ff8800"},
			},
		},
		{
			name: "an access token gives its permissions",
			id:   token.Identity{UserID: "bob", Permissions: grants},
			want: token.Claims{
				Kind:        token.KindAccess,
				ProjectID:   "proj",
				UserID:      "bob",
				Permissions: grants,
			},
		},
	}

	for _, key := range k.all() {
		for _, tt := range tests {
			t.Run(string(key.Algorithm())+"/"+tt.name, func(t *testing.T) {
				t.Parallel()

				set := mustSet(t, key)
				s := must(token.NewKeySetSigner(set, token.WithClock(fixedClock), token.WithProjectID("proj")))
				raw, err := s.Issue(context.Background(), tt.id)
				if err != nil {
					t.Fatalf("Issue: got error %v, want none", err)
				}

				v := mustVerifier(t, set, token.WithExpectedProjectID("proj"))
				got, err := v.Verify(context.Background(), raw)
				if err != nil {
					t.Fatalf("Verify: got error %v, want none", err)
				}
				iat := testNow.Truncate(time.Second)
				if !got.IssuedAt.Equal(iat) || !got.ExpiresAt.Equal(iat.Add(time.Hour)) || len(got.ID) != 22 {
					t.Errorf("registered claims: got iat %v, exp %v, jti %q; want %v, %v and 22 characters",
						got.IssuedAt, got.ExpiresAt, got.ID, iat, iat.Add(time.Hour))
				}
				got.RegisteredClaims = jwt.RegisteredClaims{}
				if !reflect.DeepEqual(*got, tt.want) {
					t.Errorf("claims:\ngot  %+v\nwant %+v", *got, tt.want)
				}
			})
		}
	}
}

func TestVerifierRotation(t *testing.T) {
	t.Parallel()

	k := testKeys()
	ctx := context.Background()
	id := token.Identity{UserID: "alice"}

	// The signer and the verifier share one set, then follow a rotation.
	set := mustSet(t, k.es)
	s := must(token.NewKeySetSigner(set, token.WithClock(fixedClock)))
	v := mustVerifier(t, set)
	oldToken := must(s.Issue(ctx, id))

	rotated, err := set.Rotate(k.ed)
	if err != nil {
		t.Fatalf("Rotate: got error %v, want none", err)
	}
	if err := s.UseKeys(rotated); err != nil {
		t.Fatalf("Signer.UseKeys: got error %v, want none", err)
	}
	if err := v.UseKeys(rotated); err != nil {
		t.Fatalf("Verifier.UseKeys: got error %v, want none", err)
	}
	newToken := must(s.Issue(ctx, id))
	if got, want := s.KeyID(), k.ed.ID(); got != want {
		t.Errorf("KeyID after rotation: got %q, want %q", got, want)
	}

	// During the overlap both tokens verify.
	for name, raw := range map[string]string{"old": oldToken, "new": newToken} {
		if _, err := v.Verify(ctx, raw); err != nil {
			t.Errorf("%s token during the overlap: got error %v, want none", name, err)
		}
	}

	// Once the old key is dropped, its tokens no longer verify.
	retired, err := rotated.Without(k.es.ID())
	if err != nil {
		t.Fatalf("Without: got error %v, want none", err)
	}
	if err := v.UseKeys(retired); err != nil {
		t.Fatalf("Verifier.UseKeys: got error %v, want none", err)
	}
	_, err = v.Verify(ctx, oldToken)
	checkErrors(t, err, []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		`token: invalid token: token is unverifiable: error while executing keyfunc: unknown key ID "`+k.es.ID()+`"`)
	if _, err := v.Verify(ctx, newToken); err != nil {
		t.Errorf("new token after Without: got error %v, want none", err)
	}
	if v.KeySet() != retired {
		t.Errorf("KeySet: got %v, want %v", v.KeySet(), retired)
	}
}

func TestVerifierUseKeysWhileVerifying(t *testing.T) {
	t.Parallel()

	k := testKeys()
	setA := mustSet(t, k.hs, k.ed)
	setB := mustSet(t, k.ed, k.hs)
	v := mustVerifier(t, setA)
	raw := k.signAs(token.HS256, nil)

	// Both sets hold the key, so every verification succeeds whichever set
	// it sees; the race detector checks the swap.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, err := v.Verify(context.Background(), raw); err != nil {
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
		if err := v.UseKeys(set); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Verify during UseKeys: got error %v, want none", err)
	}
}

func TestVerifierContextDone(t *testing.T) {
	t.Parallel()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := mustVerifier(t, mustSet(t, testKeys().es))
	_, err := v.Verify(ctx, testKeys().signAs(token.ES256, nil))
	checkErrors(t, err, []error{context.Canceled}, "token: verify: context canceled")
	if errors.Is(err, token.ErrInvalidToken) {
		t.Errorf("got error %v, want it not to match %v", err, token.ErrInvalidToken)
	}
}

func TestNewVerifierErrors(t *testing.T) {
	t.Parallel()

	set := mustSet(t, testKeys().es)
	tests := []struct {
		name        string
		set         *token.KeySet
		opts        []token.VerifierOption
		wantMessage string
	}{
		{name: "a nil set is refused", set: nil, wantMessage: "token: key set is nil or empty"},
		{name: "a zero set is refused", set: &token.KeySet{}, wantMessage: "token: key set is nil or empty"},
		{
			name:        "a negative leeway is refused",
			set:         set,
			opts:        []token.VerifierOption{token.WithLeeway(-time.Second)},
			wantMessage: "token: leeway -1s is negative",
		},
		{
			name:        "a leeway over five minutes is refused",
			set:         set,
			opts:        []token.VerifierOption{token.WithLeeway(6 * time.Minute)},
			wantMessage: "token: leeway 6m0s is longer than the maximum 5m0s",
		},
		{
			name:        "a nil clock is refused",
			set:         set,
			opts:        []token.VerifierOption{token.WithVerifierClock(nil)},
			wantMessage: "token: clock is nil",
		},
		{
			name:        "an empty expected project ID is refused",
			set:         set,
			opts:        []token.VerifierOption{token.WithExpectedProjectID("")},
			wantMessage: "token: expected project ID is empty",
		},
		{
			name:        "a remote-only option is refused",
			set:         set,
			opts:        []token.VerifierOption{token.WithLeeway(0), token.WithHTTPTimeout(time.Second)},
			wantMessage: "token: WithHTTPTimeout applies to NewRemoteVerifier only",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			v, err := token.NewVerifier(tt.set, tt.opts...)
			if err == nil {
				t.Fatalf("got verifier %v, want error %q", v, tt.wantMessage)
			}
			if got := err.Error(); got != tt.wantMessage {
				t.Errorf("got error %q, want %q", got, tt.wantMessage)
			}
		})
	}
}

func TestLocalVerifierRemoteMethods(t *testing.T) {
	t.Parallel()

	v := mustVerifier(t, mustSet(t, testKeys().es))
	if err := v.Refresh(context.Background()); err != nil {
		t.Errorf("Refresh: got error %v, want none", err)
	}
	if err := v.Close(); err != nil {
		t.Errorf("Close: got error %v, want none", err)
	}
	if err := v.UseKeys(nil); err == nil || err.Error() != "token: key set is nil or empty" {
		t.Errorf("UseKeys(nil): got error %v, want %q", err, "token: key set is nil or empty")
	}
	// A closed local verifier still verifies.
	if _, err := v.Verify(context.Background(), testKeys().signAs(token.ES256, nil)); err != nil {
		t.Errorf("Verify after Close: got error %v, want none", err)
	}
}

func TestVerifierPayloadRules(t *testing.T) {
	t.Parallel()

	k := testKeys()
	v := mustVerifier(t, mustSet(t, k.es))
	times := strings.NewReplacer(
		"{iat}", fmt.Sprint(testNow.Unix()),
		"{exp}", fmt.Sprint(testNow.Add(time.Hour).Unix()),
	)
	const malformed = "token: invalid token: token is malformed: could not JSON decode claim: "

	tests := []struct {
		name        string
		payload     string // {iat} and {exp} stand for valid times
		wantErrs    []error
		wantMessage string
		wantUserID  string // for accepted tokens
	}{
		{
			name:       "a payload of known claims is accepted",
			payload:    `{"k":"id","pid":"liveauth","uid":"alice","iat":{iat},"exp":{exp},"jti":"j"}`,
			wantUserID: "alice",
		},
		{
			name:       "unknown claims in any case are ignored",
			payload:    `{"k":"id","uid":"alice","exp":{exp},"extra":1,"EXTRA":2,"role":"x"}`,
			wantUserID: "alice",
		},
		{
			name:        "a claim given twice is refused (Go and JavaScript both keep the last)",
			payload:     `{"k":"id","k":"acc","uid":"alice","exp":{exp},"perms":{"*":["room:write"]}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "k" appears twice`,
		},
		{
			name:        "a uid given twice is refused",
			payload:     `{"k":"id","uid":"alice","uid":"admin","exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" appears twice`,
		},
		{
			name:        "an unknown member given twice is refused",
			payload:     `{"k":"id","uid":"alice","exp":{exp},"x":1,"x":2}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "x" appears twice`,
		},
		{
			name:        `"K" beside "k" is refused (encoding/json would read "id", JavaScript "acc")`,
			payload:     `{"k":"acc","K":"id","uid":"alice","exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim name "K" differs from "k" only in case`,
		},
		{
			name:        `"UID" is refused`,
			payload:     `{"k":"id","uid":"alice","UID":"admin","exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim name "UID" differs from "uid" only in case`,
		},
		{
			name:        `"Exp" alone is refused, not taken for "exp"`,
			payload:     `{"k":"id","uid":"alice","Exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim name "Exp" differs from "exp" only in case`,
		},
		{
			name:        "the Kelvin sign, which Unicode folds to k, is refused",
			payload:     `{"k":"acc","\u212a":"id","uid":"alice","exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + "claim name \"\u212a\" differs from \"k\" only in case",
		},
		{
			name:        "the long s, which Unicode folds to s, is refused",
			payload:     `{"k":"id","uid":"alice","exp":{exp},"\u017fub":"x"}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim name "ſub" differs from "sub" only in case`,
		},
		{
			name:        "a payload that is not an object is refused",
			payload:     `[{"k":"id","uid":"alice","exp":{exp}}]`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `payload is not a JSON object`,
		},
		{
			name:        "an exp given as a string is refused",
			payload:     `{"k":"id","uid":"alice","exp":"{exp}"}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "exp" is not a number`,
		},
		{
			name:        "an exp of null is refused",
			payload:     `{"k":"id","uid":"alice","exp":null}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "exp" is not a number`,
		},
		{
			name:        "an iat given as a string is refused",
			payload:     `{"k":"id","uid":"alice","iat":"{iat}","exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "iat" is not a number`,
		},
		{
			name:        "an nbf of 1e308 is refused",
			payload:     `{"k":"id","uid":"alice","exp":{exp},"nbf":1e308}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "nbf" is out of range`,
		},
		{
			name:        "an iat of -1e308 is refused",
			payload:     `{"k":"id","uid":"alice","iat":-1e308,"exp":{exp}}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "iat" is out of range`,
		},
		{
			name:        "an exp beyond int64 is refused",
			payload:     `{"k":"id","uid":"alice","exp":92233720368547758070}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "exp" is out of range`,
		},
		{
			name:        "an exp beyond float64 is refused",
			payload:     `{"k":"id","uid":"alice","exp":1e400}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "exp" is out of range`,
		},
		{
			name:        "an nbf just before a JavaScript Date's range is refused",
			payload:     `{"k":"id","uid":"alice","exp":{exp},"nbf":-8640000000001}`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "nbf" is out of range`,
		},
		{
			name:       "an nbf at the start of a JavaScript Date's range is accepted",
			payload:    `{"k":"id","uid":"alice","exp":{exp},"nbf":-8640000000000}`,
			wantUserID: "alice",
		},
		{
			name:       "an exp with a fraction of a second is accepted",
			payload:    `{"k":"id","uid":"alice","exp":{exp}.5}`,
			wantUserID: "alice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			raw := craftRaw(header("ES256", k.es.ID()), times.Replace(tt.payload), jwt.SigningMethodES256, k.esRaw)
			claims, err := v.Verify(context.Background(), raw)
			checkErrors(t, err, tt.wantErrs, tt.wantMessage)
			if err == nil && claims.UserID != tt.wantUserID {
				t.Errorf("uid: got %q, want %q", claims.UserID, tt.wantUserID)
			}
		})
	}
}

func TestVerifierUserID(t *testing.T) {
	t.Parallel()

	k := testKeys()
	v := mustVerifier(t, mustSet(t, k.es))
	exp := testNow.Add(time.Hour).Unix()
	const invalidClaims = "token: invalid token: token has invalid claims: "
	const malformed = "token: invalid token: token is malformed: could not JSON decode claim: "

	tests := []struct {
		name        string
		uid         string // the JSON literal, quotes included
		wantErrs    []error
		wantMessage string
		wantUserID  string // for accepted tokens
	}{
		{
			name:       "128 characters are accepted",
			uid:        `"` + strings.Repeat("x", 128) + `"`,
			wantUserID: strings.Repeat("x", 128),
		},
		{
			name:        "129 characters are refused",
			uid:         `"` + strings.Repeat("x", 129) + `"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
			wantMessage: invalidClaims + `claim "uid" is 129 characters long, more than 128`,
		},
		{
			name:       "64 emoji, 128 characters as JavaScript counts them, are accepted",
			uid:        `"` + strings.Repeat("😀", 64) + `"`,
			wantUserID: strings.Repeat("😀", 64),
		},
		{
			name:        "65 emoji, 130 characters as JavaScript counts them, are refused",
			uid:         `"` + strings.Repeat("😀", 65) + `"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
			wantMessage: invalidClaims + `claim "uid" is 130 characters long, more than 128`,
		},
		{
			name:        "5,000 characters are refused",
			uid:         `"` + strings.Repeat("x", 5000) + `"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
			wantMessage: invalidClaims + `claim "uid" is 5000 characters long, more than 128`,
		},
		{
			name:        "an escaped NUL is refused",
			uid:         `"alice\u0000admin"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
			wantMessage: invalidClaims + `claim "uid" contains a NUL character`,
		},
		{
			name:        "a lone NUL is refused",
			uid:         `"\u0000"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenInvalidClaims},
			wantMessage: invalidClaims + `claim "uid" contains a NUL character`,
		},
		{
			name:        "a byte that is not UTF-8 is refused",
			uid:         "\"alice\xff\"",
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" is not valid UTF-8`,
		},
		{
			name:        "a lone high surrogate is refused (Go reads U+FFFD)",
			uid:         `"alice\ud800"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" is not valid UTF-8`,
		},
		{
			name:        "a lone low surrogate is refused",
			uid:         `"\udc00alice"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" is not valid UTF-8`,
		},
		{
			name:        "a high surrogate followed by another escape is refused",
			uid:         `"\ud800\u0041"`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" is not valid UTF-8`,
		},
		{
			name:        "a high surrogate followed by another character is refused",
			uid:         `"\uD800\n..."`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `claim "uid" is not valid UTF-8`,
		},
		{
			name:       "an escaped surrogate pair is accepted",
			uid:        `"\ud83d\uDE00 alice"`,
			wantUserID: "😀 alice",
		},
		{
			name:       "an escaped backslash before u is no escape",
			uid:        `"\\ud800\"\u00e9"`,
			wantUserID: `\ud800"é`,
		},
		{
			name:        "a uid that is not a string is refused",
			uid:         `42`,
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenMalformed},
			wantMessage: malformed + `json: cannot unmarshal number into Go struct field Claims.uid of type string`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			payload := fmt.Sprintf(`{"k":"id","uid":%s,"exp":%d}`, tt.uid, exp)
			raw := craftRaw(header("ES256", k.es.ID()), payload, jwt.SigningMethodES256, k.esRaw)
			claims, err := v.Verify(context.Background(), raw)
			checkErrors(t, err, tt.wantErrs, tt.wantMessage)
			if err == nil && claims.UserID != tt.wantUserID {
				t.Errorf("uid: got %q, want %q", claims.UserID, tt.wantUserID)
			}
		})
	}
}

func TestVerifierErrorsStayShort(t *testing.T) {
	t.Parallel()

	k := testKeys()
	v := mustVerifier(t, mustSet(t, k.es))
	exp := testNow.Add(time.Hour).Unix()
	long := "SECRET-" + strings.Repeat("Z", 5000)

	tests := []struct {
		name    string
		payload string
	}{
		{
			name: "a 5,000-character perms key listed twice",
			payload: fmt.Sprintf(`{"k":"acc","uid":"a","exp":%d,"perms":{%q:["room:read"],%[2]q:["room:read"]}}`,
				exp, long),
		},
		{
			name:    "a 5,000-character perms key whose value is not an array",
			payload: fmt.Sprintf(`{"k":"acc","uid":"a","exp":%d,"perms":{%q:5}}`, exp, long),
		},
		{
			name:    "a 5,000-character claim name given twice",
			payload: fmt.Sprintf(`{"k":"id","uid":"a","exp":%d,%q:1,%[2]q:2}`, exp, long),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			raw := craftRaw(header("ES256", k.es.ID()), tt.payload, jwt.SigningMethodES256, k.esRaw)
			_, err := v.Verify(context.Background(), raw)
			checkErrors(t, err, []error{token.ErrInvalidToken, jwt.ErrTokenMalformed}, "")
			if msg := err.Error(); len(msg) >= 300 || strings.Contains(msg, strings.Repeat("Z", 200)) {
				t.Errorf("error is %d bytes long, want under 300 without the key: %.400s", len(msg), msg)
			}
		})
	}
}

func TestClaimNamesMatchClaims(t *testing.T) {
	t.Parallel()

	// Every JSON name of Claims, the embedded registered claims included,
	// is a name Verify refuses in another case, and no other.
	var want []string
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			want = append(want, name)
		}
	}
	walk(reflect.TypeFor[token.Claims]())

	got := token.ClaimNames()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("claim names: got %v, want %v", got, want)
	}
}

func TestCheckPayloadOnBrokenJSON(t *testing.T) {
	t.Parallel()

	// Verify hands checkPayload JSON that encoding/json has already found
	// valid; on anything else it fails cleanly.
	tests := []struct {
		name        string
		payload     string
		wantMessage string
	}{
		{name: "empty", payload: ``, wantMessage: "payload is not a JSON object"},
		{name: "white space", payload: " \t\r\n", wantMessage: "payload is not a JSON object"},
		{name: "an unclosed object", payload: `{`, wantMessage: "payload is not valid JSON"},
		{name: "a name that is not a string", payload: `{1:2}`, wantMessage: "payload is not valid JSON"},
		{name: "an unterminated name", payload: `{"k`, wantMessage: "payload is not valid JSON"},
		{name: "a name without a value", payload: `{"k"`, wantMessage: "payload is not valid JSON"},
		{name: "an empty value", payload: `{"k":}`, wantMessage: "payload is not valid JSON"},
		{name: "nothing after the colon", payload: `{"k": `, wantMessage: "payload is not valid JSON"},
		{name: "an unterminated string in an array", payload: `{"k":["a`, wantMessage: "payload is not valid JSON"},
		{name: "an array cut short", payload: `{"k":[1,{"a":2}`, wantMessage: "payload is not valid JSON"},
		{name: "an unterminated value", payload: `{"k":"id`, wantMessage: "payload is not valid JSON"},
		{name: "an unclosed array", payload: `{"k":[1,2}`, wantMessage: "payload is not valid JSON"},
		{name: "a missing comma", payload: `{"k":"id" "uid":"a"}`, wantMessage: "payload is not valid JSON"},
		{name: "a bad escape in a name", payload: `{"\u12":1}`, wantMessage: "payload is not valid JSON"},
		{name: "no closing brace", payload: `{"k":"id"`, wantMessage: "payload is not valid JSON"},
		{
			name:        "a uid escape cut short",
			payload:     `{"uid":"\u12"}`,
			wantMessage: `claim "uid" is not valid UTF-8`,
		},
		{
			name:        "a uid surrogate pair cut short",
			payload:     `{"uid":"\ud800\u12"}`,
			wantMessage: `claim "uid" is not valid UTF-8`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := token.CheckPayload([]byte(tt.payload))
			if err == nil || err.Error() != tt.wantMessage {
				t.Errorf("CheckPayload(%q): got error %v, want %q", tt.payload, err, tt.wantMessage)
			}
		})
	}
}

// textError is an error of any text that wraps err.
type textError struct {
	text string
	err  error
}

func (e textError) Error() string { return e.text }
func (e textError) Unwrap() error { return e.err }

func TestCutError(t *testing.T) {
	t.Parallel()

	sentinel := errors.New("sentinel")
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "a short text is kept", text: "short", want: "short"},
		{name: "200 bytes are kept", text: strings.Repeat("a", 200), want: strings.Repeat("a", 200)},
		{name: "201 bytes are cut to 200", text: strings.Repeat("a", 201), want: strings.Repeat("a", 200) + "..."},
		{
			name: "a character across the cut is dropped whole",
			text: strings.Repeat("a", 199) + "é" + strings.Repeat("b", 10),
			want: strings.Repeat("a", 199) + "...",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := token.CutError(textError{text: tt.text, err: sentinel})
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !errors.Is(err, sentinel) {
				t.Errorf("got error %v, want it to match %v", err, sentinel)
			}
		})
	}
}
