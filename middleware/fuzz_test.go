package middleware

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/liveauth/liveauth/userresolver"
)

// FuzzHandlerBody feeds arbitrary bodies to the endpoint. Whatever comes in,
// the answer is the contract: a 200 with exactly one token, or a JSON error
// with the code its status calls for; and a room reaches the resolver only
// when the body really named it.
func FuzzHandlerBody(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `{"room":"doc"}`, `{"room":null}`, `{"room":5}`, `[]`, `null`, `"room"`,
		`{"room":"` + strings.Repeat("r", 129) + `"}`, "{\"room\":\"\xff\"}", `{"room":"a","room":"b"}`,
		`{"room":"doc"}garbage`, "\u00a0{}", `{"a":{"b":{"c":[1,2,{"d":null}]}}}`, `{"ROOM":"doc"}`,
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{"room":"doc"}`, "text/plain")
	f.Add(`{"room":"doc"}`, "application/json; charset=utf-8")

	f.Fuzz(func(t *testing.T, body, contentType string) {
		var room string
		var called bool
		resolver := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
			req, _ := RequestFromContext(r.Context())
			room, called = req.Room, true
			return aliceUser, nil
		})
		issuer := &countingIssuer{}
		h := Handler(resolver, WithIssuer(issuer), WithMaxBodyBytes(1024), WithLogger(quiet))

		r := post(body)
		r.Header.Set("Content-Type", contentType)
		w := serve(t, h, r)

		if got := w.Header().Get("Content-Type"); got != "application/json" {
			t.Fatalf("Content-Type %q for body %q", got, body)
		}
		if w.Code == http.StatusOK {
			if w.Body.String() != `{"token":"h.p1.s"}` || issuer.n != 1 {
				t.Fatalf("200 with body %s after %d issues", w.Body, issuer.n)
			}
			if !called || !utf8.ValidString(room) || (room != "" && !strings.Contains(body, "room")) {
				t.Fatalf("resolver saw room %q for body %q", room, body)
			}
			return
		}
		var e map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || len(e) != 3 {
			t.Fatalf("status %d with body %q", w.Code, w.Body)
		}
		wantCode := map[int]string{
			http.StatusBadRequest:            CodeBadRequest,
			http.StatusRequestEntityTooLarge: CodeTooLarge,
			http.StatusUnsupportedMediaType:  CodeUnsupportedMediaType,
		}[w.Code]
		if wantCode == "" || e["code"] != wantCode || e["error"] != "forbidden" || issuer.n != 0 {
			t.Fatalf("status %d, body %v, %d issues for body %q", w.Code, e, issuer.n, body)
		}
	})
}
