package userresolver_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/liveauth/liveauth/userresolver"
)

// userNumber is a named integer type an application might keep user IDs in.
type userNumber int32

func init() {
	// Stores that serialise with encoding/gob need the concrete types of
	// interface values registered, as an application would at start-up.
	gob.Register(map[string]any{})
	gob.Register(userNumber(0))
}

// Keys for the test stores. Hash keys are 32 bytes; block keys select
// AES-256.
var (
	hashKey       = []byte("hash-key-0123456789-abcdefghijkl")
	blockKey      = []byte("block-key-0123456789-abcdefghijk")
	otherHashKey  = []byte("other-hash-key-0123456789-abcdef")
	otherBlockKey = []byte("other-block-key-0123456789-abcde")
)

// sessionName is the cookie name the tests' sessions use.
const sessionName = "session"

// login saves a session holding values through store, as an application's
// login handler would, and returns the cookie the browser sends back: only
// its name and value, taken from the response's Set-Cookie header.
func login(t *testing.T, store sessions.Store, values map[any]any) *http.Cookie {
	t.Helper()

	r := httptest.NewRequest(http.MethodPost, "/login", nil)
	w := httptest.NewRecorder()
	session, err := store.New(r, sessionName)
	if err != nil {
		t.Fatalf("store.New() error = %v, want nil", err)
	}
	for k, v := range values {
		session.Values[k] = v
	}
	if err := session.Save(r, w); err != nil {
		t.Fatalf("session.Save() error = %v, want nil", err)
	}

	for _, c := range w.Result().Cookies() {
		if c.Name == sessionName {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatalf("login response sets no %q cookie; Set-Cookie = %q",
		sessionName, w.Header().Values("Set-Cookie"))
	return nil
}

// authRequest returns an incoming request to the auth endpoint carrying
// cookies.
func authRequest(cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/liveblocks-auth", strings.NewReader(`{"room":"doc-1"}`))
	r.Header.Set("Content-Type", "application/json")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

// craftCookie encodes values the way securecookie does with a hash key and
// no block key, but with the given timestamp (Unix seconds), so tests can
// produce cookies of any age: base64(date|base64(gob(values))|mac), where
// mac is the HMAC-SHA256 of name|date|base64(gob(values)).
func craftCookie(t *testing.T, name string, key []byte, values map[any]any,
	timestamp int64) *http.Cookie {
	t.Helper()

	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(values); err != nil {
		t.Fatalf("gob encoding %v: %v", values, err)
	}
	payload := base64.URLEncoding.EncodeToString(buf.Bytes())

	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s|%d|%s", name, timestamp, payload)
	signed := append([]byte(fmt.Sprintf("%d|%s|", timestamp, payload)), mac.Sum(nil)...)

	return &http.Cookie{Name: name, Value: base64.URLEncoding.EncodeToString(signed)}
}

// result is what a call to ResolveUser should return.
type result struct {
	// user is the expected user when no error is expected.
	user userresolver.User

	// errs lists errors the result must match with errors.Is: sentinels
	// and causes. The result matches ErrNoUser or ErrForbidden only if they
	// are listed.
	errs []error

	// fault says an error matching neither ErrNoUser nor ErrForbidden is
	// expected.
	fault bool

	// text, if not empty, must occur in the error message.
	text string

	// foreign says the error is another package's, passed on unchanged, so
	// its message need not carry this package's prefix.
	foreign bool
}

// check compares what ResolveUser returned with want.
func (want result) check(t *testing.T, got userresolver.User, err error) {
	t.Helper()

	if len(want.errs) == 0 && !want.fault {
		if err != nil {
			t.Fatalf("ResolveUser() error = %v, want nil", err)
		}
		if !reflect.DeepEqual(got, want.user) {
			t.Errorf("ResolveUser() = %#v, want %#v", got, want.user)
		}
		return
	}

	if err == nil {
		t.Fatalf("ResolveUser() = %#v, nil error; want an error", got)
	}
	if !reflect.DeepEqual(got, userresolver.User{}) {
		t.Errorf("ResolveUser() user = %#v with an error, want the zero User", got)
	}
	for _, target := range want.errs {
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(%v, %v) = false, want true", err, target)
		}
	}
	for _, sentinel := range []error{userresolver.ErrNoUser, userresolver.ErrForbidden} {
		if !slices.Contains(want.errs, sentinel) && errors.Is(err, sentinel) {
			t.Errorf("errors.Is(%v, %v) = true, want false", err, sentinel)
		}
	}
	if want.text != "" && !strings.Contains(err.Error(), want.text) {
		t.Errorf("error message = %q, want it to contain %q", err, want.text)
	}
	if !want.foreign && !strings.HasPrefix(err.Error(), "userresolver: ") {
		t.Errorf("error message = %q, want the prefix %q", err, "userresolver: ")
	}
}

// mustPanic calls f and fails the test unless f panics with a message
// containing text.
func mustPanic(t *testing.T, text string, f func()) {
	t.Helper()

	defer func() {
		t.Helper()
		v := recover()
		if v == nil {
			t.Fatalf("no panic, want a panic containing %q", text)
		}
		if msg := fmt.Sprint(v); !strings.Contains(msg, text) {
			t.Errorf("panic = %q, want it to contain %q", msg, text)
		}
	}()
	f()
}
