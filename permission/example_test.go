package permission_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/liveauth/liveauth/permission"
)

// A room readable by everyone, writable by editors, where Alice is an
// editor whose own entry downgrades her to read-only without Storage.
func ExampleEffective() {
	room := permission.Accesses{
		Default: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		Groups: map[string][]permission.Scope{
			"editors": {permission.Write, permission.CommentsRead},
		},
		Users: map[string][]permission.Scope{
			"alice": {permission.Read, permission.StorageNone},
		},
	}

	alice := permission.Effective(room, "alice", []string{"editors"})
	for _, f := range permission.Features() {
		fmt.Printf("%-16s %-5v %v\n", f, alice.Level(f), alice.Reason(f))
	}
	fmt.Println(alice.Scopes())

	bob := permission.Effective(room, "bob", []string{"editors"})
	fmt.Println(bob.Scopes(), bob.Can(permission.Storage, permission.LevelWrite))

	carol := permission.Effective(room, "carol", nil)
	fmt.Println(carol.Scopes(), carol.Reason(permission.Room))
	// Output:
	// room             read  *:read from usersAccesses["alice"]
	// storage          none  storage:none from usersAccesses["alice"]
	// comments         read  comments:read from groupsAccesses["editors"]
	// comments:public  read  comments:read from groupsAccesses["editors"]
	// comments:private read  comments:read from groupsAccesses["editors"]
	// feeds            read  *:read from usersAccesses["alice"]
	// personal         write *:read from usersAccesses["alice"]
	// [*:read storage:none]
	// [*:write comments:read] true
	// [*:read] *:read from defaultAccesses
}

// An access token that grants write access to every room of org1, without
// Storage in one of them.
func ExampleGrants_For() {
	var g permission.Grants
	if err := g.Allow("org1*", permission.Write); err != nil {
		panic(err)
	}
	if err := g.Allow("org1.room1", permission.StorageNone); err != nil {
		panic(err)
	}

	for _, room := range []string{"org1.room1", "org1.room2", "org2.room1"} {
		lv, ok := g.For(room)
		fmt.Println(room, ok, lv.Scopes())
	}
	// Output:
	// org1.room1 true [*:write storage:none]
	// org1.room2 true [*:write]
	// org2.room1 false []
}

func ExampleGrants_Allow() {
	var g permission.Grants
	_ = g.Allow("org1*", permission.RoomRead, permission.PresenceWrite)
	_ = g.Allow("org1*", permission.CommentsWrite) // adds to org1*
	_ = g.Allow("org1.room1", permission.Write)

	err := g.Allow("org1.*room", permission.Write)
	fmt.Println(err)
	fmt.Println(errors.Is(err, permission.ErrInvalidPattern))

	token, _ := json.Marshal(g)
	fmt.Println(string(token))
	// Output:
	// permission: permissions["org1.*room"]: invalid room name or pattern: "*" may only come last
	// true
	// {"org1*":["room:read","room:presence:write","comments:write"],"org1.room1":["*:write"]}
}

func ExampleValidateSet() {
	fmt.Println(permission.ValidateSet([]permission.Scope{permission.Read, permission.CommentsWrite}))
	fmt.Println(permission.ValidateSet([]permission.Scope{permission.Read, permission.RoomWrite}))
	fmt.Println(permission.ValidateSet([]permission.Scope{permission.StorageWrite}))
	// Output:
	// <nil>
	// permission: want exactly one base scope: got "*:read", "room:write"
	// permission: want exactly one base scope: got none
}

func ExampleAccesses_Validate() {
	room := permission.Accesses{
		Default: []permission.Scope{},
		Users: map[string][]permission.Scope{
			"alice": {permission.Write, "comments:delete"},
			"bob":   {permission.Read, permission.FeedsRead, permission.FeedsNone},
		},
	}
	fmt.Println(room.Validate())
	// Output:
	// permission: usersAccesses["alice"]: unknown scope: "comments:delete"
	// permission: usersAccesses["bob"]: more than one scope per feature: "feeds:read", "feeds:none"
}

func ExampleResolve() {
	lv, err := permission.Resolve([]permission.Scope{permission.Read, permission.CommentsWrite, permission.FeedsNone})
	if err != nil {
		panic(err)
	}
	fmt.Println(lv)
	fmt.Println(lv.Can(permission.Comments, permission.LevelWrite), lv.Can(permission.Storage, permission.LevelWrite))
	// Output:
	// room=read storage=read comments=write comments:public=write comments:private=write feeds=none personal=write
	// true false
}
