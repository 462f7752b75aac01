package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// handler is the endpoint. It is immutable once built.
type handler struct {
	resolver     userresolver.UserResolver
	issuer       token.Issuer
	policy       Policy
	logger       *slog.Logger
	maxBody      int64
	readTimeout  time.Duration
	origins      map[string]bool
	cop          *http.CrossOriginProtection
	errorHandler func(http.ResponseWriter, *http.Request, error)
}

// Handler returns the authentication endpoint: an http.Handler that answers
// POST requests of the Liveblocks client with a token for the user that
// resolver finds. Mount it at the client's authEndpoint, for example
//
//	mux.Handle("/api/liveblocks-auth", middleware.Handler(users, middleware.WithIssuer(lb)))
//
// Mount it without a method in the pattern: it checks the method itself, so
// that other methods get the JSON error contract and CORS preflight
// requests reach it (a "POST /path" pattern would answer both with the
// router's own plain-text 405).
//
// For each request it checks the method, the origin, the body's size and
// type, and parses the body; then it puts the [AuthRequest] into the
// request's context, calls the resolver, checks the user against the
// platform's limits and asks the issuer for a token. It answers 200 with
// {"token":"..."} or with the error contract described in the package
// documentation. A panicking resolver or issuer is answered with 500.
//
// Every call asks the issuer for a new token; nothing is cached and
// concurrent calls are never merged, because the Liveblocks client refuses
// a token it has seen before.
//
// The handler is safe for concurrent use. Handler panics if no issuer is
// set with [WithIssuer], if resolver is nil, or if an allowed origin is
// malformed: those are programming errors.
func Handler(resolver userresolver.UserResolver, opts ...Option) http.Handler {
	cfg := config{maxBody: DefaultMaxBodyBytes}
	for _, opt := range opts {
		opt(&cfg)
	}
	if resolver == nil {
		panic("middleware: Handler needs a resolver")
	}
	if cfg.issuer == nil {
		panic("middleware: Handler needs an issuer (WithIssuer)")
	}
	if cfg.maxBody <= 0 {
		cfg.maxBody = DefaultMaxBodyBytes
	}
	if cfg.readTimeout <= 0 {
		cfg.readTimeout = DefaultReadTimeout
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.errorHandler == nil {
		cfg.errorHandler = WriteError
	}

	h := &handler{
		resolver:     resolver,
		issuer:       cfg.issuer,
		policy:       cfg.policy,
		logger:       cfg.logger,
		maxBody:      cfg.maxBody,
		readTimeout:  cfg.readTimeout,
		origins:      make(map[string]bool, len(cfg.origins)),
		cop:          http.NewCrossOriginProtection(),
		errorHandler: cfg.errorHandler,
	}
	for _, origin := range cfg.origins {
		canonical, err := canonicalOrigin(origin)
		if err == nil {
			err = h.cop.AddTrustedOrigin(canonical)
		}
		if err != nil {
			panic(fmt.Sprintf("middleware: allowed origin %q: %v", origin, err))
		}
		h.origins[canonical] = true
	}
	return h
}

// canonicalOrigin returns origin as browsers send it in the Origin header:
// lower-case scheme and host, no default port. It refuses anything that is
// not scheme://host[:port], and wildcards, which would never match.
func canonicalOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS" {
		return "", errors.New("want http:// or https://")
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("want scheme://host[:port] and nothing else")
	}
	if strings.Contains(u.Host, "*") {
		return "", errors.New("wildcards are not supported; list each origin")
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")

	// CORS headers go on every answer to an allowed origin, errors
	// included, so that the browser lets the page read them.
	if len(h.origins) > 0 {
		hdr.Add("Vary", "Origin")
		if origin := r.Header.Get("Origin"); h.origins[origin] {
			hdr.Set("Access-Control-Allow-Origin", origin)
			hdr.Set("Access-Control-Allow-Credentials", "true")
		}
	}

	if r.Method != http.MethodPost {
		if r.Method == http.MethodOptions && h.preflight(w, r) {
			return
		}
		hdr.Set("Allow", http.MethodPost)
		h.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Reason: reasonMethod})
		return
	}

	if err := h.cop.Check(r); err != nil {
		h.fail(w, r, &Error{Status: http.StatusForbidden, Code: CodeOriginNotAllowed, Reason: reasonOrigin, Err: err})
		return
	}

	req, e := h.readRequest(w, r)
	if e != nil {
		h.fail(w, r, e)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), requestKey{}, req))

	// A policy may grant the requested room as a pattern; a room ID with a
	// star would then become a prefix covering other rooms.
	if h.policy != nil && strings.Contains(req.Room, "*") {
		h.fail(w, r, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: reasonStarRoom})
		return
	}

	user, err := h.resolve(r)
	if err != nil {
		h.fail(w, r, resolverError(err))
		return
	}

	id := token.Identity{UserID: user.ID, GroupIDs: user.GroupIDs, UserInfo: user.Info}
	if h.policy != nil {
		grants, err := h.decide(r, user, req.Room)
		if err != nil {
			h.fail(w, r, resolverError(err))
			return
		}
		id.Permissions = grants
	}
	if err := validate(id); err != nil {
		h.fail(w, r, validationError(err))
		return
	}
	if h.policy != nil && !covers(id.Permissions, req.Room) {
		h.fail(w, r, &Error{Status: http.StatusForbidden, Code: CodeNotAllowed, Reason: reasonNotAllowed})
		return
	}

	tok, err := h.issue(r.Context(), id)
	if err != nil {
		h.fail(w, r, issuerError(err))
		return
	}
	if !wellFormed(tok) {
		h.fail(w, r, &Error{Status: http.StatusBadGateway, Code: CodeUpstreamBadResponse, Reason: reasonBadResponse,
			Err: fmt.Errorf("issuer returned %d bytes that are not a JWT", len(tok))})
		return
	}

	body, _ := json.Marshal(struct {
		Token string `json:"token"`
	}{tok})
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	h.logger.LogAttrs(r.Context(), slog.LevelDebug, "liveauth: token issued",
		slog.String("user", user.ID), slog.String("room", req.Room))
}

