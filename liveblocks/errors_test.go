package liveblocks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// allSentinels are the sentinels an *Error may match.
var allSentinels = []error{
	token.ErrUnavailable, token.ErrRejected, token.ErrBadResponse, token.ErrInvalidIdentity,
	ErrNotFound, ErrConflict, ErrInvalidRoomID, ErrInvalidAccesses, ErrInvalidConfig,
}

// without returns allSentinels minus want.
func without(want []error) []error {
	var out []error
	for _, s := range allSentinels {
		if !slices.Contains(want, s) {
			out = append(out, s)
		}
	}
	return out
}

// testGrants are the permissions of the access tokens asked for in tests.
func testGrants() permission.Grants {
	var g permission.Grants
	if err := g.Allow("r1", permission.Write); err != nil {
		panic(err)
	}
	return g
}

// restCall is one REST call of the Client, made with valid arguments.
type restCall struct {
	name   string
	method string
	path   string
	run    func(*Client) error

	// refetchOn409 is set for GetOrCreateRoom, which answers a 409 by
	// getting the room: its error then comes from GET /v2/rooms/r1.
	refetchOn409 bool
}

// want returns the request an error answer with the given status is
// reported for, and how many requests the call makes to get there.
func (rc restCall) want(status int) (method, path string, requests int) {
	if rc.refetchOn409 && status == http.StatusConflict {
		return http.MethodGet, "/v2/rooms/r1", 2
	}
	return rc.method, rc.path, 1
}

// calls are every REST call, whose errors must map the same way. The
// first two are used by index in TestErrorText.
var calls = []restCall{
	{
		name:   "IdentifyUser",
		method: http.MethodPost,
		path:   "/v2/identify-user",
		run: func(c *Client) error {
			_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
			return err
		},
	},
	{
		name:   "GetRoom",
		method: http.MethodGet,
		path:   "/v2/rooms/r1",
		run: func(c *Client) error {
			_, err := c.GetRoom(context.Background(), "r1")
			return err
		},
	},
	{
		name:   "AuthorizeUser",
		method: http.MethodPost,
		path:   "/v2/authorize-user",
		run: func(c *Client) error {
			id := token.Identity{UserID: "alice", Permissions: testGrants()}
			_, err := c.AuthorizeUser(context.Background(), id)
			return err
		},
	},
	{
		name:   "CreateRoom",
		method: http.MethodPost,
		path:   "/v2/rooms",
		run: func(c *Client) error {
			_, err := c.CreateRoom(context.Background(), "r1", CreateRoomParams{})
			return err
		},
	},
	{
		name:   "GetOrCreateRoom",
		method: http.MethodPost,
		path:   "/v2/rooms",
		run: func(c *Client) error {
			_, err := c.GetOrCreateRoom(context.Background(), "r1", CreateRoomParams{})
			return err
		},
		refetchOn409: true,
	},
	{
		name:   "UpdateRoom",
		method: http.MethodPost,
		path:   "/v2/rooms/r1",
		run: func(c *Client) error {
			_, err := c.UpdateRoom(context.Background(), "r1", UpdateRoomParams{})
			return err
		},
	},
	{
		name:   "UpsertRoom",
		method: http.MethodPost,
		path:   "/v2/rooms/r1/upsert",
		run: func(c *Client) error {
			_, err := c.UpsertRoom(context.Background(), "r1", UpdateRoomParams{}, &CreateRoomParams{})
			return err
		},
	},
	{
		name:   "DeleteRoom",
		method: http.MethodDelete,
		path:   "/v2/rooms/r1",
		run: func(c *Client) error {
			return c.DeleteRoom(context.Background(), "r1")
		},
	},
	{
		name:   "ListRooms",
		method: http.MethodGet,
		path:   "/v2/rooms",
		run: func(c *Client) error {
			_, err := c.ListRooms(context.Background(), ListRoomsParams{})
			return err
		},
	},
}

