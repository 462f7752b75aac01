package token_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// testNow is the fixed clock of the tests. Its half second checks that
// "iat" is truncated to whole seconds.
var testNow = time.Date(2024, time.May, 1, 12, 0, 0, 500_000_000, time.UTC)

func fixedClock() time.Time { return testNow }

// Test keys, generated once per run and never modified.
var (
	testP256Key = sync.OnceValue(func() *ecdsa.PrivateKey {
		return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	})
	testEd25519Key = sync.OnceValue(func() ed25519.PrivateKey {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		return must(key, err)
	})
	testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
		return must(rsa.GenerateKey(rand.Reader, 2048))
	})
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// algorithmCase is one key type a Signer accepts.
type algorithmCase struct {
	name    string
	key     func() crypto.Signer
	wantAlg string
}

var algorithmCases = []algorithmCase{
	{
		name:    "ES256 from an ECDSA P-256 key",
		key:     func() crypto.Signer { return testP256Key() },
		wantAlg: "ES256",
	},
	{
		name:    "EdDSA from an Ed25519 key",
		key:     func() crypto.Signer { return testEd25519Key() },
		wantAlg: "EdDSA",
	},
	{
		name:    "RS256 from a 2048-bit RSA key",
		key:     func() crypto.Signer { return testRSAKey() },
		wantAlg: "RS256",
	},
}

// newTestSigner builds a Signer with the fixed clock and opts.
func newTestSigner(t testing.TB, key crypto.Signer, opts ...token.SignerOption) *token.Signer {
	t.Helper()

	opts = append([]token.SignerOption{token.WithClock(fixedClock)}, opts...)
	s, err := token.NewSigner(key, opts...)
	if err != nil {
		t.Fatalf("NewSigner: got error %v, want none", err)
	}
	return s
}

// parseToken verifies raw as a verifier should (algorithm pinned, expiry
// required, clock fixed at now) and returns the token and its claims.
func parseToken(t *testing.T, s *token.Signer, raw string, now time.Time) (*jwt.Token, *token.Claims) {
	t.Helper()

	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{s.Algorithm()}),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	claims := &token.Claims{}
	tok, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return s.Public(), nil
	})
	if err != nil {
		t.Fatalf("ParseWithClaims: got error %v, want none", err)
	}
	return tok, claims
}

// checkTokenID checks that jti is 128 bits in base64url without padding.
func checkTokenID(t *testing.T, jti string) {
	t.Helper()

	b, err := base64.RawURLEncoding.DecodeString(jti)
	if err != nil {
		t.Fatalf("jti %q: got decoding error %v, want none", jti, err)
	}
	if len(b) != 16 {
		t.Errorf("jti %q: got %d bytes, want 16", jti, len(b))
	}
}

// independentThumbprint computes the RFC 7638 thumbprint the slow way, with
// encoding/json sorting the members, to check the package's own code.
func independentThumbprint(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()

	enc := base64.RawURLEncoding.EncodeToString
	var members map[string]string
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		point, err := k.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		size := (len(point) - 1) / 2
		members = map[string]string{
			"kty": "EC",
			"crv": k.Curve.Params().Name,
			"x":   enc(point[1 : 1+size]),
			"y":   enc(point[1+size:]),
		}
	case ed25519.PublicKey:
		members = map[string]string{"kty": "OKP", "crv": "Ed25519", "x": enc(k)}
	case *rsa.PublicKey:
		e := []byte{byte(k.E >> 16), byte(k.E >> 8), byte(k.E)}
		for len(e) > 1 && e[0] == 0 {
			e = e[1:]
		}
		members = map[string]string{"kty": "RSA", "e": enc(e), "n": enc(k.N.Bytes())}
	default:
		t.Fatalf("no thumbprint for %T", pub)
	}
	b, err := json.Marshal(members) // sorted keys, no whitespace
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return enc(sum[:])
}