// preflight answers a CORS preflight request from an allowed origin and
// reports whether it did. The session is not touched.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) bool {
	if !h.origins[r.Header.Get("Origin")] || r.Header.Get("Access-Control-Request-Method") != http.MethodPost {
		return false
	}
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Methods", http.MethodPost)
	// The origin is trusted, so any headers its page wants to send (a
	// callback authEndpoint may add its own) are allowed.
	if reqHeaders := r.Header.Get("Access-Control-Request-Headers"); reqHeaders != "" {
		hdr.Set("Access-Control-Allow-Headers", reqHeaders)
	}
	hdr.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// readRequest checks and parses the body.
func (h *handler) readRequest(w http.ResponseWriter, r *http.Request) (AuthRequest, *Error) {
	if r.ContentLength > h.maxBody {
		return AuthRequest{}, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Reason: reasonTooLarge}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return AuthRequest{Body: json.RawMessage("{}")}, nil
	}

	// A body that trickles in must not hold the connection: bound the
	// read, and lift the bound only once the whole body is in (after a
	// failed read the server must not wait for the rest). Writers that
	// cannot (a test recorder) are read without one.
	rc := http.NewResponseController(w)
	bounded := rc.SetReadDeadline(time.Now().Add(h.readTimeout)) == nil
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err == nil && bounded {
		rc.SetReadDeadline(time.Time{})
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return AuthRequest{}, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Reason: reasonTooLarge, Err: err}
		}
		return AuthRequest{}, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: reasonBadJSON, Err: err}
	}

	raw = bytes.Trim(raw, jsonSpace)
	if len(raw) == 0 {
		return AuthRequest{Body: json.RawMessage("{}")}, nil
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return AuthRequest{}, &Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType, Reason: reasonMediaType}
	}

	// A map keeps the key match exact: decoding into a struct would
	// accept "Room" or "ROOM" as well.
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, and a
	// resolver would then see a room that was never sent.
	var fields map[string]json.RawMessage
	if raw[0] != '{' || !utf8.Valid(raw) || json.Unmarshal(raw, &fields) != nil {
		return AuthRequest{}, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: reasonBadJSON}
	}
	req := AuthRequest{Body: json.RawMessage(raw)}
	if roomJSON, ok := fields["room"]; ok && string(roomJSON) != "null" {
		if json.Unmarshal(roomJSON, &req.Room) != nil || permission.ValidateRoomID(req.Room) != nil {
			return AuthRequest{}, &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Reason: reasonBadRoom}
		}
	}
	return req, nil
}

// jsonSpace is the white space JSON allows around a value (RFC 8259).
const jsonSpace = " \t\n\r"

// isJSON reports whether a Content-Type header names JSON.
func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// resolve calls the resolver, turning a panic into an error.
func (h *handler) resolve(r *http.Request) (user userresolver.User, err error) {
	defer recoverInto(&err, "resolver")
	return h.resolver.ResolveUser(r)
}

// validate checks id against the platform's limits. Encoding the user's
// profile runs the application's MarshalJSON methods, so a panic there is
// caught too.
func validate(id token.Identity) (err error) {
	defer recoverInto(&err, "user info encoding")
	return id.Validate()
}

// validationError maps a failed validation to the contract. A profile that
// cannot be encoded at all is the server's fault, not the user's.
func validationError(err error) *Error {
	var unsupportedType *json.UnsupportedTypeError
	var unsupportedValue *json.UnsupportedValueError
	var marshaler *json.MarshalerError
	if errors.Is(err, errPanic) || errors.As(err, &unsupportedType) ||
		errors.As(err, &unsupportedValue) || errors.As(err, &marshaler) {
		return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Reason: reasonBadInfo, Err: err}
	}
	return &Error{Status: http.StatusForbidden, Code: CodeInvalidIdentity, Reason: identityReason(err), Err: err}
}

