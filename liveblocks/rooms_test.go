package liveblocks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// roomJSON is a room as the dev server 1.9.0 returns it, with
// lastConnectionAt added as the cloud sends it.
const roomJSON = `{"type":"room","id":"r1","organizationId":"default",` +
	`"createdAt":"2026-12-03T18:24:08.177Z","lastConnectionAt":"2026-12-04T09:00:00.000Z",` +
	`"metadata":{"color":"blue","tags":["a","b"],"mixed":["a",1]},` +
	`"defaultAccesses":["room:read","room:presence:write"],` +
	`"groupsAccesses":{"g1":["*:write"]},` +
	`"usersAccesses":{"alice":["room:write"],"bob":["*:read"]}}`

// wantRoom is roomJSON decoded.
func wantRoom() *Room {
	return &Room{
		ID:               "r1",
		OrganizationID:   "default",
		CreatedAt:        time.Date(2026, 12, 3, 18, 24, 8, 177_000_000, time.UTC),
		LastConnectionAt: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
		Metadata: map[string]any{
			"color": "blue",
			"tags":  []string{"a", "b"},
			"mixed": []any{"a", float64(1)},
		},
		DefaultAccesses: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		UsersAccesses: map[string][]permission.Scope{
			"alice": {permission.RoomWrite},
			"bob":   {permission.Read},
		},
		GroupsAccesses: map[string][]permission.Scope{"g1": {permission.Write}},
	}
}

// checkRequest compares the request line and body with what is expected.
// An empty wantBody means no body and no Content-Type.
func checkRequest(t *testing.T, got recorded, method, requestURI, wantBody string) {
	t.Helper()
	if got.Method != method {
		t.Errorf("method: got %s, want %s", got.Method, method)
	}
	if got.RequestURI != requestURI {
		t.Errorf("request URI: got %q, want %q", got.RequestURI, requestURI)
	}
	checkHeader(t, got.Header, "Authorization", "Bearer "+testSecret)
	checkHeader(t, got.Header, "Accept", "application/json")
	if wantBody == "" {
		checkHeader(t, got.Header, "Content-Type", "")
		if len(got.Body) != 0 {
			t.Errorf("body: got %s, want none", got.Body)
		}
		return
	}
	checkHeader(t, got.Header, "Content-Type", "application/json")
	if string(got.Body) != wantBody {
		t.Errorf("body:\n got %s\nwant %s", got.Body, wantBody)
	}
}

func checkRoom(t *testing.T, got, want *Room) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("room:\n got %#v\nwant %#v", got, want)
	}
}

