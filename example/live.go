package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/permission"
)

// Routes of the live demo room, served in local mode only. Each is behind
// middleware.RoomGuard: the room is the roomId query parameter, the token
// the tok query parameter or an Authorization: Bearer header.
const (
	// roomStreamPath streams the room's presence list and counter as
	// Server-Sent Events (GET).
	roomStreamPath = "/rooms/stream"

	// roomCounterPath adds one to the room's counter (POST), for users
	// who may write.
	roomCounterPath = "/rooms/counter"

	// roomAdmissionPath answers what the guard decided (GET), so that the
	// page can show a refusal: an EventSource sees only that its request
	// failed, never the status or the body.
	roomAdmissionPath = "/rooms/admission"
)

// jwksPath is where the local signer's public keys are published.
const jwksPath = "/.well-known/jwks.json"

// Limits and timings of the live rooms.
const (
	// defaultMaxSubscribers is the most streams one room serves at once.
	defaultMaxSubscribers = 32

	// defaultKeepalive is how often an idle stream gets a comment line,
	// so that proxies and the browser see it alive.
	defaultKeepalive = 15 * time.Second

	// streamWriteTimeout bounds each write to a stream: a client that
	// stops reading is dropped after it.
	streamWriteTimeout = 10 * time.Second

	// streamRetry is the reconnection delay a stream asks the browser to
	// use (the "retry" field of Server-Sent Events).
	streamRetry = 2 * time.Second
)

// Codes that the live rooms add to the error contract.
const (
	// codeReadOnly refuses a write from a user whose access to the room
	// is read-only (403).
	codeReadOnly = "read_only"

	// codeRoomFull refuses a stream to a room that already serves the
	// most it may (503).
	codeRoomFull = "room_full"

	// codeShuttingDown refuses a stream while the server stops (503).
	codeShuttingDown = "shutting_down"

	// codeNoLiveRoom refuses a room that the guard admitted but that is
	// not one of the live rooms (404); with ID tokens from the example's
	// own signer it cannot happen.
	codeNoLiveRoom = "no_live_room"
)

// liveRooms is the state of the demo rooms that the example serves itself
// in local mode: who is connected to each room, and each room's shared
// counter. It pushes every change to the room's subscribers. The set of
// rooms is fixed when it is made, and each room serves at most
// maxSubscribers streams, so its size is bounded.
//
// It is safe for concurrent use.
type liveRooms struct {
	maxSubscribers int
	keepalive      time.Duration
	logger         *slog.Logger

	// done is closed by close: every stream then ends.
	done      chan struct{}
	closeOnce sync.Once

	mu     sync.Mutex
	rooms  map[string]*liveRoom
	closed bool
	lastID uint64 // the last connection ID given out
}

// liveRoom is one room's state. Its fields are guarded by liveRooms.mu.
type liveRoom struct {
	// subs are the room's streams, in the order they joined.
	subs []*subscriber

	counter int64

	// version counts the room's changes, so that a stream skips a state
	// it has already sent.
	version uint64
}

// subscriber is one open stream.
type subscriber struct {
	connID uint64
	room   string
	member member

	// notify holds a signal when the room changed since the stream last
	// read its state. Its capacity of one coalesces changes, so that a
	// slow stream never blocks the others.
	notify chan struct{}
}

// member is one user in a room's presence list, as the page shows it. A
// user connected more than once is listed once.
type member struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Avatar   string `json:"avatar,omitempty"`
	Color    string `json:"color,omitempty"`
	CanWrite bool   `json:"canWrite"`

	// Connections is how many streams the user has open in the room.
	Connections int `json:"connections"`
}

// roomState is what a stream sends on every change: the "room" event.
type roomState struct {
	Room    string   `json:"room"`
	Counter int64    `json:"counter"`
	Users   []member `json:"users"`

	version uint64
}

// admissionView is what the guard let a user do in a room: the body of
// GET roomAdmissionPath and the "hello" event of a stream.
type admissionView struct {
	Room string `json:"room"`

	// ConnectionID is the stream's ID ("hello" event only).
	ConnectionID uint64 `json:"connectionId,omitempty"`

	User     member            `json:"user"`
	CanWrite bool              `json:"canWrite"`
	Levels   permission.Levels `json:"levels"`
}

