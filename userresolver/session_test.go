package userresolver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/liveauth/liveauth/userresolver"
)

func TestSessionResolveUserValues(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		values map[any]any
		opts   []userresolver.SessionOption
		want   result
	}{
		{
			name: "a string user ID with group IDs and a profile map is read whole",
			values: map[any]any{
				"user_id":   "user-1",
				"group_ids": []string{"editors", "admins"},
				"user_info": map[string]any{"name": "Ada", "color": "#ff0000"},
			},
			want: result{user: userresolver.User{
				ID:       "user-1",
				GroupIDs: []string{"editors", "admins"},
				Info:     map[string]any{"name": "Ada", "color": "#ff0000"},
			}},
		},
		{
			name:   "a user ID alone gives a user without groups or profile",
			values: map[any]any{"user_id": "user-1"},
			want:   result{user: userresolver.User{ID: "user-1"}},
		},
		{
			name:   "an int user ID is formatted in base 10",
			values: map[any]any{"user_id": 42},
			want:   result{user: userresolver.User{ID: "42"}},
		},
		{
			name:   "an int64 user ID beyond float precision keeps every digit",
			values: map[any]any{"user_id": int64(9007199254740993)},
			want:   result{user: userresolver.User{ID: "9007199254740993"}},
		},
		{
			name:   "a negative int8 user ID keeps its sign",
			values: map[any]any{"user_id": int8(-7)},
			want:   result{user: userresolver.User{ID: "-7"}},
		},
		{
			name:   "a uint64 user ID beyond the int64 range is formatted in full",
			values: map[any]any{"user_id": uint64(math.MaxUint64)},
			want:   result{user: userresolver.User{ID: "18446744073709551615"}},
		},
		{
			name:   "a user ID of a named integer type is formatted in base 10",
			values: map[any]any{"user_id": userNumber(1234)},
			want:   result{user: userresolver.User{ID: "1234"}},
		},
		{
			name:   "group IDs stored as a slice of any holding strings are read",
			values: map[any]any{"user_id": "u", "group_ids": []any{"editors", "admins"}},
			want:   result{user: userresolver.User{ID: "u", GroupIDs: []string{"editors", "admins"}}},
		},
		{
			name:   "an empty group ID list gives nil group IDs",
			values: map[any]any{"user_id": "u", "group_ids": []string{}},
			want:   result{user: userresolver.User{ID: "u"}},
		},
		{
			name: "a profile stored as a JSON string is decoded with exact numbers",
			values: map[any]any{
				"user_id":   "u",
				"user_info": `{"name":"Ada","age":36,"big":12345678901234567890}`,
			},
			want: result{user: userresolver.User{ID: "u", Info: map[string]any{
				"name": "Ada",
				"age":  json.Number("36"),
				"big":  json.Number("12345678901234567890"),
			}}},
		},
		{
			name:   "a profile stored as JSON bytes is decoded",
			values: map[any]any{"user_id": "u", "user_info": []byte(` {"name":"Zoë 東京","tags":["a"]} `)},
			want: result{user: userresolver.User{ID: "u", Info: map[string]any{
				"name": "Zoë 東京",
				"tags": []any{"a"},
			}}},
		},
		{
			name:   "a profile stored as JSON null means no profile",
			values: map[any]any{"user_id": "u", "user_info": "null"},
			want:   result{user: userresolver.User{ID: "u"}},
		},
		{
			name: "values are read under the keys the options name",
			values: map[any]any{
				"uid":     "user-2",
				1:         []string{"readers"},
				"profile": map[string]any{"name": "Grace"},
			},
			opts: []userresolver.SessionOption{
				userresolver.WithUserIDKey("uid"),
				userresolver.WithGroupIDsKey(1),
				userresolver.WithInfoKey("profile"),
			},
			want: result{user: userresolver.User{
				ID:       "user-2",
				GroupIDs: []string{"readers"},
				Info:     map[string]any{"name": "Grace"},
			}},
		},
		{
			name:   "a user ID under the default key is ignored when another key is configured",
			values: map[any]any{"user_id": "user-1"},
			opts:   []userresolver.SessionOption{userresolver.WithUserIDKey("uid")},
			want:   result{errs: []error{userresolver.ErrNoUser}, text: `no user ID under key "uid"`},
		},
		{
			name:   "a nil option is skipped",
			values: map[any]any{"user_id": "user-1"},
			opts:   []userresolver.SessionOption{nil},
			want:   result{user: userresolver.User{ID: "user-1"}},
		},
		{
			name:   "a session without a user ID means nobody is logged in",
			values: map[any]any{"cart": "3 items"},
			want:   result{errs: []error{userresolver.ErrNoUser}, text: `no user ID under key "user_id"`},
		},
		{
			name:   "an empty user ID means nobody is logged in",
			values: map[any]any{"user_id": ""},
			want:   result{errs: []error{userresolver.ErrNoUser}, text: "empty user ID"},
		},
		{
			name:   "a float user ID is a fault naming its type",
			values: map[any]any{"user_id": 42.5},
			want:   result{fault: true, text: "has type float64, want a string or an integer"},
		},
		{
			name:   "a bool user ID is a fault naming its type",
			values: map[any]any{"user_id": true},
			want:   result{fault: true, text: "has type bool"},
		},
		{
			name:   "group IDs stored as one string are a fault",
			values: map[any]any{"user_id": "u", "group_ids": "editors"},
			want: result{
				fault: true,
				text:  `group IDs under key "group_ids" have type string, want []string`,
			},
		},
		{
			name:   "a group ID that is not a string is a fault naming its position and type",
			values: map[any]any{"user_id": "u", "group_ids": []any{"editors", 3}},
			want:   result{fault: true, text: "group ID 1 under key \"group_ids\" has type int, want string"},
		},
		{
			name:   "an empty group ID is a fault",
			values: map[any]any{"user_id": "u", "group_ids": []string{"editors", ""}},
			want:   result{fault: true, text: "group ID 1 under key \"group_ids\" is empty"},
		},
		{
			name:   "a profile of another type is a fault naming it",
			values: map[any]any{"user_id": "u", "user_info": 42},
			want:   result{fault: true, text: "user info under key \"user_info\" has type int"},
		},
		{
			name:   "a profile holding a JSON array is a fault",
			values: map[any]any{"user_id": "u", "user_info": `["Ada"]`},
			want:   result{fault: true, text: "is not a JSON object"},
		},
		{
			name:   "a profile holding broken JSON is a fault",
			values: map[any]any{"user_id": "u", "user_info": `{"name":`},
			want:   result{fault: true, text: "is not a JSON object"},
		},
		{
			name:   "a profile holding an empty string is a fault",
			values: map[any]any{"user_id": "u", "user_info": ""},
			want:   result{fault: true, text: "is not a JSON object"},
		},
		{
			name:   "a profile with data after its JSON object is a fault",
			values: map[any]any{"user_id": "u", "user_info": `{"name":"Ada"} {"name":"Bob"}`},
			want:   result{fault: true, text: "data after its JSON object"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			store := sessions.NewCookieStore(hashKey, blockKey)
			r := authRequest(login(t, store, tt.values))

			got, err := userresolver.Session(store, sessionName, tt.opts...).ResolveUser(r)
			tt.want.check(t, got, err)
		})
	}
}