func TestCreateRoom(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		id       string
		params   CreateRoomParams
		wantURI  string
		wantBody string
	}{
		{
			name:     "no accesses sends an empty default",
			id:       "r1",
			params:   CreateRoomParams{},
			wantURI:  "/v2/rooms",
			wantBody: `{"id":"r1","defaultAccesses":[]}`,
		},
		{
			name: "everything",
			id:   "doc 1/a",
			params: CreateRoomParams{
				DefaultAccesses: []permission.Scope{permission.Read, permission.PresenceWrite},
				UsersAccesses:   map[string][]permission.Scope{"alice": {permission.Write}},
				GroupsAccesses:  map[string][]permission.Scope{"eng": {permission.Write, permission.CommentsRead}},
				Metadata:        map[string]any{"tags": []string{"a", "b"}, "color": "blue"},
				OrganizationID:  "org1",
			},
			wantURI: "/v2/rooms",
			wantBody: `{"id":"doc 1/a","defaultAccesses":["*:read","room:presence:write"],` +
				`"usersAccesses":{"alice":["*:write"]},"groupsAccesses":{"eng":["*:write","comments:read"]},` +
				`"metadata":{"color":"blue","tags":["a","b"]},"organizationId":"org1"}`,
		},
		{
			name: "nil lists are left out",
			id:   "r1",
			params: CreateRoomParams{
				UsersAccesses:  map[string][]permission.Scope{"alice": nil, "bob": {permission.Read}},
				GroupsAccesses: map[string][]permission.Scope{"eng": nil},
			},
			wantURI:  "/v2/rooms",
			wantBody: `{"id":"r1","defaultAccesses":[],"usersAccesses":{"bob":["*:read"]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, roomJSON))

			got, err := c.CreateRoom(context.Background(), tt.id, tt.params)
			if err != nil {
				t.Fatalf("CreateRoom: %v", err)
			}
			checkRoom(t, got, wantRoom())
			checkRequest(t, f.only(t), http.MethodPost, tt.wantURI, tt.wantBody)
		})
	}
}

func TestCreateRoomConflict(t *testing.T) {
	t.Parallel()
	c, _ := newFake(t, reply(http.StatusConflict,
		`{"error":"ROOM_ALREADY_EXISTS","message":"Room with id \"r1\" already exists."}`))

	room, err := c.CreateRoom(context.Background(), "r1", CreateRoomParams{})
	if room != nil {
		t.Errorf("room: got %v, want nil", room)
	}
	checkIs(t, err, []error{ErrConflict, token.ErrRejected}, []error{ErrNotFound, token.ErrUnavailable})
}

func TestGetOrCreateRoom(t *testing.T) {
	t.Parallel()

	const createBody = `{"id":"r1","defaultAccesses":["*:write"]}`
	params := CreateRoomParams{DefaultAccesses: []permission.Scope{permission.Write}}
	conflict := `{"error":"ROOM_ALREADY_EXISTS","message":"Room with id \"r1\" already exists."}`

	t.Run("idempotent create", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, reply(http.StatusOK, roomJSON))

		got, err := c.GetOrCreateRoom(context.Background(), "r1", params)
		if err != nil {
			t.Fatalf("GetOrCreateRoom: %v", err)
		}
		checkRoom(t, got, wantRoom())
		checkRequest(t, f.only(t), http.MethodPost, "/v2/rooms?idempotent", createBody)
	})

	t.Run("older servers answer 409, then the room is fetched", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				reply(http.StatusConflict, conflict)(w, r)
				return
			}
			reply(http.StatusOK, roomJSON)(w, r)
		})

		got, err := c.GetOrCreateRoom(context.Background(), "r1", params)
		if err != nil {
			t.Fatalf("GetOrCreateRoom: %v", err)
		}
		checkRoom(t, got, wantRoom())
		reqs := f.requests()
		if len(reqs) != 2 {
			t.Fatalf("got %d requests, want 2", len(reqs))
		}
		checkRequest(t, reqs[0], http.MethodPost, "/v2/rooms?idempotent", createBody)
		checkRequest(t, reqs[1], http.MethodGet, "/v2/rooms/r1", "")
	})

	t.Run("room deleted between the two calls", func(t *testing.T) {
		t.Parallel()
		c, _ := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				reply(http.StatusConflict, conflict)(w, r)
				return
			}
			reply(http.StatusNotFound, `{"error":"ROOM_NOT_FOUND","message":"gone"}`)(w, r)
		})

		_, err := c.GetOrCreateRoom(context.Background(), "r1", params)
		checkIs(t, err, []error{ErrNotFound, token.ErrRejected}, []error{ErrConflict})
	})

	t.Run("other errors are returned", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, reply(http.StatusServiceUnavailable, ""))

		_, err := c.GetOrCreateRoom(context.Background(), "r1", params)
		checkIs(t, err, []error{token.ErrUnavailable}, []error{ErrConflict, ErrNotFound})
		if n := len(f.requests()); n != 1 {
			t.Errorf("got %d requests, want 1", n)
		}
	})
}

func TestGetRoom(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		id      string
		body    string
		wantURI string
		want    *Room
	}{
		{
			name:    "plain ID",
			id:      "r1",
			body:    roomJSON,
			wantURI: "/v2/rooms/r1",
			want:    wantRoom(),
		},
		{
			name:    "ID with slash, space and non-ASCII is escaped",
			id:      "a/b c?é#",
			body:    `{"id":"a/b c?é#","createdAt":"2026-12-03T18:24:08.288Z","metadata":{},"defaultAccesses":[]}`,
			wantURI: "/v2/rooms/a%2Fb%20c%3F%C3%A9%23",
			want: &Room{
				ID:              "a/b c?é#",
				CreatedAt:       time.Date(2026, 12, 3, 18, 24, 8, 288_000_000, time.UTC),
				Metadata:        map[string]any{},
				DefaultAccesses: []permission.Scope{},
			},
		},
		{
			name:    "dot-dot is not a path step",
			id:      "..",
			body:    `{"id":"..","createdAt":"2026-12-03T18:24:08Z","lastConnectionAt":null,"defaultAccesses":["*:write"]}`,
			wantURI: "/v2/rooms/%2E%2E",
			want: &Room{
				ID:              "..",
				CreatedAt:       time.Date(2026, 12, 3, 18, 24, 8, 0, time.UTC),
				DefaultAccesses: []permission.Scope{permission.Write},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, tt.body))

			got, err := c.GetRoom(context.Background(), tt.id)
			if err != nil {
				t.Fatalf("GetRoom: %v", err)
			}
			checkRoom(t, got, tt.want)
			checkRequest(t, f.only(t), http.MethodGet, tt.wantURI, "")
		})
	}
}

func TestUpdateRoom(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		params   UpdateRoomParams
		wantBody string
	}{
		{
			name:     "nothing set sends an empty object",
			params:   UpdateRoomParams{},
			wantBody: `{}`,
		},
		{
			name:     "empty default accesses are sent as []",
			params:   UpdateRoomParams{DefaultAccesses: []permission.Scope{}},
			wantBody: `{"defaultAccesses":[]}`,
		},
		{
			name:     "default accesses",
			params:   UpdateRoomParams{DefaultAccesses: []permission.Scope{permission.Read}},
			wantBody: `{"defaultAccesses":["*:read"]}`,
		},
		{
			name: "nil entries are sent as null",
			params: UpdateRoomParams{
				UsersAccesses:  map[string][]permission.Scope{"bob": nil, "carol": {permission.Write}},
				GroupsAccesses: map[string][]permission.Scope{"g1": nil},
			},
			wantBody: `{"usersAccesses":{"bob":null,"carol":["*:write"]},"groupsAccesses":{"g1":null}}`,
		},
		{
			name:     "metadata with a deleted key",
			params:   UpdateRoomParams{Metadata: map[string]any{"color": nil, "size": "L", "tags": []string{"x"}}},
			wantBody: `{"metadata":{"color":null,"size":"L","tags":["x"]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, roomJSON))

			got, err := c.UpdateRoom(context.Background(), "r 1", tt.params)
			if err != nil {
				t.Fatalf("UpdateRoom: %v", err)
			}
			checkRoom(t, got, wantRoom())
			checkRequest(t, f.only(t), http.MethodPost, "/v2/rooms/r%201", tt.wantBody)
		})
	}
}