// newLiveRooms returns the live rooms with the given IDs, each empty with
// its counter at zero. A maxSubscribers or keepalive of zero or less takes
// the default.
func newLiveRooms(ids []string, maxSubscribers int, keepalive time.Duration, logger *slog.Logger) *liveRooms {
	if maxSubscribers <= 0 {
		maxSubscribers = defaultMaxSubscribers
	}
	if keepalive <= 0 {
		keepalive = defaultKeepalive
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &liveRooms{
		maxSubscribers: maxSubscribers,
		keepalive:      keepalive,
		logger:         logger,
		done:           make(chan struct{}),
		rooms:          make(map[string]*liveRoom, len(ids)),
	}
	for _, id := range ids {
		l.rooms[id] = &liveRoom{}
	}
	return l
}

// memberOf returns the user that adm admitted, as the presence list shows
// them: the name, avatar and color come from the token's user info, the
// name falling back to the user ID.
func memberOf(adm middleware.Admission) member {
	m := member{ID: adm.Claims.UserID, Name: adm.Claims.UserID, CanWrite: adm.CanWrite()}
	info := adm.Claims.UserInfo
	if s, ok := info["name"].(string); ok && s != "" {
		m.Name = s
	}
	if s, ok := info["avatar"].(string); ok {
		m.Avatar = s
	}
	if s, ok := info["color"].(string); ok {
		m.Color = s
	}
	return m
}

// newAdmissionView describes adm for the page.
func newAdmissionView(adm middleware.Admission) admissionView {
	return admissionView{
		Room:     adm.Room,
		User:     memberOf(adm),
		CanWrite: adm.CanWrite(),
		Levels:   adm.Levels,
	}
}

// liveError returns the error of the live rooms with the given status,
// code and reason, as the error contract writes it.
func liveError(status int, code, reason string) *middleware.Error {
	return &middleware.Error{Status: status, Code: code, Reason: reason}
}

// join adds a stream for the user adm admitted, and tells the room's other
// streams. It fails with a *middleware.Error when the room is full, is not
// a live room, or the rooms are closed.
func (l *liveRooms) join(adm middleware.Admission) (*subscriber, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.closed {
		return nil, liveError(http.StatusServiceUnavailable, codeShuttingDown,
			"The server is shutting down; try again later.")
	}
	room, ok := l.rooms[adm.Room]
	if !ok {
		return nil, liveError(http.StatusNotFound, codeNoLiveRoom,
			"This room is not one of the example's live rooms.")
	}
	if len(room.subs) >= l.maxSubscribers {
		return nil, liveError(http.StatusServiceUnavailable, codeRoomFull,
			fmt.Sprintf("The room already has %d connections, the most it serves; try again later.",
				l.maxSubscribers))
	}
	l.lastID++
	s := &subscriber{
		connID: l.lastID,
		room:   adm.Room,
		member: memberOf(adm),
		notify: make(chan struct{}, 1),
	}
	room.subs = append(room.subs, s)
	room.changed()
	return s, nil
}

// leave removes the stream s and tells the room's other streams. Leaving
// twice does nothing.
func (l *liveRooms) leave(s *subscriber) {
	l.mu.Lock()
	defer l.mu.Unlock()

	room := l.rooms[s.room]
	for i, sub := range room.subs {
		if sub == s {
			room.subs = append(room.subs[:i], room.subs[i+1:]...)
			room.changed()
			return
		}
	}
}

// increment adds one to the counter of roomID, tells the room's streams,
// and returns the new value.
func (l *liveRooms) increment(roomID string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	room, ok := l.rooms[roomID]
	if !ok {
		return 0, liveError(http.StatusNotFound, codeNoLiveRoom,
			"This room is not one of the example's live rooms.")
	}
	room.counter++
	room.changed()
	return room.counter, nil
}

// changed records a change of the room and signals each of its streams
// without waiting. The caller holds liveRooms.mu.
func (r *liveRoom) changed() {
	r.version++
	for _, s := range r.subs {
		select {
		case s.notify <- struct{}{}:
		default: // a signal is already pending
		}
	}
}

// state returns the current state of roomID: its counter and its users,
// each listed once in the order they first joined.
func (l *liveRooms) state(roomID string) roomState {
	l.mu.Lock()
	defer l.mu.Unlock()

	room := l.rooms[roomID]
	st := roomState{Room: roomID, Counter: room.counter, Users: []member{}, version: room.version}
	at := make(map[string]int, len(room.subs))
	for _, s := range room.subs {
		if i, ok := at[s.member.ID]; ok {
			st.Users[i].Connections++
			continue
		}
		m := s.member
		m.Connections = 1
		at[m.ID] = len(st.Users)
		st.Users = append(st.Users, m)
	}
	return st
}

// subscribers returns the number of streams open in roomID, zero for a
// room that is not live.
func (l *liveRooms) subscribers(roomID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()

	room, ok := l.rooms[roomID]
	if !ok {
		return 0
	}
	return len(room.subs)
}

// close ends every stream and refuses new ones. It returns at once,
// without waiting for the streams to end; it is safe to call more than
// once. Register it with http.Server.RegisterOnShutdown, so that
// Shutdown does not wait for streams that never end by themselves.
func (l *liveRooms) close() {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		close(l.done)
	})
}

