package liveblocks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveauth/liveauth/permission"
)

// MaxRoomIDLen is the longest room ID Liveblocks accepts, in characters.
const MaxRoomIDLen = 128

// roomsPath is the collection of rooms.
const roomsPath = "/v2/rooms"

// Room is a room as the REST API returns it.
type Room struct {
	// ID is the room's ID.
	ID string `json:"id"`

	// OrganizationID is the organization the room belongs to ("default"
	// unless one was given at creation).
	OrganizationID string `json:"organizationId,omitempty"`

	// CreatedAt is when the room was created.
	CreatedAt time.Time `json:"createdAt"`

	// LastConnectionAt is when someone last connected to the room, or the
	// zero time if nobody has (or the server does not say).
	LastConnectionAt time.Time `json:"lastConnectionAt,omitzero"`

	// Metadata holds the room's metadata. Liveblocks allows a string or a
	// list of strings as a value; lists of strings are decoded as
	// []string, and anything else is kept as encoding/json decodes it.
	Metadata map[string]any `json:"metadata,omitempty"`

	// DefaultAccesses applies to everyone who enters the room. An empty
	// list means no access unless a user or group entry grants some.
	DefaultAccesses []permission.Scope `json:"defaultAccesses"`

	// UsersAccesses maps a user ID to that user's scopes.
	UsersAccesses map[string][]permission.Scope `json:"usersAccesses,omitempty"`

	// GroupsAccesses maps a group ID to the scopes of its members.
	GroupsAccesses map[string][]permission.Scope `json:"groupsAccesses,omitempty"`
}

// UnmarshalJSON decodes a room and turns metadata lists of strings into
// []string.
func (r *Room) UnmarshalJSON(data []byte) error {
	type plain Room // no methods, so no recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	for k, v := range p.Metadata {
		p.Metadata[k] = stringList(v)
	}
	*r = Room(p)
	return nil
}

// stringList returns v as a []string if it is a JSON array of strings, and
// v unchanged otherwise.
func stringList(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]string, len(list))
	for i, item := range list {
		s, ok := item.(string)
		if !ok {
			return v
		}
		out[i] = s
	}
	return out
}

// Accesses returns the room's permissions in the form package permission
// works with. The result is a copy: changing it does not change r.
func (r Room) Accesses() permission.Accesses {
	return permission.Accesses{
		Default: slices.Clone(r.DefaultAccesses),
		Users:   cloneScopes(r.UsersAccesses),
		Groups:  cloneScopes(r.GroupsAccesses),
	}
}

// cloneScopes copies a map of scope lists, lists included.
func cloneScopes(m map[string][]permission.Scope) map[string][]permission.Scope {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = slices.Clone(v)
	}
	return out
}

// CreateRoomParams describes a room to create.
type CreateRoomParams struct {
	// DefaultAccesses applies to everyone who enters the room. It is
	// always sent; nil or empty means no access for anyone without a user
	// or group entry (a private room). Use for example
	// []permission.Scope{permission.Write} for a room open to all.
	DefaultAccesses []permission.Scope

	// UsersAccesses maps user IDs to their scopes. Optional. An entry
	// with a nil list is left out; an empty list is sent and means no
	// access for that user.
	UsersAccesses map[string][]permission.Scope

	// GroupsAccesses maps group IDs to their members' scopes, like
	// UsersAccesses. Optional.
	GroupsAccesses map[string][]permission.Scope

	// Metadata is the room's metadata: values are strings or []string.
	// Optional.
	Metadata map[string]any

	// OrganizationID puts the room in an organization. Optional; the
	// server uses "default" when it is empty.
	OrganizationID string
}

// createRoomRequest is the body of POST /v2/rooms.
type createRoomRequest struct {
	ID              string                        `json:"id"`
	DefaultAccesses []permission.Scope            `json:"defaultAccesses"`
	UsersAccesses   map[string][]permission.Scope `json:"usersAccesses,omitempty"`
	GroupsAccesses  map[string][]permission.Scope `json:"groupsAccesses,omitempty"`
	Metadata        map[string]any                `json:"metadata,omitempty"`
	OrganizationID  string                        `json:"organizationId,omitempty"`
}