func TestUpdateRoomErrors(t *testing.T) {
	t.Parallel()

	t.Run("unknown room", func(t *testing.T) {
		t.Parallel()
		c, _ := newFake(t, reply(http.StatusNotFound,
			`{"error":"ROOM_NOT_FOUND","message":"Room with id \"nope\" not found."}`))

		_, err := c.UpdateRoom(context.Background(), "nope", UpdateRoomParams{})
		checkIs(t, err, []error{ErrNotFound, token.ErrRejected}, []error{token.ErrUnavailable})
	})

	t.Run("metadata that cannot be encoded", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, reply(http.StatusOK, roomJSON))

		params := UpdateRoomParams{Metadata: map[string]any{"f": func() {}}}
		_, err := c.UpdateRoom(context.Background(), "r1", params)
		if err == nil {
			t.Fatal("got no error")
		}
		if !strings.HasPrefix(err.Error(), "liveblocks: POST /v2/rooms/r1: encoding the request: ") {
			t.Errorf("Error(): got %q", err.Error())
		}
		checkIs(t, err, nil, allSentinels)
		if n := len(f.requests()); n != 0 {
			t.Errorf("got %d requests, want 0", n)
		}
	})
}

func TestDeleteRoom(t *testing.T) {
	t.Parallel()

	t.Run("204", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})

		if err := c.DeleteRoom(context.Background(), "a/b"); err != nil {
			t.Fatalf("DeleteRoom: %v", err)
		}
		checkRequest(t, f.only(t), http.MethodDelete, "/v2/rooms/a%2Fb", "")
	})

	t.Run("404 from the cloud", func(t *testing.T) {
		t.Parallel()
		c, _ := newFake(t, reply(http.StatusNotFound, `{"error":"ROOM_NOT_FOUND","message":"Room not found"}`))

		err := c.DeleteRoom(context.Background(), "r1")
		checkIs(t, err, []error{ErrNotFound, token.ErrRejected}, []error{token.ErrUnavailable})
		want := `liveblocks: DELETE /v2/rooms/r1: status 404 (ROOM_NOT_FOUND): Room not found`
		if err.Error() != want {
			t.Errorf("Error(): got %q, want %q", err.Error(), want)
		}
	})
}