// wellFormed reports whether tok has the shape of a JWT: three base64url
// parts, the last of which is empty for unsigned dev-server tokens.
func wellFormed(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// decide calls the access-token policy, turning a panic into an error.
func (h *handler) decide(r *http.Request, user userresolver.User, room string) (grants permission.Grants, err error) {
	defer recoverInto(&err, "policy")
	return h.policy(r, user, room)
}

// covers reports whether grants let the user into room, or, for a
// room-less request, grant anything at all. It follows the realtime
// server's rule (Grants.Select: the exact pattern, else the first matching
// prefix), and asks for a base scope in that list: the server would admit a
// list without one, but the user could do nothing in the room.
func covers(grants permission.Grants, room string) bool {
	if room == "" {
		return grants.Len() > 0
	}
	_, scopes, ok := grants.Select(room)
	if !ok {
		return false
	}
	levels, err := permission.Resolve(scopes)
	return err == nil && levels.CanEnter()
}

// issue calls the issuer, turning a panic into an error.
func (h *handler) issue(ctx context.Context, id token.Identity) (tok string, err error) {
	defer recoverInto(&err, "issuer")
	return h.issuer.Issue(ctx, id)
}

// errPanic marks an error made from a recovered panic.
var errPanic = errors.New("panic")

// recoverInto turns a panic in a resolver or issuer into an error, so that
// the client gets the JSON contract rather than a dropped connection.
// http.ErrAbortHandler is re-raised: it is a deliberate abort.
func recoverInto(err *error, who string) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	*err = fmt.Errorf("%w in %s: %v", errPanic, who, v)
}

// resolverError maps a resolver's error to the contract.
func resolverError(err error) *Error {
	switch {
	case errors.Is(err, userresolver.ErrNoUser):
		return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthenticated, Reason: reasonNoUser, Err: err}
	case errors.Is(err, userresolver.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Reason: reasonForbidden, Err: err}
	default:
		return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Reason: reasonInternal, Err: err}
	}
}

// issuerError maps an issuer's error to the contract.
func issuerError(err error) *Error {
	switch {
	case errors.Is(err, token.ErrInvalidIdentity):
		// The issuer's own text may quote its upstream; keep it for logs.
		return &Error{Status: http.StatusForbidden, Code: CodeInvalidIdentity, Reason: reasonIssuerIdentity, Err: err}
	case errors.Is(err, token.ErrRejected):
		return &Error{Status: http.StatusForbidden, Code: CodeUpstreamRejected, Reason: reasonRejected, Err: err}
	case errors.Is(err, token.ErrBadResponse):
		return &Error{Status: http.StatusBadGateway, Code: CodeUpstreamBadResponse, Reason: reasonBadResponse, Err: err}
	case errors.Is(err, token.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeUpstreamUnavailable, Reason: reasonUnavailable, Err: err}
	default:
		return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Reason: reasonIssuerInternal, Err: err}
	}
}

// identityReason turns a validation error into a reason for the client.
// The detail (which limit, how long) is ours and safe to show; the
// sentinel's own text is dropped.
func identityReason(err error) string {
	_, detail, _ := strings.Cut(err.Error(), token.ErrInvalidIdentity.Error()+": ")
	if detail == "" {
		return "The user's identity breaks a platform limit."
	}
	return "The user's identity breaks a platform limit: " + detail + "."
}

// retryAfter is implemented by issuer errors that know when to try again.
type retryAfter interface{ RetryAfter() time.Duration }

// fail logs a failure and hands it to the error handler.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, e *Error) {
	report(h.logger, h.errorHandler, w, r, e, "liveauth: request refused")
}

// report sets the headers that belong to a failure, logs it (refusals at
// debug level, faults at error level) and hands it to the error handler.
// The endpoint and the room guard share it.
func report(logger *slog.Logger, errorHandler func(http.ResponseWriter, *http.Request, error),
	w http.ResponseWriter, r *http.Request, e *Error, msg string) {
	if e.Status == http.StatusServiceUnavailable {
		delay := DefaultRetryAfter
		var ra retryAfter
		if errors.As(e.Err, &ra) && ra.RetryAfter() > 0 {
			delay = ra.RetryAfter()
		}
		w.Header().Set("Retry-After", strconv.Itoa(int((delay+time.Second-1)/time.Second)))
	}

	// Refusals are the client's business (debug); an identity that breaks
	// a limit is the application's (warn); faults are errors, unless the
	// client simply went away.
	level := slog.LevelDebug
	switch {
	case r.Context().Err() != nil:
	case e.Status >= 500:
		level = slog.LevelError
	case e.Code == CodeInvalidIdentity:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.Int("status", e.Status), slog.String("code", e.Code)}
	if e.Err != nil {
		attrs = append(attrs, slog.String("err", e.Err.Error()))
	}
	logger.LogAttrs(r.Context(), level, msg, attrs...)

	errorHandler(w, r, e)
}
