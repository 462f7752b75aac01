package token_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// testClock is a clock that tests move forward.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return verifyNow.Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// jwksServer serves the JWK Set of a signer over loopback HTTP, counting
// requests and 304 answers; fail makes it answer 500.
type jwksServer struct {
	*httptest.Server
	signer      *token.Signer
	requests    atomic.Int64
	notModified atomic.Int64
	fail        atomic.Bool
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func newJWKSServer(t *testing.T, set *token.KeySet) *jwksServer {
	t.Helper()

	s := &jwksServer{signer: must(token.NewKeySetSigner(set, token.WithClock(fixedClock)))}
	h := mustJWKS(t, s.signer.KeySet)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if s.fail.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusNotModified {
			s.notModified.Add(1)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// issue returns a token of the server's signer.
func (s *jwksServer) issue(t *testing.T) string {
	t.Helper()
	return must(s.signer.Issue(context.Background(), token.Identity{UserID: "alice"}))
}

// use switches the server's signer to set.
func (s *jwksServer) use(t *testing.T, set *token.KeySet) {
	t.Helper()
	if err := s.signer.UseKeys(set); err != nil {
		t.Fatal(err)
	}
}

// mustRemote builds a remote Verifier with the test clock, closed when the
// test ends.
func mustRemote(t *testing.T, url string, opts ...token.VerifierOption) *token.Verifier {
	t.Helper()

	opts = append([]token.VerifierOption{token.WithVerifierClock(verifyClock)}, opts...)
	v, err := token.NewRemoteVerifier(testContext(t), url, opts...)
	if err != nil {
		t.Fatalf("NewRemoteVerifier: got error %v, want none", err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond until it holds or a few seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()

	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRemoteVerifierRotation(t *testing.T) {
	t.Parallel()

	k := testKeys()
	ctx := testContext(t)
	set := mustSet(t, k.es)
	srv := newJWKSServer(t, set)
	clock := &testClock{}
	v := mustRemote(t, srv.URL, token.WithVerifierClock(clock.now))

	tokenA := srv.issue(t)
	if _, err := v.Verify(ctx, tokenA); err != nil {
		t.Fatalf("token of key A: got error %v, want none", err)
	}

	// The signer rotates to B without publishing it first: the first
	// token of B makes the verifier fetch the set again.
	rotated := must(set.Rotate(k.ed))
	srv.use(t, rotated)
	tokenB := srv.issue(t)
	if _, err := v.Verify(ctx, tokenB); err != nil {
		t.Fatalf("token of key B after rotation: got error %v, want none", err)
	}
	if got := srv.requests.Load(); got != 2 {
		t.Errorf("requests: got %d, want 2 (the first fetch and the unknown kid)", got)
	}
	if _, err := v.Verify(ctx, tokenA); err != nil {
		t.Errorf("token of key A during the overlap: got error %v, want none", err)
	}

	// Another unknown kid right away is not looked up: the verifier cannot
	// tell, and says so rather than refusing.
	forged := craft(header("ES256", "forged"), claimsWith(nil), jwt.SigningMethodES256, k.esRaw)
	_, err := v.Verify(ctx, forged)
	checkErrors(t, err, []error{token.ErrKeysUnavailable, jwt.ErrTokenUnverifiable},
		`token: verify: token is unverifiable: error while executing keyfunc: token: verification keys unavailable: `+
			`unknown key ID "forged" (JWK Set fetched too recently to look again)`)
	if errors.Is(err, token.ErrInvalidToken) {
		t.Errorf("rate-limited kid: got error %v, want it not to match %v", err, token.ErrInvalidToken)
	}
	if got := srv.requests.Load(); got != 2 {
		t.Errorf("requests after a rate-limited kid: got %d, want 2", got)
	}

	// Once the limit has passed, it is looked up again, and refused.
	clock.advance(token.DefaultUnknownKeyRefresh)
	_, err = v.Verify(ctx, forged)
	checkErrors(t, err, []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		`token: invalid token: token is unverifiable: error while executing keyfunc: unknown key ID "forged"`)
	if got := srv.requests.Load(); got != 3 {
		t.Errorf("requests after the limit: got %d, want 3", got)
	}

	// A removed key is unknown after the next refresh: "cannot tell"
	// within the limit, refused once a fetch confirms it.
	srv.use(t, must(rotated.Without(k.es.ID())))
	if err := v.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: got error %v, want none", err)
	}
	_, err = v.Verify(ctx, tokenA)
	checkErrors(t, err, []error{token.ErrKeysUnavailable, jwt.ErrTokenUnverifiable},
		`token: verify: token is unverifiable: error while executing keyfunc: token: verification keys unavailable: `+
			`unknown key ID "`+k.es.ID()+`" (JWK Set fetched too recently to look again)`)
	clock.advance(token.DefaultUnknownKeyRefresh)
	_, err = v.Verify(ctx, tokenA)
	checkErrors(t, err, []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable},
		`token: invalid token: token is unverifiable: error while executing keyfunc: `+
			`unknown key ID "`+k.es.ID()+`"`)
	if _, err := v.Verify(ctx, tokenB); err != nil {
		t.Errorf("token of key B after removing A: got error %v, want none", err)
	}

	// An unchanged set comes back as 304 Not Modified, keys kept.
	before, notModified := v.KeySet(), srv.notModified.Load()
	if err := v.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: got error %v, want none", err)
	}
	if got := srv.notModified.Load(); got != notModified+1 {
		t.Errorf("304 answers: got %d, want %d", got, notModified+1)
	}
	if v.KeySet() != before {
		t.Errorf("KeySet after 304: got a new set, want the same")
	}
}

func TestRemoteVerifierRotationWhileRateLimited(t *testing.T) {
	t.Parallel()

	k := testKeys()
	ctx := testContext(t)
	set := mustSet(t, k.es)
	srv := newJWKSServer(t, set)
	clock := &testClock{}
	v := mustRemote(t, srv.URL, token.WithVerifierClock(clock.now))

	// An attacker spends the allowance of fetches for unknown keys.
	junk := craft(header("ES256", "junk"), claimsWith(nil), jwt.SigningMethodES256, k.esRaw)
	_, err := v.Verify(ctx, junk)
	checkErrors(t, err, []error{token.ErrInvalidToken, jwt.ErrTokenUnverifiable}, "")

	// The signer then rotates to an unpublished key. Its token cannot be
	// checked yet: the answer is "retry later", never "invalid", which
	// would make the Liveblocks client give up.
	srv.use(t, must(set.Rotate(k.ed)))
	legit := srv.issue(t)
	clock.advance(token.DefaultUnknownKeyRefresh - time.Second)
	_, err = v.Verify(ctx, legit)
	checkErrors(t, err, []error{token.ErrKeysUnavailable, jwt.ErrTokenUnverifiable}, "")
	if errors.Is(err, token.ErrInvalidToken) {
		t.Fatalf("token of the new key: got error %v, want it not to match %v", err, token.ErrInvalidToken)
	}
	if got := srv.requests.Load(); got != 2 {
		t.Errorf("requests: got %d, want 2 (the first fetch and the junk kid)", got)
	}

	// The client's retry after the limit succeeds.
	clock.advance(time.Second)
	claims, err := v.Verify(ctx, legit)
	if err != nil {
		t.Fatalf("retry after the limit: got error %v, want none", err)
	}
	if claims.UserID != "alice" {
		t.Errorf("uid: got %q, want %q", claims.UserID, "alice")
	}
}

func TestRemoteVerifierBackgroundRefresh(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.ed, k.es)
	srv := newJWKSServer(t, set)
	logs := &syncBuffer{}
	v := mustRemote(t, srv.URL,
		token.WithRefreshIntervalForTest(10*time.Millisecond),
		token.WithUnknownKeyRefresh(time.Second), // retries after failures
		token.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
	)
	ctx := testContext(t)
	tokenA := craft(header("ES256", k.es.ID()), claimsWith(nil), jwt.SigningMethodES256, k.esRaw)
	tokenB := srv.issue(t)

	// The background refresh drops a removed key without any token
	// asking for it.
	srv.use(t, must(set.Without(k.es.ID())))
	eventually(t, "the removed key is dropped", func() bool {
		_, ok := v.KeySet().Lookup(k.es.ID())
		return !ok
	})
	if _, err := v.Verify(ctx, tokenA); !errors.Is(err, token.ErrInvalidToken) {
		t.Errorf("token of the removed key: got error %v, want %v", err, token.ErrInvalidToken)
	}

	// A failing server is logged, and the keys already known stay.
	srv.fail.Store(true)
	eventually(t, "a failed refresh is logged", func() bool {
		return strings.Contains(logs.String(), "token: JWK Set refresh failed")
	})
	if _, err := v.Verify(ctx, tokenB); err != nil {
		t.Errorf("known key while the server fails: got error %v, want none", err)
	}
	if log := logs.String(); !strings.Contains(log, "status 500 Internal Server Error") || strings.Contains(log, tokenB) {
		t.Errorf("log: got %s, want the status and no token", log)
	}
}

func TestRemoteVerifierStops(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		stop func(v *token.Verifier, cancel context.CancelFunc)
	}{
		{name: "Close stops the refreshes", stop: func(v *token.Verifier, _ context.CancelFunc) { v.Close() }},
		{name: "cancelling the context stops the refreshes", stop: func(_ *token.Verifier, cancel context.CancelFunc) { cancel() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			k := testKeys()
			srv := newJWKSServer(t, mustSet(t, k.es))
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			v, err := token.NewRemoteVerifier(ctx, srv.URL,
				token.WithVerifierClock(verifyClock), token.WithRefreshIntervalForTest(5*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			eventually(t, "the background refresh runs", func() bool { return srv.requests.Load() >= 3 })

			tt.stop(v, cancel)
			eventually(t, "the refreshes stop", func() bool {
				n := srv.requests.Load()
				time.Sleep(30 * time.Millisecond)
				return srv.requests.Load() == n
			})
			n := srv.requests.Load()
			time.Sleep(50 * time.Millisecond)
			if got := srv.requests.Load(); got != n {
				t.Errorf("requests after stopping: got %d, want %d", got, n)
			}

			// It still verifies with the keys it has, and no longer fetches.
			if _, err := v.Verify(testContext(t), srv.issue(t)); err != nil {
				t.Errorf("Verify after stopping: got error %v, want none", err)
			}
			forged := craft(header("ES256", "forged"), claimsWith(nil), jwt.SigningMethodES256, k.esRaw)
			_, err = v.Verify(testContext(t), forged)
			if !errors.Is(err, token.ErrInvalidToken) || srv.requests.Load() != n {
				t.Errorf("unknown kid after stopping: got error %v and %d requests, want %v and %d",
					err, srv.requests.Load(), token.ErrInvalidToken, n)
			}
			err = v.Refresh(testContext(t))
			checkErrors(t, err, []error{token.ErrKeysUnavailable}, "token: verification keys unavailable: verifier is closed")
		})
	}
}

func TestRemoteVerifierUnavailable(t *testing.T) {
	t.Parallel()

	k := testKeys()
	srv := newJWKSServer(t, mustSet(t, k.es))
	v := mustRemote(t, srv.URL)
	srv.fail.Store(true)

	// An unknown kid whose fetch fails is not declared invalid: the keys
	// could not be checked.
	_, err := v.Verify(testContext(t), k.signAs(token.EdDSA, nil))
	checkErrors(t, err, []error{token.ErrKeysUnavailable, jwt.ErrTokenUnverifiable},
		"token: verify: token is unverifiable: error while executing keyfunc: "+
			"token: verification keys unavailable: GET "+srv.URL+": status 500 Internal Server Error")
	if errors.Is(err, token.ErrInvalidToken) {
		t.Errorf("got error %v, want it not to match %v", err, token.ErrInvalidToken)
	}

	// A known key still verifies.
	if _, err := v.Verify(testContext(t), k.signAs(token.ES256, nil)); err != nil {
		t.Errorf("known key: got error %v, want none", err)
	}
	err = v.Refresh(testContext(t))
	checkErrors(t, err, []error{token.ErrKeysUnavailable}, "")
}

func TestRemoteVerifierWaitHonoursContext(t *testing.T) {
	t.Parallel()

	k := testKeys()
	srv := newJWKSServer(t, mustSet(t, k.es))
	v := mustRemote(t, srv.URL, token.WithHTTPTimeout(5*time.Second))

	// From now on the server hangs until the client gives up.
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(testContext(t), 20*time.Millisecond)
	defer cancel()
	_, err := v.Verify(ctx, k.signAs(token.EdDSA, nil))
	checkErrors(t, err, []error{token.ErrKeysUnavailable, context.DeadlineExceeded, jwt.ErrTokenUnverifiable}, "")
	v.Close() // ends the fetch still under way
}

func TestRemoteVerifierAlgorithms(t *testing.T) {
	t.Parallel()

	k := testKeys()
	srv := newJWKSServer(t, mustSet(t, k.rs, k.hs, k.es))
	v := mustRemote(t, srv.URL)
	rsPEM, rsDER := pemPublic(t, &k.rsRaw.PublicKey)
	valid := claimsWith(nil)

	tests := []struct {
		name        string
		raw         string
		wantErrs    []error
		wantMessage string
	}{
		{name: "RS256 is accepted", raw: k.signAs(token.RS256, nil)},
		{name: "ES256 is accepted", raw: k.signAs(token.ES256, nil)},
		{
			name:        "HS256 signed with the RSA public key as PEM is refused",
			raw:         craft(header("HS256", k.rs.ID()), valid, jwt.SigningMethodHS256, rsPEM),
			wantErrs:    []error{token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid},
			wantMessage: "token: invalid token: token signature is invalid: signing method HS256 is invalid",
		},
		{
			name:     "HS256 signed with the RSA public key as DER is refused",
			raw:      craft(header("HS256", k.rs.ID()), valid, jwt.SigningMethodHS256, rsDER),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid},
		},
		{
			name:     "HS256 is refused even with the signer's real secret",
			raw:      k.signAs(token.HS256, nil),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid},
		},
		{
			name:     "alg none is refused",
			raw:      craft(header("none", k.rs.ID()), valid, nil, nil),
			wantErrs: []error{token.ErrInvalidToken, jwt.ErrTokenSignatureInvalid},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := v.Verify(testContext(t), tt.raw)
			checkErrors(t, err, tt.wantErrs, tt.wantMessage)
		})
	}

	if err := v.UseKeys(mustSet(t, k.hs)); err == nil || err.Error() != "token: a remote verifier takes its keys from its JWK Set URL" {
		t.Errorf("UseKeys: got error %v, want one", err)
	}
}