func TestSessionResolveUserProfileErrorKeepsJSONCause(t *testing.T) {
	t.Parallel()

	store := sessions.NewCookieStore(hashKey)
	r := authRequest(login(t, store, map[any]any{"user_id": "u", "user_info": `["Ada"]`}))

	_, err := userresolver.Session(store, sessionName).ResolveUser(r)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		t.Errorf("errors.As(%v, *json.UnmarshalTypeError) = false, want true", err)
	}
}

func TestSessionResolveUserResultIsACopy(t *testing.T) {
	t.Parallel()

	// Through the registry the resolver sees the very session the
	// application loaded, so changing the result must not change it.
	store := sessions.NewCookieStore(hashKey)
	r := authRequest(login(t, store, map[any]any{
		"user_id":   "u",
		"group_ids": []string{"editors"},
		"user_info": map[string]any{"name": "Ada"},
	}))
	r = r.WithContext(r.Context())
	session, err := store.Get(r, sessionName)
	if err != nil {
		t.Fatalf("store.Get() error = %v, want nil", err)
	}

	got, err := userresolver.Session(store, sessionName).ResolveUser(r)
	if err != nil {
		t.Fatalf("ResolveUser() error = %v, want nil", err)
	}
	got.GroupIDs[0] = "admins"
	got.Info["name"] = "Mallory"

	if g := session.Values["group_ids"].([]string)[0]; g != "editors" {
		t.Errorf("session group ID after changing the result = %q, want %q", g, "editors")
	}
	if n := session.Values["user_info"].(map[string]any)["name"]; n != "Ada" {
		t.Errorf("session name after changing the result = %q, want %q", n, "Ada")
	}
}