func TestListRooms(t *testing.T) {
	t.Parallel()

	page := `{"data":[` + roomJSON + `],"nextPage":null,"nextCursor":"cur2"}`
	tests := []struct {
		name      string
		params    ListRoomsParams
		body      string
		wantQuery url.Values
		wantPage  *RoomPage
	}{
		{
			name:      "no parameters",
			params:    ListRoomsParams{},
			body:      `{"data":[],"nextPage":null,"nextCursor":null}`,
			wantQuery: url.Values{},
			wantPage:  &RoomPage{Data: []Room{}},
		},
		{
			name: "every parameter",
			params: ListRoomsParams{
				Limit:          10,
				StartingAfter:  "cur1",
				OrganizationID: "org1",
				UserID:         "alice",
				GroupIDs:       []string{"g1", "g2"},
				Query:          `metadata["color"]:"blue" AND roomId^"team-"`,
			},
			body: page,
			wantQuery: url.Values{
				"limit":          {"10"},
				"startingAfter":  {"cur1"},
				"organizationId": {"org1"},
				"userId":         {"alice"},
				"groupIds":       {"g1,g2"},
				"query":          {`metadata["color"]:"blue" AND roomId^"team-"`},
			},
			wantPage: &RoomPage{Data: []Room{*wantRoom()}, NextCursor: "cur2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, tt.body))

			got, err := c.ListRooms(context.Background(), tt.params)
			if err != nil {
				t.Fatalf("ListRooms: %v", err)
			}
			if !reflect.DeepEqual(got, tt.wantPage) {
				t.Errorf("page:\n got %#v\nwant %#v", got, tt.wantPage)
			}

			req := f.only(t)
			checkRequest(t, req, http.MethodGet, req.RequestURI, "")
			if req.Path != "/v2/rooms" {
				t.Errorf("path: got %q, want /v2/rooms", req.Path)
			}
			q, err := url.ParseQuery(req.RawQuery)
			if err != nil {
				t.Fatalf("query %q: %v", req.RawQuery, err)
			}
			if !reflect.DeepEqual(q, tt.wantQuery) {
				t.Errorf("query: got %v, want %v", q, tt.wantQuery)
			}
		})
	}
}

func TestListRoomsErrors(t *testing.T) {
	t.Parallel()

	t.Run("negative limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFake(t, reply(http.StatusOK, `{"data":[]}`))

		_, err := c.ListRooms(context.Background(), ListRoomsParams{Limit: -1})
		if err == nil {
			t.Fatal("got no error")
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("got %d requests, want 0", n)
		}
	})

	t.Run("invalid query", func(t *testing.T) {
		t.Parallel()
		c, _ := newFake(t, reply(http.StatusUnprocessableEntity,
			`{"error":"INVALID_QUERY","message":"Expected \":\" but \"q\" found (at 1:5)"}`))

		_, err := c.ListRooms(context.Background(), ListRoomsParams{Query: "bad query"})
		checkIs(t, err, []error{token.ErrRejected}, []error{token.ErrUnavailable, ErrNotFound})
		if e := asError(t, err); e.Code != "INVALID_QUERY" {
			t.Errorf("Code: got %q, want INVALID_QUERY", e.Code)
		}
	})
}

// TestRoomBadResponses covers 2xx answers that are not rooms.
func TestRoomBadResponses(t *testing.T) {
	t.Parallel()

	ctx := context.Background()
	tests := []struct {
		name string
		body string
		call func(*Client) error
	}{
		{
			name: "create gets HTML",
			body: "<html></html>",
			call: func(c *Client) error { _, err := c.CreateRoom(ctx, "r1", CreateRoomParams{}); return err },
		},
		{
			name: "get gets a bad date",
			body: `{"id":"r1","createdAt":"yesterday"}`,
			call: func(c *Client) error { _, err := c.GetRoom(ctx, "r1"); return err },
		},
		{
			name: "get gets a list",
			body: `[]`,
			call: func(c *Client) error { _, err := c.GetRoom(ctx, "r1"); return err },
		},
		{
			name: "get-or-create gets accesses of the wrong type",
			body: `{"id":"r1","defaultAccesses":"*:write"}`,
			call: func(c *Client) error { _, err := c.GetOrCreateRoom(ctx, "r1", CreateRoomParams{}); return err },
		},
		{
			name: "update gets nothing",
			body: ``,
			call: func(c *Client) error { _, err := c.UpdateRoom(ctx, "r1", UpdateRoomParams{}); return err },
		},
		{
			name: "list gets data of the wrong type",
			body: `{"data":{},"nextCursor":null}`,
			call: func(c *Client) error { _, err := c.ListRooms(ctx, ListRoomsParams{}); return err },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newFake(t, reply(http.StatusOK, tt.body))

			err := tt.call(c)
			checkIs(t, err, []error{token.ErrBadResponse}, without([]error{token.ErrBadResponse}))
			if e := asError(t, err); e.Err == nil {
				t.Errorf("Err: got nil, want the decoding error")
			}
			if !strings.Contains(err.Error(), "status 200: body is not the expected JSON") {
				t.Errorf("Error(): got %q", err.Error())
			}
		})
	}
}