func newCreateRoomRequest(id string, p CreateRoomParams) createRoomRequest {
	def := p.DefaultAccesses
	if def == nil {
		def = []permission.Scope{} // required by the API: [] means no access
	}
	return createRoomRequest{
		ID:              id,
		DefaultAccesses: def,
		UsersAccesses:   withoutNil(p.UsersAccesses),
		GroupsAccesses:  withoutNil(p.GroupsAccesses),
		Metadata:        p.Metadata,
		OrganizationID:  p.OrganizationID,
	}
}

// withoutNil returns m without its nil lists, which on creation mean no
// entry (servers refuse null there), copying m only when it has some.
func withoutNil(m map[string][]permission.Scope) map[string][]permission.Scope {
	hasNil := false
	for _, v := range m {
		if v == nil {
			hasNil = true
			break
		}
	}
	if !hasNil {
		return m
	}
	out := make(map[string][]permission.Scope, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// CreateRoom creates the room id (POST /v2/rooms) and returns it.
//
// If the room already exists the error matches [ErrConflict] (and
// [token.ErrRejected]); use [Client.GetOrCreateRoom] to accept an existing
// room. An invalid id is refused before any request with an error wrapping
// [ErrInvalidRoomID].
func (c *Client) CreateRoom(ctx context.Context, id string, p CreateRoomParams) (*Room, error) {
	if err := checkRoomID(id); err != nil {
		return nil, err
	}
	req := newCreateRoomRequest(id, p)
	var room Room
	if err := c.do(ctx, http.MethodPost, roomsPath, "", req, &room); err != nil {
		return nil, err
	}
	return &room, nil
}

// GetOrCreateRoom returns the room id, creating it from p if it does not
// exist (POST /v2/rooms?idempotent). An existing room is returned as it is:
// p is not applied to it.
//
// Dev servers older than 1.4.1 ignore "idempotent" and answer 409; the
// Client then fetches the existing room with [Client.GetRoom].
func (c *Client) GetOrCreateRoom(
	ctx context.Context, id string, p CreateRoomParams,
) (*Room, error) {
	if err := checkRoomID(id); err != nil {
		return nil, err
	}
	req := newCreateRoomRequest(id, p)
	var room Room
	err := c.do(ctx, http.MethodPost, roomsPath, "idempotent", req, &room)
	if errors.Is(err, ErrConflict) {
		return c.GetRoom(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	return &room, nil
}

// GetRoom returns the room id (GET /v2/rooms/{id}). A room that does not
// exist gives an error matching [ErrNotFound].
func (c *Client) GetRoom(ctx context.Context, id string) (*Room, error) {
	if err := checkRoomID(id); err != nil {
		return nil, err
	}
	var room Room
	if err := c.do(ctx, http.MethodGet, roomPath(id), "", nil, &room); err != nil {
		return nil, err
	}
	return &room, nil
}

// UpdateRoomParams is a partial update of a room: only what is set
// changes, and entries not mentioned are kept.
type UpdateRoomParams struct {
	// DefaultAccesses replaces the default accesses when it is not nil. A
	// non-nil empty slice is sent as [] and means no access.
	DefaultAccesses []permission.Scope

	// UsersAccesses sets the scopes of each user listed. A nil list
	// removes that user's entry (it is sent as null).
	UsersAccesses map[string][]permission.Scope

	// GroupsAccesses sets the scopes of each group listed. A nil list
	// removes that group's entry (it is sent as null).
	GroupsAccesses map[string][]permission.Scope

	// Metadata sets each key listed. A nil value removes the key (sent as
	// null); the dev server does not support this and answers 422.
	Metadata map[string]any
}

// updateRoomRequest is the body of POST /v2/rooms/{id}.
type updateRoomRequest struct {
	DefaultAccesses []permission.Scope            `json:"defaultAccesses,omitzero"`
	UsersAccesses   map[string][]permission.Scope `json:"usersAccesses,omitempty"`
	GroupsAccesses  map[string][]permission.Scope `json:"groupsAccesses,omitempty"`
	Metadata        map[string]any                `json:"metadata,omitempty"`
}

// UpdateRoom applies p to the room id (POST /v2/rooms/{id}) and returns the
// room as updated. A room that does not exist gives an error matching
// [ErrNotFound].
func (c *Client) UpdateRoom(ctx context.Context, id string, p UpdateRoomParams) (*Room, error) {
	if err := checkRoomID(id); err != nil {
		return nil, err
	}
	req := updateRoomRequest(p)
	var room Room
	if err := c.do(ctx, http.MethodPost, roomPath(id), "", req, &room); err != nil {
		return nil, err
	}
	return &room, nil
}

// DeleteRoom deletes the room id (DELETE /v2/rooms/{id}). The cloud
// answers a room that does not exist with an error matching [ErrNotFound];
// the dev server reports success.
func (c *Client) DeleteRoom(ctx context.Context, id string) error {
	if err := checkRoomID(id); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, roomPath(id), "", nil, nil)
}

// ListRoomsParams filters and pages a listing of rooms. Every field is
// optional.
type ListRoomsParams struct {
	// Limit is the page size, 1 to 100; 0 leaves the server's default
	// (20).
	Limit int

	// StartingAfter is the NextCursor of the previous page.
	StartingAfter string

	// OrganizationID keeps the rooms of one organization.
	OrganizationID string

	// UserID and GroupIDs keep rooms with an access entry for that user or
	// any of those groups (either matches).
	UserID   string
	GroupIDs []string

	// Query filters in Liveblocks' query language, for example
	// `metadata["color"]:"blue" AND roomId^"team-"`.
	Query string
}

// query encodes p as a query string; empty fields are left out.
func (p ListRoomsParams) query() string {
	q := url.Values{}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	set := func(key, value string) {
		if value != "" {
			q.Set(key, value)
		}
	}
	set("startingAfter", p.StartingAfter)
	set("organizationId", p.OrganizationID)
	set("userId", p.UserID)
	set("groupIds", strings.Join(p.GroupIDs, ","))
	set("query", p.Query)
	return q.Encode()
}

// RoomPage is one page of a room listing.
type RoomPage struct {
	// Data holds the rooms of this page.
	Data []Room `json:"data"`

	// NextCursor is passed as [ListRoomsParams.StartingAfter] to get the
	// next page. It is empty on the last page.
	NextCursor string `json:"nextCursor"`
}

// ListRooms returns one page of rooms (GET /v2/rooms). Follow
// [RoomPage.NextCursor] for the next one. A negative limit is refused
// before any request.
func (c *Client) ListRooms(ctx context.Context, p ListRoomsParams) (*RoomPage, error) {
	if p.Limit < 0 {
		return nil, fmt.Errorf("liveblocks: list rooms: limit is negative (%d)", p.Limit)
	}
	var page struct {
		Data       []Room  `json:"data"`
		NextCursor *string `json:"nextCursor"`
	}
	if err := c.do(ctx, http.MethodGet, roomsPath, p.query(), nil, &page); err != nil {
		return nil, err
	}
	out := &RoomPage{Data: page.Data}
	if page.NextCursor != nil {
		out.NextCursor = *page.NextCursor
	}
	return out, nil
}

// checkRoomID refuses IDs that Liveblocks would refuse.
func checkRoomID(id string) error {
	switch n := utf8.RuneCountInString(id); {
	case id == "":
		return fmt.Errorf("%w: it is empty", ErrInvalidRoomID)
	case n > MaxRoomIDLen:
		return fmt.Errorf("%w: it is %d characters long, more than %d", ErrInvalidRoomID, n, MaxRoomIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: it is not valid UTF-8", ErrInvalidRoomID)
	}
	return nil
}

// roomPath returns the escaped path of the room id. The IDs "." and ".."
// are escaped too, so that nothing on the way can take them for path
// steps.
func roomPath(id string) string {
	seg := url.PathEscape(id)
	if id == "." || id == ".." {
		seg = strings.ReplaceAll(id, ".", "%2E")
	}
	return roomsPath + "/" + seg
}