// checkErrorCall checks that err is reported for the request the call
// makes last after an answer with status, and that it made as many
// requests as it should.
func checkErrorCall(t *testing.T, call restCall, f *fake, e *Error, status int) {
	t.Helper()
	method, path, requests := call.want(status)
	if n := len(f.requests()); n != requests {
		t.Errorf("got %d requests, want %d", n, requests)
	}
	if e.Method != method || e.Path != path {
		t.Errorf("call: got %s %s, want %s %s", e.Method, e.Path, method, path)
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()

	unavailable := []error{token.ErrUnavailable}
	rejected := []error{token.ErrRejected}
	tests := []struct {
		name           string
		status         int
		body           string
		headers        []string
		wantIs         []error
		wantCode       string
		wantMessage    string
		wantSuggestion string
		wantDocs       string
		wantRetryAfter time.Duration
	}{
		{
			name:        "500 with a cloud body",
			status:      500,
			body:        `{"error":"INTERNAL_ERROR","message":"Something broke"}`,
			wantIs:      unavailable,
			wantCode:    "INTERNAL_ERROR",
			wantMessage: "Something broke",
		},
		{
			name:        "500 from the dev server",
			status:      500,
			body:        `{"error":"Internal Server Error"}`,
			wantIs:      unavailable,
			wantCode:    "Internal Server Error",
			wantMessage: "",
		},
		{
			name:           "503 with Retry-After",
			status:         503,
			body:           `{"error":"SERVICE_UNAVAILABLE","message":"Try later"}`,
			headers:        []string{"Retry-After", "30"},
			wantIs:         unavailable,
			wantCode:       "SERVICE_UNAVAILABLE",
			wantMessage:    "Try later",
			wantRetryAfter: 30 * time.Second,
		},
		{
			name:        "502 with an HTML page",
			status:      502,
			body:        "<html>\n  <body>Bad gateway</body>\n</html>\n",
			headers:     []string{"Content-Type", "text/html"},
			wantIs:      unavailable,
			wantMessage: "<html> <body>Bad gateway</body> </html>",
		},
		{
			name:        "503 with an empty body",
			status:      503,
			body:        "",
			wantIs:      unavailable,
			wantMessage: "",
		},
		{
			name:        "501 from the dev server",
			status:      501,
			body:        `{"error":"Not implemented","message":"This endpoint isn't implemented in the Liveblocks dev server."}`,
			headers:     []string{"X-LB-Warn", "This endpoint isn't implemented in the Liveblocks dev server."},
			wantIs:      unavailable,
			wantCode:    "Not implemented",
			wantMessage: "This endpoint isn't implemented in the Liveblocks dev server.",
		},
		{
			name:           "429 with Retry-After",
			status:         429,
			body:           `{"error":"TOO_MANY_REQUESTS","message":"Slow down"}`,
			headers:        []string{"Retry-After", "7"},
			wantIs:         unavailable,
			wantCode:       "TOO_MANY_REQUESTS",
			wantMessage:    "Slow down",
			wantRetryAfter: 7 * time.Second,
		},
		{
			name:        "408",
			status:      408,
			body:        "request timeout",
			wantIs:      unavailable,
			wantMessage: "request timeout",
		},
		{
			name:   "401 MISSING_SECRET_KEY from the cloud",
			status: 401,
			body: `{"error":"MISSING_SECRET_KEY","message":"Missing secret key",` +
				`"suggestion":"Pass your secret key","docs":"https://liveblocks.io/docs/errors"}`,
			wantIs:         unavailable,
			wantCode:       "MISSING_SECRET_KEY",
			wantMessage:    "Missing secret key",
			wantSuggestion: "Pass your secret key",
			wantDocs:       "https://liveblocks.io/docs/errors",
		},
		{
			name:           "403 INVALID_SECRET_KEY from the cloud, docs spelled doc",
			status:         403,
			body:           `{"error":"INVALID_SECRET_KEY","message":"Invalid secret key","suggestion":"","doc":"https://liveblocks.io/docs"}`,
			wantIs:         unavailable,
			wantCode:       "INVALID_SECRET_KEY",
			wantMessage:    "Invalid secret key",
			wantSuggestion: "",
			wantDocs:       "https://liveblocks.io/docs",
		},
		{
			name:        "401 from the dev server",
			status:      401,
			body:        `{"error":"Unauthorized","message":"Missing secret key"}`,
			wantIs:      unavailable,
			wantCode:    "Unauthorized",
			wantMessage: "Missing secret key",
		},
		{
			name:        "403 from the dev server",
			status:      403,
			body:        `{"error":"Forbidden","message":"Invalid secret key. You can only use 'sk_localdev' as a secret key"}`,
			headers:     []string{"X-LB-Warn", "You can only use 'sk_localdev' as the secret key"},
			wantIs:      unavailable,
			wantCode:    "Forbidden",
			wantMessage: "Invalid secret key. You can only use 'sk_localdev' as a secret key",
		},
		{
			name:     "403 from the dev server for another scheme",
			status:   403,
			body:     `{"error":"Forbidden"}`,
			wantIs:   unavailable,
			wantCode: "Forbidden",
		},
		{
			name:        "404 ROOM_NOT_FOUND",
			status:      404,
			body:        `{"error":"ROOM_NOT_FOUND","message":"Room with id \"r1\" not found."}`,
			wantIs:      []error{token.ErrRejected, ErrNotFound},
			wantCode:    "ROOM_NOT_FOUND",
			wantMessage: `Room with id "r1" not found.`,
		},
		{
			name:        "404 as plain text",
			status:      404,
			body:        "404 page not found\n",
			headers:     []string{"Content-Type", "text/plain"},
			wantIs:      []error{token.ErrRejected, ErrNotFound},
			wantMessage: "404 page not found",
		},
		{
			name:        "409 ROOM_ALREADY_EXISTS",
			status:      409,
			body:        `{"error":"ROOM_ALREADY_EXISTS","message":"Room with id \"r1\" already exists."}`,
			wantIs:      []error{token.ErrRejected, ErrConflict},
			wantCode:    "ROOM_ALREADY_EXISTS",
			wantMessage: `Room with id "r1" already exists.`,
		},
		{
			name:        "422 from the cloud",
			status:      422,
			body:        `{"error":"UNPROCESSABLE_ENTITY","message":"Invalid userId","suggestion":"Check the body"}`,
			wantIs:      rejected,
			wantCode:    "UNPROCESSABLE_ENTITY",
			wantMessage: "Invalid userId",

			wantSuggestion: "Check the body",
		},
		{
			name:        "422 from the dev server, with reason",
			status:      422,
			body:        `{"error":"Unprocessable Entity","reason":"Missing key: 'userId'"}`,
			wantIs:      rejected,
			wantCode:    "Unprocessable Entity",
			wantMessage: "Missing key: 'userId'",
		},
		{
			name:     "400 from the dev server",
			status:   400,
			body:     `{"error":"Bad Request"}`,
			wantIs:   rejected,
			wantCode: "Bad Request",
		},
		{
			name:        "410 with fields of unexpected types",
			status:      410,
			body:        `{"error":{"code":1},"message":"Gone"}`,
			wantIs:      rejected,
			wantMessage: "Gone",
		},
		{
			name:        "400 JSON without known fields is kept as text",
			status:      400,
			body:        `{"detail":"nope"}`,
			wantIs:      rejected,
			wantMessage: `{"detail":"nope"}`,
		},
		{
			name:        "400 JSON array is kept as text",
			status:      400,
			body:        `["nope"]`,
			wantIs:      rejected,
			wantMessage: `["nope"]`,
		},
		{
			name:        "422 long plain text is cut to 200 bytes",
			status:      422,
			body:        strings.Repeat("x", 300),
			headers:     []string{"Content-Type", "text/plain"},
			wantIs:      rejected,
			wantMessage: strings.Repeat("x", 200),
		},
		{
			name:        "302 redirect is not followed",
			status:      302,
			body:        "",
			headers:     []string{"Location", "https://example.com/elsewhere"},
			wantIs:      unavailable,
			wantMessage: "",
		},
	}
	for _, call := range calls {
		for _, tt := range tests {
			t.Run(call.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c, f := newFake(t, reply(tt.status, tt.body, tt.headers...))

				err := call.run(c)
				checkIs(t, err, tt.wantIs, without(tt.wantIs))
				e := asError(t, err)
				checkErrorCall(t, call, f, e, tt.status)
				if e.Status != tt.status {
					t.Errorf("Status: got %d, want %d", e.Status, tt.status)
				}
				if e.Code != tt.wantCode {
					t.Errorf("Code: got %q, want %q", e.Code, tt.wantCode)
				}
				if e.Message != tt.wantMessage {
					t.Errorf("Message: got %q, want %q", e.Message, tt.wantMessage)
				}
				if e.Suggestion != tt.wantSuggestion {
					t.Errorf("Suggestion: got %q, want %q", e.Suggestion, tt.wantSuggestion)
				}
				if e.Docs != tt.wantDocs {
					t.Errorf("Docs: got %q, want %q", e.Docs, tt.wantDocs)
				}
				if got := e.RetryAfter(); got != tt.wantRetryAfter {
					t.Errorf("RetryAfter(): got %v, want %v", got, tt.wantRetryAfter)
				}
				if e.Err != nil {
					t.Errorf("Err: got %v, want nil", e.Err)
				}
				checkNoSecret(t, "Error()", err.Error())
			})
		}
	}
}