// roomCalls are the calls that take a room ID, with valid other
// arguments.
var roomCalls = map[string]func(*Client, string) error{
	"CreateRoom": func(c *Client, id string) error {
		_, err := c.CreateRoom(context.Background(), id, CreateRoomParams{})
		return err
	},
	"GetOrCreateRoom": func(c *Client, id string) error {
		_, err := c.GetOrCreateRoom(context.Background(), id, CreateRoomParams{})
		return err
	},
	"GetRoom": func(c *Client, id string) error {
		_, err := c.GetRoom(context.Background(), id)
		return err
	},
	"UpdateRoom": func(c *Client, id string) error {
		_, err := c.UpdateRoom(context.Background(), id, UpdateRoomParams{})
		return err
	},
	"UpsertRoom": func(c *Client, id string) error {
		_, err := c.UpsertRoom(context.Background(), id, UpdateRoomParams{}, &CreateRoomParams{})
		return err
	},
	"DeleteRoom": func(c *Client, id string) error {
		return c.DeleteRoom(context.Background(), id)
	},
}

func TestInvalidRoomIDs(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		id       string
		wantText string
		wantIs   []error // besides ErrInvalidRoomID
	}{
		{
			name:     "empty",
			id:       "",
			wantText: "liveblocks: invalid room ID: empty",
			wantIs:   []error{permission.ErrInvalidRoomID},
		},
		{
			name:     "129 characters",
			id:       strings.Repeat("r", MaxRoomIDLen+1),
			wantText: "liveblocks: invalid room ID: 129 characters, at most 128",
			wantIs:   []error{permission.ErrInvalidRoomID},
		},
		{
			name:     "65 emoji count as 130 characters",
			id:       strings.Repeat("😀", 65),
			wantText: "liveblocks: invalid room ID: 130 characters, at most 128",
			wantIs:   []error{permission.ErrInvalidRoomID},
		},
		{
			name:     "invalid UTF-8",
			id:       "r\xff",
			wantText: "liveblocks: invalid room ID: not valid UTF-8",
		},
	}
	for callName, call := range roomCalls {
		for _, tt := range tests {
			t.Run(callName+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c, f := newFake(t, reply(http.StatusOK, roomJSON))

				err := call(c, tt.id)
				want := append([]error{ErrInvalidRoomID}, tt.wantIs...)
				checkIs(t, err, want, without(want))
				if err.Error() != tt.wantText {
					t.Errorf("Error(): got %q, want %q", err.Error(), tt.wantText)
				}
				if n := len(f.requests()); n != 0 {
					t.Errorf("got %d requests, want 0", n)
				}
			})
		}
	}

	t.Run("at the limit", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{strings.Repeat("é", MaxRoomIDLen), strings.Repeat("😀", MaxRoomIDLen/2)} {
			if err := checkRoomID(id); err != nil {
				t.Errorf("checkRoomID(%d bytes): got %v, want nil", len(id), err)
			}
		}
	})
}

func TestRoomAccesses(t *testing.T) {
	t.Parallel()

	room := wantRoom()
	got := room.Accesses()
	want := permission.Accesses{
		Default: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		Users: map[string][]permission.Scope{
			"alice": {permission.RoomWrite},
			"bob":   {permission.Read},
		},
		Groups: map[string][]permission.Scope{"g1": {permission.Write}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Accesses():\n got %#v\nwant %#v", got, want)
	}

	// The result is a copy.
	got.Default[0] = permission.Write
	got.Users["alice"][0] = permission.Read
	got.Groups["new"] = nil
	if !reflect.DeepEqual(room, wantRoom()) {
		t.Errorf("changing Accesses() changed the room: %#v", room)
	}

	if acc := (Room{}).Accesses(); acc.Default != nil || acc.Users != nil || acc.Groups != nil {
		t.Errorf("Accesses() of an empty room: got %#v, want zero", acc)
	}
}

func TestRoomJSONRoundTrip(t *testing.T) {
	t.Parallel()

	b, err := json.Marshal(wantRoom())
	if err != nil {
		t.Fatal(err)
	}
	var got Room
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	checkRoom(t, &got, wantRoom())

	b, err = json.Marshal(Room{ID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"r","createdAt":"0001-01-01T00:00:00Z","defaultAccesses":null}`; string(b) != want {
		t.Errorf("json.Marshal: got %s, want %s", b, want)
	}
}

func TestUpsertRoom(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		id       string
		update   UpdateRoomParams
		create   *CreateRoomParams
		wantURI  string
		wantBody string
	}{
		{
			name:     "empty update, no create",
			id:       "r1",
			wantURI:  "/v2/rooms/r1/upsert",
			wantBody: `{"update":{}}`,
		},
		{
			name:     "empty create sends an empty default, and no id",
			id:       "r1",
			create:   &CreateRoomParams{},
			wantURI:  "/v2/rooms/r1/upsert",
			wantBody: `{"update":{},"create":{"defaultAccesses":[]}}`,
		},
		{
			name: "update removes with null, create leaves nil entries out",
			id:   "team/doc 1",
			update: UpdateRoomParams{
				DefaultAccesses: []permission.Scope{permission.Read},
				UsersAccesses:   map[string][]permission.Scope{"bob": nil, "carol": {permission.Write}},
				GroupsAccesses:  map[string][]permission.Scope{"g1": nil},
				Metadata:        map[string]any{"color": nil, "size": "L"},
			},
			create: &CreateRoomParams{
				DefaultAccesses: []permission.Scope{permission.Write, permission.StorageRead},
				UsersAccesses:   map[string][]permission.Scope{"alice": {permission.Write}, "bob": nil},
				GroupsAccesses:  map[string][]permission.Scope{"eng": {permission.Read}},
				Metadata:        map[string]any{"tags": []string{"a"}},
				OrganizationID:  "org1",
			},
			wantURI: "/v2/rooms/team%2Fdoc%201/upsert",
			wantBody: `{"update":{"defaultAccesses":["*:read"],"usersAccesses":{"bob":null,"carol":["*:write"]},` +
				`"groupsAccesses":{"g1":null},"metadata":{"color":null,"size":"L"}},` +
				`"create":{"defaultAccesses":["*:write","storage:read"],"usersAccesses":{"alice":["*:write"]},` +
				`"groupsAccesses":{"eng":["*:read"]},"metadata":{"tags":["a"]},"organizationId":"org1"}}`,
		},
		{
			name:     "update to no access",
			id:       "..",
			update:   UpdateRoomParams{DefaultAccesses: []permission.Scope{}},
			wantURI:  "/v2/rooms/%2E%2E/upsert",
			wantBody: `{"update":{"defaultAccesses":[]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, roomJSON))

			got, err := c.UpsertRoom(context.Background(), tt.id, tt.update, tt.create)
			if err != nil {
				t.Fatalf("UpsertRoom: %v", err)
			}
			checkRoom(t, got, wantRoom())
			checkRequest(t, f.only(t), http.MethodPost, tt.wantURI, tt.wantBody)
		})
	}
}