func TestSignerIssue(t *testing.T) {
	t.Parallel()

	identities := []struct {
		name string
		id   token.Identity
		want token.Claims // without the registered claims
	}{
		{
			name: "a full identity keeps groups and user info",
			id: token.Identity{
				UserID:   "user-42",
				GroupIDs: []string{"editors", "team-β"},
				UserInfo: map[string]any{
					"name":   "Zoë <admin> & co",
					"avatar": "https://example.com/zoe.png",
					"color":  "#ff8800",
					"prefs":  map[string]any{"theme": "dark", "size": 12.0, "beta": true},
					"tags":   []any{"a", "b"},
				},
			},
			want: token.Claims{
				Kind:      token.KindID,
				ProjectID: "liveauth",
				UserID:    "user-42",
				GroupIDs:  []string{"editors", "team-β"},
				UserInfo: map[string]any{
					"name":   "Zoë <admin> & co",
					"avatar": "https://example.com/zoe.png",
					"color":  "#ff8800",
					"prefs":  map[string]any{"theme": "dark", "size": 12.0, "beta": true},
					"tags":   []any{"a", "b"},
				},
			},
		},
		{
			name: "a bare user ID leaves groups and user info out",
			id:   token.Identity{UserID: "u"},
			want: token.Claims{Kind: token.KindID, ProjectID: "liveauth", UserID: "u"},
		},
		{
			name: "empty groups and user info are left out",
			id:   token.Identity{UserID: "u", GroupIDs: []string{}, UserInfo: map[string]any{}},
			want: token.Claims{Kind: token.KindID, ProjectID: "liveauth", UserID: "u"},
		},
	}

	for _, alg := range algorithmCases {
		for _, tt := range identities {
			t.Run(alg.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()

				s := newTestSigner(t, alg.key())
				raw, err := s.Issue(context.Background(), tt.id)
				if err != nil {
					t.Fatalf("Issue: got error %v, want none", err)
				}

				tok, got := parseToken(t, s, raw, testNow)

				wantHeader := map[string]any{"alg": alg.wantAlg, "typ": "JWT", "kid": s.KeyID()}
				if !reflect.DeepEqual(tok.Header, wantHeader) {
					t.Errorf("header: got %v, want %v", tok.Header, wantHeader)
				}
				if got, want := s.KeyID(), independentThumbprint(t, s.Public()); got != want {
					t.Errorf("kid: got %q, want %q", got, want)
				}

				checkTokenID(t, got.ID)
				want := tt.want
				iat := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
				want.RegisteredClaims = jwt.RegisteredClaims{
					IssuedAt:  jwt.NewNumericDate(iat),
					ExpiresAt: jwt.NewNumericDate(iat.Add(time.Hour)),
					ID:        got.ID,
				}
				// The parser gives times in the local zone; compare instants.
				got.IssuedAt = jwt.NewNumericDate(got.IssuedAt.UTC())
				got.ExpiresAt = jwt.NewNumericDate(got.ExpiresAt.UTC())
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("claims:\ngot  %+v\nwant %+v", *got, want)
				}
				if got, want := got.ExpiresAt.Sub(got.IssuedAt.Time), s.Lifetime(); got != want {
					t.Errorf("exp − iat: got %v, want %v", got, want)
				}
			})
		}
	}
}

func TestSignerIssueHeaderSegment(t *testing.T) {
	t.Parallel()

	s := newTestSigner(t, testP256Key(), token.WithKeyID(`key "1"`))
	raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
	if err != nil {
		t.Fatalf("Issue: got error %v, want none", err)
	}

	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("got %d segments, want 3", len(parts))
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatalf("header segment: got error %v, want none", err)
	}
	if got, want := string(header), `{"alg":"ES256","typ":"JWT","kid":"key \"1\""}`; got != want {
		t.Errorf("header: got %s, want %s", got, want)
	}
}