// marshalJWK returns the JWK of pub under kid and alg, with changes.
func marshalJWK(t *testing.T, pub any, kid string, alg jwkset.ALG, edit func(*jwkset.JWKMarshal)) jwkset.JWKMarshal {
	t.Helper()

	jwk, err := jwkset.NewJWKFromKey(pub, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: alg, USE: jwkset.UseSig},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := jwk.Marshal()
	if edit != nil {
		edit(&m)
	}
	return m
}

// serveJSON serves body as a JWK Set over loopback HTTP.
func serveJSON(t *testing.T, body []byte) *httptest.Server {
	t.Helper()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRemoteVerifierSkipsUnusableKeys(t *testing.T) {
	t.Parallel()

	k := testKeys()
	block, _ := pem.Decode(must(os.ReadFile(filepath.Join("testdata", "rsa1024-pkcs1.pem"))))
	rsa1024 := must(x509.ParsePKCS1PrivateKey(block.Bytes))

	doc := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{
		marshalJWK(t, &k.esRaw.PublicKey, "good", jwkset.AlgES256, nil),
		marshalJWK(t, &k.esRaw.PublicKey, "", jwkset.AlgES256, nil),
		marshalJWK(t, &k.esRaw.PublicKey, "enc", "", func(m *jwkset.JWKMarshal) { m.USE = jwkset.UseEnc }),
		{KTY: jwkset.KtyOct, KID: "secret", ALG: jwkset.AlgHS256, K: "c2VjcmV0"},
		marshalJWK(t, k.edRaw.Public(), "wrong-alg", "", func(m *jwkset.JWKMarshal) { m.ALG = jwkset.AlgES256 }),
		{KTY: jwkset.KtyEC, KID: "p384", CRV: jwkset.CrvP384, X: "AA", Y: "AA"},
		{KTY: "XYZ", KID: "unknown-type"},
		marshalJWK(t, &rsa1024.PublicKey, "rsa1024", jwkset.AlgRS256, nil),
	}}
	srv := serveJSON(t, must(json.Marshal(doc)))
	logs := &syncBuffer{}
	v := mustRemote(t, srv.URL, token.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))

	if got := ids(v.KeySet()); len(got) != 1 || got[0] != "good" {
		t.Errorf("keys: got %v, want [good]", got)
	}
	if got := strings.Count(logs.String(), "skipping a key of the JWK Set"); got != 7 {
		t.Errorf("skipped keys logged: got %d, want 7:\n%s", got, logs)
	}
	for _, reason := range []string{`no \"kid\"`, `\"use\" is \"enc\", not \"sig\"`, "never taken from a JWK Set", `\"alg\" is \"ES256\", but the key is for EdDSA`, "RSA key is 1024 bits"} {
		if !strings.Contains(logs.String(), reason) {
			t.Errorf("log: want %s in\n%s", reason, logs)
		}
	}
	good := craft(header("ES256", "good"), claimsWith(nil), jwt.SigningMethodES256, k.esRaw)
	if _, err := v.Verify(testContext(t), good); err != nil {
		t.Errorf("Verify: got error %v, want none", err)
	}
}

