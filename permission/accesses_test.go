package permission

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// entries returns n user or group entries "id-000", "id-001", ... each with
// scopes.
func entries(n int, scopes ...Scope) map[string][]Scope {
	m := make(map[string][]Scope, n)
	for i := range n {
		m[fmt.Sprintf("id-%03d", i)] = scopes
	}
	return m
}

func TestAccessesValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("g", MaxAccessIDLength+1)
	tests := []struct {
		name      string
		accesses  Accesses
		wantErr   string
		sentinels []error
	}{
		{name: "the zero value", accesses: Accesses{}},
		{
			name: "the docs' example room",
			accesses: Accesses{
				Default: []Scope{RoomRead, PresenceWrite},
				Groups:  map[string][]Scope{"engineering": {RoomWrite}},
				Users:   map[string][]Scope{"alice": {RoomWrite}},
			},
		},
		{
			name: "the new vocabulary",
			accesses: Accesses{
				Default: []Scope{},
				Users:   map[string][]Scope{"alice": {Read, CommentsWrite, FeedsNone}},
				Groups:  map[string][]Scope{"qa": {Write, StorageRead, CommentsPrivateNone}},
			},
		},
		{name: "100 user entries", accesses: Accesses{Users: entries(100, Read)}},
		{name: "100 group entries", accesses: Accesses{Groups: entries(100, Write)}},
		{name: "a 256-character key", accesses: Accesses{Users: map[string][]Scope{strings.Repeat("u", 256): {Read}}}},
		{
			name:      "an unknown default scope",
			accesses:  Accesses{Default: []Scope{"room:admin"}},
			wantErr:   `permission: defaultAccesses: unknown scope: "room:admin"`,
			sentinels: []error{ErrUnknownScope},
		},
		{
			name:      "an unknown user scope",
			accesses:  Accesses{Users: map[string][]Scope{"alice": {Read, "comments:delete"}}},
			wantErr:   `permission: usersAccesses["alice"]: unknown scope: "comments:delete"`,
			sentinels: []error{ErrUnknownScope},
		},
		{
			name:      "two base scopes in a group",
			accesses:  Accesses{Groups: map[string][]Scope{"eng": {Read, Write}}},
			wantErr:   `permission: groupsAccesses["eng"]: want exactly one base scope: got "*:read", "*:write"`,
			sentinels: []error{ErrBaseScope},
		},
		{
			name:      "two base scopes by default",
			accesses:  Accesses{Default: []Scope{RoomRead, Write}},
			wantErr:   `permission: defaultAccesses: want exactly one base scope: got "room:read", "*:write"`,
			sentinels: []error{ErrBaseScope},
		},
		{
			name:      "an empty user list",
			accesses:  Accesses{Users: map[string][]Scope{"bob": {}}},
			wantErr:   `permission: usersAccesses["bob"]: want exactly one base scope: got none`,
			sentinels: []error{ErrBaseScope},
		},
		{
			name:      "two scopes for one feature",
			accesses:  Accesses{Users: map[string][]Scope{"bob": {Write, FeedsRead, FeedsNone}}},
			wantErr:   `permission: usersAccesses["bob"]: more than one scope per feature: "feeds:read", "feeds:none"`,
			sentinels: []error{ErrDuplicateFeature},
		},
		{
			name:      "an empty key",
			accesses:  Accesses{Users: map[string][]Scope{"": {Read}}},
			wantErr:   `permission: usersAccesses[""]: invalid user or group id: empty`,
			sentinels: []error{ErrInvalidID},
		},
		{
			name:      "a 257-character key",
			accesses:  Accesses{Groups: map[string][]Scope{long: {Read}}},
			wantErr:   `permission: groupsAccesses["` + long + `"]: invalid user or group id: 257 characters, at most 256`,
			sentinels: []error{ErrInvalidID},
		},
		{
			name:      "101 user entries",
			accesses:  Accesses{Users: entries(101, Read)},
			wantErr:   "permission: usersAccesses: more than 100 entries: got 101",
			sentinels: []error{ErrTooManyEntries},
		},
		{
			name:      "101 group entries",
			accesses:  Accesses{Groups: entries(101, Write)},
			wantErr:   "permission: groupsAccesses: more than 100 entries: got 101",
			sentinels: []error{ErrTooManyEntries},
		},
		{
			name: "every offending entry is named, in order",
			accesses: Accesses{
				Default: []Scope{CommentsRead},
				Users: map[string][]Scope{
					"zoe":   {Read, "x"},
					"alice": {Read},
					"":      {},
				},
				Groups: map[string][]Scope{"ops": {Write, Read}},
			},
			wantErr: strings.Join([]string{
				`permission: defaultAccesses: want exactly one base scope: got none`,
				`permission: usersAccesses[""]: invalid user or group id: empty`,
				`permission: usersAccesses[""]: want exactly one base scope: got none`,
				`permission: usersAccesses["zoe"]: unknown scope: "x"`,
				`permission: groupsAccesses["ops"]: want exactly one base scope: got "*:write", "*:read"`,
			}, "\n"),
			sentinels: []error{ErrBaseScope, ErrInvalidID, ErrUnknownScope},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.accesses.Validate()
			if errString(err) != tt.wantErr {
				t.Fatalf("Validate() =\n%s\nwant\n%s", errString(err), tt.wantErr)
			}
			for _, s := range tt.sentinels {
				if !errors.Is(err, s) {
					t.Errorf("error does not wrap %v", s)
				}
			}
		})
	}
}

