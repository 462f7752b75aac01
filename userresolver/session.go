package userresolver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// Default session value keys used by [Session] unless an option replaces them.
const (
	// DefaultUserIDKey is the session value key holding the user ID.
	DefaultUserIDKey = "user_id"

	// DefaultGroupIDsKey is the session value key holding the group IDs.
	DefaultGroupIDsKey = "group_ids"

	// DefaultInfoKey is the session value key holding the user's public
	// profile.
	DefaultInfoKey = "user_info"
)

// SessionOption configures a [SessionResolver] built by [Session].
type SessionOption func(*sessionConfig)

// sessionConfig is what the options of [Session] act on.
type sessionConfig struct {
	userIDKey   any
	groupIDsKey any
	infoKey     any
	lookup      func(ctx context.Context, userID string) (User, error)
}

// WithUserIDKey sets the session value key that holds the user ID. The
// default is [DefaultUserIDKey].
//
// WithUserIDKey panics if key is nil or not comparable, because such a key can
// never be found in a session.
func WithUserIDKey(key any) SessionOption {
	mustBeKey("WithUserIDKey", key)
	return func(c *sessionConfig) { c.userIDKey = key }
}

// WithGroupIDsKey sets the session value key that holds the user's group IDs.
// The default is [DefaultGroupIDsKey]. It has no effect when [WithLookup] is
// used.
//
// WithGroupIDsKey panics if key is nil or not comparable.
func WithGroupIDsKey(key any) SessionOption {
	mustBeKey("WithGroupIDsKey", key)
	return func(c *sessionConfig) { c.groupIDsKey = key }
}

// WithInfoKey sets the session value key that holds the user's public
// profile. The default is [DefaultInfoKey]. It has no effect when
// [WithLookup] is used.
//
// WithInfoKey panics if key is nil or not comparable.
func WithInfoKey(key any) SessionOption {
	mustBeKey("WithInfoKey", key)
	return func(c *sessionConfig) { c.infoKey = key }
}

// WithLookup makes the resolver load the user from the application's own
// records, typically a database, by the ID found in the session. The lookup
// is called with the request's context and must be safe for concurrent use.
//
// The lookup's [User] is used as it is, except that an empty ID is replaced
// by the session's user ID. The session's group IDs and profile are then not
// read at all: the application's records are the only source, so stale values
// left in a session cannot grant groups.
//
// A lookup error matching [ErrNoUser] (for example, the user was deleted)
// makes the resolver report [ErrNoUser]; one matching [ErrForbidden] makes it
// report [ErrForbidden]; any other error is a fault. In every case the
// resolver's error wraps the lookup's, so errors.Is and errors.As still find
// the cause. A nil lookup removes a previously set one.
func WithLookup(lookup func(ctx context.Context, userID string) (User, error)) SessionOption {
	return func(c *sessionConfig) { c.lookup = lookup }
}

// mustBeKey panics unless key can be used to index a session's values.
func mustBeKey(option string, key any) {
	if key == nil {
		panic("userresolver: " + option + ": nil key")
	}
	if !reflect.TypeOf(key).Comparable() {
		panic(fmt.Sprintf("userresolver: %s: key of type %T is not comparable", option, key))
	}
}

// SessionResolver is a [UserResolver] that reads the logged-in user from a
// gorilla/sessions session. Build one with [Session]. It is immutable and
// safe for concurrent use.
type SessionResolver struct {
	store sessions.Store
	name  string
	cfg   sessionConfig
}

