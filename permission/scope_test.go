package permission

import (
	"errors"
	"slices"
	"testing"
)

// allScopes lists every known scope, in a fixed order.
var allScopes = []Scope{
	Read, Write, RoomRead, RoomWrite,
	StorageRead, StorageWrite, StorageNone,
	CommentsRead, CommentsWrite, CommentsNone,
	CommentsPublicRead, CommentsPublicWrite, CommentsPublicNone,
	CommentsPrivateRead, CommentsPrivateWrite, CommentsPrivateNone,
	FeedsRead, FeedsWrite, FeedsNone,
	PresenceWrite,
}

// errString returns err's message, or "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestEveryScopeIsKnown(t *testing.T) {
	t.Parallel()
	if got, want := len(scopes), len(allScopes); got != want {
		t.Fatalf("package knows %d scopes, test lists %d", got, want)
	}
	for _, s := range allScopes {
		if !s.Known() {
			t.Errorf("%q.Known() = false, want true", s)
		}
	}
}

func TestScopeIsBase(t *testing.T) {
	t.Parallel()
	bases := []Scope{Read, Write, RoomRead, RoomWrite}
	for _, s := range append(slices.Clone(allScopes), "room:admin") {
		if got, want := s.IsBase(), slices.Contains(bases, s); got != want {
			t.Errorf("%q.IsBase() = %v, want %v", s, got, want)
		}
	}
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Scope
		wantErr string
	}{
		{name: "new base scope", in: "*:write", want: Write},
		{name: "legacy base scope", in: "room:read", want: RoomRead},
		{name: "comments visibility scope", in: "comments:private:none", want: CommentsPrivateNone},
		{name: "legacy presence scope", in: "room:presence:write", want: PresenceWrite},
		{name: "unknown action", in: "comments:delete", wantErr: `permission: unknown scope: "comments:delete"`},
		{name: "abandoned branch family", in: "room:storage:write", wantErr: `permission: unknown scope: "room:storage:write"`},
		{name: "case matters", in: "*:WRITE", wantErr: `permission: unknown scope: "*:WRITE"`},
		{name: "empty string", in: "", wantErr: `permission: unknown scope: ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseScope(tt.in)
			if errString(err) != tt.wantErr {
				t.Fatalf("ParseScope(%q) error = %q, want %q", tt.in, errString(err), tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUnknownScope) {
				t.Errorf("error %v does not wrap ErrUnknownScope", err)
			}
			if got != tt.want {
				t.Errorf("ParseScope(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []string
		want    []Scope
		wantErr string
	}{
		{name: "nil gives an empty list", in: nil, want: []Scope{}},
		{name: "known scopes keep their order", in: []string{"storage:write", "*:read"}, want: []Scope{StorageWrite, Read}},
		{
			name:    "every unknown scope is named",
			in:      []string{"*:read", "comments:delete", "future:write"},
			wantErr: `permission: unknown scope: "comments:delete", "future:write"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseScopes(tt.in)
			if errString(err) != tt.wantErr {
				t.Fatalf("ParseScopes error = %q, want %q", errString(err), tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUnknownScope) {
				t.Errorf("error %v does not wrap ErrUnknownScope", err)
			}
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("ParseScopes = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestScopeForHasNoScopeForMissingLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		feature Feature
		level   Level
		want    Scope
	}{
		{name: "base none has no scope", feature: Room, level: LevelNone, want: ""},
		{name: "base write is the new name", feature: Room, level: LevelWrite, want: Write},
		{name: "personal has no scope", feature: Personal, level: LevelWrite, want: ""},
		{name: "invalid level", feature: Storage, level: Level(9), want: ""},
		{name: "feeds none", feature: Feeds, level: LevelNone, want: FeedsNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := scopeFor(tt.feature, tt.level); got != tt.want {
				t.Errorf("scopeFor(%v, %v) = %q, want %q", tt.feature, tt.level, got, tt.want)
			}
		})
	}
}
