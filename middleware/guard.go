package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// Codes the room guard adds to the error contract.
const (
	CodeInvalidToken = "invalid_token"
)

// TokenVerifier checks a raw token and returns its claims. [token.Verifier]
// implements it. An error matching [token.ErrKeysUnavailable] (the keys
// could not be fetched) makes the guard answer 503 rather than 401.
type TokenVerifier interface {
	Verify(ctx context.Context, raw string) (*token.Claims, error)
}

// RoomStore tells the room guard what a room's accesses are.
//
// RoomAccesses returns the accesses of roomID, an error matching
// [ErrRoomNotFound] when there is no such room, or any other error when it
// cannot tell (a database that is down). It must be safe for concurrent
// use.
type RoomStore interface {
	RoomAccesses(ctx context.Context, roomID string) (permission.Accesses, error)
}

// ErrRoomNotFound is returned by a [RoomStore] for a room it does not know.
// The guard refuses ID tokens for such rooms, as the Liveblocks servers do.
var ErrRoomNotFound = errors.New("middleware: room not found")

// MemoryRooms is a [RoomStore] held in memory. The zero value is an empty
// store ready to use; it is safe for concurrent use.
type MemoryRooms struct {
	mu    sync.RWMutex
	rooms map[string]permission.Accesses
}

// Set creates or replaces the accesses of roomID. They are checked with
// [permission.Accesses.Validate] and copied.
func (m *MemoryRooms) Set(roomID string, a permission.Accesses) error {
	if err := permission.ValidateRoomID(roomID); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a = a.Clone()

	m.mu.Lock()
	defer m.mu.Unlock()

	if m.rooms == nil {
		m.rooms = make(map[string]permission.Accesses)
	}
	m.rooms[roomID] = a
	return nil
}

// Delete removes roomID; users can no longer enter it with ID tokens.
func (m *MemoryRooms) Delete(roomID string) {
	m.mu.Lock()
	defer m.mu.Unlock()

	delete(m.rooms, roomID)
}

// RoomAccesses returns a copy of the accesses of roomID, or an error
// matching [ErrRoomNotFound].
func (m *MemoryRooms) RoomAccesses(_ context.Context, roomID string) (permission.Accesses, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()

	a, ok := m.rooms[roomID]
	if !ok {
		return permission.Accesses{}, fmt.Errorf("%w: %q", ErrRoomNotFound, roomID)
	}
	return a.Clone(), nil
}

// Admission is what the room guard hands the next handler: who entered
// which room, and what they may do there.
type Admission struct {
	// Room is the room ID from the roomId query parameter.
	Room string

	// Claims are the verified token's claims: the user's ID, groups (ID
	// tokens), profile and permissions (access tokens).
	Claims *token.Claims

	// Levels are what the user may do in the room, per feature.
	Levels permission.Levels
}

// CanWrite reports whether the user may change the room's storage, which
// is what the Liveblocks client calls canWrite.
func (a Admission) CanWrite() bool {
	return a.Levels.Storage == permission.LevelWrite
}

type admissionKey struct{}

// AdmissionFromContext returns the [Admission] that [RoomGuard] put in the
// request's context, and false outside a guarded handler.
func AdmissionFromContext(ctx context.Context) (Admission, bool) {
	a, ok := ctx.Value(admissionKey{}).(Admission)
	return a, ok
}

// A GuardOption configures [RoomGuard].
type GuardOption func(*guard)

// WithGuardLogger sets the guard's logger (default [slog.Default]).
// Refusals are logged at debug level, faults at error level; tokens are
// never logged.
func WithGuardLogger(logger *slog.Logger) GuardOption {
	return func(g *guard) { g.logger = logger }
}

// WithGuardErrorHandler sets the function that writes the guard's failures,
// as [WithErrorHandler] does for the endpoint. The default is [WriteError].
func WithGuardErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) GuardOption {
	return func(g *guard) { g.errorHandler = h }
}

type guard struct {
	verifier     TokenVerifier
	rooms        RoomStore
	logger       *slog.Logger
	errorHandler func(http.ResponseWriter, *http.Request, error)
	next         http.Handler
}