func TestAccessesValidateErrorsNameTheEntry(t *testing.T) {
	t.Parallel()
	err := Accesses{Users: map[string][]Scope{"alice": {"nope"}}}.Validate()
	var entry *EntryError
	if !errors.As(err, &entry) {
		t.Fatalf("error %v is not an *EntryError", err)
	}
	if entry.Field != "usersAccesses" || entry.Key != "alice" || !errors.Is(entry.Err, ErrUnknownScope) {
		t.Errorf("entry = %+v", entry)
	}
}

// room builds Accesses whose groups are named g0, g1, ... and returns it
// with the list of those group IDs.
func room(def []Scope, groups [][]Scope, user []Scope) (Accesses, []string) {
	a := Accesses{Default: def, Groups: map[string][]Scope{}, Users: map[string][]Scope{}}
	var ids []string
	for i, g := range groups {
		id := fmt.Sprintf("g%d", i)
		a.Groups[id] = g
		ids = append(ids, id)
	}
	if user != nil {
		a.Users["alice"] = user
	}
	return a, ids
}

func TestEffective(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		def        []Scope
		groups     [][]Scope
		user       []Scope
		want       Levels
		wantScopes []Scope
	}{
		// protocol.md §4.5, verbatim.
		{
			name: "default write with user read is read-only",
			def:  []Scope{Write}, user: []Scope{Read},
			want: allRead, wantScopes: []Scope{Read},
		},
		{
			name:   "group comments write with user comments read gives comments read",
			groups: [][]Scope{{Read, CommentsWrite}}, user: []Scope{Read, CommentsRead},
			want: allRead, wantScopes: []Scope{Read},
		},
		{
			name: "default write with user read and storage none gives no storage",
			def:  []Scope{Write}, user: []Scope{Read, StorageNone},
			want: with(allRead, map[Feature]Level{Storage: LevelNone}), wantScopes: []Scope{Read, StorageNone},
		},
		{
			name: "default none with group write gives write",
			def:  []Scope{}, groups: [][]Scope{{Write}},
			want: allWrite, wantScopes: []Scope{Write},
		},
		{
			name: "the legacy default read set comes back with the new name",
			def:  []Scope{RoomRead, PresenceWrite},
			want: allRead, wantScopes: []Scope{Read},
		},

		// core's permissions.test.ts.
		{
			name: "higher-priority sources can downgrade features",
			def:  []Scope{}, groups: [][]Scope{{Write}}, user: []Scope{Write, StorageNone},
			want: with(allWrite, map[Feature]Level{Storage: LevelNone}), wantScopes: []Scope{Write, StorageNone},
		},
		{
			name: "explicit accesses combine per feature across sources",
			def:  []Scope{Read}, groups: [][]Scope{{Read, CommentsRead}}, user: []Scope{Read, StorageWrite},
			want: with(allRead, map[Feature]Level{Storage: LevelWrite}), wantScopes: []Scope{Read, StorageWrite},
		},
		{
			name: "user write beats default read on the same feature",
			def:  []Scope{Read}, user: []Scope{Read, CommentsWrite},
			want:       with(allRead, map[Feature]Level{Comments: LevelWrite, CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite}),
			wantScopes: []Scope{Read, CommentsWrite},
		},
		{
			name: "explicit group access overrides the room default",
			def:  []Scope{Write}, groups: [][]Scope{{Read, CommentsRead}},
			want: allRead, wantScopes: []Scope{Read},
		},
		{
			name:   "several groups merge by the highest level per feature",
			groups: [][]Scope{{Read, StorageRead}, {Read, StorageWrite}},
			want:   with(allRead, map[Feature]Level{Storage: LevelWrite}), wantScopes: []Scope{Read, StorageWrite},
		},
		{
			name: "explicit none on the only source gives no storage",
			def:  []Scope{Write, StorageNone},
			want: with(allWrite, map[Feature]Level{Storage: LevelNone}), wantScopes: []Scope{Write, StorageNone},
		},
		{
			name: "legacy and new base names mix",
			def:  []Scope{RoomRead}, groups: [][]Scope{{Write, CommentsNone}}, user: []Scope{Read, StorageWrite},
			want:       with(allRead, map[Feature]Level{Storage: LevelWrite, Comments: LevelNone, CommentsPublic: LevelNone, CommentsPrivate: LevelNone}),
			wantScopes: []Scope{Read, StorageWrite, CommentsNone},
		},

		// Further cases.
		{name: "nothing anywhere is no access", want: Levels{}, wantScopes: []Scope{}},
		{
			name: "feature scopes without any base grant nothing",
			def:  []Scope{}, user: []Scope{CommentsWrite},
			want: Levels{}, wantScopes: []Scope{},
		},
		{
			name: "an empty user list changes nothing",
			def:  []Scope{Write}, user: []Scope{},
			want: allWrite, wantScopes: []Scope{Write},
		},
		{
			name: "a lower layer's feature scope survives a higher base",
			def:  []Scope{CommentsWrite}, user: []Scope{Read},
			want:       with(allRead, map[Feature]Level{Comments: LevelWrite, CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite}),
			wantScopes: []Scope{Read, CommentsWrite},
		},
		{
			name: "a user comments scope replaces a default comments visibility",
			def:  []Scope{Write, CommentsPublicNone}, user: []Scope{Write, CommentsRead},
			want:       with(allWrite, map[Feature]Level{Comments: LevelRead, CommentsPublic: LevelRead, CommentsPrivate: LevelRead}),
			wantScopes: []Scope{Write, CommentsRead},
		},
		{
			name: "a user visibility scope keeps a lower comments scope",
			def:  []Scope{Write, CommentsRead}, user: []Scope{Write, CommentsPrivateWrite},
			want:       with(allWrite, map[Feature]Level{Comments: LevelRead, CommentsPublic: LevelRead}),
			wantScopes: []Scope{Write, CommentsRead, CommentsPrivateWrite},
		},
		{
			name:       "a group comments scope outranks another group's weaker visibility",
			groups:     [][]Scope{{Read, CommentsWrite}, {Read, CommentsPublicRead}},
			want:       with(allRead, map[Feature]Level{Comments: LevelWrite, CommentsPublic: LevelWrite, CommentsPrivate: LevelWrite}),
			wantScopes: []Scope{Read, CommentsWrite},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, ids := room(tt.def, tt.groups, tt.user)
			d := Effective(a, "alice", ids)
			if d.Levels != tt.want {
				t.Errorf("levels\n got %v\nwant %v", d.Levels, tt.want)
			}
			if got := d.Scopes(); !slices.Equal(got, tt.wantScopes) {
				t.Errorf("Scopes() = %q, want %q", got, tt.wantScopes)
			}
		})
	}
}