func TestSignerIssueExpiry(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		lifetime time.Duration
		want     time.Duration
	}{
		{name: "the shortest lifetime is one minute", lifetime: time.Minute, want: time.Minute},
		{name: "the longest lifetime is a day", lifetime: 24 * time.Hour, want: 24 * time.Hour},
		{
			name:     "a fraction of a second is dropped",
			lifetime: 90*time.Second + 700*time.Millisecond,
			want:     90 * time.Second,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s := newTestSigner(t, testP256Key(), token.WithLifetime(tt.lifetime))
			if got := s.Lifetime(); got != tt.want {
				t.Errorf("Lifetime: got %v, want %v", got, tt.want)
			}
			raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
			if err != nil {
				t.Fatalf("Issue: got error %v, want none", err)
			}

			_, claims := parseToken(t, s, raw, testNow)
			if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != tt.want {
				t.Errorf("exp − iat: got %v, want %v", got, tt.want)
			}

			// One second after "exp", a verifier with no leeway refuses it.
			expired := claims.ExpiresAt.Add(time.Second)
			_, err = jwt.NewParser(
				jwt.WithValidMethods([]string{s.Algorithm()}),
				jwt.WithTimeFunc(func() time.Time { return expired }),
			).ParseWithClaims(raw, &token.Claims{}, func(*jwt.Token) (any, error) { return s.Public(), nil })
			if !errors.Is(err, jwt.ErrTokenExpired) {
				t.Errorf("parse after exp: got error %v, want %v", err, jwt.ErrTokenExpired)
			}
		})
	}
}

func TestSignerIssueUnique(t *testing.T) {
	t.Parallel()

	const n = 1000
	for _, alg := range algorithmCases {
		t.Run(alg.name+" gives a new token and jti on every call", func(t *testing.T) {
			t.Parallel()

			// Same identity, same second: only the jti (and for ES256
			// the signature) can tell the tokens apart.
			s := newTestSigner(t, alg.key())
			id := token.Identity{UserID: "u", UserInfo: map[string]any{"name": "N"}}

			tokens := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { tokens[i], errs[i] = s.Issue(context.Background(), id) })
			}
			wg.Wait()

			seenTokens := make(map[string]bool, n)
			seenIDs := make(map[string]bool, n)
			parser := jwt.NewParser()
			for i, raw := range tokens {
				if errs[i] != nil {
					t.Fatalf("Issue %d: got error %v, want none", i, errs[i])
				}
				claims := &token.Claims{}
				if _, _, err := parser.ParseUnverified(raw, claims); err != nil {
					t.Fatalf("token %d: got error %v, want none", i, err)
				}
				if seenTokens[raw] {
					t.Fatalf("token %d: got a repeat, want a new token", i)
				}
				if seenIDs[claims.ID] {
					t.Fatalf("token %d: got a repeated jti %q, want a new one", i, claims.ID)
				}
				seenTokens[raw], seenIDs[claims.ID] = true, true
			}
		})
	}
}

func TestSignerIssueCopiesIdentity(t *testing.T) {
	t.Parallel()

	s := newTestSigner(t, testP256Key())
	id := token.Identity{
		UserID:   "u",
		GroupIDs: []string{"g1", "g2"},
		UserInfo: map[string]any{"name": "Ann"},
	}
	raw, err := s.Issue(context.Background(), id)
	if err != nil {
		t.Fatalf("Issue: got error %v, want none", err)
	}

	// Changing the identity afterwards changes neither the token nor,
	// through Issue, the caller's values.
	id.GroupIDs[0] = "admins"
	id.UserInfo["name"] = "Mallory"

	_, claims := parseToken(t, s, raw, testNow)
	if got, want := claims.GroupIDs, []string{"g1", "g2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("gids: got %v, want %v", got, want)
	}
	if got, want := claims.UserInfo, map[string]any{"name": "Ann"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ui: got %v, want %v", got, want)
	}
	if got, want := id.GroupIDs, []string{"admins", "g2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("caller's groups: got %v, want %v", got, want)
	}
}

func TestSignerIssueInvalidIdentity(t *testing.T) {
	t.Parallel()

	s := newTestSigner(t, testP256Key())
	tests := []struct {
		name        string
		id          token.Identity
		wantMessage string
	}{
		{
			name:        "an empty user ID is refused",
			id:          token.Identity{},
			wantMessage: "token: invalid identity: user ID is empty",
		},
		{
			name:        "a user ID of 129 characters is refused",
			id:          token.Identity{UserID: strings.Repeat("x", 129)},
			wantMessage: "token: invalid identity: user ID is 129 characters long, more than 128",
		},
		{
			name:        "a name that is not a string is refused",
			id:          token.Identity{UserID: "u", UserInfo: map[string]any{"name": 7}},
			wantMessage: `token: invalid identity: user info "name" is a int, not a string`,
		},
		{
			name:        "user info of 1025 characters as JSON is refused",
			id:          token.Identity{UserID: "u", UserInfo: userInfoOfLen(t, 1025)},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			raw, err := s.Issue(context.Background(), tt.id)
			if !errors.Is(err, token.ErrInvalidIdentity) {
				t.Errorf("got error %v, want %v", err, token.ErrInvalidIdentity)
			}
			if err != nil && err.Error() != tt.wantMessage {
				t.Errorf("message: got %q, want %q", err.Error(), tt.wantMessage)
			}
			if raw != "" {
				t.Errorf("token: got %q, want none", raw)
			}
		})
	}
}

