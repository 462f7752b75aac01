package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/userresolver"
)

// TestUpstreamRetryAfterReachesTheClient wires the endpoint to the real
// Liveblocks client and a fake Liveblocks that is rate limiting: the
// browser must be told to wait as long as Liveblocks asked.
func TestUpstreamRetryAfterReachesTheClient(t *testing.T) {
	t.Parallel()

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"error":"TOO_MANY_REQUESTS","message":"Slow down"}`))
	}))
	defer upstream.Close()

	lb, err := liveblocks.New("sk_test_123", liveblocks.WithBaseURL(upstream.URL))
	if err != nil {
		t.Fatal(err)
	}
	users := userresolver.Func(func(*http.Request) (userresolver.User, error) {
		return userresolver.User{ID: "alice"}, nil
	})
	h := middleware.Handler(users, middleware.WithIssuer(lb))

	r := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", strings.NewReader(`{"room":"doc"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	want := `{"error":"unavailable","code":"upstream_unavailable","reason":"The token issuer is unavailable; try again later."}`
	if w.Code != http.StatusServiceUnavailable || w.Body.String() != want {
		t.Errorf("got %d %s, want 503 %s", w.Code, w.Body, want)
	}
	if got := w.Header().Get("Retry-After"); got != "120" {
		t.Errorf("Retry-After: got %q, want 120", got)
	}
	if strings.Contains(w.Body.String(), "sk_test_123") || strings.Contains(w.Body.String(), "Slow down") {
		t.Errorf("body leaks upstream text or the secret: %s", w.Body)
	}
}