func TestEffectiveSkipsWhatIsNotTheUsers(t *testing.T) {
	t.Parallel()
	a := Accesses{
		Default: []Scope{Read},
		Users:   map[string][]Scope{"bob": {Write}, "": {Write}},
		Groups:  map[string][]Scope{"admins": {Write}},
	}
	tests := []struct {
		name   string
		user   string
		groups []string
		want   Levels
	}{
		{name: "another user's entry", user: "alice", want: allRead},
		{name: "an empty user ID", user: "", want: allRead},
		{name: "a group the room does not list", user: "alice", groups: []string{"staff"}, want: allRead},
		{name: "the user's own entry", user: "bob", want: allWrite},
		{name: "a listed group", user: "alice", groups: []string{"staff", "admins"}, want: allWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Effective(a, tt.user, tt.groups).Levels; got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEffectiveReasons(t *testing.T) {
	t.Parallel()
	user := func(s Scope) Reason { return Reason{Layer: LayerUser, Scope: s, IDs: []string{"alice"}} }
	def := func(s Scope) Reason { return Reason{Layer: LayerDefault, Scope: s} }
	group := func(s Scope, ids ...string) Reason { return Reason{Layer: LayerGroup, Scope: s, IDs: ids} }
	tests := []struct {
		name     string
		accesses Accesses
		groups   []string
		want     map[Feature]Reason
	}{
		{
			name: "inherited features name the base that decided",
			accesses: Accesses{
				Default: []Scope{Write, CommentsRead},
				Users:   map[string][]Scope{"alice": {RoomRead}},
			},
			want: map[Feature]Reason{
				Room:            user(Read),
				Storage:         user(Read),
				Comments:        def(CommentsRead),
				CommentsPublic:  def(CommentsRead),
				CommentsPrivate: def(CommentsRead),
				Feeds:           user(Read),
				Personal:        user(Read),
			},
		},
		{
			name: "groups at the winning level are all named",
			accesses: Accesses{
				Default: []Scope{Read},
				Groups: map[string][]Scope{
					"eng": {Read, StorageWrite},
					"ops": {RoomWrite, StorageWrite},
					"qa":  {Read},
				},
			},
			groups: []string{"qa", "ops", "missing", "eng", "ops"},
			want: map[Feature]Reason{
				Room:     group(Write, "ops"),
				Storage:  group(StorageWrite, "eng", "ops"),
				Comments: group(Write, "ops"),
				Personal: group(Write, "ops"),
			},
		},
		{
			name: "a group naming a visibility outright is named with its scope",
			accesses: Accesses{Groups: map[string][]Scope{
				"a": {Read, CommentsWrite},
				"b": {Read, CommentsPublicWrite},
			}},
			groups: []string{"a", "b"},
			want: map[Feature]Reason{
				Comments:        group(CommentsWrite, "a"),
				CommentsPublic:  group(CommentsPublicWrite, "a", "b"),
				CommentsPrivate: group(CommentsWrite, "a"),
			},
		},
		{
			name: "a visibility inherited within one group names comments",
			accesses: Accesses{Groups: map[string][]Scope{
				"a": {Read, CommentsWrite},
			}},
			groups: []string{"a"},
			want: map[Feature]Reason{
				CommentsPublic: group(CommentsWrite, "a"),
			},
		},
		{
			name: "a user comments scope replaces lower visibilities",
			accesses: Accesses{
				Default: []Scope{Write, CommentsPublicNone},
				Users:   map[string][]Scope{"alice": {Write, CommentsRead}},
			},
			want: map[Feature]Reason{
				CommentsPublic: user(CommentsRead),
				Storage:        user(Write),
			},
		},
		{
			name: "no base anywhere decides nothing",
			accesses: Accesses{
				Default: []Scope{CommentsWrite},
				Users:   map[string][]Scope{"alice": {StorageWrite}},
			},
			want: map[Feature]Reason{
				Room:     {},
				Comments: {},
				Personal: {},
			},
		},
		{
			name:     "an unknown feature has no reason",
			accesses: Accesses{Default: []Scope{Write}},
			want:     map[Feature]Reason{Feature(42): {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Effective(tt.accesses, "alice", tt.groups)
			for f, want := range tt.want {
				got := d.Reason(f)
				if got.Layer != want.Layer || got.Scope != want.Scope || !slices.Equal(got.IDs, want.IDs) {
					t.Errorf("Reason(%v) = %+v, want %+v", f, got, want)
				}
			}
		})
	}
}

func TestDecisionReasonIsACopy(t *testing.T) {
	t.Parallel()
	d := Effective(Accesses{Users: map[string][]Scope{"alice": {Write}}}, "alice", nil)
	r := d.Reason(Room)
	r.IDs[0] = "mallory"
	if got := d.Reason(Room).IDs[0]; got != "alice" {
		t.Errorf("changing a returned reason changed the decision: %q", got)
	}
}

func TestReasonString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason Reason
		want   string
	}{
		{Reason{}, "no base scope in any layer"},
		{Reason{Layer: LayerDefault, Scope: Write}, "*:write from defaultAccesses"},
		{Reason{Layer: LayerUser, Scope: StorageNone, IDs: []string{"alice"}}, `storage:none from usersAccesses["alice"]`},
		{
			Reason{Layer: LayerGroup, Scope: Read, IDs: []string{"eng", "ops"}},
			`*:read from groupsAccesses["eng"], groupsAccesses["ops"]`,
		},
	}
	for _, tt := range tests {
		if got := tt.reason.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.reason, got, tt.want)
		}
	}
}