// admission returns the Admission that the guard put in r's context. A
// route mounted without the guard is a programming error, answered 500.
func admission(w http.ResponseWriter, r *http.Request) (middleware.Admission, bool) {
	adm, ok := middleware.AdmissionFromContext(r.Context())
	if !ok {
		middleware.WriteError(w, r, errors.New("example: live room route without the room guard"))
	}
	return adm, ok
}

// serveAdmission answers GET roomAdmissionPath with what the guard let
// the user do in the room, as JSON.
func (l *liveRooms) serveAdmission(w http.ResponseWriter, r *http.Request) {
	adm, ok := admission(w, r)
	if !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, newAdmissionView(adm))
}

// serveCounter answers POST roomCounterPath: it adds one to the room's
// counter and answers {"counter": n} if the user may write to the room's
// storage, and 403 read_only in the error contract otherwise.
func (l *liveRooms) serveCounter(w http.ResponseWriter, r *http.Request) {
	adm, ok := admission(w, r)
	if !ok {
		return
	}
	if !adm.CanWrite() {
		middleware.WriteError(w, r, liveError(http.StatusForbidden, codeReadOnly,
			"Your access to this room is read-only: you may not change its storage."))
		return
	}
	n, err := l.increment(adm.Room)
	if err != nil {
		middleware.WriteError(w, r, err)
		return
	}
	l.logger.Info("counter changed", "room", adm.Room, "user", adm.Claims.UserID, "counter", n)
	writeJSON(w, r, http.StatusOK, map[string]int64{"counter": n})
}

// serveStream answers GET roomStreamPath with a stream of Server-Sent
// Events: a "hello" event describing the user's admission, then a "room"
// event (roomState) at once and on every change of the room, and a comment
// line every keepalive interval while nothing changes. The user is in the
// room's presence list while the stream is open. The stream ends when the
// client goes away, a write fails or times out (streamWriteTimeout), or the
// rooms are closed.
//
// The stream outlives the server's timeouts: net/http lifts the read
// deadline once the request is read, and each write here sets its own
// write deadline, replacing the server's WriteTimeout. A writer without
// deadlines (httptest.ResponseRecorder) ignores them.
func (l *liveRooms) serveStream(w http.ResponseWriter, r *http.Request) {
	adm, ok := admission(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	s, err := l.join(adm)
	if err != nil {
		var e *middleware.Error
		if errors.As(err, &e) && e.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", strconv.Itoa(int(streamRetry.Seconds())))
		}
		middleware.WriteError(w, r, err)
		return
	}
	defer l.leave(s)
	l.logger.Info("joined the room", "room", s.room, "user", s.member.ID, "conn", s.connID)
	defer l.logger.Info("left the room", "room", s.room, "user", s.member.ID, "conn", s.connID)

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // no buffering proxy in between
	w.WriteHeader(http.StatusOK)

	// send writes one chunk within streamWriteTimeout and flushes it.
	send := func(chunk []byte) error {
		rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		return rc.Flush()
	}

	hello := newAdmissionView(adm)
	hello.ConnectionID = s.connID
	st := l.state(s.room)
	first := fmt.Appendf(nil, "retry: %d\n\n", streamRetry.Milliseconds())
	first = appendEvent(first, "hello", hello)
	first = appendEvent(first, "room", st)
	if err := send(first); err != nil {
		return
	}
	sent := st.version

	keepalive := time.NewTicker(l.keepalive)
	defer keepalive.Stop()
	for {
		var chunk []byte
		select {
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		case <-s.notify:
			st := l.state(s.room)
			if st.version == sent {
				continue
			}
			sent = st.version
			chunk = appendEvent(nil, "room", st)
		case <-keepalive.C:
			chunk = []byte(": keepalive\n\n")
		}
		if err := send(chunk); err != nil {
			l.logger.Debug("stream write failed", "room", s.room, "conn", s.connID, "err", err)
			return
		}
	}
}

// appendEvent appends a Server-Sent Event named event whose data is v as
// JSON, which holds no newline, to b.
func appendEvent(b []byte, event string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte("null") // the types sent here always encode
	}
	b = fmt.Appendf(b, "event: %s\ndata: ", event)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// writeJSON answers r with status and v as JSON. Should v not encode, it
// answers 500 in the error contract.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		middleware.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// onlyMethod answers requests whose method is not method with 405 in the
// error contract, with an Allow header, before they reach h (and the
// guard, which would otherwise answer them first).
func onlyMethod(method string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			middleware.WriteError(w, r, liveError(http.StatusMethodNotAllowed, middleware.CodeMethodNotAllowed,
				"This route only accepts "+method+" requests."))
			return
		}
		h.ServeHTTP(w, r)
	})
}
