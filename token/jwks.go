package token

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/MicahParks/jwkset"
)

// JWKSContentType is the media type of the documents [JWKS] serves, the
// one RFC 7517 §8.5 registers for a JWK Set.
const JWKSContentType = "application/jwk-set+json"

// JWKS returns an http.Handler that serves the public keys of the key set
// that keys returns, as a JWK Set (RFC 7517), for verifiers such as
// [NewRemoteVerifier]. Pass a signer's [Signer.KeySet] method so that the
// document follows [Signer.UseKeys]; keys is called on every request and
// must be fast and safe for concurrent use. A nil set is served as an empty
// one.
//
// The document lists every key of the set, the active key first, with
// "kty", "use": "sig", "alg", "kid" and the public parameters ("crv", "x",
// "y" or "n", "e"). HS256 keys are left out: their secret is never
// published. The document for a set is built once and reused while keys
// returns the same set.
//
// The handler answers:
//
//   - GET and HEAD: 200 with Content-Type [JWKSContentType],
//     Cache-Control "public, max-age=N" ([WithMaxAge], default
//     [DefaultJWKSMaxAge]), a strong ETag and X-Content-Type-Options
//     "nosniff"; HEAD has no body;
//   - 304 Not Modified, with the same ETag and Cache-Control, when
//     If-None-Match names the current ETag (or is "*");
//   - 405 Method Not Allowed, with Allow "GET, HEAD", for any other method;
//   - 500 if a key cannot be encoded, which no key of this package causes.
//
// The media type is application/jwk-set+json rather than application/json
// because it is the one registered for this document and it tells a
// browser not to render it; the JWKS clients we know (jwkset, keyfunc, the
// remote Verifier) do not look at the type. JWKS returns an error for an
// option out of range.
func JWKS(keys func() *KeySet, opts ...JWKSOption) (http.Handler, error) {
	cfg := jwksConfig{maxAge: DefaultJWKSMaxAge}
	for _, opt := range opts {
		opt(&cfg)
	}
	switch {
	case keys == nil:
		return nil, errors.New("token: JWKS key source is nil")
	case cfg.maxAge < 0:
		return nil, fmt.Errorf("token: JWKS max-age %v is negative", cfg.maxAge)
	}
	return &jwksHandler{
		keys:         keys,
		cacheControl: "public, max-age=" + strconv.FormatInt(int64(cfg.maxAge.Seconds()), 10),
	}, nil
}

// jwksHandler serves a JWK Set.
type jwksHandler struct {
	keys         func() *KeySet
	cacheControl string

	// doc is the document of the last set served.
	doc atomic.Pointer[jwksDoc]
}

// jwksDoc is the encoded document of one key set.
type jwksDoc struct {
	set  *KeySet
	body []byte
	etag string
}

// ServeHTTP answers as [JWKS] describes.
func (h *jwksHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	doc, err := h.document(h.keys())
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}

	hdr := w.Header()
	hdr.Set("Cache-Control", h.cacheControl)
	hdr.Set("ETag", doc.etag)
	if etagMatches(r.Header.Get("If-None-Match"), doc.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", JWKSContentType)
	hdr.Set("Content-Length", strconv.Itoa(len(doc.body)))
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(doc.body)
	}
}

// document returns the encoded document of set, from the cache when set is
// the one last served. Key sets are immutable, so the pointer is the
// identity.
func (h *jwksHandler) document(set *KeySet) (*jwksDoc, error) {
	if d := h.doc.Load(); d != nil && d.set == set {
		return d, nil
	}

	body, err := encodeJWKS(set)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	d := &jwksDoc{set: set, body: body, etag: `"` + b64(sum[:18]) + `"`}
	h.doc.Store(d)
	return d, nil
}

// encodeJWKS returns the JWK Set of set's public keys.
func encodeJWKS(set *KeySet) ([]byte, error) {
	doc := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{}}
	if set != nil {
		for _, k := range set.keys {
			if k.public == nil {
				continue // HS256: nothing to publish
			}
			jwk, err := jwkset.NewJWKFromKey(k.public, jwkset.JWKOptions{
				Metadata: jwkset.JWKMetadataOptions{
					ALG: jwkset.ALG(k.alg),
					KID: k.id,
					USE: jwkset.UseSig,
				},
			})
			if err != nil {
				return nil, fmt.Errorf("token: encode key %q: %w", k.id, err)
			}
			doc.Keys = append(doc.Keys, jwk.Marshal())
		}
	}
	return json.Marshal(doc)
}

// etagMatches reports whether an If-None-Match header names etag, by the
// weak comparison RFC 9110 §13.1.2 prescribes.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}