// Session returns a resolver that reads the user from the session called name
// in store. It works with any [sessions.Store]: cookie, filesystem,
// Redis-backed or other.
//
// The session holds the user ID under [DefaultUserIDKey] (see
// [WithUserIDKey]) as a string or as any integer type, formatted in base 10.
// Unless [WithLookup] is used, the session may also hold:
//
//   - group IDs under [DefaultGroupIDsKey] (see [WithGroupIDsKey]), as a
//     []string or a []any of strings;
//   - the public profile under [DefaultInfoKey] (see [WithInfoKey]), as a
//     map[string]any or as a string or []byte holding a JSON object (JSON
//     null means no profile; JSON numbers become [json.Number] so they are
//     re-encoded exactly).
//
// Stores that serialise values with encoding/gob, which includes
// [sessions.CookieStore] and [sessions.FilesystemStore], can only hold a
// map[string]any, or a named integer or string type, once the application
// has called gob.Register with a value of that type, for example
// gob.Register(map[string]any{}) at start-up. []string, []any and the
// built-in integer types need no registration.
//
// ResolveUser reports [ErrNoUser] when the request has no session cookie,
// when the cookie fails to decode (tampered with, signed or encrypted with
// keys that have since been rotated out, or older than the codecs' MaxAge),
// when a server-side session has gone (a [sessions.FilesystemStore] file was
// removed), when the session holds no user ID or an empty one, and when the
// lookup reports the user gone. A value of the wrong type or a malformed
// one, and any other store error (a Redis server that is down), are faults.
//
// ResolveUser never modifies the request: gorilla/sessions stores record the
// sessions they load by replacing *r, so the store is given a shallow copy of
// r instead. If the application already loaded the session earlier in the
// same request (through sessions.GetRegistry on that request), the store
// returns that same session, unsaved changes included. ResolveUser never
// saves the session and never sets a cookie.
//
// Session panics if store is nil or if name is not a valid cookie name.
func Session(store sessions.Store, name string, opts ...SessionOption) *SessionResolver {
	if store == nil {
		panic("userresolver: Session: nil store")
	}
	if err := (&http.Cookie{Name: name}).Valid(); err != nil {
		panic(fmt.Sprintf("userresolver: Session: invalid session name %q: %v", name, err))
	}

	cfg := sessionConfig{
		userIDKey:   DefaultUserIDKey,
		groupIDsKey: DefaultGroupIDsKey,
		infoKey:     DefaultInfoKey,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}

	return &SessionResolver{store: store, name: name, cfg: cfg}
}

// ResolveUser returns the user named by the request's session. See [Session]
// for which errors it returns and when.
func (s *SessionResolver) ResolveUser(r *http.Request) (User, error) {
	// The registry of gorilla/sessions overwrites *r with a request that
	// carries it; let it overwrite a copy so the caller's request is unchanged.
	session, err := s.store.Get(r.WithContext(r.Context()), s.name)

	// CookieStore returns a fresh session together with a decode error, so
	// look at the error before the session.
	if err != nil {
		if undecodable(err) {
			return User{}, fmt.Errorf("%w: session %q cannot be decoded: %w",
				ErrNoUser, s.name, err)
		}
		return User{}, fmt.Errorf("userresolver: reading session %q: %w", s.name, err)
	}
	if session == nil {
		return User{}, fmt.Errorf("userresolver: store returned no session %q and no error", s.name)
	}

	id, err := s.userID(session.Values)
	if err != nil {
		return User{}, err
	}

	if s.cfg.lookup != nil {
		return s.lookUp(r.Context(), id)
	}

	groupIDs, err := s.groupIDs(session.Values)
	if err != nil {
		return User{}, err
	}
	info, err := s.info(session.Values)
	if err != nil {
		return User{}, err
	}
	return User{ID: id, GroupIDs: groupIDs, Info: info}, nil
}

// lookUp loads the user with the given ID through the configured lookup.
func (s *SessionResolver) lookUp(ctx context.Context, id string) (User, error) {
	u, err := s.cfg.lookup(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("userresolver: looking up user %q: %w", id, err)
	}
	if u.ID == "" {
		u.ID = id
	}
	return u, nil
}