// TestCloudErrorCodes runs every REST call against each error code the
// cloud documents (protocol.md §5.3), plus 429 and 500.
func TestCloudErrorCodes(t *testing.T) {
	t.Parallel()

	const docs = "https://liveblocks.io/docs/errors/liveblocks-node"
	unavailable := []error{token.ErrUnavailable}
	tests := []struct {
		name           string
		status         int
		code           string
		message        string
		suggestion     string
		docs           string
		headers        []string
		wantIs         []error
		wantRetryAfter time.Duration
	}{
		{
			name:       "401 MISSING_SECRET_KEY",
			status:     401,
			code:       "MISSING_SECRET_KEY",
			message:    "The secret key is missing from the Authorization header.",
			suggestion: "Add your secret key as \"Authorization: Bearer sk_...\".",
			docs:       docs + "#missing-secret-key",
			wantIs:     unavailable,
		},
		{
			name:       "401 WRONG_KEY_USED",
			status:     401,
			code:       "WRONG_KEY_USED",
			message:    "A public key was used where a secret key is required.",
			suggestion: "Use the secret key, which starts with \"sk_\".",
			docs:       docs + "#wrong-key-used",
			wantIs:     unavailable,
		},
		{
			name:       "403 INVALID_SECRET_KEY",
			status:     403,
			code:       "INVALID_SECRET_KEY",
			message:    "Invalid secret key.",
			suggestion: "Copy the secret key from the dashboard again.",
			docs:       docs + "#invalid-secret-key",
			wantIs:     unavailable,
		},
		{
			name:       "403 UNAUTHORIZED_ROOM_ACCESS",
			status:     403,
			code:       "UNAUTHORIZED_ROOM_ACCESS",
			message:    "This key cannot access this room.",
			suggestion: "Check the key's project.",
			docs:       docs + "#unauthorized-room-access",
			wantIs:     unavailable,
		},
		{
			name:       "404 ROOM_NOT_FOUND",
			status:     404,
			code:       "ROOM_NOT_FOUND",
			message:    `Room with id "r1" not found.`,
			suggestion: "Create the room first.",
			docs:       docs + "#room-not-found",
			wantIs:     []error{token.ErrRejected, ErrNotFound},
		},
		{
			name:       "409 ROOM_ALREADY_EXISTS",
			status:     409,
			code:       "ROOM_ALREADY_EXISTS",
			message:    `Room with id "r1" already exists.`,
			suggestion: "Use another room ID, or get the existing room.",
			docs:       docs + "#room-already-exists",
			wantIs:     []error{token.ErrRejected, ErrConflict},
		},
		{
			name:       "422 UNPROCESSABLE_ENTITY",
			status:     422,
			code:       "UNPROCESSABLE_ENTITY",
			message:    "Missing key: 'defaultAccesses'",
			suggestion: "Check the request body.",
			docs:       docs + "#unprocessable-entity",
			wantIs:     []error{token.ErrRejected},
		},
		{
			name:    "404 RESOURCE_NOT_FOUND, without hints",
			status:  404,
			code:    "RESOURCE_NOT_FOUND",
			message: "Resource not found.",
			wantIs:  []error{token.ErrRejected, ErrNotFound},
		},
		{
			name:       "409 RESOURCE_ALREADY_EXISTS",
			status:     409,
			code:       "RESOURCE_ALREADY_EXISTS",
			message:    "Resource already exists.",
			suggestion: "Use another ID.",
			docs:       docs + "#resource-already-exists",
			wantIs:     []error{token.ErrRejected, ErrConflict},
		},
		{
			name:           "429 with Retry-After",
			status:         429,
			code:           "TOO_MANY_REQUESTS",
			message:        "Too many requests.",
			suggestion:     "Slow down.",
			headers:        []string{"Retry-After", "12"},
			wantIs:         unavailable,
			wantRetryAfter: 12 * time.Second,
		},
		{
			name:    "500",
			status:  500,
			code:    "INTERNAL_SERVER_ERROR",
			message: "Something went wrong.",
			docs:    "https://liveblocks.io/status",
			wantIs:  unavailable,
		},
	}
	for _, call := range calls {
		for _, tt := range tests {
			t.Run(call.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				fields := map[string]string{"error": tt.code, "message": tt.message}
				if tt.suggestion != "" {
					fields["suggestion"] = tt.suggestion
				}
				if tt.docs != "" {
					fields["docs"] = tt.docs
				}
				body, err := json.Marshal(fields)
				if err != nil {
					t.Fatal(err)
				}
				c, f := newFake(t, reply(tt.status, string(body), tt.headers...))

				err = call.run(c)
				checkIs(t, err, tt.wantIs, without(tt.wantIs))
				e := asError(t, err)
				checkErrorCall(t, call, f, e, tt.status)
				got := Error{
					Status: e.Status, Code: e.Code, Message: e.Message,
					Suggestion: e.Suggestion, Docs: e.Docs, retryAfter: e.RetryAfter(),
				}
				want := Error{
					Status: tt.status, Code: tt.code, Message: tt.message,
					Suggestion: tt.suggestion, Docs: tt.docs, retryAfter: tt.wantRetryAfter,
				}
				if got != want {
					t.Errorf("fields:\n got %+v\nwant %+v", got, want)
				}
				if e.Err != nil {
					t.Errorf("Err: got %v, want nil", e.Err)
				}
				wantText := fmt.Sprintf("liveblocks: %s %s: status %d (%s): %s",
					e.Method, e.Path, tt.status, tt.code, tt.message)
				if err.Error() != wantText {
					t.Errorf("Error():\n got %q\nwant %q", err.Error(), wantText)
				}
			})
		}
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		status int
		body   string
		call   int // index into calls
		want   string
	}{
		{
			name:   "room not found",
			status: 404,
			body:   `{"error":"ROOM_NOT_FOUND","message":"Room with id \"r1\" not found."}`,
			call:   1,
			want:   `liveblocks: GET /v2/rooms/r1: status 404 (ROOM_NOT_FOUND): Room with id "r1" not found.`,
		},
		{
			name:   "dev server validation failure",
			status: 422,
			body:   `{"error":"Unprocessable Entity","reason":"Missing key: 'userId'"}`,
			call:   0,
			want:   `liveblocks: POST /v2/identify-user: status 422 (Unprocessable Entity): Missing key: 'userId'`,
		},
		{
			name:   "secret key refused",
			status: 403,
			body:   `{"error":"INVALID_SECRET_KEY","message":"Invalid secret key","suggestion":"Check the dashboard"}`,
			call:   0,
			want:   `liveblocks: POST /v2/identify-user: status 403 (INVALID_SECRET_KEY): Invalid secret key`,
		},
		{
			name:   "empty body",
			status: 503,
			body:   "",
			call:   0,
			want:   `liveblocks: POST /v2/identify-user: status 503`,
		},
		{
			name:   "not implemented, without a body",
			status: 501,
			body:   "",
			call:   0,
			want:   `liveblocks: POST /v2/identify-user: status 501: the server does not implement this route`,
		},
		{
			name:   "plain text",
			status: 500,
			body:   "upstream exploded\n",
			call:   1,
			want:   `liveblocks: GET /v2/rooms/r1: status 500: upstream exploded`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newFake(t, reply(tt.status, tt.body))

			err := calls[tt.call].run(c)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error():\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestErrorHandBuilt(t *testing.T) {
	t.Parallel()

	cause := errors.New("boom")
	tests := []struct {
		name     string
		err      *Error
		wantText string
		wantIs   []error
	}{
		{
			name:     "no answer, no detail",
			err:      &Error{Method: "GET", Path: "/v2/rooms"},
			wantText: "liveblocks: GET /v2/rooms: failed",
			wantIs:   []error{token.ErrUnavailable},
		},
		{
			name:     "no answer with cause",
			err:      &Error{Method: "GET", Path: "/v2/rooms", Err: cause},
			wantText: "liveblocks: GET /v2/rooms: boom",
			wantIs:   []error{token.ErrUnavailable, cause},
		},
		{
			name:     "status and code only",
			err:      &Error{Method: "DELETE", Path: "/v2/rooms/x", Status: 409, Code: "C"},
			wantText: "liveblocks: DELETE /v2/rooms/x: status 409 (C)",
			wantIs:   []error{token.ErrRejected, ErrConflict},
		},
		{
			name:     "2xx with cause",
			err:      &Error{Method: "GET", Path: "/v2/rooms", Status: 200, Message: "bad", Err: cause},
			wantText: "liveblocks: GET /v2/rooms: status 200: bad: boom",
			wantIs:   []error{token.ErrBadResponse, cause},
		},
		{
			name:     "1xx",
			err:      &Error{Method: "GET", Path: "/v2/rooms", Status: 103},
			wantText: "liveblocks: GET /v2/rooms: status 103",
			wantIs:   []error{token.ErrUnavailable},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.wantText {
				t.Errorf("Error(): got %q, want %q", got, tt.wantText)
			}
			checkIs(t, tt.err, tt.wantIs, without(tt.wantIs))
		})
	}
}

// retryAfterer is what the liveauth endpoint looks for, with errors.As, to
// pass the upstream's Retry-After on to the browser.
type retryAfterer = interface{ RetryAfter() time.Duration }

var _ retryAfterer = (*Error)(nil)

func TestErrorRetryAfterInterface(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		status  int
		headers []string
		want    time.Duration
	}{
		{
			name:    "429 with Retry-After in seconds",
			status:  http.StatusTooManyRequests,
			headers: []string{"Retry-After", "120"},
			want:    120 * time.Second,
		},
		{
			name:    "503 with Retry-After as a date, read with the client's clock",
			status:  http.StatusServiceUnavailable,
			headers: []string{"Retry-After", "Thu, 03 Dec 2026 18:26:00 GMT"},
			want:    time.Minute,
		},
		{
			name:   "503 without Retry-After",
			status: http.StatusServiceUnavailable,
			want:   0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newFake(t, reply(tt.status, `{"error":"E"}`, tt.headers...))

			_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
			// The endpoint sees the error wrapped by its own layers.
			wrapped := fmt.Errorf("issuing: %w", err)

			var ra retryAfterer
			if !errors.As(wrapped, &ra) {
				t.Fatalf("errors.As(%v, &ra) = false, want true", wrapped)
			}
			if got := ra.RetryAfter(); got != tt.want {
				t.Errorf("RetryAfter(): got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestErrorRetryAfterHandBuilt(t *testing.T) {
	t.Parallel()

	e := &Error{Method: "POST", Path: identifyUserPath, Status: http.StatusTooManyRequests}
	if got := e.RetryAfter(); got != 0 {
		t.Errorf("RetryAfter(): got %v, want 0", got)
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()

	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		for _, call := range calls {
			c, err := New(testSecret, WithBaseURL("http://"+closedAddr(t)))
			if err != nil {
				t.Fatal(err)
			}

			err = call.run(c)
			checkIs(t, err, []error{token.ErrUnavailable, syscall.ECONNREFUSED},
				without([]error{token.ErrUnavailable}))
			e := asError(t, err)
			if e.Status != 0 || e.Err == nil {
				t.Errorf("got Status %d, Err %v; want 0 and a cause", e.Status, e.Err)
			}
			prefix := "liveblocks: " + call.method + " " + call.path + ": dial tcp "
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error(): got %q, want prefix %q", err.Error(), prefix)
			}
			checkNoSecret(t, "Error()", err.Error())
		}
	})

	t.Run("per-call timeout", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, WithTimeout(50*time.Millisecond))
		t.Cleanup(func() { close(release) })

		start := time.Now()
		_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("call took %v, want about 50ms", d)
		}
		checkIs(t, err, []error{token.ErrUnavailable, context.DeadlineExceeded},
			append(without([]error{token.ErrUnavailable}), context.Canceled))
		want := "liveblocks: POST /v2/identify-user: no answer within 50ms: context deadline exceeded"
		if got := err.Error(); got != want {
			t.Errorf("Error():\n got %q\nwant %q", got, want)
		}
	})

	t.Run("timeout while reading the body", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"token":"`)
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, WithTimeout(50*time.Millisecond))
		t.Cleanup(func() { close(release) })

		_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
		checkIs(t, err, []error{token.ErrUnavailable, context.DeadlineExceeded},
			without([]error{token.ErrUnavailable}))
		if e := asError(t, err); e.Message != "no answer within 50ms" {
			t.Errorf("Message: got %q, want %q", e.Message, "no answer within 50ms")
		}
	})

	t.Run("caller cancels", func(t *testing.T) {
		t.Parallel()
		arrived := make(chan struct{})
		release := make(chan struct{})
		c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		t.Cleanup(func() { close(release) })

		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := c.GetRoom(ctx, "r1")
		checkIs(t, err, []error{token.ErrUnavailable, context.Canceled},
			append(without([]error{token.ErrUnavailable}), context.DeadlineExceeded))
		if e := asError(t, err); e.Message != "" {
			t.Errorf("Message: got %q, want none (the caller cancelled)", e.Message)
		}
	})

	t.Run("caller's deadline", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		t.Cleanup(func() { close(release) })

		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.IdentifyUser(ctx, token.Identity{UserID: "alice"})
		checkIs(t, err, []error{token.ErrUnavailable, context.DeadlineExceeded},
			without([]error{token.ErrUnavailable}))
		if e := asError(t, err); e.Message != "" {
			t.Errorf("Message: got %q, want none (the caller's deadline)", e.Message)
		}
	})

	t.Run("context already cancelled", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, reply(http.StatusOK, tokenBody(t, devServerToken)))

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.IdentifyUser(ctx, token.Identity{UserID: "alice"})
		checkIs(t, err, []error{token.ErrUnavailable, context.Canceled},
			without([]error{token.ErrUnavailable}))
		if n := len(f.requests()); n != 0 {
			t.Errorf("got %d requests, want 0", n)
		}
	})
}

