package liveblocks

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveauth/liveauth/token"
)

var (
	// ErrInvalidConfig is returned by [New] when the secret key or an
	// option is unusable. The message says which and never repeats the key.
	ErrInvalidConfig = errors.New("liveblocks: invalid configuration")

	// ErrInvalidRoomID is returned, before any request is made, when a room
	// ID is empty, longer than [MaxRoomIDLen] characters or not valid UTF-8.
	// The first two come from [permission.ValidateRoomID], so the error
	// also matches [permission.ErrInvalidRoomID].
	ErrInvalidRoomID = errors.New("liveblocks: invalid room ID")

	// ErrInvalidAccesses is returned, before any request is made, when the
	// room accesses given to a room call break the rules of
	// [permission.Accesses.Validate]. The error also matches the
	// permission sentinels of each problem (such as
	// [permission.ErrUnknownScope]), its text names each offending entry
	// as the JSON body would (usersAccesses["alice"]), and errors.As finds
	// a [*permission.EntryError] for the first problem about an entry.
	ErrInvalidAccesses = errors.New("liveblocks: invalid room accesses")

	// ErrNotFound is matched by an [*Error] whose status is 404: the room
	// (or other resource) does not exist.
	ErrNotFound = errors.New("liveblocks: not found")

	// ErrConflict is matched by an [*Error] whose status is 409: the room
	// (or other resource) already exists.
	ErrConflict = errors.New("liveblocks: already exists")
)

// maxErrorText is the most of a non-JSON error body kept in
// [Error.Message].
const maxErrorText = 200

// Error is a failed call to Liveblocks: the request could not be made or
// answered (Status 0), Liveblocks answered with an error status, or it
// answered 2xx with a body that is not what the call expects.
//
// Error unwraps to exactly one sentinel of package token, chosen from the
// exported fields alone, so a value built by hand behaves like one returned
// by a [Client]:
//
//   - [token.ErrUnavailable]: no answer (network failure, timeout,
//     cancellation), 5xx, 429, 408, 401 and 403 (our secret key is missing
//     or refused, an operator problem that the browser may retry later), and
//     any other status outside 2xx and 4xx (for example a redirect, which
//     usually means a wrong base URL);
//   - [token.ErrRejected]: 404, 409, 422 and every other 4xx;
//   - [token.ErrBadResponse]: 2xx with an unexpected body.
//
// A 404 also matches [ErrNotFound] and a 409 [ErrConflict]. When the request
// got no answer, Err holds the cause, so errors.Is(err,
// context.DeadlineExceeded) and errors.Is(err, context.Canceled) work.
//
// A 501 is a 5xx like any other, but retrying is pointless: the server
// does not implement the route at all (the dev server answers 501 for
// routes it lacks, such as the upsert of [Client.UpsertRoom]). The text
// of such an error says so, whatever the body.
type Error struct {
	// Method and Path name the call, for example "POST" and
	// "/v2/identify-user". Path is relative to the base URL, without query.
	Method string
	Path   string

	// Status is the HTTP status Liveblocks answered with, or 0 when no
	// answer was received.
	Status int

	// Code is the "error" field of the error body, for example
	// "ROOM_NOT_FOUND" or "INVALID_SECRET_KEY" (the dev server sometimes
	// puts the status text there, such as "Unprocessable Entity").
	Code string

	// Message explains the failure: the body's "message" (or the dev
	// server's "reason"), up to 200 bytes of a body that is not JSON, or a
	// description of what was wrong with a 2xx body.
	Message string

	// Suggestion and Docs are the cloud's hints, when it sends them.
	Suggestion string
	Docs       string

	// Err is the underlying cause: the transport error when there was no
	// answer, the decoding error for a malformed 2xx body, or nil.
	Err error

	// retryAfter is the Retry-After of the answer; see [Error.RetryAfter].
	retryAfter time.Duration
}

// RetryAfter returns how long the upstream asked to wait (its Retry-After
// header, in seconds or as a date), or 0. Only a [Client] sets it, from
// an error answer; it is 0 for a value built by hand.
//
// The liveauth endpoint finds it with errors.As on an
// interface{ RetryAfter() time.Duration } and passes it on to the
// browser, so it needs no import of this package.
func (e *Error) RetryAfter() time.Duration {
	return e.retryAfter
}