// userID returns the session's user ID as a string.
func (s *SessionResolver) userID(values map[any]any) (string, error) {
	v := values[s.cfg.userIDKey]
	if v == nil {
		return "", fmt.Errorf("%w: session %q has no user ID under key %#v",
			ErrNoUser, s.name, s.cfg.userIDKey)
	}

	var id string
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.String:
		id = rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		id = strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		id = strconv.FormatUint(rv.Uint(), 10)
	default:
		return "", s.errorf("user ID under key %#v has type %T, want a string or an integer",
			s.cfg.userIDKey, v)
	}

	if id == "" {
		return "", fmt.Errorf("%w: session %q has an empty user ID under key %#v",
			ErrNoUser, s.name, s.cfg.userIDKey)
	}
	return id, nil
}

// groupIDs returns a copy of the session's group IDs, or nil if there are
// none.
func (s *SessionResolver) groupIDs(values map[any]any) ([]string, error) {
	var ids []string
	switch v := values[s.cfg.groupIDsKey].(type) {
	case nil:
		return nil, nil
	case []string:
		ids = slices.Clone(v)
	case []any:
		ids = make([]string, len(v))
		for i, g := range v {
			id, ok := g.(string)
			if !ok {
				return nil, s.errorf("group ID %d under key %#v has type %T, want string",
					i, s.cfg.groupIDsKey, g)
			}
			ids[i] = id
		}
	default:
		return nil, s.errorf("group IDs under key %#v have type %T, want []string",
			s.cfg.groupIDsKey, v)
	}

	if i := slices.Index(ids, ""); i >= 0 {
		return nil, s.errorf("group ID %d under key %#v is empty", i, s.cfg.groupIDsKey)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

// info returns the session's public profile, or nil if there is none. A map
// is copied, so changing the result does not change the session.
func (s *SessionResolver) info(values map[any]any) (map[string]any, error) {
	switch v := values[s.cfg.infoKey].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return maps.Clone(v), nil
	case string:
		return s.decodeInfo([]byte(v))
	case []byte:
		return s.decodeInfo(v)
	default:
		return nil, s.errorf("user info under key %#v has type %T, want map[string]any or a JSON object",
			s.cfg.infoKey, v)
	}
}

// decodeInfo decodes a profile held as JSON. The document must be a single
// object or null.
func (s *SessionResolver) decodeInfo(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	var info map[string]any
	if err := dec.Decode(&info); err != nil {
		return nil, s.errorf("user info under key %#v is not a JSON object: %w", s.cfg.infoKey, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, s.errorf("user info under key %#v has data after its JSON object", s.cfg.infoKey)
	}
	return info, nil
}

// errorf returns a fault error about the session's values, prefixed with the
// package and the session name.
func (s *SessionResolver) errorf(format string, args ...any) error {
	return fmt.Errorf("userresolver: session %q: "+format, append([]any{s.name}, args...)...)
}

// valueTooLong starts the message of the error securecookie returns when a
// cookie value exceeds the codec's maximum length. That error is built with
// fmt.Errorf("%s") and so implements neither securecookie.Error nor Unwrap;
// its text is the only way to recognise it.
const valueTooLong = "securecookie: the value is too long"

// undecodable reports whether err, returned by a store's Get, means that the
// request's session cannot be read back (a bad, foreign, expired or
// over-long cookie, or a server-side session that no longer exists) rather
// than that the store failed.
func undecodable(err error) bool {
	if errors.Is(err, os.ErrNotExist) {
		return true
	}

	// securecookie.DecodeMulti returns one error per codec tried, and one
	// undecodable answer is enough: the other codecs just hold other keys.
	var multi securecookie.MultiError
	if errors.As(err, &multi) {
		return slices.ContainsFunc(multi, func(e error) bool {
			return e != nil && undecodable(e)
		})
	}

	var scErr securecookie.Error
	if errors.As(err, &scErr) {
		return scErr.IsDecode()
	}
	return strings.HasPrefix(err.Error(), valueTooLong)
}