func TestUpsertRoomErrors(t *testing.T) {
	t.Parallel()

	t.Run("the dev server's 501", func(t *testing.T) {
		t.Parallel()
		const msg = "This endpoint isn't implemented in the Liveblocks dev server."
		c, f := newFake(t, reply(http.StatusNotImplemented,
			`{"error":"Not implemented","message":"`+msg+`"}`, "X-LB-Warn", msg))

		room, err := c.UpsertRoom(context.Background(), "r1", UpdateRoomParams{}, nil)
		if room != nil {
			t.Errorf("room: got %v, want nil", room)
		}
		checkIs(t, err, []error{token.ErrUnavailable}, without([]error{token.ErrUnavailable}))
		e := asError(t, err)
		if e.Status != http.StatusNotImplemented || e.Code != "Not implemented" || e.Message != msg {
			t.Errorf("got Status %d, Code %q, Message %q", e.Status, e.Code, e.Message)
		}
		want := "liveblocks: POST /v2/rooms/r1/upsert: status 501 (Not implemented): " +
			"the server does not implement this route: " + msg
		if err.Error() != want {
			t.Errorf("Error():\n got %q\nwant %q", err.Error(), want)
		}
		checkRequest(t, f.only(t), http.MethodPost, "/v2/rooms/r1/upsert", `{"update":{}}`)
	})

	t.Run("2xx that is not a room", func(t *testing.T) {
		t.Parallel()
		c, _ := newFake(t, reply(http.StatusOK, `[]`))

		_, err := c.UpsertRoom(context.Background(), "r1", UpdateRoomParams{}, nil)
		checkIs(t, err, []error{token.ErrBadResponse}, without([]error{token.ErrBadResponse}))
	})
}

// manyUsers returns n user entries, each with read access.
func manyUsers(n int) map[string][]permission.Scope {
	m := make(map[string][]permission.Scope, n)
	for i := range n {
		m[fmt.Sprintf("user%03d", i)] = []permission.Scope{permission.Read}
	}
	return m
}