func TestSessionResolveUserLookup(t *testing.T) {
	t.Parallel()

	errDatabaseDown := errors.New("database is down")

	tests := []struct {
		name       string
		values     map[any]any
		lookup     func(ctx context.Context, userID string) (userresolver.User, error)
		wantCalled bool
		want       result
	}{
		{
			name:   "the looked-up user gets the session's user ID when it has none",
			values: map[any]any{"user_id": 42},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				if userID != "42" {
					return userresolver.User{}, fmt.Errorf("lookup got user ID %q, want %q", userID, "42")
				}
				return userresolver.User{GroupIDs: []string{"editors"}, Info: map[string]any{"name": "Ada"}}, nil
			},
			wantCalled: true,
			want: result{user: userresolver.User{
				ID:       "42",
				GroupIDs: []string{"editors"},
				Info:     map[string]any{"name": "Ada"},
			}},
		},
		{
			name:   "the looked-up user's own ID wins over the session's",
			values: map[any]any{"user_id": 42},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				return userresolver.User{ID: "public-id-42"}, nil
			},
			wantCalled: true,
			want:       result{user: userresolver.User{ID: "public-id-42"}},
		},
		{
			name: "the session's group IDs and profile are ignored, even malformed ones",
			values: map[any]any{
				"user_id":   "u",
				"group_ids": []string{"stale-admins"},
				"user_info": 42,
			},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				return userresolver.User{}, nil
			},
			wantCalled: true,
			want:       result{user: userresolver.User{ID: "u"}},
		},
		{
			name:   "a deleted user means nobody is logged in",
			values: map[any]any{"user_id": "u"},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				err := fmt.Errorf("users: no row for %s: %w", userID, userresolver.ErrNoUser)
				return userresolver.User{}, err
			},
			wantCalled: true,
			want: result{
				errs: []error{userresolver.ErrNoUser},
				text: `looking up user "u": users: no row for u`,
			},
		},
		{
			name:   "a forbidden user stays forbidden",
			values: map[any]any{"user_id": "u"},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				return userresolver.User{ID: "u"}, userresolver.ErrForbidden
			},
			wantCalled: true,
			want:       result{errs: []error{userresolver.ErrForbidden}},
		},
		{
			name:   "a failing database is a fault that keeps its cause",
			values: map[any]any{"user_id": "u"},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				return userresolver.User{}, errDatabaseDown
			},
			wantCalled: true,
			want:       result{errs: []error{errDatabaseDown}, fault: true, text: "database is down"},
		},
		{
			name:   "without a user ID in the session the lookup is not called",
			values: map[any]any{"group_ids": []string{"editors"}},
			lookup: func(ctx context.Context, userID string) (userresolver.User, error) {
				return userresolver.User{ID: "ghost"}, nil
			},
			wantCalled: false,
			want:       result{errs: []error{userresolver.ErrNoUser}},
		},
		{
			name:   "a nil lookup reads the session as usual",
			values: map[any]any{"user_id": "u", "group_ids": []string{"editors"}},
			lookup: nil,
			want:   result{user: userresolver.User{ID: "u", GroupIDs: []string{"editors"}}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var called bool
			var lookup func(ctx context.Context, userID string) (userresolver.User, error)
			if tt.lookup != nil {
				lookup = func(ctx context.Context, userID string) (userresolver.User, error) {
					called = true
					return tt.lookup(ctx, userID)
				}
			}

			store := sessions.NewCookieStore(hashKey)
			r := authRequest(login(t, store, tt.values))
			users := userresolver.Session(store, sessionName, userresolver.WithLookup(lookup))

			got, err := users.ResolveUser(r)
			tt.want.check(t, got, err)
			if called != tt.wantCalled {
				t.Errorf("lookup called = %t, want %t", called, tt.wantCalled)
			}
		})
	}
}

