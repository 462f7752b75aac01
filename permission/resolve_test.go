package permission

import (
	"errors"
	"testing"
)

// The levels of a plain base scope.
var (
	allRead = Levels{
		Room: LevelRead, Storage: LevelRead, Comments: LevelRead,
		CommentsPublic: LevelRead, CommentsPrivate: LevelRead,
		Feeds: LevelRead, Personal: LevelWrite,
	}
	allWrite = Levels{
		Room: LevelWrite, Storage: LevelWrite, Comments: LevelWrite,
		CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite,
		Feeds: LevelWrite, Personal: LevelWrite,
	}
)

// with returns lv with the given features changed.
func with(lv Levels, changes map[Feature]Level) Levels {
	for f, l := range changes {
		lv.set(f, l)
	}
	return lv
}

// mustResolve resolves list or fails the test.
func mustResolve(t *testing.T, list []Scope) Levels {
	t.Helper()
	lv, err := Resolve(list)
	if err != nil {
		t.Fatalf("Resolve(%q) error = %v", list, err)
	}
	return lv
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []Scope
		want Levels
	}{
		{name: "read access", in: []Scope{Read}, want: allRead},
		{name: "write access", in: []Scope{Write}, want: allWrite},
		{name: "room:read is an alias of *:read", in: []Scope{RoomRead}, want: allRead},
		{name: "room:write is an alias of *:write", in: []Scope{RoomWrite}, want: allWrite},
		{
			name: "broad comments access flows to comments visibilities",
			in:   []Scope{Read, CommentsWrite},
			want: with(allRead, map[Feature]Level{Comments: LevelWrite, CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite}),
		},
		{name: "storage opts out of the room default", in: []Scope{Write, StorageNone}, want: with(allWrite, map[Feature]Level{Storage: LevelNone})},
		{
			name: "comments opt out of the room default",
			in:   []Scope{Write, CommentsNone},
			want: with(allWrite, map[Feature]Level{Comments: LevelNone, CommentsPublic: LevelNone, CommentsPrivate: LevelNone}),
		},
		{name: "the strongest same-feature scope wins", in: []Scope{Write, CommentsWrite, CommentsNone}, want: allWrite},
		{name: "the strongest non-none explicit scope wins", in: []Scope{Write, CommentsRead, CommentsWrite}, want: allWrite},
		{name: "the strongest base wins", in: []Scope{Read, RoomWrite}, want: allWrite},
		{
			name: "broad and visibility-specific comments combine",
			in:   []Scope{Write, CommentsNone, CommentsPublicRead, CommentsPrivateWrite},
			want: with(allWrite, map[Feature]Level{Comments: LevelNone, CommentsPublic: LevelRead, CommentsPrivate: LevelWrite}),
		},
		{
			name: "a feature goes up from a read base",
			in:   []Scope{Read, CommentsWrite, FeedsNone},
			want: with(allRead, map[Feature]Level{Comments: LevelWrite, CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite, Feeds: LevelNone}),
		},
		{name: "feature scopes alone grant nothing", in: []Scope{CommentsWrite}, want: Levels{}},
		{name: "presence alone grants nothing", in: []Scope{PresenceWrite}, want: Levels{}},
		{name: "the empty list grants nothing", in: []Scope{}, want: Levels{}},
		{name: "nil grants nothing", in: nil, want: Levels{}},
		{name: "the legacy read preset is plain read", in: []Scope{RoomRead, PresenceWrite, CommentsRead}, want: allRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := mustResolve(t, tt.in); got != tt.want {
				t.Errorf("Resolve(%q)\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolveChecks(t *testing.T) {
	t.Parallel()
	t.Run("a downgraded feature can be read but not written", func(t *testing.T) {
		t.Parallel()
		lv := mustResolve(t, []Scope{Write, CommentsRead})
		if !lv.Can(Comments, LevelRead) || lv.Can(Comments, LevelWrite) {
			t.Errorf("comments: can read %v, can write %v; want true, false", lv.Can(Comments, LevelRead), lv.Can(Comments, LevelWrite))
		}
	})
	t.Run("generic comments checks aggregate the visibilities", func(t *testing.T) {
		t.Parallel()
		lv := mustResolve(t, []Scope{Write, CommentsNone, CommentsPublicWrite, CommentsPrivateNone})
		if !lv.Can(Comments, LevelWrite) || !lv.Can(CommentsPublic, LevelWrite) || lv.Can(CommentsPrivate, LevelWrite) {
			t.Errorf("got %v", lv)
		}
		scoped := mustResolve(t, []Scope{Write, CommentsNone, CommentsPublicRead, CommentsPrivateWrite})
		if !scoped.Can(Comments, LevelWrite) || scoped.Can(CommentsPublic, LevelWrite) || !scoped.Can(CommentsPrivate, LevelWrite) {
			t.Errorf("got %v", scoped)
		}
	})
	t.Run("feature scopes need a base", func(t *testing.T) {
		t.Parallel()
		if mustResolve(t, []Scope{CommentsWrite}).Can(Comments, LevelWrite) {
			t.Error("comments:write alone allows writing comments")
		}
		if mustResolve(t, []Scope{PresenceWrite}).Can(Room, LevelWrite) {
			t.Error("room:presence:write alone allows writing the room")
		}
	})
	t.Run("personal access follows the base", func(t *testing.T) {
		t.Parallel()
		if mustResolve(t, nil).Personal != LevelNone || mustResolve(t, []Scope{CommentsWrite}).Can(Personal, LevelWrite) {
			t.Error("personal access without a base")
		}
		if !mustResolve(t, []Scope{Read}).Can(Personal, LevelWrite) {
			t.Error("no personal write access with a read base")
		}
	})
}

func TestResolveRefusesUnknownScopes(t *testing.T) {
	t.Parallel()
	lv, err := Resolve([]Scope{Write, "comments:delete"})
	if want := `permission: unknown scope: "comments:delete"`; errString(err) != want {
		t.Fatalf("error = %q, want %q", errString(err), want)
	}
	if !errors.Is(err, ErrUnknownScope) {
		t.Errorf("error does not wrap ErrUnknownScope")
	}
	if lv != (Levels{}) {
		t.Errorf("levels = %v, want none", lv)
	}
}

func TestValidateSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       []Scope
		wantErr  string
		sentinel error
	}{
		{name: "a read base", in: []Scope{Read}},
		{name: "a write base", in: []Scope{Write}},
		{name: "the legacy room:read base", in: []Scope{RoomRead}},
		{name: "the legacy room:write base", in: []Scope{RoomWrite}},
		{name: "one scope per feature", in: []Scope{Write, StorageNone, CommentsRead, FeedsWrite}},
		{name: "comments visibilities are separate features", in: []Scope{Read, CommentsWrite, CommentsPublicWrite, CommentsPrivateNone}},
		{name: "the legacy presence scope is extra", in: []Scope{Read, PresenceWrite}},
		{name: "the old default read set", in: []Scope{RoomRead, PresenceWrite}},
		{name: "the old read preset", in: []Scope{RoomRead, PresenceWrite, CommentsRead}},
		{name: "the old full preset", in: []Scope{RoomWrite, CommentsWrite}},
		{name: "presence twice", in: []Scope{Read, PresenceWrite, PresenceWrite}},
		{
			name:     "an unknown scope",
			in:       []Scope{Read, "comments:delete"},
			wantErr:  `permission: unknown scope: "comments:delete"`,
			sentinel: ErrUnknownScope,
		},
		{
			name:     "every unknown scope is named before other rules",
			in:       []Scope{"future:write", Read, Write, "comments:delete"},
			wantErr:  `permission: unknown scope: "future:write", "comments:delete"`,
			sentinel: ErrUnknownScope,
		},
		{
			name:     "no base",
			in:       []Scope{CommentsRead},
			wantErr:  "permission: want exactly one base scope: got none",
			sentinel: ErrBaseScope,
		},
		{
			name:     "the empty list",
			in:       []Scope{},
			wantErr:  "permission: want exactly one base scope: got none",
			sentinel: ErrBaseScope,
		},
		{
			name:     "two base scopes, one legacy",
			in:       []Scope{Read, RoomRead},
			wantErr:  `permission: want exactly one base scope: got "*:read", "room:read"`,
			sentinel: ErrBaseScope,
		},
		{
			name:     "two base scopes",
			in:       []Scope{Read, StorageRead, Write},
			wantErr:  `permission: want exactly one base scope: got "*:read", "*:write"`,
			sentinel: ErrBaseScope,
		},
		{
			name:     "the same base twice",
			in:       []Scope{Write, Write},
			wantErr:  `permission: want exactly one base scope: got "*:write", "*:write"`,
			sentinel: ErrBaseScope,
		},
		{
			name:     "two comments scopes",
			in:       []Scope{Read, CommentsRead, CommentsWrite},
			wantErr:  `permission: more than one scope per feature: "comments:read", "comments:write"`,
			sentinel: ErrDuplicateFeature,
		},
		{
			name:     "two public comments scopes",
			in:       []Scope{Read, CommentsPublicRead, CommentsPublicWrite},
			wantErr:  `permission: more than one scope per feature: "comments:public:read", "comments:public:write"`,
			sentinel: ErrDuplicateFeature,
		},
		{
			name:     "the same feature scope twice",
			in:       []Scope{Read, StorageNone, FeedsRead, StorageNone},
			wantErr:  `permission: more than one scope per feature: "storage:none", "storage:none"`,
			sentinel: ErrDuplicateFeature,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateSet(tt.in)
			if errString(err) != tt.wantErr {
				t.Fatalf("ValidateSet(%q) = %q, want %q", tt.in, errString(err), tt.wantErr)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tt.sentinel)
			}
		})
	}
}
