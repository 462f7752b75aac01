package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/permission"
)

// demoRoom is a room of the example with its permissions: the accesses the
// realtime server checks when a user with an ID token enters it.
type demoRoom struct {
	// ID is the room ID, as the client sends it in {"room": "..."}.
	ID string

	// About says in a few words what the room demonstrates.
	About string

	// Accesses are the room's defaultAccesses, usersAccesses and
	// groupsAccesses.
	Accesses permission.Accesses
}

// demoRooms returns the rooms the example sets up, freshly allocated.
//
// "demo-room" has the permissions of the example in the Liveblocks
// documentation: everyone may read it, the engineering group and Carol may
// write. "design-review" is private to the design group, so Alice and
// Carol are refused there.
func demoRooms() []demoRoom {
	return []demoRoom{
		{
			ID:    "demo-room",
			About: "Everyone may read; the engineering group and Carol may write.",
			Accesses: permission.Accesses{
				Default: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
				Users:   map[string][]permission.Scope{"carol": {permission.RoomWrite}},
				Groups:  map[string][]permission.Scope{"engineering": {permission.RoomWrite}},
			},
		},
		{
			ID:    "design-review",
			About: "Private to the design group: nobody else may enter.",
			Accesses: permission.Accesses{
				Default: []permission.Scope{},
				Groups:  map[string][]permission.Scope{"design": {permission.RoomWrite}},
			},
		},
	}
}

// createRooms makes sure every room exists on Liveblocks, creating the
// missing ones with their accesses (POST /v2/rooms?idempotent), and returns
// the rooms with the accesses Liveblocks actually holds: a room that already
// existed keeps its own, which may differ from ours.
func createRooms(ctx context.Context, lb *liveblocks.Client, rooms []demoRoom) ([]demoRoom, error) {
	out := make([]demoRoom, 0, len(rooms))
	for _, r := range rooms {
		got, err := lb.GetOrCreateRoom(ctx, r.ID, liveblocks.CreateRoomParams{
			DefaultAccesses: r.Accesses.Default,
			UsersAccesses:   r.Accesses.Users,
			GroupsAccesses:  r.Accesses.Groups,
		})
		if err != nil {
			return nil, fmt.Errorf("room %q: %w", r.ID, err)
		}
		out = append(out, demoRoom{ID: r.ID, About: r.About, Accesses: got.Accesses()})
	}
	return out, nil
}

// roomView is a room as the page shows it.
type roomView struct {
	ID    string
	About string

	// Default, Users and Groups are the accesses written as JSON, as the
	// REST API spells them.
	Default string
	Users   string
	Groups  string

	// Access is what the logged-in user gets in the room, or nil when
	// nobody is logged in.
	Access *accessView
}

// accessView is what one user may do in one room, as the realtime server
// decides it from the room's accesses when the user enters with an ID token.
type accessView struct {
	// CanEnter reports whether the user is admitted at all.
	CanEnter bool

	// Summary is one short line, such as "write" or "refused".
	Summary string

	// Reason says which layer and scope decided the room's base level.
	Reason string

	// Verdict says the above in a sentence naming the user.
	Verdict string

	// Features lists every feature with its level and reason.
	Features []featureView
}

// featureView is the level of one feature and why.
type featureView struct {
	Name   string
	Level  string
	Reason string
}

// newRoomView describes r for the page; user is nil when nobody is logged
// in.
func newRoomView(r demoRoom, user *demoUser) roomView {
	v := roomView{
		ID:      r.ID,
		About:   r.About,
		Default: jsonText(r.Accesses.Default, "[]"),
		Users:   jsonText(r.Accesses.Users, "{}"),
		Groups:  jsonText(r.Accesses.Groups, "{}"),
	}
	if user != nil {
		a := effectiveAccess(r.Accesses, *user)
		v.Access = &a
	}
	return v
}

// effectiveAccess computes what u may do in a room with accesses a, with
// the merge rules of the realtime server (permission.Effective).
func effectiveAccess(a permission.Accesses, u demoUser) accessView {
	d := permission.Effective(a, u.ID, u.Groups)
	v := accessView{
		CanEnter: d.CanEnter(),
		Summary:  "refused",
		Reason:   d.Reason(permission.Room).String(),
	}
	v.Verdict = fmt.Sprintf("The realtime server would refuse %s at the door (%s).",
		u.Name, v.Reason)
	if v.CanEnter {
		v.Summary = d.Level(permission.Room).String()
		v.Verdict = fmt.Sprintf("The realtime server would let %s in with %s access (%s).",
			u.Name, v.Summary, v.Reason)
	}
	for _, f := range permission.Features() {
		v.Features = append(v.Features, featureView{
			Name:   f.String(),
			Level:  d.Level(f).String(),
			Reason: d.Reason(f).String(),
		})
	}
	return v
}

// jsonText returns v as compact JSON, or empty when v is nil or empty.
func jsonText(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// whoMayRow is one room of the demo room's table of who may do what: what
// each demo user gets there, in the order of demoUsers.
type whoMayRow struct {
	ID    string
	Users []whoMayCell
}

// whoMayCell is what one user gets in one room, as the room guard decides
// it: Label is "can write", "read-only" or "refused", Class the style of
// the cell, and Reason the layer and scope that decided the room's level.
type whoMayCell struct {
	Label  string
	Class  string
	Reason string
}

// whoMay returns, for each room, what each demo user gets there.
func whoMay(rooms []demoRoom) []whoMayRow {
	rows := make([]whoMayRow, 0, len(rooms))
	for _, r := range rooms {
		row := whoMayRow{ID: r.ID}
		for _, u := range demoUsers {
			d := permission.Effective(r.Accesses, u.ID, u.Groups)
			c := whoMayCell{Label: "refused", Class: "level-none", Reason: d.Reason(permission.Room).String()}
			switch {
			case d.Can(permission.Storage, permission.LevelWrite):
				c.Label, c.Class = "can write", "level-write"
			case d.CanEnter():
				c.Label, c.Class = "read-only", "level-read"
			}
			row.Users = append(row.Users, c)
		}
		rows = append(rows, row)
	}
	return rows
}
