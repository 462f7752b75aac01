package middleware

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// BenchmarkHandler measures what the endpoint costs beyond the signature.
// Each iteration signs one token directly and serves one request through
// the handler with the same signer, interleaved so that both see the same
// machine load; it reports both times and their ratio. The target is a
// ratio close to 1: the endpoint's own work (checks, parsing, JSON) should
// be small next to the ES256 signature.
func BenchmarkHandler(b *testing.B) {
	signer, err := token.GenerateSigner()
	if err != nil {
		b.Fatal(err)
	}
	h := Handler(userresolver.Func(alice), WithIssuer(signer))
	id := token.Identity{UserID: aliceUser.ID, GroupIDs: aliceUser.GroupIDs, UserInfo: aliceUser.Info}
	body := `{"room":"doc-1"}`
	ctx := context.Background()

	var signing, serving time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// The request is built outside the timings: net/http builds it
		// before any handler runs.
		r := httptest.NewRequest(http.MethodPost, "http://app.test/api/liveblocks-auth", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()

		start := time.Now()
		if _, err := signer.Issue(ctx, id); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		end := time.Now()

		signing += mid.Sub(start)
		serving += end.Sub(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(signing.Nanoseconds())/n, "sign-ns/op")
	b.ReportMetric(float64(serving.Nanoseconds())/n, "serve-ns/op")
	b.ReportMetric(float64(serving)/float64(signing), "serve/sign")
}
