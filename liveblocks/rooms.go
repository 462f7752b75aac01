package liveblocks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveauth/liveauth/permission"
)

// MaxRoomIDLen is the longest room ID Liveblocks accepts, in characters as
// JavaScript counts them (UTF-16 code units: an emoji counts two). It is
// [permission.MaxRoomIDLength].
const MaxRoomIDLen = permission.MaxRoomIDLength

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
		Default: r.DefaultAccesses,
		Users:   r.UsersAccesses,
		Groups:  r.GroupsAccesses,
	}.Clone()
}

// CreateRoomParams describes a room to create.
type CreateRoomParams struct {
	// DefaultAccesses applies to everyone who enters the room. It is
	// always sent; nil or empty means no access for anyone without a user
	// or group entry (a private room). Use for example
	// []permission.Scope{permission.Write} for a room open to all.
	DefaultAccesses []permission.Scope

	// UsersAccesses maps user IDs to their scopes. Optional. An entry
	// with a nil list is left out. Every other list must be a legal set
	// (see [permission.ValidateSet]); an empty list is refused, since it
	// would grant nothing.
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

// createRoomRequest is the body of POST /v2/rooms, and without ID the
// "create" part of an upsert.
type createRoomRequest struct {
	ID              string                        `json:"id,omitempty"`
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
// room.
//
// The id and the accesses of p are checked before any request: an invalid
// id gives an error wrapping [ErrInvalidRoomID], accesses that break the
// rules of [permission.Accesses.Validate] one wrapping
// [ErrInvalidAccesses] that names each offending entry.
func (c *Client) CreateRoom(ctx context.Context, id string, p CreateRoomParams) (*Room, error) {
	if err := checkCreate(id, p); err != nil {
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
// The id and p are checked as [Client.CreateRoom] checks them, even when
// the room turns out to exist.
//
// Dev servers older than 1.4.1 ignore "idempotent" and answer 409; the
// Client then fetches the existing room with [Client.GetRoom].
func (c *Client) GetOrCreateRoom(
	ctx context.Context, id string, p CreateRoomParams,
) (*Room, error) {
	if err := checkCreate(id, p); err != nil {
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
	// non-nil empty slice is sent as [] and means no access; any other
	// list must be a legal set (see [permission.ValidateSet]).
	DefaultAccesses []permission.Scope

	// UsersAccesses sets the scopes of each user listed. A nil list
	// removes that user's entry (it is sent as null); every other list
	// must be a legal set, so an empty list is refused. At most
	// [permission.MaxAccessEntries] entries may be set (removals do not
	// count).
	UsersAccesses map[string][]permission.Scope

	// GroupsAccesses sets the scopes of each group listed, like
	// UsersAccesses: a nil list removes the group's entry.
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
//
// The id and the accesses p sets are checked before any request, as
// [Client.CreateRoom] checks them; entries that p removes (nil lists) are
// not checked.
func (c *Client) UpdateRoom(ctx context.Context, id string, p UpdateRoomParams) (*Room, error) {
	if err := checkUpdate(id, p); err != nil {
		return nil, err
	}
	req := updateRoomRequest(p)
	var room Room
	if err := c.do(ctx, http.MethodPost, roomPath(id), "", req, &room); err != nil {
		return nil, err
	}
	return &room, nil
}

// upsertRoomPath returns the escaped path of the upsert of room id.
func upsertRoomPath(id string) string {
	return roomPath(id) + "/upsert"
}

// upsertRoomRequest is the body of POST /v2/rooms/{id}/upsert.
type upsertRoomRequest struct {
	Update updateRoomRequest  `json:"update"`
	Create *createRoomRequest `json:"create,omitempty"`
}

// UpsertRoom updates the room id, creating it first if it does not exist
// (POST /v2/rooms/{id}/upsert), and returns the room as it then is.
//
// update applies in both cases, as [Client.UpdateRoom] would apply it.
// create, when not nil, describes the room to create if there is none yet,
// and is ignored for an existing room; its DefaultAccesses is always sent
// ([] when nil), as by [Client.CreateRoom]. With a nil create the body has
// no "create" part, and how the server builds a new room from update alone
// is its choice.
//
// The id, update and create are checked before any request, as
// [Client.UpdateRoom] and [Client.CreateRoom] check them; errors about
// accesses name the entry with its part of the body, such as
// update.usersAccesses["alice"].
//
// The dev server does not implement this route: it answers 501, which
// gives an [*Error] with Status 501 matching [token.ErrUnavailable], whose
// text says the server does not implement the route.
func (c *Client) UpsertRoom(
	ctx context.Context, id string, update UpdateRoomParams, create *CreateRoomParams,
) (*Room, error) {
	if err := checkRoomID(id); err != nil {
		return nil, err
	}
	checks := []accessesCheck{
		sentAccesses("update", update.DefaultAccesses, update.UsersAccesses, update.GroupsAccesses),
	}
	if create != nil {
		checks = append(checks,
			sentAccesses("create", create.DefaultAccesses, create.UsersAccesses, create.GroupsAccesses))
	}
	if err := checkAccesses(checks...); err != nil {
		return nil, err
	}

	req := upsertRoomRequest{Update: updateRoomRequest(update)}
	if create != nil {
		body := newCreateRoomRequest("", *create)
		req.Create = &body
	}
	var room Room
	if err := c.do(ctx, http.MethodPost, upsertRoomPath(id), "", req, &room); err != nil {
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

// checkRoomID refuses IDs that Liveblocks would refuse. The rules are
// those of permission.ValidateRoomID; on top of them the ID must be valid
// UTF-8, since it travels both in the path and in JSON bodies, which would
// not carry invalid bytes the same way.
func checkRoomID(id string) error {
	if err := permission.ValidateRoomID(id); err != nil {
		lead := permission.ErrInvalidRoomID.Error() + ": "
		return &inputError{
			sentinel: ErrInvalidRoomID,
			detail:   strings.Join(permissionProblems(err, lead), "; "),
			causes:   []error{err},
		}
	}
	if !utf8.ValidString(id) {
		return &inputError{sentinel: ErrInvalidRoomID, detail: "not valid UTF-8"}
	}
	return nil
}

// accessesCheck is room accesses about to be sent, and where they go.
type accessesCheck struct {
	part     string // the key of the body that holds them, or ""
	accesses permission.Accesses
}

// sentAccesses returns the accesses a call sends, for checking: without
// the nil entries of users and groups, which are left out on creation and
// are removals on update, so need no check. A nil default is fine too: it
// is sent as [] on creation and changes nothing on update.
func sentAccesses(
	part string, def []permission.Scope, users, groups map[string][]permission.Scope,
) accessesCheck {
	return accessesCheck{part: part, accesses: permission.Accesses{
		Default: def,
		Users:   withoutNil(users),
		Groups:  withoutNil(groups),
	}}
}

// checkAccesses validates each set of accesses with package permission
// and returns nil or one error wrapping ErrInvalidAccesses and every
// problem found, each named as the JSON body would name it.
func checkAccesses(checks ...accessesCheck) error {
	var causes []error
	var problems []string
	for _, check := range checks {
		err := check.accesses.Validate()
		if err == nil {
			continue
		}
		causes = append(causes, err)
		for _, problem := range permissionProblems(err, "") {
			if check.part != "" {
				problem = check.part + "." + problem
			}
			problems = append(problems, problem)
		}
	}
	if len(causes) == 0 {
		return nil
	}
	return &inputError{
		sentinel: ErrInvalidAccesses,
		detail:   strings.Join(problems, "; "),
		causes:   causes,
	}
}

// checkCreate checks the arguments of a room creation.
func checkCreate(id string, p CreateRoomParams) error {
	if err := checkRoomID(id); err != nil {
		return err
	}
	return checkAccesses(sentAccesses("", p.DefaultAccesses, p.UsersAccesses, p.GroupsAccesses))
}

// checkUpdate checks the arguments of a room update.
func checkUpdate(id string, p UpdateRoomParams) error {
	if err := checkRoomID(id); err != nil {
		return err
	}
	return checkAccesses(sentAccesses("", p.DefaultAccesses, p.UsersAccesses, p.GroupsAccesses))
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