func TestSecretNeverInErrors(t *testing.T) {
	t.Parallel()

	// A misbehaving server or proxy that echoes the Authorization header
	// everywhere it can.
	echo := func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if r.URL.Query().Get("query") == "text" {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "proxy error for %s", auth)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error":%q,"message":%q,"suggestion":%q,"docs":%q}`, auth, auth, auth, auth)
	}
	c, _ := newFake(t, echo)

	_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
	e := asError(t, err)
	for what, s := range map[string]string{
		"Error()": err.Error(), "Code": e.Code, "Message": e.Message,
		"Suggestion": e.Suggestion, "Docs": e.Docs, "%+v": fmt.Sprintf("%+v", e),
	} {
		checkNoSecret(t, what, s)
	}
	if want := "Bearer [redacted]"; e.Message != want {
		t.Errorf("Message: got %q, want %q", e.Message, want)
	}

	_, err = c.ListRooms(context.Background(), ListRoomsParams{Query: "text"})
	e = asError(t, err)
	checkNoSecret(t, "Error() of a text body", err.Error())
	if want := "proxy error for Bearer [redacted]"; e.Message != want {
		t.Errorf("Message: got %q, want %q", e.Message, want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{name: "absent", value: "", want: 0},
		{name: "seconds", value: "120", want: 2 * time.Minute},
		{name: "seconds with spaces", value: " 5 ", want: 5 * time.Second},
		{name: "zero", value: "0", want: 0},
		{name: "negative", value: "-5", want: 0},
		{name: "huge is capped", value: "999999999999", want: 365 * 24 * time.Hour},
		{name: "garbage", value: "soon", want: 0},
		{name: "date in the future", value: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second},
		{name: "date in the past", value: now.Add(-time.Minute).Format(http.TimeFormat), want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := parseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q): got %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestTruncateText(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "short", in: "  hello\n\tworld  ", want: "hello world"},
		{name: "exactly 200 bytes", in: strings.Repeat("a", 200), want: strings.Repeat("a", 200)},
		{name: "ASCII cut", in: strings.Repeat("a", 201), want: strings.Repeat("a", 200)},
		{name: "cut on a character boundary", in: strings.Repeat("€", 100), want: strings.Repeat("€", 66)},
		{name: "invalid UTF-8 replaced", in: "a\xffb", want: "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := truncateText([]byte(tt.in))
			if got != tt.want {
				t.Errorf("truncateText: got %q, want %q", got, tt.want)
			}
			if len(got) > maxErrorText {
				t.Errorf("got %d bytes, want at most %d", len(got), maxErrorText)
			}
		})
	}
}
