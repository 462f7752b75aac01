package token_test

import (
	"crypto"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"

	"github.com/liveauth/liveauth/token"
)

// mustJWKS builds a JWKS handler or fails the test.
func mustJWKS(t testing.TB, keys func() *token.KeySet, opts ...token.JWKSOption) http.Handler {
	t.Helper()

	h, err := token.JWKS(keys, opts...)
	if err != nil {
		t.Fatalf("JWKS: got error %v, want none", err)
	}
	return h
}

// get serves one request to h.
func get(h http.Handler, method string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/.well-known/jwks.json", nil)
	for name, v := range hdr {
		r.Header.Set(name, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestJWKSDocument(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.es, k.hs, k.ed, k.rs)
	w := get(mustJWKS(t, func() *token.KeySet { return set }), http.MethodGet, nil)

	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200", w.Code)
	}
	wantHeaders := map[string]string{
		"Content-Type":           "application/jwk-set+json",
		"Cache-Control":          "public, max-age=300",
		"X-Content-Type-Options": "nosniff",
	}
	for name, want := range wantHeaders {
		if got := w.Header().Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if etag := w.Header().Get("ETag"); !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
		t.Errorf("ETag: got %q, want a strong ETag", etag)
	}
	body := w.Body.String()

	// The HS256 secret is never published, in any form.
	if containsSecret(body, testSecret) || strings.Contains(body, k.hs.ID()) {
		t.Fatalf("body reveals the HS256 key: %s", body)
	}

	// Decoded back by jwkset, the document gives the three public keys,
	// active first, with their IDs and algorithms.
	var doc jwkset.JWKSMarshal
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("decoding: got error %v, want none", err)
	}
	want := []token.Key{k.es, k.ed, k.rs}
	if len(doc.Keys) != len(want) {
		t.Fatalf("got %d keys, want %d: %s", len(doc.Keys), len(want), body)
	}
	for i, m := range doc.Keys {
		if m.KID != want[i].ID() || string(m.ALG) != string(want[i].Algorithm()) || m.USE != jwkset.UseSig {
			t.Errorf("key %d: got kid %q, alg %q, use %q; want %q, %q, sig",
				i, m.KID, m.ALG, m.USE, want[i].ID(), want[i].Algorithm())
		}
		if m.D != "" || m.K != "" || m.P != "" {
			t.Errorf("key %d has private members: %+v", i, m)
		}
		jwk, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil {
			t.Fatalf("key %d: got error %v, want none", i, err)
		}
		pub, ok := jwk.Key().(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(want[i].Public()) {
			t.Errorf("key %d: got %v, want %v", i, jwk.Key(), want[i].Public())
		}
		// The key ID of a key from this package is its thumbprint.
		if got := independentThumbprint(t, jwk.Key()); got != m.KID {
			t.Errorf("key %d: thumbprint %q, kid %q", i, got, m.KID)
		}
	}

	// The members hold what RFC 7518 says, field by field.
	var raw struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	wantMembers := []string{"kty,use,alg,kid,crv,x,y", "kty,use,alg,kid,crv,x", "kty,use,alg,kid,n,e"}
	for i, m := range raw.Keys {
		for name := range strings.SplitSeq(wantMembers[i], ",") {
			if m[name] == "" {
				t.Errorf("key %d: member %q is missing: %v", i, name, m)
			}
		}
		if len(m) != strings.Count(wantMembers[i], ",")+1 {
			t.Errorf("key %d: got members %v, want %s", i, m, wantMembers[i])
		}
	}
	if raw.Keys[2]["e"] != "AQAB" {
		t.Errorf(`RSA "e": got %q, want "AQAB"`, raw.Keys[2]["e"])
	}
}

func TestJWKSRequests(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.es)
	h := mustJWKS(t, func() *token.KeySet { return set }, token.WithMaxAge(90*time.Second))
	first := get(h, http.MethodGet, nil)
	etag := first.Header().Get("ETag")

	tests := []struct {
		name       string
		method     string
		headers    map[string]string
		wantStatus int
		wantBody   bool
		wantHeader map[string]string
	}{
		{
			name:       "GET has the document and the configured max-age",
			method:     http.MethodGet,
			wantStatus: http.StatusOK,
			wantBody:   true,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=90", "ETag": etag},
		},
		{
			name:       "HEAD has the headers and no body",
			method:     http.MethodHead,
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{
				"Content-Length": first.Header().Get("Content-Length"),
				"Content-Type":   "application/jwk-set+json",
			},
		},
		{
			name:       "a matching If-None-Match gives 304",
			method:     http.MethodGet,
			headers:    map[string]string{"If-None-Match": etag},
			wantStatus: http.StatusNotModified,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=90", "ETag": etag},
		},
		{
			name:       "a weak matching ETag in a list gives 304",
			method:     http.MethodGet,
			headers:    map[string]string{"If-None-Match": `"other", W/` + etag},
			wantStatus: http.StatusNotModified,
		},
		{
			name:       "If-None-Match * gives 304",
			method:     http.MethodHead,
			headers:    map[string]string{"If-None-Match": "*"},
			wantStatus: http.StatusNotModified,
		},
		{
			name:       "another ETag gives the document",
			method:     http.MethodGet,
			headers:    map[string]string{"If-None-Match": `"stale"`},
			wantStatus: http.StatusOK,
			wantBody:   true,
		},
		{
			name:       "POST is not allowed",
			method:     http.MethodPost,
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			name:       "DELETE is not allowed",
			method:     http.MethodDelete,
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			w := get(h, tt.method, tt.headers)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			if hasBody := strings.Contains(w.Body.String(), `"keys"`); hasBody != tt.wantBody {
				t.Errorf("body: got %q, want a document: %v", w.Body.String(), tt.wantBody)
			}
			for name, want := range tt.wantHeader {
				if got := w.Header().Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestJWKSFollowsTheSigner(t *testing.T) {
	t.Parallel()

	k := testKeys()
	s := must(token.NewKeySetSigner(mustSet(t, k.es)))
	h := mustJWKS(t, s.KeySet, token.WithMaxAge(0))

	before := get(h, http.MethodGet, nil)
	if got := before.Header().Get("Cache-Control"); got != "public, max-age=0" {
		t.Errorf("Cache-Control: got %q, want %q", got, "public, max-age=0")
	}
	if again := get(h, http.MethodGet, nil); again.Body.String() != before.Body.String() {
		t.Errorf("the same set gave two documents")
	}

	if err := s.UseKeys(must(s.KeySet().Rotate(k.ed))); err != nil {
		t.Fatal(err)
	}
	after := get(h, http.MethodGet, map[string]string{"If-None-Match": before.Header().Get("ETag")})
	if after.Code != http.StatusOK || after.Header().Get("ETag") == before.Header().Get("ETag") {
		t.Fatalf("after rotation: got status %d, ETag %q; want 200 and a new ETag", after.Code, after.Header().Get("ETag"))
	}
	if !strings.Contains(after.Body.String(), k.ed.ID()) || !strings.Contains(after.Body.String(), k.es.ID()) {
		t.Errorf("after rotation: got %s, want both keys", after.Body.String())
	}
}

func TestJWKSEmpty(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		set  *token.KeySet
	}{
		{name: "a nil set gives no keys", set: nil},
		{name: "a set of HS256 keys gives no keys", set: mustSet(t, testKeys().hs)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			w := get(mustJWKS(t, func() *token.KeySet { return tt.set }), http.MethodGet, nil)
			if got := must(io.ReadAll(w.Body)); string(got) != `{"keys":[]}` {
				t.Errorf("body: got %s, want %s", got, `{"keys":[]}`)
			}
		})
	}
}

func TestJWKSErrors(t *testing.T) {
	t.Parallel()

	keys := func() *token.KeySet { return nil }
	tests := []struct {
		name        string
		keys        func() *token.KeySet
		opts        []token.JWKSOption
		wantMessage string
	}{
		{name: "a nil source is refused", keys: nil, wantMessage: "token: JWKS key source is nil"},
		{
			name:        "a negative max-age is refused",
			keys:        keys,
			opts:        []token.JWKSOption{token.WithMaxAge(-time.Second)},
			wantMessage: "token: JWKS max-age -1s is negative",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if _, err := token.JWKS(tt.keys, tt.opts...); err == nil || err.Error() != tt.wantMessage {
				t.Errorf("got error %v, want %q", err, tt.wantMessage)
			}
		})
	}
}

// TestJWKSReadByRemoteVerifier checks the handler against the verifier
// that reads it, end to end over loopback HTTP.
func TestJWKSReadByRemoteVerifier(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.rs, k.ed, k.hs)
	srv := httptest.NewServer(mustJWKS(t, func() *token.KeySet { return set }))
	t.Cleanup(srv.Close)

	v := mustRemote(t, srv.URL)
	got := ids(v.KeySet())
	if want := []string{k.rs.ID(), k.ed.ID()}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("remote keys: got %v, want %v", got, want)
	}
	if _, err := v.Verify(testContext(t), k.signAs(token.RS256, nil)); err != nil {
		t.Errorf("Verify: got error %v, want none", err)
	}
}
