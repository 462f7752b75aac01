package middleware

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Codes of the error contract: the "code" field of every failure body.
const (
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeBadRequest           = "bad_request"
	CodeTooLarge             = "too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeOriginNotAllowed     = "origin_not_allowed"
	CodeUnauthenticated      = "unauthenticated"
	CodeForbidden            = "forbidden"
	CodeInvalidIdentity      = "invalid_identity"
	CodeNotAllowed           = "not_allowed"
	CodeInternal             = "internal"
	CodeUpstreamUnavailable  = "upstream_unavailable"
	CodeUpstreamRejected     = "upstream_rejected"
	CodeUpstreamBadResponse  = "upstream_bad_response"
)

// Error is a failure of the endpoint, as the error handler receives it.
//
// Status, Code and Reason are what the client is told. Err is the cause
// (a resolver's or issuer's error, say): it is for logs and error hooks
// only and is never written to the client.
type Error struct {
	// Status is the HTTP status code, 4xx or 5xx.
	Status int

	// Code is one of the Code constants.
	Code string

	// Reason is one sentence for a developer reading the response.
	Reason string

	// Err is the underlying cause, or nil.
	Err error
}

// A custom error handler that wraps the error must keep it reachable with
// errors.As; one that writes nothing leaves the response as an empty 200,
// which the Liveblocks client treats as a failure to retry.

// Error returns the code, the reason and the cause.
func (e *Error) Error() string {
	msg := "middleware: " + e.Code + ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause, so that errors.Is and errors.As see through.
func (e *Error) Unwrap() error { return e.Err }

// Kind returns the "error" field of the body: "forbidden" for 4xx statuses,
// which the Liveblocks client does not retry, and "unavailable" for 5xx,
// which it retries with back-off.
func (e *Error) Kind() string {
	if e.Status >= 500 {
		return "unavailable"
	}
	return "forbidden"
}

// errorBody is the JSON body of every failure.
type errorBody struct {
	Error  string `json:"error"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// WriteError writes err as the endpoint's JSON error body with its status.
// It is the default error handler; a custom one set with
// [WithErrorHandler] may call it after doing its own work. An err that is
// not an [*Error] is written as a 500 internal error, without its text.
//
// Headers that belong to the failure (Allow for 405, Retry-After for 503)
// are already set on w when the error handler runs.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) || e.Status < 400 || e.Status > 599 {
		e = &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Reason: reasonInternal}
	}
	body, _ := json.Marshal(errorBody{Error: e.Kind(), Code: e.Code, Reason: e.Reason})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	w.Write(body)
}

// Reasons given to clients. They say what happened in terms a developer
// can act on and never include internal error text.
const (
	reasonMethod         = "The auth endpoint only accepts POST requests."
	reasonBadJSON        = "The request body must be a JSON object, such as {\"room\": \"my-room\"}."
	reasonBadRoom        = "The \"room\" field must be a string of 1 to 128 characters."
	reasonStarRoom       = "Room IDs containing \"*\" are not accepted by this endpoint."
	reasonBadInfo        = "The server could not encode the user's profile as JSON; see the server logs."
	reasonIssuerIdentity = "The token issuer refused the user's identity as breaking a platform limit."
	reasonTooLarge       = "The request body is larger than the endpoint accepts."
	reasonMediaType      = "The request body must be sent with Content-Type: application/json."
	reasonOrigin         = "Cross-origin requests from this origin are not allowed."
	reasonNoUser         = "Nobody is logged in: the session is missing, expired or invalid."
	reasonForbidden      = "This user may not use realtime features."
	reasonNotAllowed     = "The user's permissions do not cover the requested room."
	reasonInternal       = "The server failed to identify the user; see the server logs."
	reasonUnavailable    = "The token issuer is unavailable; try again later."
	reasonRejected       = "The token issuer refused to issue a token for this user."
	reasonBadResponse    = "The token issuer answered with a malformed token."
	reasonIssuerInternal = "The server failed to issue a token; see the server logs."
)
