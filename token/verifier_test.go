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
	"reflect"
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