func TestNewRemoteVerifierErrors(t *testing.T) {
	t.Parallel()

	k := testKeys()
	good := marshalJWK(t, &k.esRaw.PublicKey, "a", jwkset.AlgES256, nil)
	many := jwkset.JWKSMarshal{}
	for i := range token.MaxRemoteKeys + 1 {
		many.Keys = append(many.Keys, marshalJWK(t, &k.esRaw.PublicKey, fmt.Sprint(i), jwkset.AlgES256, nil))
	}
	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	t.Cleanup(status.Close)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	// A server that answers 304 Not Modified to a request that named no
	// ETag: there is nothing to keep yet.
	notModified := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	t.Cleanup(notModified.Close)
	// A server whose port is closed: connections are refused at once.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name        string
		url         string
		opts        []token.VerifierOption
		wantErrs    []error
		wantMessage string // {url} stands for the URL
	}{
		{
			name:        "a status other than 200 fails",
			url:         status.URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: status 404 Not Found",
		},
		{
			name:        "304 Not Modified to the first fetch fails",
			url:         notModified.URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: status 304 Not Modified",
		},
		{
			name:        "a refused connection fails",
			url:         closed.URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "",
		},
		{
			name:        "a request past the timeout fails",
			url:         hang.URL,
			opts:        []token.VerifierOption{token.WithHTTPTimeout(20 * time.Millisecond)},
			wantErrs:    []error{token.ErrKeysUnavailable, context.DeadlineExceeded},
			wantMessage: "token: verification keys unavailable: GET {url}: context deadline exceeded",
		},
		{
			name:        "a document that is not JSON fails",
			url:         serveJSON(t, []byte("<html>")).URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: decoding the JWK Set: invalid character '<' looking for beginning of value",
		},
		{
			name:        "a document larger than the limit fails",
			url:         serveJSON(t, must(json.Marshal(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{good}}))).URL,
			opts:        []token.VerifierOption{token.WithMaxJWKSSize(64)},
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: JWK Set is larger than 64 bytes",
		},
		{
			name:        "a document without usable keys fails",
			url:         serveJSON(t, []byte(`{"keys":[]}`)).URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: JWK Set has no usable key among 0",
		},
		{
			name:        "a document with too many keys fails",
			url:         serveJSON(t, must(json.Marshal(many))).URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: "token: verification keys unavailable: GET {url}: JWK Set lists 101 keys, more than 100",
		},
		{
			name:        "a document with two keys of one ID fails",
			url:         serveJSON(t, must(json.Marshal(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{good, good}}))).URL,
			wantErrs:    []error{token.ErrKeysUnavailable},
			wantMessage: `token: verification keys unavailable: GET {url}: JWK Set: token: two keys of the set have the ID "a"`,
		},
		{
			name:        "plain http to another host is refused",
			url:         "http://jwks.example.com/keys",
			wantMessage: `token: JWK Set URL "http://jwks.example.com/keys" is plain http on a host that is not loopback (use https, or WithPlainHTTP on a trusted network)`,
		},
		{
			name:        "another scheme is refused",
			url:         "file:///etc/jwks.json",
			wantMessage: `token: JWK Set URL "file:///etc/jwks.json" has no host`,
		},
		{
			name:        "a URL without a scheme is refused",
			url:         "//jwks.example.com/keys",
			wantMessage: `token: JWK Set URL "//jwks.example.com/keys": scheme must be https`,
		},
		{
			name:        "a malformed URL is refused",
			url:         "https://[::1",
			wantMessage: `token: JWK Set URL: parse "https://[::1": missing ']' in host`,
		},
		{
			name:        "a password in the URL is not repeated",
			url:         "ftp://user:hunter2@example.com/",
			wantMessage: `token: JWK Set URL "ftp://user:xxxxx@example.com/": scheme must be https`,
		},
		{
			name:        "a nil HTTP client is refused",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithHTTPClient(nil)},
			wantMessage: "token: HTTP client is nil",
		},
		{
			name:        "a zero HTTP timeout is refused",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithHTTPTimeout(0)},
			wantMessage: "token: HTTP timeout 0s is not between 0s and 1m0s",
		},
		{
			name:        "a refresh interval under the minimum is refused",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithRefreshInterval(time.Second)},
			wantMessage: "token: refresh interval 1s is not between 30s and 24h0m0s",
		},
		{
			name:        "a size limit over the maximum is refused",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithMaxJWKSSize(token.MaxJWKSSize + 1)},
			wantMessage: "token: JWK Set size limit 8388609 is not between 1 and 8388608 bytes",
		},
		{
			name:        "an unknown-key limit under the minimum is refused",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithUnknownKeyRefresh(time.Millisecond)},
			wantMessage: "token: unknown-key refresh limit 1ms is not between 1s and 1h0m0s",
		},
		{
			name:        "shared options are checked too",
			url:         status.URL,
			opts:        []token.VerifierOption{token.WithLeeway(time.Hour)},
			wantMessage: "token: leeway 1h0m0s is longer than the maximum 5m0s",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			v, err := token.NewRemoteVerifier(testContext(t), tt.url, tt.opts...)
			if err == nil {
				v.Close()
				t.Fatalf("got a verifier, want an error")
			}
			checkErrors(t, err, append([]error{err}, tt.wantErrs...), strings.ReplaceAll(tt.wantMessage, "{url}", tt.url))
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
}

