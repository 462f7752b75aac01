//go:build devserver

// These tests run against a real Liveblocks dev server. From interop/:
//
//	PATH=$PWD/node_modules/.bin:$PATH TMPDIR=/tmp liveblocks dev --host 127.0.0.1 -P \
//	    -c 'go test -tags devserver -count=1 -run ^TestDevServer ../liveblocks' </dev/null

package liveblocks_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

// devClient returns a Client for the dev server named by the environment.
func devClient(t *testing.T, secret string) *liveblocks.Client {
	t.Helper()
	base := os.Getenv("LIVEBLOCKS_BASE_URL")
	if secret == "" {
		secret = os.Getenv("LIVEBLOCKS_SECRET_KEY")
	}
	if base == "" || secret == "" {
		t.Fatal("LIVEBLOCKS_BASE_URL and LIVEBLOCKS_SECRET_KEY must be set (run under `liveblocks dev -c`)")
	}
	c, err := liveblocks.New(secret, liveblocks.WithBaseURL(base), liveblocks.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestDevServerIdentifyUser(t *testing.T) {
	c := devClient(t, "")
	ctx := context.Background()
	id := token.Identity{UserID: "alice", GroupIDs: []string{"eng"}, UserInfo: map[string]any{"name": "Alice"}}

	first, err := c.IdentifyUser(ctx, id)
	if err != nil {
		t.Fatalf("IdentifyUser: %v", err)
	}
	second, err := c.Issue(ctx, id)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if first == second {
		t.Errorf("two calls returned the same token %q", first)
	}

	var claims token.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(first, &claims); err != nil {
		t.Fatalf("ParseUnverified: %v", err)
	}
	if claims.Kind != token.KindID || claims.UserID != "alice" || claims.ProjectID != "localdev" ||
		!reflect.DeepEqual(claims.GroupIDs, []string{"eng"}) || claims.UserInfo["name"] != "Alice" {
		t.Errorf("claims: got %+v", claims)
	}
	if d := claims.ExpiresAt.Sub(claims.IssuedAt.Time); d != time.Hour {
		t.Errorf("lifetime: got %v, want 1h", d)
	}
}

// patternScopes lists grants as pattern and scopes pairs, in order.
func patternScopes(g permission.Grants) []string {
	var out []string
	for pattern, scopes := range g.All() {
		out = append(out, fmt.Sprintf("%s=%v", pattern, scopes))
	}
	return out
}

func TestDevServerAuthorizeUser(t *testing.T) {
	c := devClient(t, "")
	ctx := context.Background()

	// The exact room comes before the prefix that also covers it: the dev
	// server takes the first matching prefix, so order matters.
	var perms permission.Grants
	allow := []struct {
		pattern string
		scopes  []permission.Scope
	}{
		{"org1.room1", []permission.Scope{permission.Read}},
		{"org1*", []permission.Scope{permission.Write, permission.StorageNone}},
		{"*", []permission.Scope{permission.RoomRead, permission.PresenceWrite}},
		{"legacy", []permission.Scope{permission.Read, permission.CommentsPrivateNone, permission.FeedsWrite}},
	}
	for _, a := range allow {
		if err := perms.Allow(a.pattern, a.scopes...); err != nil {
			t.Fatalf("Allow(%q): %v", a.pattern, err)
		}
	}
	id := token.Identity{UserID: "alice", UserInfo: map[string]any{"name": "Alice"}, Permissions: perms}

	first, err := c.AuthorizeUser(ctx, id)
	if err != nil {
		t.Fatalf("AuthorizeUser: %v", err)
	}
	second, err := c.Issue(ctx, id)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if first == second {
		t.Errorf("two calls returned the same token %q", first)
	}

	for _, raw := range []string{first, second} {
		var claims token.Claims
		if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
			t.Fatalf("ParseUnverified: %v", err)
		}
		if claims.Kind != token.KindAccess || claims.UserID != "alice" || claims.ProjectID != "localdev" ||
			claims.UserInfo["name"] != "Alice" || claims.GroupIDs != nil {
			t.Errorf("claims: got %+v", claims)
		}
		if got, want := patternScopes(claims.Permissions), patternScopes(perms); !reflect.DeepEqual(got, want) {
			t.Errorf("perms:\n got %v\nwant %v", got, want)
		}
		if d := claims.ExpiresAt.Sub(claims.IssuedAt.Time); d != time.Hour {
			t.Errorf("lifetime: got %v, want 1h", d)
		}
	}
	t.Logf("access token perms: %v", patternScopes(perms))
}

func TestDevServerUpsertRoom(t *testing.T) {
	c := devClient(t, "")

	_, err := c.UpsertRoom(context.Background(), "go-upsert",
		liveblocks.UpdateRoomParams{DefaultAccesses: []permission.Scope{permission.Write}},
		&liveblocks.CreateRoomParams{DefaultAccesses: []permission.Scope{permission.Read}})
	var e *liveblocks.Error
	if !errors.As(err, &e) || e.Status != 501 {
		t.Fatalf("UpsertRoom: got %v, want an *Error with Status 501", err)
	}
	if !errors.Is(err, token.ErrUnavailable) || !strings.Contains(err.Error(), "does not implement this route") {
		t.Errorf("UpsertRoom: got %v, want token.ErrUnavailable and a text saying the route is missing", err)
	}
	t.Logf("upsert: %v", err)
}

func TestDevServerWrongKey(t *testing.T) {
	c := devClient(t, "sk_not_localdev")

	_, err := c.IdentifyUser(context.Background(), token.Identity{UserID: "alice"})
	if !errors.Is(err, token.ErrUnavailable) {
		t.Fatalf("errors.Is(%v, token.ErrUnavailable) = false, want true", err)
	}
	var e *liveblocks.Error
	if !errors.As(err, &e) || e.Status != 403 || e.Code != "Forbidden" {
		t.Errorf("got %#v, want a 403 Forbidden", err)
	}
	t.Logf("wrong key: %v", err)
}

func TestDevServerRooms(t *testing.T) {
	c := devClient(t, "")
	ctx := context.Background()
	id := fmt.Sprintf("go test/%d", time.Now().UnixNano()) // a slash and a space on purpose

	created, err := c.CreateRoom(ctx, id, liveblocks.CreateRoomParams{
		DefaultAccesses: []permission.Scope{permission.RoomRead, permission.PresenceWrite},
		UsersAccesses:   map[string][]permission.Scope{"alice": {permission.RoomWrite}, "bob": {permission.Read}},
		GroupsAccesses:  map[string][]permission.Scope{"eng": {permission.Write}},
		Metadata:        map[string]any{"color": "blue", "tags": []string{"a", "b"}},
		OrganizationID:  "org-go-test",
	})
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	if created.ID != id || created.OrganizationID != "org-go-test" || created.CreatedAt.IsZero() ||
		!reflect.DeepEqual(created.Metadata["tags"], []string{"a", "b"}) {
		t.Errorf("created: got %+v", created)
	}

	_, err = c.CreateRoom(ctx, id, liveblocks.CreateRoomParams{})
	if !errors.Is(err, liveblocks.ErrConflict) || !errors.Is(err, token.ErrRejected) {
		t.Errorf("CreateRoom again: got %v, want ErrConflict", err)
	}
	t.Logf("conflict: %v", err)

	got, err := c.GetOrCreateRoom(ctx, id, liveblocks.CreateRoomParams{})
	if err != nil {
		t.Fatalf("GetOrCreateRoom: %v", err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("GetOrCreateRoom: got %+v, want the existing %+v", got, created)
	}

	got, err = c.GetRoom(ctx, id)
	if err != nil {
		t.Fatalf("GetRoom: %v", err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("GetRoom: got %+v, want %+v", got, created)
	}

	// Change the default, add a user, remove a user and a group (null).
	updated, err := c.UpdateRoom(ctx, id, liveblocks.UpdateRoomParams{
		DefaultAccesses: []permission.Scope{permission.Read, permission.CommentsWrite},
		UsersAccesses:   map[string][]permission.Scope{"bob": nil, "carol": {permission.Write}},
		GroupsAccesses:  map[string][]permission.Scope{"eng": nil},
		Metadata:        map[string]any{"size": "L"},
	})
	if err != nil {
		t.Fatalf("UpdateRoom: %v", err)
	}
	want := permission.Accesses{
		Default: []permission.Scope{permission.Read, permission.CommentsWrite},
		Users:   map[string][]permission.Scope{"alice": {permission.RoomWrite}, "carol": {permission.Write}},
		Groups:  map[string][]permission.Scope{},
	}
	if got := updated.Accesses(); !reflect.DeepEqual(got, want) {
		t.Errorf("accesses after update: got %+v, want %+v", got, want)
	}
	if got, err := c.GetRoom(ctx, id); err != nil || !reflect.DeepEqual(got.Accesses(), want) {
		t.Errorf("GetRoom after update: got %+v, %v; want accesses %+v", got, err, want)
	}

	// No access by default, as [] rather than null.
	updated, err = c.UpdateRoom(ctx, id, liveblocks.UpdateRoomParams{DefaultAccesses: []permission.Scope{}})
	if err != nil {
		t.Fatalf("UpdateRoom to no default access: %v", err)
	}
	want.Default = []permission.Scope{}
	if got := updated.Accesses(); !reflect.DeepEqual(got, want) {
		t.Errorf("accesses after the second update: got %+v, want %+v", got, want)
	}
	if updated.Metadata["size"] != "L" || updated.Metadata["color"] != "blue" {
		t.Errorf("metadata after update: got %v", updated.Metadata)
	}

	_, err = c.UpdateRoom(ctx, id, liveblocks.UpdateRoomParams{Metadata: map[string]any{"color": nil}})
	if !errors.Is(err, token.ErrRejected) {
		t.Errorf("UpdateRoom with null metadata: got %v, want a 422 (dev server only)", err)
	}
	t.Logf("null metadata: %v", err)

	_, err = c.UpdateRoom(ctx, id+"-missing", liveblocks.UpdateRoomParams{})
	if !errors.Is(err, liveblocks.ErrNotFound) {
		t.Errorf("UpdateRoom of a missing room: got %v, want ErrNotFound", err)
	}

	page, err := c.ListRooms(ctx, liveblocks.ListRoomsParams{OrganizationID: "org-go-test", Limit: 10})
	if err != nil {
		t.Fatalf("ListRooms: %v", err)
	}
	if len(page.Data) != 1 || page.Data[0].ID != id || page.NextCursor != "" {
		t.Errorf("ListRooms: got %+v", page)
	}
	page, err = c.ListRooms(ctx, liveblocks.ListRoomsParams{Query: `roomId^"go test/"`})
	if err != nil {
		t.Fatalf("ListRooms with a roomId prefix: %v", err)
	}
	found := false
	for _, room := range page.Data {
		if room.ID == id {
			found = true
			if got := room.Accesses(); !reflect.DeepEqual(got, want) {
				t.Errorf("listed accesses: got %+v, want %+v", got, want)
			}
		}
	}
	if !found {
		t.Errorf("ListRooms with a roomId prefix: %s not in %+v", id, page.Data)
	}

	_, err = c.ListRooms(ctx, liveblocks.ListRoomsParams{Query: "bad query ((("})
	var e *liveblocks.Error
	if !errors.As(err, &e) || e.Status != 422 || e.Code != "INVALID_QUERY" {
		t.Errorf("ListRooms with a bad query: got %v, want 422 INVALID_QUERY", err)
	}

	if err := c.DeleteRoom(ctx, id); err != nil {
		t.Fatalf("DeleteRoom: %v", err)
	}
	if _, err := c.GetRoom(ctx, id); !errors.Is(err, liveblocks.ErrNotFound) {
		t.Errorf("GetRoom after delete: got %v, want ErrNotFound", err)
	}
	if err := c.DeleteRoom(ctx, id); err != nil {
		t.Errorf("DeleteRoom again: got %v, want nil (the dev server's delete is idempotent)", err)
	}
}