// RoomGuard returns middleware for a self-hosted realtime server: it admits
// a request to a room only with a valid token that lets its user in, the
// way the Liveblocks servers admit a WebSocket connection.
//
// The room is the roomId query parameter. The token is the tok query
// parameter (what the Liveblocks client sends on its socket URL) or an
// Authorization: Bearer header. The guard verifies the token with v, then
// works out the user's levels in the room: for an ID token, from the room's
// accesses in rooms with [permission.Effective] (a room rooms does not know
// refuses every ID token); for an access token, from its own grants with
// the server's rule, [permission.Grants.Select]. It answers, in the
// endpoint's JSON error contract:
//
//	400 bad_request      no roomId or an invalid one; roomId or tok given
//	                     twice; two different tokens in the query and header
//	401 invalid_token    no token, or one that does not verify
//	403 not_allowed      the user may not enter the room
//	500 internal         rooms failed
//	503 upstream_unavailable  the verifier could not get its keys in time
//
// Otherwise it calls next with an [Admission] in the request's context
// (see [AdmissionFromContext]). next decides what read-only users may not
// do; the guard only decides who enters.
//
// Tokens in URLs end up in access logs: keep them short-lived, and do not
// log request URLs of guarded routes. RoomGuard panics if v or rooms is
// nil.
func RoomGuard(v TokenVerifier, rooms RoomStore, opts ...GuardOption) func(http.Handler) http.Handler {
	if v == nil || rooms == nil {
		panic("middleware: RoomGuard needs a verifier and a room store")
	}
	base := guard{verifier: v, rooms: rooms, logger: slog.Default(), errorHandler: WriteError}
	for _, opt := range opts {
		opt(&base)
	}
	return func(next http.Handler) http.Handler {
		g := base
		g.next = next
		return &g
	}
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")

	// A parameter given twice is refused: a handler behind the guard that
	// reads the other copy would serve a room the guard never checked.
	query := r.URL.Query()
	if len(query["roomId"]) > 1 || len(query["tok"]) > 1 {
		g.fail(w, r, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: "The roomId and tok query parameters may each appear once."})
		return
	}
	room := query.Get("roomId")
	if err := permission.ValidateRoomID(room); err != nil {
		g.fail(w, r, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: "The roomId query parameter must name a room of 1 to 128 characters.", Err: err})
		return
	}

	raw, ambiguous := requestToken(r, query)
	if ambiguous {
		g.fail(w, r, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: "Send the token once: as the tok query parameter or as a Bearer authorization, not two different ones."})
		return
	}
	if raw == "" {
		g.fail(w, r, &Error{Status: http.StatusUnauthorized, Code: CodeInvalidToken, Reason: "A token is required, as the tok query parameter or a Bearer authorization."})
		return
	}
	claims, err := g.verifier.Verify(r.Context(), raw)
	if err == nil && claims == nil {
		err = errors.New("verifier returned no claims and no error")
	}
	if err != nil {
		if errors.Is(err, token.ErrKeysUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			g.fail(w, r, &Error{Status: http.StatusServiceUnavailable, Code: CodeUpstreamUnavailable, Reason: "The token's keys could not be fetched in time; try again later.", Err: err})
			return
		}
		g.fail(w, r, &Error{Status: http.StatusUnauthorized, Code: CodeInvalidToken, Reason: "The token is invalid or expired.", Err: err})
		return
	}

	levels, err := g.levels(r.Context(), claims, room)
	if err != nil {
		g.fail(w, r, &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Reason: "The server failed to read the room's permissions; see the server logs.", Err: err})
		return
	}
	if !levels.CanEnter() {
		g.fail(w, r, &Error{Status: http.StatusForbidden, Code: CodeNotAllowed, Reason: "You have no access to this room."})
		return
	}

	ctx := context.WithValue(r.Context(), admissionKey{}, Admission{Room: room, Claims: claims, Levels: levels})
	g.next.ServeHTTP(w, r.WithContext(ctx))
}

// levels works out what the token's user may do in room. A room the store
// does not know gives no levels and no error.
func (g *guard) levels(ctx context.Context, c *token.Claims, room string) (permission.Levels, error) {
	if c.Kind == token.KindAccess {
		_, scopes, ok := c.Permissions.Select(room)
		if !ok {
			return permission.Levels{}, nil
		}
		// A token may carry scopes newer than this code; they count for
		// nothing rather than voiding the known ones.
		known := scopes[:0]
		for _, s := range scopes {
			if s.Known() {
				known = append(known, s)
			}
		}
		levels, err := permission.Resolve(known)
		if err != nil {
			return permission.Levels{}, nil
		}
		return levels, nil
	}

	accesses, err := g.rooms.RoomAccesses(ctx, room)
	if errors.Is(err, ErrRoomNotFound) {
		return permission.Levels{}, nil
	}
	if err != nil {
		return permission.Levels{}, err
	}
	return permission.Effective(accesses, c.UserID, c.GroupIDs).Levels, nil
}

// requestToken returns the token from the tok query parameter or from an
// Authorization: Bearer header, and reports whether the request carries
// two different tokens.
func requestToken(r *http.Request, query url.Values) (tok string, ambiguous bool) {
	fromQuery := query.Get("tok")
	var fromHeader string
	scheme, rest, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		fromHeader = strings.TrimSpace(rest)
	}
	switch {
	case fromQuery == "":
		return fromHeader, false
	case fromHeader == "" || fromHeader == fromQuery:
		return fromQuery, false
	default:
		return "", true
	}
}

func (g *guard) fail(w http.ResponseWriter, r *http.Request, e *Error) {
	report(g.logger, g.errorHandler, w, r, e, "liveauth: room guard refused")
}