func TestInvalidAccesses(t *testing.T) {
	t.Parallel()

	ctx := context.Background()
	create := func(p CreateRoomParams) func(*Client) error {
		return func(c *Client) error { _, err := c.CreateRoom(ctx, "r1", p); return err }
	}
	getOrCreate := func(p CreateRoomParams) func(*Client) error {
		return func(c *Client) error { _, err := c.GetOrCreateRoom(ctx, "r1", p); return err }
	}
	update := func(p UpdateRoomParams) func(*Client) error {
		return func(c *Client) error { _, err := c.UpdateRoom(ctx, "r1", p); return err }
	}
	upsert := func(u UpdateRoomParams, p *CreateRoomParams) func(*Client) error {
		return func(c *Client) error { _, err := c.UpsertRoom(ctx, "r1", u, p); return err }
	}
	users := func(id string, scopes ...permission.Scope) map[string][]permission.Scope {
		return map[string][]permission.Scope{id: scopes}
	}

	tests := []struct {
		name      string
		call      func(*Client) error
		wantText  string
		wantIs    []error // permission sentinels
		wantEntry *permission.EntryError
	}{
		{
			name:      "create: default with two base scopes",
			call:      create(CreateRoomParams{DefaultAccesses: []permission.Scope{permission.Read, permission.Write}}),
			wantText:  `liveblocks: invalid room accesses: defaultAccesses: want exactly one base scope: got "*:read", "*:write"`,
			wantIs:    []error{permission.ErrBaseScope},
			wantEntry: &permission.EntryError{Field: "defaultAccesses"},
		},
		{
			name:      "create: unknown scope for a user",
			call:      create(CreateRoomParams{UsersAccesses: users("alice", permission.Read, "comments:delete")}),
			wantText:  `liveblocks: invalid room accesses: usersAccesses["alice"]: unknown scope: "comments:delete"`,
			wantIs:    []error{permission.ErrUnknownScope},
			wantEntry: &permission.EntryError{Field: "usersAccesses", Key: "alice"},
		},
		{
			name:      "create: empty list for a group",
			call:      create(CreateRoomParams{GroupsAccesses: map[string][]permission.Scope{"eng": {}}}),
			wantText:  `liveblocks: invalid room accesses: groupsAccesses["eng"]: want exactly one base scope: got none`,
			wantIs:    []error{permission.ErrBaseScope},
			wantEntry: &permission.EntryError{Field: "groupsAccesses", Key: "eng"},
		},
		{
			name: "create: every problem is named, in order",
			call: create(CreateRoomParams{
				DefaultAccesses: []permission.Scope{permission.StorageRead},
				UsersAccesses:   map[string][]permission.Scope{"": {permission.Read}, "bob": {permission.Read, permission.Write}},
			}),
			wantText: `liveblocks: invalid room accesses: defaultAccesses: want exactly one base scope: got none; ` +
				`usersAccesses[""]: invalid user or group id: empty; ` +
				`usersAccesses["bob"]: want exactly one base scope: got "*:read", "*:write"`,
			wantIs:    []error{permission.ErrBaseScope, permission.ErrInvalidID},
			wantEntry: &permission.EntryError{Field: "defaultAccesses"},
		},
		{
			name:     "create: too many users",
			call:     create(CreateRoomParams{UsersAccesses: manyUsers(permission.MaxAccessEntries + 1)}),
			wantText: `liveblocks: invalid room accesses: usersAccesses: more than 100 entries: got 101`,
			wantIs:   []error{permission.ErrTooManyEntries},
		},
		{
			name:      "get-or-create: two scopes for one feature",
			call:      getOrCreate(CreateRoomParams{DefaultAccesses: []permission.Scope{permission.Write, permission.CommentsRead, permission.CommentsWrite}}),
			wantText:  `liveblocks: invalid room accesses: defaultAccesses: more than one scope per feature: "comments:read", "comments:write"`,
			wantIs:    []error{permission.ErrDuplicateFeature},
			wantEntry: &permission.EntryError{Field: "defaultAccesses"},
		},
		{
			name:      "update: unknown default scope",
			call:      update(UpdateRoomParams{DefaultAccesses: []permission.Scope{"room:admin"}}),
			wantText:  `liveblocks: invalid room accesses: defaultAccesses: unknown scope: "room:admin"`,
			wantIs:    []error{permission.ErrUnknownScope},
			wantEntry: &permission.EntryError{Field: "defaultAccesses"},
		},
		{
			name:      "update: an empty list neither grants nor removes",
			call:      update(UpdateRoomParams{UsersAccesses: map[string][]permission.Scope{"zed": {}}}),
			wantText:  `liveblocks: invalid room accesses: usersAccesses["zed"]: want exactly one base scope: got none`,
			wantIs:    []error{permission.ErrBaseScope},
			wantEntry: &permission.EntryError{Field: "usersAccesses", Key: "zed"},
		},
		{
			name:     "update: too many groups set",
			call:     update(UpdateRoomParams{GroupsAccesses: manyUsers(permission.MaxAccessEntries + 1)}),
			wantText: `liveblocks: invalid room accesses: groupsAccesses: more than 100 entries: got 101`,
			wantIs:   []error{permission.ErrTooManyEntries},
		},
		{
			name:      "update: a group ID too long",
			call:      update(UpdateRoomParams{GroupsAccesses: users(strings.Repeat("g", permission.MaxAccessIDLength+1), permission.Read)}),
			wantText:  `liveblocks: invalid room accesses: groupsAccesses["` + strings.Repeat("g", 257) + `"]: invalid user or group id: 257 characters, at most 256`,
			wantIs:    []error{permission.ErrInvalidID},
			wantEntry: &permission.EntryError{Field: "groupsAccesses", Key: strings.Repeat("g", 257)},
		},
		{
			name:      "upsert: the update part",
			call:      upsert(UpdateRoomParams{UsersAccesses: users("alice", permission.StorageWrite)}, nil),
			wantText:  `liveblocks: invalid room accesses: update.usersAccesses["alice"]: want exactly one base scope: got none`,
			wantIs:    []error{permission.ErrBaseScope},
			wantEntry: &permission.EntryError{Field: "usersAccesses", Key: "alice"},
		},
		{
			name:      "upsert: the create part",
			call:      upsert(UpdateRoomParams{}, &CreateRoomParams{GroupsAccesses: users("eng", "*:admin")}),
			wantText:  `liveblocks: invalid room accesses: create.groupsAccesses["eng"]: unknown scope: "*:admin"`,
			wantIs:    []error{permission.ErrUnknownScope},
			wantEntry: &permission.EntryError{Field: "groupsAccesses", Key: "eng"},
		},
		{
			name: "upsert: both parts",
			call: upsert(
				UpdateRoomParams{DefaultAccesses: []permission.Scope{permission.FeedsRead}},
				&CreateRoomParams{UsersAccesses: manyUsers(permission.MaxAccessEntries + 1)},
			),
			wantText: `liveblocks: invalid room accesses: update.defaultAccesses: want exactly one base scope: got none; ` +
				`create.usersAccesses: more than 100 entries: got 101`,
			wantIs:    []error{permission.ErrBaseScope, permission.ErrTooManyEntries},
			wantEntry: &permission.EntryError{Field: "defaultAccesses"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, roomJSON))

			err := tt.call(c)
			if err == nil {
				t.Fatal("got no error")
			}
			checkIs(t, err, append([]error{ErrInvalidAccesses}, tt.wantIs...), without([]error{ErrInvalidAccesses}))
			if err.Error() != tt.wantText {
				t.Errorf("Error():\n got %q\nwant %q", err.Error(), tt.wantText)
			}
			var entry *permission.EntryError
			switch {
			case tt.wantEntry == nil && errors.As(err, &entry):
				t.Errorf("errors.As found an entry: %v", entry)
			case tt.wantEntry != nil && !errors.As(err, &entry):
				t.Errorf("errors.As(%v, *permission.EntryError) = false, want true", err)
			case tt.wantEntry != nil && (entry.Field != tt.wantEntry.Field || entry.Key != tt.wantEntry.Key):
				t.Errorf("entry: got %s[%q], want %s[%q]", entry.Field, entry.Key, tt.wantEntry.Field, tt.wantEntry.Key)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("got %d requests, want 0", n)
			}
		})
	}
}

