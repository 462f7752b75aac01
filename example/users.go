package main

import (
	"context"
	"fmt"
	"html"
	"slices"

	"github.com/liveauth/liveauth/userresolver"
)

// demoUser is one of the example's users: the in-memory stand-in for the
// application's user table.
type demoUser struct {
	// ID is the user ID that goes into the session and the token.
	ID string

	// Name, Color and the avatar (served at avatarPath(ID)) form the public
	// profile that every participant of a room sees.
	Name  string
	Color string

	// Groups lists the groups the user belongs to.
	Groups []string
}

// demoUsers is the example's user table, in the order the page lists it.
// Alice and Bob get into rooms through their groups, Carol through a user
// entry of her own (see demoRooms).
var demoUsers = []demoUser{
	{ID: "alice", Name: "Alice", Color: "#1c7ed6", Groups: []string{"engineering"}},
	{ID: "bob", Name: "Bob", Color: "#2b8a3e", Groups: []string{"design"}},
	{ID: "carol", Name: "Carol", Color: "#c2255c"},
}

// findUser returns the demo user with the given ID.
func findUser(id string) (demoUser, bool) {
	i := slices.IndexFunc(demoUsers, func(u demoUser) bool { return u.ID == id })
	if i < 0 {
		return demoUser{}, false
	}
	return demoUsers[i], true
}

// avatarPath is where the example serves the avatar of the user id.
func avatarPath(id string) string {
	return "/avatars/" + id + ".svg"
}

// info returns the user's public profile, the token's "ui" claim. It is a
// new map on every call, so the caller may keep or change it.
func (u demoUser) info() map[string]any {
	return map[string]any{
		"name":   u.Name,
		"avatar": avatarPath(u.ID),
		"color":  u.Color,
	}
}

// user returns u in the form the endpoint puts into a token. Group IDs
// and profile are copies.
func (u demoUser) user() userresolver.User {
	return userresolver.User{
		ID:       u.ID,
		GroupIDs: slices.Clone(u.Groups),
		Info:     u.info(),
	}
}

// lookupUser is the WithLookup function of the session resolver: it loads
// the user named by the session from the user table. A user ID that is not
// in the table (a user deleted since they logged in) means nobody is logged
// in.
func lookupUser(_ context.Context, id string) (userresolver.User, error) {
	u, ok := findUser(id)
	if !ok {
		return userresolver.User{}, fmt.Errorf("example: no user %q: %w", id, userresolver.ErrNoUser)
	}
	return u.user(), nil
}

// avatarSVG draws the avatar of u: the initial of the name on a disc of the
// user's color.
func avatarSVG(u demoUser) []byte {
	initial := html.EscapeString(u.Name[:1])
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<title>%s</title>
<circle cx="32" cy="32" r="32" fill="%s"/>
<text x="32" y="43" text-anchor="middle" fill="#ffffff"
  font-family="Helvetica, Arial, sans-serif" font-size="30" font-weight="bold">%s</text>
</svg>
`
	return fmt.Appendf(nil, svg, html.EscapeString(u.Name), html.EscapeString(u.Color), initial)
}

// avatars returns the SVG of every demo user's avatar, by user ID.
func avatars() map[string][]byte {
	m := make(map[string][]byte, len(demoUsers))
	for _, u := range demoUsers {
		m[u.ID] = avatarSVG(u)
	}
	return m
}