func TestLayerString(t *testing.T) {
	t.Parallel()
	want := map[Layer]string{
		LayerNone:    "none",
		LayerDefault: "defaultAccesses",
		LayerGroup:   "groupsAccesses",
		LayerUser:    "usersAccesses",
		Layer(9):     "Layer(9)",
	}
	for l, w := range want {
		if got := l.String(); got != w {
			t.Errorf("Layer(%d).String() = %q, want %q", uint8(l), got, w)
		}
	}
}

func TestAccessesClone(t *testing.T) {
	t.Parallel()

	a := Accesses{
		Default: []Scope{Read},
		Users:   map[string][]Scope{"alice": {Write}},
		Groups:  map[string][]Scope{"eng": {Write, StorageRead}},
	}
	c := a.Clone()
	c.Default[0] = Write
	c.Users["alice"][0] = Read
	c.Groups["eng"] = nil
	c.Users["bob"] = []Scope{Read}

	want := Accesses{
		Default: []Scope{Read},
		Users:   map[string][]Scope{"alice": {Write}},
		Groups:  map[string][]Scope{"eng": {Write, StorageRead}},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("original after changing the clone: got %+v, want %+v", a, want)
	}
	if got := (Accesses{}).Clone(); got.Default != nil || got.Users != nil || got.Groups != nil {
		t.Errorf("Clone of the zero value: got %+v, want nil fields", got)
	}
	if got := (Accesses{Default: []Scope{}}).Clone(); got.Default == nil {
		t.Error("Clone of an empty default: got nil, want an empty list (no access)")
	}
}