func TestValidAccessesAreSent(t *testing.T) {
	t.Parallel()

	ctx := context.Background()
	tests := []struct {
		name string
		call func(*Client) error
	}{
		{
			name: "create with the legacy lists of older servers",
			call: func(c *Client) error {
				_, err := c.CreateRoom(ctx, "r1", CreateRoomParams{
					DefaultAccesses: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
					UsersAccesses:   map[string][]permission.Scope{"alice": {permission.RoomWrite}},
				})
				return err
			},
		},
		{
			name: "create with 100 users and nil entries beyond",
			call: func(c *Client) error {
				users := manyUsers(permission.MaxAccessEntries)
				users["gone"] = nil
				_, err := c.CreateRoom(ctx, "r1", CreateRoomParams{UsersAccesses: users})
				return err
			},
		},
		{
			name: "update that only removes, however many",
			call: func(c *Client) error {
				removals := map[string][]permission.Scope{}
				for id := range manyUsers(2 * permission.MaxAccessEntries) {
					removals[id] = nil
				}
				removals[""] = nil
				_, err := c.UpdateRoom(ctx, "r1", UpdateRoomParams{UsersAccesses: removals, GroupsAccesses: removals})
				return err
			},
		},
		{
			name: "upsert with an empty default on both sides",
			call: func(c *Client) error {
				_, err := c.UpsertRoom(ctx, "r1",
					UpdateRoomParams{DefaultAccesses: []permission.Scope{}},
					&CreateRoomParams{DefaultAccesses: []permission.Scope{}})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFake(t, reply(http.StatusOK, roomJSON))

			if err := tt.call(c); err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("got %d requests, want 1", n)
			}
		})
	}
}