func TestSignerIssueContextDone(t *testing.T) {
	t.Parallel()

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()

	tests := []struct {
		name        string
		ctx         context.Context
		wantErr     error
		wantMessage string
	}{
		{
			name:        "a cancelled context gives no token",
			ctx:         canceled,
			wantErr:     context.Canceled,
			wantMessage: "token: issue: context canceled",
		},
		{
			name:        "an expired deadline gives no token",
			ctx:         expired,
			wantErr:     context.DeadlineExceeded,
			wantMessage: "token: issue: context deadline exceeded",
		},
	}

	s := newTestSigner(t, testP256Key())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			raw, err := s.Issue(tt.ctx, token.Identity{UserID: "u"})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil && err.Error() != tt.wantMessage {
				t.Errorf("message: got %q, want %q", err.Error(), tt.wantMessage)
			}
			if raw != "" {
				t.Errorf("token: got %q, want none", raw)
			}
		})
	}
}

func TestNewSignerDefaults(t *testing.T) {
	t.Parallel()

	for _, alg := range algorithmCases {
		t.Run(alg.name, func(t *testing.T) {
			t.Parallel()

			key := alg.key()
			s, err := token.NewSigner(key)
			if err != nil {
				t.Fatalf("NewSigner: got error %v, want none", err)
			}
			if got := s.Algorithm(); got != alg.wantAlg {
				t.Errorf("Algorithm: got %q, want %q", got, alg.wantAlg)
			}
			if got, want := s.KeyID(), independentThumbprint(t, key.Public()); got != want {
				t.Errorf("KeyID: got %q, want %q", got, want)
			}
			if got, want := s.Public(), key.Public(); !reflect.DeepEqual(got, want) {
				t.Errorf("Public: got %v, want %v", got, want)
			}
			if got, want := s.Lifetime(), token.DefaultLifetime; got != want {
				t.Errorf("Lifetime: got %v, want %v", got, want)
			}
			if got, want := s.ProjectID(), token.DefaultProjectID; got != want {
				t.Errorf("ProjectID: got %q, want %q", got, want)
			}

			// The default clock is the real one.
			raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
			if err != nil {
				t.Fatalf("Issue: got error %v, want none", err)
			}
			_, claims := parseToken(t, s, raw, time.Now())
			if d := time.Since(claims.IssuedAt.Time); d < 0 || d > time.Minute {
				t.Errorf("iat: got %v, want about now", claims.IssuedAt.Time)
			}
		})
	}
}

func TestNewSignerOptions(t *testing.T) {
	t.Parallel()

	s := newTestSigner(t, testEd25519Key(),
		token.WithProjectID("proj_1"),
		token.WithKeyID("key-2024"),
		token.WithLifetime(10*time.Minute),
	)
	if got, want := s.ProjectID(), "proj_1"; got != want {
		t.Errorf("ProjectID: got %q, want %q", got, want)
	}
	if got, want := s.KeyID(), "key-2024"; got != want {
		t.Errorf("KeyID: got %q, want %q", got, want)
	}
	if got, want := s.Lifetime(), 10*time.Minute; got != want {
		t.Errorf("Lifetime: got %v, want %v", got, want)
	}

	raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
	if err != nil {
		t.Fatalf("Issue: got error %v, want none", err)
	}
	tok, claims := parseToken(t, s, raw, testNow)
	if got, want := claims.ProjectID, "proj_1"; got != want {
		t.Errorf("pid: got %q, want %q", got, want)
	}
	if got, want := tok.Header["kid"], "key-2024"; got != want {
		t.Errorf("kid: got %v, want %q", got, want)
	}
	if got, want := claims.ExpiresAt.Sub(claims.IssuedAt.Time), 10*time.Minute; got != want {
		t.Errorf("exp − iat: got %v, want %v", got, want)
	}
}

func TestNewSignerOptionErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		opts        []token.SignerOption
		wantMessage string
	}{
		{
			name:        "a lifetime under a minute is refused",
			opts:        []token.SignerOption{token.WithLifetime(59 * time.Second)},
			wantMessage: "token: lifetime 59s is shorter than the minimum 1m0s",
		},
		{
			name:        "a zero lifetime is refused",
			opts:        []token.SignerOption{token.WithLifetime(0)},
			wantMessage: "token: lifetime 0s is shorter than the minimum 1m0s",
		},
		{
			name:        "a negative lifetime is refused",
			opts:        []token.SignerOption{token.WithLifetime(-time.Hour)},
			wantMessage: "token: lifetime -1h0m0s is shorter than the minimum 1m0s",
		},
		{
			name:        "a lifetime over a day is refused",
			opts:        []token.SignerOption{token.WithLifetime(24*time.Hour + time.Second)},
			wantMessage: "token: lifetime 24h0m1s is longer than the maximum 24h0m0s",
		},
		{
			name:        "an empty project ID is refused",
			opts:        []token.SignerOption{token.WithProjectID("")},
			wantMessage: "token: project ID is empty",
		},
		{
			name:        "a nil clock is refused",
			opts:        []token.SignerOption{token.WithClock(nil)},
			wantMessage: "token: clock is nil",
		},
		{
			name:        "an empty key ID is refused",
			opts:        []token.SignerOption{token.WithKeyID("")},
			wantMessage: "token: key ID is empty",
		},
		{
			name: "the last of two options of a kind wins",
			opts: []token.SignerOption{
				token.WithLifetime(time.Hour),
				token.WithLifetime(time.Second),
			},
			wantMessage: "token: lifetime 1s is shorter than the minimum 1m0s",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s, err := token.NewSigner(testP256Key(), tt.opts...)
			if err == nil {
				t.Fatalf("got signer %v, want error %q", s, tt.wantMessage)
			}
			if got := err.Error(); got != tt.wantMessage {
				t.Errorf("got error %q, want %q", got, tt.wantMessage)
			}
		})
	}

	// GenerateSigner checks its options the same way.
	if _, err := token.GenerateSigner(token.WithProjectID("")); err == nil {
		t.Errorf("GenerateSigner with an empty project ID: got no error, want one")
	}
}

// otherSigner is a crypto.Signer of a type NewSigner does not know.
type otherSigner struct{}

func (otherSigner) Public() crypto.PublicKey { return nil }
func (otherSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("not implemented")
}

