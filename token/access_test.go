package token_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
)

func TestSignerIssuesAccessTokens(t *testing.T) {
	t.Parallel()

	var grants permission.Grants
	if err := grants.Allow("org1*", permission.Read); err != nil {
		t.Fatal(err)
	}
	if err := grants.Allow("org1.room1", permission.Write, permission.StorageNone); err != nil {
		t.Fatal(err)
	}
	s := newTestSigner(t, testP256Key())
	id := token.Identity{
		UserID:      "alice",
		GroupIDs:    []string{"engineering"}, // not carried by access tokens
		UserInfo:    map[string]any{"name": "Alice"},
		Permissions: grants,
	}
	if got := id.Kind(); got != token.KindAccess {
		t.Errorf("Kind: got %q, want %q", got, token.KindAccess)
	}

	raw, err := s.Issue(context.Background(), id)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	_, claims := parseToken(t, s, raw, testNow)
	if claims.Kind != token.KindAccess || claims.UserID != "alice" || claims.GroupIDs != nil {
		t.Errorf("claims: got kind %q, uid %q, gids %v; want acc, alice, none", claims.Kind, claims.UserID, claims.GroupIDs)
	}

	// The payload keeps the patterns in the order they were allowed.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		t.Fatal(err)
	}
	if got, want := string(fields["perms"]), `{"org1*":["*:read"],"org1.room1":["*:write","storage:none"]}`; got != want {
		t.Errorf("perms: got %s, want %s", got, want)
	}
	if _, ok := fields["gids"]; ok {
		t.Errorf("payload has gids, want none for an access token: %s", payload)
	}
}

func TestIDTokensHaveNoPerms(t *testing.T) {
	t.Parallel()

	s := newTestSigner(t, testP256Key())
	raw, err := s.Issue(context.Background(), token.Identity{UserID: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
	if strings.Contains(string(payload), "perms") {
		t.Errorf("ID token payload has perms: %s", payload)
	}
}

func TestValidateChecksPermissions(t *testing.T) {
	t.Parallel()

	var bad permission.Grants
	if err := json.Unmarshal([]byte(`{"a*b":["*:read"]}`), &bad); err != nil {
		t.Fatal(err)
	}
	err := token.Identity{UserID: "alice", Permissions: bad}.Validate()
	if !errors.Is(err, token.ErrInvalidIdentity) || !errors.Is(err, permission.ErrInvalidPattern) {
		t.Fatalf("Validate: got %v, want ErrInvalidIdentity and permission.ErrInvalidPattern", err)
	}
	want := `token: invalid identity: permission: permissions["a*b"]: invalid room name or pattern: "*" may only come last`
	if err.Error() != want {
		t.Errorf("Validate: got %q, want %q", err.Error(), want)
	}
}
