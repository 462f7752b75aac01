package token_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/token"
)

// userInfoOfLen returns user info whose JSON form, {"name":"xx…"}, is n
// ASCII characters long.
func userInfoOfLen(t *testing.T, n int) map[string]any {
	t.Helper()

	const overhead = len(`{"name":""}`)
	if n < overhead {
		t.Fatalf("userInfoOfLen(%d): want at least %d", n, overhead)
	}
	return map[string]any{"name": strings.Repeat("x", n-overhead)}
}

// nameInfo returns user info whose only member is "name": name.
func nameInfo(name string) map[string]any {
	return map[string]any{"name": name}
}

func TestIdentityValidate(t *testing.T) {
	t.Parallel()

	// {"name":""} takes 11 characters, so a name of 1013 characters, as
	// JavaScript counts them, makes the limit of 1024 exactly.
	tests := []struct {
		name        string
		id          token.Identity
		wantMessage string // empty: valid
	}{
		{
			name: "a bare user ID is valid",
			id:   token.Identity{UserID: "u"},
		},
		{
			name: "a full identity is valid",
			id: token.Identity{
				UserID:   "u",
				GroupIDs: []string{"g1", "g2"},
				UserInfo: map[string]any{"name": "Ann", "avatar": "https://example.com/a.png", "age": 3},
			},
		},
		{
			name:        "an empty user ID is refused",
			id:          token.Identity{UserInfo: nameInfo("Ann")},
			wantMessage: "token: invalid identity: user ID is empty",
		},
		{
			name: "a user ID of 128 characters is valid",
			id:   token.Identity{UserID: strings.Repeat("x", 128)},
		},
		{
			name:        "a user ID of 129 characters is refused",
			id:          token.Identity{UserID: strings.Repeat("x", 129)},
			wantMessage: "token: invalid identity: user ID is 129 characters long, more than 128",
		},
		{
			name: "a user ID of 128 non-ASCII characters is valid",
			id:   token.Identity{UserID: strings.Repeat("é", 128)},
		},
		{
			name:        "a user ID that is not UTF-8 is refused",
			id:          token.Identity{UserID: "user\xff"},
			wantMessage: "token: invalid identity: user ID is not valid UTF-8",
		},
		{
			name:        "a user ID with a NUL character is refused",
			id:          token.Identity{UserID: "ann\x00admin"},
			wantMessage: "token: invalid identity: user ID contains a NUL character",
		},
		{
			name:        "an empty group ID is refused",
			id:          token.Identity{UserID: "u", GroupIDs: []string{"g1", ""}},
			wantMessage: "token: invalid identity: group ID 1 is empty",
		},
		{
			name:        "a name that is a number is refused",
			id:          token.Identity{UserID: "u", UserInfo: map[string]any{"name": 42}},
			wantMessage: `token: invalid identity: user info "name" is a int, not a string`,
		},
		{
			name: "a name that is an object is refused",
			id: token.Identity{
				UserID:   "u",
				UserInfo: map[string]any{"name": map[string]any{"first": "Ann"}},
			},
			wantMessage: `token: invalid identity: user info "name" is a map[string]interface {}, ` +
				`not a string`,
		},
		{
			name:        "an avatar that is null is refused",
			id:          token.Identity{UserID: "u", UserInfo: map[string]any{"avatar": nil}},
			wantMessage: `token: invalid identity: user info "avatar" is a <nil>, not a string`,
		},
		{
			name: "user info of 1024 characters as JSON is valid",
			id:   token.Identity{UserID: "u", UserInfo: userInfoOfLen(t, 1024)},
		},
		{
			name:        "user info of 1025 characters as JSON is refused",
			id:          token.Identity{UserID: "u", UserInfo: userInfoOfLen(t, 1025)},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "non-ASCII characters count one each, not by bytes",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("é", 1013))},
		},
		{
			name:        "one non-ASCII character too many is refused",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("é", 1014))},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "an emoji counts two, as in JavaScript",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("😀", 506) + "x")},
		},
		{
			name:        "one emoji too many is refused",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("😀", 507))},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "<, > and & count one each, unescaped as in JSON.stringify",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("<>&", 337) + "<>")},
		},
		{
			name:        "one & too many is refused",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("<>&", 338))},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "line and paragraph separators count one each, unescaped as in JSON.stringify",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("\u2028\u2029", 506) + "\u2028")},
		},
		{
			name:        "a literal backslash-u2028 in the text counts seven, escaped",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo(`\u2028` + strings.Repeat("x", 1007))},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "invalid UTF-8 counts one per replacement character",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat("\xff", 1013))},
		},
		{
			name:        "quotes and backslashes count two each, escaped",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo(strings.Repeat(`"\`, 253) + `\`)},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name:        "a control character counts six, escaped as \\u0001",
			id:          token.Identity{UserID: "u", UserInfo: nameInfo("\x01" + strings.Repeat("x", 1008))},
			wantMessage: "token: invalid identity: user info is 1025 characters as JSON, more than 1024",
		},
		{
			name: "a newline counts two, escaped as \\n",
			id:   token.Identity{UserID: "u", UserInfo: nameInfo("\n" + strings.Repeat("x", 1011))},
		},
		{
			name: "user info that cannot be encoded is refused",
			id:   token.Identity{UserID: "u", UserInfo: map[string]any{"c": make(chan int)}},
			wantMessage: "token: invalid identity: user info cannot be encoded as JSON: " +
				"json: unsupported type: chan int",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := tt.id.Validate()
			if tt.wantMessage == "" {
				if err != nil {
					t.Errorf("got error %v, want none", err)
				}
				return
			}

			if !errors.Is(err, token.ErrInvalidIdentity) {
				t.Errorf("got error %v, want %v", err, token.ErrInvalidIdentity)
			}
			if err != nil && err.Error() != tt.wantMessage {
				t.Errorf("message: got %q, want %q", err.Error(), tt.wantMessage)
			}
		})
	}
}

func TestValidateCountsUserIDAsJavaScript(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		userID  string
		wantErr string
	}{
		{name: "64 emoji are 128 characters", userID: strings.Repeat("😀", 64)},
		{name: "128 accented letters are 128 characters", userID: strings.Repeat("é", 128)},
		{
			name:    "65 emoji are 130 characters",
			userID:  strings.Repeat("😀", 65),
			wantErr: "token: invalid identity: user ID is 130 characters long, more than 128",
		},
		{
			name:    "an invalid UTF-8 user ID",
			userID:  "a\xffb",
			wantErr: "token: invalid identity: user ID is not valid UTF-8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			err := token.Identity{UserID: tt.userID}.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: got %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, token.ErrInvalidIdentity) {
				t.Fatalf("Validate: got %v, want %q wrapping ErrInvalidIdentity", err, tt.wantErr)
			}
		})
	}
}