func TestNewSignerKeyErrors(t *testing.T) {
	t.Parallel()

	p384 := must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
	rsa1024 := must(rsa.GenerateKey(rand.Reader, 1024))

	// A P-256 key whose public half belongs to another key.
	swapped := *testP256Key()
	swapped.PublicKey = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)).PublicKey

	// An Ed25519 key whose public half belongs to another key.
	_, otherEd, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	swappedEd := append(ed25519.PrivateKey{}, testEd25519Key()[:ed25519.SeedSize]...)
	swappedEd = append(swappedEd, otherEd[ed25519.SeedSize:]...)

	// An RSA key with a damaged private exponent.
	damaged := *testRSAKey()
	damaged.D = new(big.Int).Lsh(damaged.D, 1)

	tests := []struct {
		name        string
		key         crypto.Signer
		wantMessage string
		wantPrefix  bool // the rest of the message comes from crypto/*
	}{
		{
			name:        "a nil key is refused",
			key:         nil,
			wantMessage: "token: key is nil",
		},
		{
			name:        "a nil ECDSA key is refused",
			key:         (*ecdsa.PrivateKey)(nil),
			wantMessage: "token: ECDSA key is nil",
		},
		{
			name:        "an ECDSA key without its private part is refused",
			key:         &ecdsa.PrivateKey{PublicKey: testP256Key().PublicKey},
			wantMessage: "token: ECDSA key is incomplete",
		},
		{
			name:        "an ECDSA key with a zero private scalar is refused",
			key:         &ecdsa.PrivateKey{PublicKey: testP256Key().PublicKey, D: new(big.Int)},
			wantMessage: "token: key cannot sign: ",
			wantPrefix:  true,
		},
		{
			name:        "an ECDSA key on P-384 is refused",
			key:         p384,
			wantMessage: "token: ECDSA key is on P-384, want P-256 (ES256)",
		},
		{
			name:        "an ECDSA key whose public half does not match is refused",
			key:         &swapped,
			wantMessage: "token: public key does not match private key: ",
			wantPrefix:  true,
		},
		{
			name:        "a short Ed25519 key is refused",
			key:         ed25519.PrivateKey(make([]byte, 10)),
			wantMessage: "token: Ed25519 key is 10 bytes, want 64",
		},
		{
			name:        "a nil pointer to an Ed25519 key is refused",
			key:         (*ed25519.PrivateKey)(nil),
			wantMessage: "token: Ed25519 key is nil",
		},
		{
			name:        "an Ed25519 key whose public half does not match is refused",
			key:         swappedEd,
			wantMessage: "token: public key does not match private key: ",
			wantPrefix:  true,
		},
		{
			name:        "a nil RSA key is refused",
			key:         (*rsa.PrivateKey)(nil),
			wantMessage: "token: RSA key is nil",
		},
		{
			name:        "a 1024-bit RSA key is refused",
			key:         rsa1024,
			wantMessage: "token: RSA key is 1024 bits, want at least 2048",
		},
		{
			name:        "a damaged RSA key is refused",
			key:         &damaged,
			wantMessage: "token: invalid RSA key: ",
			wantPrefix:  true,
		},
		{
			name: "a key of another type is refused",
			key:  otherSigner{},
			wantMessage: "token: unsupported key type token_test.otherSigner " +
				"(want *ecdsa.PrivateKey on P-256, ed25519.PrivateKey or *rsa.PrivateKey)",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s, err := token.NewSigner(tt.key)
			if err == nil {
				t.Fatalf("got signer %v, want error %q", s, tt.wantMessage)
			}
			got := err.Error()
			if tt.wantPrefix && !strings.HasPrefix(got, tt.wantMessage) {
				t.Errorf("got error %q, want one starting %q", got, tt.wantMessage)
			}
			if !tt.wantPrefix && got != tt.wantMessage {
				t.Errorf("got error %q, want %q", got, tt.wantMessage)
			}
		})
	}
}

func TestNewSignerEd25519Pointer(t *testing.T) {
	t.Parallel()

	key := testEd25519Key()
	s := newTestSigner(t, &key)
	if got, want := s.Algorithm(), "EdDSA"; got != want {
		t.Errorf("Algorithm: got %q, want %q", got, want)
	}
	raw, err := s.Issue(context.Background(), token.Identity{UserID: "u"})
	if err != nil {
		t.Fatalf("Issue: got error %v, want none", err)
	}
	parseToken(t, s, raw, testNow)
}

func TestGenerateSigner(t *testing.T) {
	t.Parallel()

	a, err := token.GenerateSigner(token.WithClock(fixedClock))
	if err != nil {
		t.Fatalf("GenerateSigner: got error %v, want none", err)
	}
	b, err := token.GenerateSigner()
	if err != nil {
		t.Fatalf("GenerateSigner: got error %v, want none", err)
	}

	if got, want := a.Algorithm(), "ES256"; got != want {
		t.Errorf("Algorithm: got %q, want %q", got, want)
	}
	if a.KeyID() == b.KeyID() {
		t.Errorf("KeyID: got %q twice, want a fresh key each call", a.KeyID())
	}
	raw, err := a.Issue(context.Background(), token.Identity{UserID: "u"})
	if err != nil {
		t.Fatalf("Issue: got error %v, want none", err)
	}
	parseToken(t, a, raw, testNow)
}

// identity is a realistic payload for benchmarks.
var benchIdentity = token.Identity{
	UserID:   "user-7f3c2a",
	GroupIDs: []string{"editors", "acme"},
	UserInfo: map[string]any{
		"name":   "Charlie Layne",
		"avatar": "https://example.com/avatars/charlie.png",
		"color":  "#4f46e5",
	},
}

func BenchmarkSignerIssue(b *testing.B) {
	for _, alg := range algorithmCases {
		b.Run(alg.wantAlg, func(b *testing.B) {
			s := newTestSigner(b, alg.key())
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Issue(ctx, benchIdentity); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