func TestRemoteVerifierPlainHTTP(t *testing.T) {
	t.Parallel()

	k := testKeys()
	srv := newJWKSServer(t, mustSet(t, k.es))

	// The client reaches the loopback server whatever host the URL names,
	// so that no name is looked up.
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Listener.Addr().String())
		},
	}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport}

	url := "http://user:hunter2@jwks.internal.test/keys"
	v := mustRemote(t, url, token.WithPlainHTTP(), token.WithHTTPClient(client))
	if _, err := v.Verify(testContext(t), srv.issue(t)); err != nil {
		t.Errorf("Verify: got error %v, want none", err)
	}

	// Errors name the URL without its password.
	srv.fail.Store(true)
	err := v.Refresh(testContext(t))
	checkErrors(t, err, []error{token.ErrKeysUnavailable},
		"token: verification keys unavailable: GET http://user:xxxxx@jwks.internal.test/keys: status 500 Internal Server Error")
}

func TestRemoteVerifierRedirects(t *testing.T) {
	t.Parallel()

	k := testKeys()
	srv := newJWKSServer(t, mustSet(t, k.es))
	redirect := func(to string) *httptest.Server {
		r := httptest.NewServer(http.RedirectHandler(to, http.StatusFound))
		t.Cleanup(r.Close)
		return r
	}
	loop := httptest.NewServer(nil)
	loop.Config.Handler = http.RedirectHandler(loop.URL, http.StatusFound)
	t.Cleanup(loop.Close)

	tests := []struct {
		name        string
		url         string
		wantMessage string // {url} stands for the URL
	}{
		{name: "a redirect to loopback http is followed", url: redirect(srv.URL).URL},
		{
			name: "a redirect to plain http elsewhere is refused",
			url:  redirect("http://jwks.example.com/keys").URL,
			wantMessage: `token: verification keys unavailable: GET {url}: token: JWK Set URL ` +
				`"http://jwks.example.com/keys" is plain http on a host that is not loopback ` +
				`(use https, or WithPlainHTTP on a trusted network)`,
		},
		{
			name:        "a redirect loop stops",
			url:         loop.URL,
			wantMessage: "token: verification keys unavailable: GET {url}: stopped after 5 redirects",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			v, err := token.NewRemoteVerifier(testContext(t), tt.url, token.WithVerifierClock(verifyClock))
			if tt.wantMessage == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				defer v.Close()
				if _, err := v.Verify(testContext(t), srv.issue(t)); err != nil {
					t.Errorf("Verify: got error %v, want none", err)
				}
				return
			}
			if err == nil {
				v.Close()
				t.Fatalf("got a verifier, want error %q", tt.wantMessage)
			}
			checkErrors(t, err, []error{token.ErrKeysUnavailable}, strings.ReplaceAll(tt.wantMessage, "{url}", tt.url))
		})
	}
}