// Error describes the failure: method, path, status, code and message, or
// the cause when there was no answer; for a 501 it adds that the server
// does not implement the route. It never contains the secret key.
func (e *Error) Error() string {
	parts := make([]string, 0, 3)
	if e.Status != 0 {
		status := "status " + strconv.Itoa(e.Status)
		if e.Code != "" {
			status += " (" + e.Code + ")"
		}
		parts = append(parts, status)
	}
	if e.Status == http.StatusNotImplemented {
		parts = append(parts, "the server does not implement this route")
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	if len(parts) == 0 {
		parts = append(parts, "failed")
	}
	return "liveblocks: " + e.Method + " " + e.Path + ": " + strings.Join(parts, ": ")
}

// Unwrap returns the token sentinel for the failure, [ErrNotFound] or
// [ErrConflict] where they apply, and the cause, if any.
func (e *Error) Unwrap() []error {
	errs := []error{e.sentinel()}
	switch e.Status {
	case http.StatusNotFound:
		errs = append(errs, ErrNotFound)
	case http.StatusConflict:
		errs = append(errs, ErrConflict)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// sentinel maps the failure to the token package's vocabulary.
func (e *Error) sentinel() error {
	s := e.Status
	switch {
	case s >= 200 && s < 300:
		return token.ErrBadResponse
	case s == http.StatusUnauthorized, s == http.StatusForbidden,
		s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		return token.ErrUnavailable
	case s >= 400 && s < 500:
		return token.ErrRejected
	default:
		return token.ErrUnavailable
	}
}

// errorBody is the union of the error bodies of the cloud and of the dev
// server. Fields of an unexpected type are ignored.
type errorBody struct {
	Error      string
	Message    string
	Reason     string
	Suggestion string
	Docs       string
}

// parseErrorBody reads an error body. ok is false when the body is not a
// JSON object with at least one of the known fields.
func parseErrorBody(body []byte) (eb errorBody, ok bool) {
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return eb, false
	}
	str := func(key string) string {
		s, _ := fields[key].(string)
		return s
	}
	eb = errorBody{
		Error:      str("error"),
		Message:    str("message"),
		Reason:     str("reason"),
		Suggestion: str("suggestion"),
		Docs:       str("docs"),
	}
	if eb.Docs == "" {
		eb.Docs = str("doc")
	}
	return eb, eb != errorBody{}
}

// truncateText turns an arbitrary body into a one-line message of at most
// maxErrorText bytes, cut on a character boundary.
func truncateText(body []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "\uFFFD")), " ")
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date. It returns 0 when the header is absent, malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Cap far below the overflow of time.Duration.
		const maxSecs = int64(365 * 24 * time.Hour / time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}

// responseError builds the error for a non-2xx answer.
func (c *Client) responseError(method, path string, resp *http.Response, body []byte) *Error {
	e := &Error{
		Method:     method,
		Path:       path,
		Status:     resp.StatusCode,
		retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.now()),
	}
	if eb, ok := parseErrorBody(body); ok {
		e.Code = c.redact(eb.Error)
		e.Message = c.redact(eb.Message)
		if e.Message == "" {
			e.Message = c.redact(eb.Reason)
		}
		e.Suggestion = c.redact(eb.Suggestion)
		e.Docs = c.redact(eb.Docs)
	} else {
		// Redact before cutting, so that no prefix of the key survives.
		e.Message = truncateText([]byte(c.redact(string(body))))
	}
	return e
}

// badResponse builds the error for a 2xx answer with an unusable body.
func badResponse(method, path string, status int, cause error, format string, args ...any) *Error {
	return &Error{
		Method:  method,
		Path:    path,
		Status:  status,
		Message: fmt.Sprintf(format, args...),
		Err:     cause,
	}
}

// redact removes the secret key from text that came from upstream, in case
// a server or proxy echoes request headers.
func (c *Client) redact(s string) string {
	if c.secret == "" || !strings.Contains(s, c.secret) {
		return s
	}
	return strings.ReplaceAll(s, c.secret, "[redacted]")
}

// inputError is bad input refused before any request. Its text is the
// liveblocks sentinel's followed by the details, and it matches both the
// sentinel and the causes (errors of package permission).
type inputError struct {
	sentinel error // ErrInvalidRoomID or ErrInvalidAccesses
	detail   string
	causes   []error
}

// Error returns the sentinel's text and the details.
func (e *inputError) Error() string {
	return e.sentinel.Error() + ": " + e.detail
}

// Unwrap returns the sentinel and the causes.
func (e *inputError) Unwrap() []error {
	return append([]error{e.sentinel}, e.causes...)
}

// permissionProblems splits the text of an error of package permission
// (possibly an errors.Join of several) into one line per problem, without
// the "permission: " prefix or the given redundant lead, so that it reads
// well after a liveblocks sentinel.
func permissionProblems(err error, lead string) []string {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		line = strings.TrimPrefix(line, lead)
		lines[i] = strings.TrimPrefix(line, "permission: ")
	}
	return lines
}