func TestSessionResolveUserLookupGetsRequestContext(t *testing.T) {
	t.Parallel()

	type traceKey struct{}
	store := sessions.NewCookieStore(hashKey)
	r := authRequest(login(t, store, map[any]any{"user_id": "u"}))
	ctx, cancel := context.WithCancel(context.WithValue(r.Context(), traceKey{}, "trace-1"))
	r = r.WithContext(ctx)

	var gotTrace any
	users := userresolver.Session(store, sessionName, userresolver.WithLookup(
		func(ctx context.Context, userID string) (userresolver.User, error) {
			gotTrace = ctx.Value(traceKey{})
			return userresolver.User{}, ctx.Err()
		}))

	if _, err := users.ResolveUser(r); err != nil {
		t.Fatalf("ResolveUser() error = %v, want nil", err)
	}
	if gotTrace != "trace-1" {
		t.Errorf("lookup context value = %v, want %q", gotTrace, "trace-1")
	}

	cancel()
	got, err := users.ResolveUser(r)
	result{errs: []error{context.Canceled}, fault: true}.check(t, got, err)
}

func TestSessionResolveUserBadCookies(t *testing.T) {
	t.Parallel()

	values := map[any]any{"user_id": "user-1"}
	now := time.Now().Unix()

	tests := []struct {
		name string
		// store is the store the resolver reads from.
		store func() sessions.Store
		// cookie returns the cookie the request carries, or nil for none.
		cookie func(t *testing.T) *http.Cookie
		want   result
		// wantDecodeError says the error must also match a securecookie
		// decode error through errors.As.
		wantDecodeError bool
	}{
		{
			name:   "no cookie means nobody is logged in",
			store:  func() sessions.Store { return sessions.NewCookieStore(hashKey, blockKey) },
			cookie: func(t *testing.T) *http.Cookie { return nil },
			want:   result{errs: []error{userresolver.ErrNoUser}},
		},
		{
			name:  "a cookie signed for another session name means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey) },
			cookie: func(t *testing.T) *http.Cookie {
				c := craftCookie(t, "other", hashKey, values, now)
				c.Name = sessionName
				return c
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "the value is not valid"},
			wantDecodeError: true,
		},
		{
			name:  "a tampered cookie means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey, blockKey) },
			cookie: func(t *testing.T) *http.Cookie {
				c := login(t, sessions.NewCookieStore(hashKey, blockKey), values)
				c.Value = flipChar(c.Value, len(c.Value)/2)
				return c
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "cannot be decoded"},
			wantDecodeError: true,
		},
		{
			name:  "a cookie signed with keys since rotated out means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(otherHashKey, otherBlockKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return login(t, sessions.NewCookieStore(hashKey, blockKey), values)
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "the value is not valid"},
			wantDecodeError: true,
		},
		{
			name: "a cookie signed with old keys still works while they are kept for rotation",
			store: func() sessions.Store {
				return sessions.NewCookieStore(otherHashKey, otherBlockKey, hashKey, blockKey)
			},
			cookie: func(t *testing.T) *http.Cookie {
				return login(t, sessions.NewCookieStore(hashKey, blockKey), values)
			},
			want: result{user: userresolver.User{ID: "user-1"}},
		},
		{
			name:  "a cookie encrypted with another block key means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey, otherBlockKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return login(t, sessions.NewCookieStore(hashKey, blockKey), values)
			},
			want:            result{errs: []error{userresolver.ErrNoUser}},
			wantDecodeError: true,
		},
		{
			name:  "a crafted cookie with the current time decodes, proving the crafting",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return craftCookie(t, sessionName, hashKey, values, now)
			},
			want: result{user: userresolver.User{ID: "user-1"}},
		},
		{
			name:  "a cookie older than the default 30-day MaxAge means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return craftCookie(t, sessionName, hashKey, values, now-31*24*3600)
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "expired timestamp"},
			wantDecodeError: true,
		},
		{
			name: "a cookie older than a store's short MaxAge means nobody is logged in",
			store: func() sessions.Store {
				store := sessions.NewCookieStore(hashKey)
				store.MaxAge(60)
				return store
			},
			cookie: func(t *testing.T) *http.Cookie {
				return craftCookie(t, sessionName, hashKey, values, now-120)
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "expired timestamp"},
			wantDecodeError: true,
		},
		{
			name:  "a cookie that is not base64 means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return &http.Cookie{Name: sessionName, Value: "not*base64"}
			},
			want:            result{errs: []error{userresolver.ErrNoUser}, text: "base64 decode failed"},
			wantDecodeError: true,
		},
		{
			name:  "an over-long cookie means nobody is logged in",
			store: func() sessions.Store { return sessions.NewCookieStore(hashKey) },
			cookie: func(t *testing.T) *http.Cookie {
				return &http.Cookie{Name: sessionName, Value: strings.Repeat("A", 5000)}
			},
			want: result{errs: []error{userresolver.ErrNoUser}, text: "the value is too long"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			r := authRequest()
			if c := tt.cookie(t); c != nil {
				r = authRequest(c)
			}

			got, err := userresolver.Session(tt.store(), sessionName).ResolveUser(r)
			tt.want.check(t, got, err)

			var scErr securecookie.Error
			if gotDecode := errors.As(err, &scErr) && scErr.IsDecode(); gotDecode != tt.wantDecodeError {
				t.Errorf("error %v is a securecookie decode error = %t, want %t", err, gotDecode, tt.wantDecodeError)
			}
		})
	}
}