func TestRemoteVerifierLocalhost(t *testing.T) {
	t.Parallel()

	srv := newJWKSServer(t, mustSet(t, testKeys().ed))
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Listener.Addr().String())
		},
	}
	t.Cleanup(transport.CloseIdleConnections)

	// localhost counts as loopback: plain http needs no WithPlainHTTP.
	v := mustRemote(t, "http://localhost/jwks.json", token.WithHTTPClient(&http.Client{Transport: transport}))
	if _, err := v.Verify(testContext(t), srv.issue(t)); err != nil {
		t.Errorf("Verify: got error %v, want none", err)
	}
}

func TestRemoteVerifierFailedRefreshKeepsEveryKey(t *testing.T) {
	t.Parallel()

	k := testKeys()
	ctx := testContext(t)
	srv := newJWKSServer(t, mustSet(t, k.ed, k.es, k.rs))
	logs := &syncBuffer{}
	v := mustRemote(t, srv.URL,
		token.WithRefreshIntervalForTest(5*time.Millisecond),
		token.WithUnknownKeyRefresh(time.Second),
		token.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
	)
	before := v.KeySet()

	srv.fail.Store(true)
	eventually(t, "two refreshes fail", func() bool {
		return strings.Count(logs.String(), "token: JWK Set refresh failed") >= 2
	})

	if v.KeySet() != before {
		t.Errorf("KeySet after failed refreshes: got %v, want the set fetched before, %v", v.KeySet(), before)
	}
	want := []string{k.ed.ID(), k.es.ID(), k.rs.ID()}
	if got := ids(v.KeySet()); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys after failed refreshes: got %v, want %v", got, want)
	}
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		if _, err := v.Verify(ctx, k.signAs(alg, nil)); err != nil {
			t.Errorf("%s token after failed refreshes: got error %v, want none", alg, err)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()

	tests := []struct {
		host string
		want bool
	}{
		{host: "127.0.0.1", want: true},
		{host: "127.1.2.3", want: true},
		{host: "::1", want: true},
		{host: "::ffff:127.0.0.1", want: true},
		{host: "localhost", want: true},
		{host: "127.0.0.1.evil.example", want: false},
		{host: "127.0.0.1evil.example", want: false},
		{host: "localhost.evil.example", want: false},
		{host: "evil-localhost", want: false},
		{host: "::1.evil.example", want: false},
		{host: "0.0.0.0", want: false},
		{host: "10.0.0.1", want: false},
		{host: "::", want: false},
		{host: "", want: false},
	}
	for _, tt := range tests {
		if got := token.IsLoopback(tt.host); got != tt.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestRemoteVerifierLoopbackHosts(t *testing.T) {
	t.Parallel()

	// A client that dials nothing: whatever the check lets through fails
	// here, and no request leaves the machine.
	errNoDial := errors.New("test: no dialing")
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) { return nil, errNoDial },
	}}

	tests := []struct {
		name        string
		url         string
		wantErrs    []error
		wantMessage string // {url} stands for the URL
	}{
		{
			name:     "127.0.0.1 may use plain http",
			url:      "http://127.0.0.1:1/keys",
			wantErrs: []error{token.ErrKeysUnavailable, errNoDial},
		},
		{
			name:     "::1 may use plain http",
			url:      "http://[::1]:1/keys",
			wantErrs: []error{token.ErrKeysUnavailable, errNoDial},
		},
		{
			name: "a name starting with 127.0.0.1 may not",
			url:  "http://127.0.0.1.evil.invalid/keys",
			wantMessage: `token: JWK Set URL "{url}" is plain http on a host that is not loopback ` +
				`(use https, or WithPlainHTTP on a trusted network)`,
		},
		{
			name: "a name starting with localhost may not",
			url:  "http://localhost.evil.invalid/keys",
			wantMessage: `token: JWK Set URL "{url}" is plain http on a host that is not loopback ` +
				`(use https, or WithPlainHTTP on a trusted network)`,
		},
		{
			name: "127.0.0.1 as a user name may not",
			url:  "http://127.0.0.1@evil.invalid/keys",
			wantMessage: `token: JWK Set URL "{url}" is plain http on a host that is not loopback ` +
				`(use https, or WithPlainHTTP on a trusted network)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			v, err := token.NewRemoteVerifier(testContext(t), tt.url, token.WithHTTPClient(client))
			if err == nil {
				v.Close()
				t.Fatalf("got a verifier, want an error")
			}
			checkErrors(t, err, append([]error{err}, tt.wantErrs...), strings.ReplaceAll(tt.wantMessage, "{url}", tt.url))
		})
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRemoteVerifierCloseWaits(t *testing.T) {
	t.Parallel()

	k := testKeys()
	rec := httptest.NewRecorder()
	set := mustSet(t, k.es)
	mustJWKS(t, func() *token.KeySet { return set }).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	doc := rec.Body.Bytes()

	// The first request is answered; the next blocks until the fetch is
	// cancelled, then takes a while to return, like a slow connection
	// teardown. Close must wait for it.
	var calls atomic.Int64
	var returned atomic.Bool
	blocked := make(chan struct{})
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return &http.Response{
				StatusCode: http.StatusOK,
				Header:     http.Header{"Content-Type": {"application/json"}},
				Body:       io.NopCloser(bytes.NewReader(doc)),
				Request:    r,
			}, nil
		}
		close(blocked)
		<-r.Context().Done()
		time.Sleep(50 * time.Millisecond)
		returned.Store(true)
		return nil, r.Context().Err()
	})

	ctx := testContext(t)
	v, err := token.NewRemoteVerifier(ctx, "http://127.0.0.1/keys",
		token.WithHTTPClient(&http.Client{Transport: transport}), token.WithVerifierClock(verifyClock))
	if err != nil {
		t.Fatalf("NewRemoteVerifier: got error %v, want none", err)
	}
	refreshed := make(chan error, 1)
	go func() { refreshed <- v.Refresh(ctx) }()
	select {
	case <-blocked:
	case <-ctx.Done():
		t.Fatal("timed out waiting for the second fetch")
	}

	v.Close()
	if !returned.Load() {
		t.Errorf("Close returned before the fetch under way ended")
	}
	select {
	case err := <-refreshed:
		checkErrors(t, err, []error{token.ErrKeysUnavailable, context.Canceled}, "")
	case <-ctx.Done():
		t.Fatal("timed out waiting for Refresh to return")
	}
}