// flipChar returns s with the byte at i replaced by another base64 URL
// alphabet character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestSessionResolveUserFilesystemStore(t *testing.T) {
	t.Parallel()

	values := map[any]any{
		"user_id":   int64(7),
		"group_ids": []string{"editors"},
		"user_info": map[string]any{"name": "Ada"},
	}

	tests := []struct {
		name string
		// damage changes the store's directory or the cookie after login.
		damage func(t *testing.T, dir string, c *http.Cookie)
		want   result
	}{
		{
			name:   "a session saved in a file is read back",
			damage: func(t *testing.T, dir string, c *http.Cookie) {},
			want: result{user: userresolver.User{
				ID:       "7",
				GroupIDs: []string{"editors"},
				Info:     map[string]any{"name": "Ada"},
			}},
		},
		{
			name: "a removed session file means nobody is logged in",
			damage: func(t *testing.T, dir string, c *http.Cookie) {
				t.Helper()
				if err := os.Remove(sessionFile(t, dir)); err != nil {
					t.Fatal(err)
				}
			},
			want: result{errs: []error{userresolver.ErrNoUser, os.ErrNotExist}},
		},
		{
			name: "a tampered cookie means nobody is logged in",
			damage: func(t *testing.T, dir string, c *http.Cookie) {
				c.Value = flipChar(c.Value, len(c.Value)/2)
			},
			want: result{errs: []error{userresolver.ErrNoUser}},
		},
		{
			name: "a tampered session file means nobody is logged in",
			damage: func(t *testing.T, dir string, c *http.Cookie) {
				t.Helper()
				if err := os.WriteFile(sessionFile(t, dir), []byte("garbage"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: result{errs: []error{userresolver.ErrNoUser}},
		},
		{
			name: "a session file that cannot be read is a fault",
			damage: func(t *testing.T, dir string, c *http.Cookie) {
				t.Helper()
				file := sessionFile(t, dir)
				if err := os.Remove(file); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(file, 0o700); err != nil {
					t.Fatal(err)
				}
			},
			want: result{fault: true, text: `reading session "session"`},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			dir := t.TempDir()
			store := sessions.NewFilesystemStore(dir, hashKey, blockKey)
			c := login(t, store, values)
			tt.damage(t, dir, c)

			got, err := userresolver.Session(store, sessionName).ResolveUser(authRequest(c))
			tt.want.check(t, got, err)
		})
	}
}

// sessionFile returns the path of the only session file in dir.
func sessionFile(t *testing.T, dir string) string {
	t.Helper()

	files, err := filepath.Glob(filepath.Join(dir, "session_*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("session files in %s = %q, want exactly one", dir, files)
	}
	return files[0]
}

// stubStore is a sessions.Store whose Get answers with fixed values and
// which fails the test if anything tries to save.
type stubStore struct {
	t       *testing.T
	session *sessions.Session
	err     error
}

func (s *stubStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return s.session, s.err
}

func (s *stubStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return s.session, s.err
}

func (s *stubStore) Save(r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	s.t.Errorf("Save(%q) called, want the resolver never to save", session.Name())
	return nil
}

func TestSessionResolveUserStoreFailures(t *testing.T) {
	t.Parallel()

	errRedisDown := errors.New("redis: connection refused")

	tests := []struct {
		name    string
		session *sessions.Session
		err     error
		want    result
	}{
		{
			name: "a store that cannot reach its backend is a fault that keeps its cause",
			err:  errRedisDown,
			want: result{errs: []error{errRedisDown}, fault: true, text: "connection refused"},
		},
		{
			name: "a store error is a fault even when a session comes with it",
			session: func() *sessions.Session {
				s := sessions.NewSession(nil, sessionName)
				s.Values["user_id"] = "u"
				return s
			}(),
			err:  errRedisDown,
			want: result{errs: []error{errRedisDown}, fault: true},
		},
		{
			name: "a store that returns neither session nor error is a fault",
			want: result{fault: true, text: "store returned no session"},
		},
		{
			name: "a store's missing server-side session means nobody is logged in",
			err:  fmt.Errorf("redisstore: %w", os.ErrNotExist),
			want: result{errs: []error{userresolver.ErrNoUser, os.ErrNotExist}},
		},
		{
			name: "a session from any store is read like a cookie session",
			session: func() *sessions.Session {
				s := sessions.NewSession(nil, sessionName)
				s.Values["user_id"] = uint16(9)
				return s
			}(),
			want: result{user: userresolver.User{ID: "9"}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			store := &stubStore{t: t, session: tt.session, err: tt.err}
			got, err := userresolver.Session(store, sessionName).ResolveUser(authRequest())
			tt.want.check(t, got, err)
		})
	}
}

func TestSessionResolveUserMisconfiguredCodecIsAFault(t *testing.T) {
	t.Parallel()

	// A store without a hash key cannot decode anything: that is the
	// application's mistake, not the visitor's.
	c := login(t, sessions.NewCookieStore(hashKey), map[any]any{"user_id": "u"})
	store := &sessions.CookieStore{
		Codecs:  []securecookie.Codec{securecookie.New(nil, nil)},
		Options: &sessions.Options{Path: "/"},
	}

	got, err := userresolver.Session(store, sessionName).ResolveUser(authRequest(c))
	result{fault: true, text: "hash key is not set"}.check(t, got, err)

	var scErr securecookie.Error
	if !errors.As(err, &scErr) || !scErr.IsUsage() {
		t.Errorf("error %v is a securecookie usage error = false, want true", err)
	}
}

func TestSessionResolveUserLeavesRequestAlone(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		store func(t *testing.T) sessions.Store
	}{
		{
			name:  "with a cookie store",
			store: func(t *testing.T) sessions.Store { return sessions.NewCookieStore(hashKey, blockKey) },
		},
		{
			name: "with a filesystem store",
			store: func(t *testing.T) sessions.Store {
				return sessions.NewFilesystemStore(t.TempDir(), hashKey, blockKey)
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			store := tt.store(t)
			r := authRequest(login(t, store, map[any]any{"user_id": "u"}))
			ctx := r.Context()
			before := *r

			got, err := userresolver.Session(store, sessionName).ResolveUser(r)
			result{user: userresolver.User{ID: "u"}}.check(t, got, err)

			if r.Context() != ctx {
				t.Errorf("r.Context() changed by ResolveUser, want it unchanged")
			}
			if r.Method != before.Method || r.URL != before.URL || r.Body != before.Body {
				t.Errorf("request fields changed by ResolveUser, want them unchanged")
			}

			// A registry in the original request would make a second store
			// decode the cookie from the cache; a fresh one must see the
			// cookie through its own codecs and fail.
			other := sessions.NewCookieStore(otherHashKey)
			if _, err := other.Get(r, sessionName); err == nil {
				t.Errorf("another store decoded the cookie, want a decode error")
			}
		})
	}
}

func TestSessionResolveUserReusesTheApplicationsSession(t *testing.T) {
	t.Parallel()

	store := sessions.NewCookieStore(hashKey)
	r := authRequest(login(t, store, map[any]any{"user_id": "before"}))

	// The application loaded the session earlier in this request and changed
	// it without saving yet.
	session, err := store.Get(r, sessionName)
	if err != nil {
		t.Fatalf("store.Get() error = %v, want nil", err)
	}
	session.Values["user_id"] = "after"

	got, err := userresolver.Session(store, sessionName).ResolveUser(r)
	result{user: userresolver.User{ID: "after"}}.check(t, got, err)
}

func TestSessionResolveUserConcurrently(t *testing.T) {
	t.Parallel()

	store := sessions.NewFilesystemStore(t.TempDir(), hashKey, blockKey)
	users := userresolver.Session(store, sessionName)
	c := login(t, store, map[any]any{"user_id": "u", "group_ids": []any{"g"}})

	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			got, err := users.ResolveUser(authRequest(c))
			if err != nil {
				errs <- err
				return
			}
			if got.ID != "u" || len(got.GroupIDs) != 1 || got.GroupIDs[0] != "g" {
				errs <- fmt.Errorf("got %#v, want user u in group g", got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSessionPanicsOnBadConfiguration(t *testing.T) {
	t.Parallel()

	store := sessions.NewCookieStore(hashKey)
	tests := []struct {
		name     string
		build    func()
		wantText string
	}{
		{
			name:     "a nil store",
			build:    func() { userresolver.Session(nil, sessionName) },
			wantText: "userresolver: Session: nil store",
		},
		{
			name:     "an empty session name",
			build:    func() { userresolver.Session(store, "") },
			wantText: `invalid session name ""`,
		},
		{
			name:     "a session name that is not a cookie name",
			build:    func() { userresolver.Session(store, "my session") },
			wantText: `invalid session name "my session"`,
		},
		{
			name:     "a nil user ID key",
			build:    func() { userresolver.WithUserIDKey(nil) },
			wantText: "userresolver: WithUserIDKey: nil key",
		},
		{
			name:     "a group IDs key that is not comparable",
			build:    func() { userresolver.WithGroupIDsKey([]string{"k"}) },
			wantText: "userresolver: WithGroupIDsKey: key of type []string is not comparable",
		},
		{
			name:     "an info key that is not comparable",
			build:    func() { userresolver.WithInfoKey(map[string]int{}) },
			wantText: "userresolver: WithInfoKey: key of type map[string]int is not comparable",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mustPanic(t, tt.wantText, tt.build)
		})
	}
}
