package permission

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParsePattern(t *testing.T) {
	t.Parallel()
	a128 := strings.Repeat("a", 128)
	a129 := strings.Repeat("a", 129)
	emoji64 := strings.Repeat("😀", 64)
	emoji65 := strings.Repeat("😀", 65)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "an exact room ID", in: "org1.room1"},
		{name: "a prefix", in: "org1*"},
		{name: "every room", in: "*"},
		{name: "a one-character prefix", in: "a*"},
		{name: "a 128-character room ID", in: a128},
		{name: "a 128-character prefix", in: a128 + "*"},
		{name: "characters counted as JavaScript does, at the limit", in: emoji64},
		{name: "spaces and colons are plain characters", in: "org 1:room/1"},
		{
			name:    "the empty string",
			in:      "",
			wantErr: `permission: invalid room name or pattern "": empty`,
		},
		{
			name:    "a star that is not last",
			in:      "a*b",
			wantErr: `permission: invalid room name or pattern "a*b": "*" may only come last`,
		},
		{
			name:    "a leading star",
			in:      "*a",
			wantErr: `permission: invalid room name or pattern "*a": "*" may only come last`,
		},
		{
			name:    "two stars",
			in:      "**",
			wantErr: `permission: invalid room name or pattern "**": "*" may only come last`,
		},
		{
			name:    "a 129-character room ID",
			in:      a129,
			wantErr: `permission: invalid room name or pattern "` + a129 + `": 129 characters, at most 128`,
		},
		{
			name:    "a 129-character prefix",
			in:      a129 + "*",
			wantErr: `permission: invalid room name or pattern "` + a129 + `*": 129 characters before the "*", at most 128`,
		},
		{
			name:    "characters counted as JavaScript does, over the limit",
			in:      emoji65,
			wantErr: `permission: invalid room name or pattern "` + emoji65 + `": 130 characters, at most 128`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePattern(tt.in)
			if errString(err) != tt.wantErr {
				t.Fatalf("ParsePattern error = %q, want %q", errString(err), tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidPattern) {
					t.Errorf("error does not wrap ErrInvalidPattern")
				}
				if p != "" {
					t.Errorf("pattern = %q with an error", p)
				}
			} else if string(p) != tt.in {
				t.Errorf("pattern = %q, want %q", p, tt.in)
			}
		})
	}
}

func TestValidateRoomID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "a plain room ID", in: "org1.room1"},
		{name: "a 128-character room ID", in: strings.Repeat("r", 128)},
		{name: "a star is a plain character in a room ID", in: "a*b"},
		{name: "the empty string", in: "", wantErr: "permission: invalid room id: empty"},
		{
			name:    "a 129-character room ID",
			in:      strings.Repeat("r", 129),
			wantErr: "permission: invalid room id: 129 characters, at most 128",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateRoomID(tt.in)
			if errString(err) != tt.wantErr {
				t.Fatalf("ValidateRoomID error = %q, want %q", errString(err), tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidRoomID) {
				t.Errorf("error does not wrap ErrInvalidRoomID")
			}
		})
	}
}

func TestPatternMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern Pattern
		room    string
		want    bool
	}{
		{"org1.room1", "org1.room1", true},
		{"org1.room1", "org1.room10", false},
		{"org1.room1", "org1", false},
		{"org1*", "org1.room1", true},
		{"org1*", "org1", true},
		{"org1*", "org2.room1", false},
		{"org1*", "xorg1", false},
		{"*", "anything", true},
		{"*", "", true},
		{"a*b", "ab", false},
		{"a*b", "a*b", false},
		{"", "", false},
		{Pattern(strings.Repeat("a", 129)), strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		if got := tt.pattern.Matches(tt.room); got != tt.want {
			t.Errorf("Pattern(%q).Matches(%q) = %v, want %v", tt.pattern, tt.room, got, tt.want)
		}
	}
}

// allowAll allows each pattern in turn with scopes, failing the test on
// error.
func allowAll(t *testing.T, g *Grants, scopes []Scope, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if err := g.Allow(p, scopes...); err != nil {
			t.Fatalf("Allow(%q) error = %v", p, err)
		}
	}
}

// tenRooms returns the patterns room-0 to room-9.
func tenRooms() []string {
	var out []string
	for i := range MaxPatterns {
		out = append(out, fmt.Sprintf("room-%d", i))
	}
	return out
}

func TestGrantsAllowRefuses(t *testing.T) {
	t.Parallel()
	a129 := strings.Repeat("a", 129)
	tests := []struct {
		name     string
		before   []string // patterns allowed first, with *:read
		pattern  string
		scopes   []Scope
		wantErr  string
		sentinel error
	}{
		{
			name:    "the 11th pattern",
			before:  tenRooms(),
			pattern: "room-10", scopes: []Scope{Read},
			wantErr:  `permission: more than 10 room patterns: cannot add "room-10"`,
			sentinel: ErrTooManyPatterns,
		},
		{
			name:    "an empty scope list for a pattern",
			pattern: "room-1", scopes: nil,
			wantErr:  `permission: permissions["room-1"]: empty scope list`,
			sentinel: ErrEmptyScopes,
		},
		{
			name:    "an unknown scope",
			pattern: "room-1", scopes: []Scope{Read, "comments:delete", "future:write"},
			wantErr:  `permission: permissions["room-1"]: unknown scope: "comments:delete", "future:write"`,
			sentinel: ErrUnknownScope,
		},
		{
			name:    "a star that is not last",
			pattern: "a*b", scopes: []Scope{Read},
			wantErr:  `permission: permissions["a*b"]: invalid room name or pattern: "*" may only come last`,
			sentinel: ErrInvalidPattern,
		},
		{
			name:    "a 129-character room ID",
			pattern: a129, scopes: []Scope{Read},
			wantErr:  `permission: permissions["` + a129 + `"]: invalid room name or pattern: 129 characters, at most 128`,
			sentinel: ErrInvalidPattern,
		},
		{
			name:    "no room name",
			pattern: "", scopes: []Scope{Read},
			wantErr:  `permission: permissions[""]: invalid room name or pattern: empty`,
			sentinel: ErrInvalidPattern,
		},
		{
			name:    "the pattern is checked before the scopes",
			pattern: "a*b", scopes: nil,
			wantErr:  `permission: permissions["a*b"]: invalid room name or pattern: "*" may only come last`,
			sentinel: ErrInvalidPattern,
		},
		{
			name:    "scopes are checked before the limit",
			before:  tenRooms(),
			pattern: "room-10", scopes: []Scope{"nope"},
			wantErr:  `permission: permissions["room-10"]: unknown scope: "nope"`,
			sentinel: ErrUnknownScope,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Grants
			allowAll(t, &g, []Scope{Read}, tt.before...)
			before, _ := json.Marshal(g)

			err := g.Allow(tt.pattern, tt.scopes...)
			if errString(err) != tt.wantErr {
				t.Fatalf("Allow error = %q, want %q", errString(err), tt.wantErr)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("error does not wrap %v", tt.sentinel)
			}
			if after, _ := json.Marshal(g); string(after) != string(before) {
				t.Errorf("a failed Allow changed the grants: %s, was %s", after, before)
			}
		})
	}
}

func TestGrantsAllowEntryErrors(t *testing.T) {
	t.Parallel()
	var g Grants
	err := g.Allow("org1*")
	var entry *EntryError
	if !errors.As(err, &entry) {
		t.Fatalf("error %v is not an *EntryError", err)
	}
	if entry.Field != "permissions" || entry.Key != "org1*" || entry.Err != ErrEmptyScopes {
		t.Errorf("entry = %+v", entry)
	}
}

func TestGrantsAllowAddsUp(t *testing.T) {
	t.Parallel()
	var g Grants
	allowAll(t, &g, []Scope{RoomWrite}, "r")
	allowAll(t, &g, []Scope{PresenceWrite, CommentsRead}, "r")
	allowAll(t, &g, []Scope{RoomWrite, CommentsRead}, "r")
	allowAll(t, &g, []Scope{CommentsRead}, "r", "r", "r")
	got, ok := g.Lookup("r")
	if want := []Scope{RoomWrite, PresenceWrite, CommentsRead}; !ok || !slices.Equal(got, want) {
		t.Errorf("Lookup(r) = %q, %v; want %q, true", got, ok, want)
	}
	if g.Len() != 1 {
		t.Errorf("Len() = %d, want 1", g.Len())
	}
	if _, ok := g.Lookup("s"); ok {
		t.Error("Lookup found a pattern never allowed")
	}
}

func TestGrantsAllowAfterTheLimitOnAKnownPattern(t *testing.T) {
	t.Parallel()
	var g Grants
	allowAll(t, &g, []Scope{Read}, tenRooms()...)
	if err := g.Allow("room-7", Write); err != nil {
		t.Fatalf("adding scopes to an existing pattern: %v", err)
	}
	if got, _ := g.Lookup("room-7"); !slices.Equal(got, []Scope{Read, Write}) {
		t.Errorf("room-7 scopes = %q", got)
	}
}

func TestGrantsCopiesAreIndependent(t *testing.T) {
	t.Parallel()
	var a Grants
	allowAll(t, &a, []Scope{Read}, "x", "y")
	b := a
	allowAll(t, &a, []Scope{Write}, "x", "z")
	allowAll(t, &b, []Scope{StorageNone}, "x", "w")

	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if want := `{"x":["*:read","*:write"],"y":["*:read"],"z":["*:write"]}`; string(ja) != want {
		t.Errorf("a = %s, want %s", ja, want)
	}
	if want := `{"x":["*:read","storage:none"],"y":["*:read"],"w":["storage:none"]}`; string(jb) != want {
		t.Errorf("b = %s, want %s", jb, want)
	}

	got, _ := a.Lookup("x")
	got[0] = Write
	for p, list := range a.All() {
		list[0] = "changed"
		_ = p
	}
	if again, _ := a.Lookup("x"); again[0] != Read {
		t.Errorf("changing returned scopes changed the grants: %q", again)
	}
}

func TestGrantsAll(t *testing.T) {
	t.Parallel()
	var g Grants
	allowAll(t, &g, []Scope{Read}, "b*", "a", "*")
	var got []Pattern
	for p := range g.All() {
		got = append(got, p)
		if p == "a" {
			break
		}
	}
	if want := []Pattern{"b*", "a"}; !slices.Equal(got, want) {
		t.Errorf("All() stopped at %q, want %q", got, want)
	}
}

func TestGrantsFor(t *testing.T) {
	t.Parallel()
	type entry struct {
		pattern string
		scopes  []Scope
	}
	tests := []struct {
		name    string
		entries []entry
		room    string
		want    Levels
		wantOK  bool
	}{
		// protocol.md §4.4, verbatim.
		{
			name:    "an exact room cannot lower a prefix's base",
			entries: []entry{{"org1*", []Scope{Write}}, {"org1.room1", []Scope{Read}}},
			room:    "org1.room1", want: allWrite, wantOK: true,
		},
		{
			name:    "an exact room's storage none removes only storage",
			entries: []entry{{"org1*", []Scope{Write}}, {"org1.room1", []Scope{StorageNone}}},
			room:    "org1.room1", want: with(allWrite, map[Feature]Level{Storage: LevelNone}), wantOK: true,
		},

		// core's permissions.test.ts.
		{
			name:    "a wildcard resource",
			entries: []entry{{"org1*", []Scope{RoomWrite}}},
			room:    "org1.room1", want: allWrite, wantOK: true,
		},
		{
			name:    "matching patterns combine by strongest feature access",
			entries: []entry{{"org1*", []Scope{Write}}, {"org1.room1", []Scope{StorageWrite}}},
			room:    "org1.room1", want: allWrite, wantOK: true,
		},
		{
			name:    "no matching pattern",
			entries: []entry{{"org2*", []Scope{RoomWrite}}},
			room:    "org1.room1", want: Levels{}, wantOK: false,
		},

		// Further cases.
		{
			name: "no grants at all",
			room: "org1.room1", want: Levels{}, wantOK: false,
		},
		{
			name:    "the base is the strongest across patterns, in any order",
			entries: []entry{{"org1.room1", []Scope{Read}}, {"*", []Scope{Write}}},
			room:    "org1.room1", want: allWrite, wantOK: true,
		},
		{
			name:    "a more specific prefix overrides a feature upward",
			entries: []entry{{"org1*", []Scope{Read, StorageNone}}, {"org1.team*", []Scope{StorageWrite}}},
			room:    "org1.team.room", want: with(allRead, map[Feature]Level{Storage: LevelWrite}), wantOK: true,
		},
		{
			name:    "a more specific prefix overrides a feature downward",
			entries: []entry{{"org1.team*", []Scope{FeedsRead}}, {"org1*", []Scope{Write, FeedsWrite}}},
			room:    "org1.team.room", want: with(allWrite, map[Feature]Level{Feeds: LevelRead}), wantOK: true,
		},
		{
			name:    "equally specific patterns take the strongest",
			entries: []entry{{"org1.room1", []Scope{Write, StorageNone}}, {"org1.room1*", []Scope{StorageRead}}},
			room:    "org1.room1", want: with(allWrite, map[Feature]Level{Storage: LevelRead}), wantOK: true,
		},
		{
			name:    "a specific comments scope overrides a broader visibility",
			entries: []entry{{"org1*", []Scope{Write, CommentsPublicNone}}, {"org1.room1", []Scope{CommentsRead}}},
			room:    "org1.room1",
			want:    with(allWrite, map[Feature]Level{Comments: LevelRead, CommentsPublic: LevelRead, CommentsPrivate: LevelRead}),
			wantOK:  true,
		},
		{
			name:    "a specific visibility keeps a broader comments scope",
			entries: []entry{{"org1*", []Scope{Write, CommentsRead}}, {"org1.room1", []Scope{CommentsPrivateNone}}},
			room:    "org1.room1",
			want:    with(allWrite, map[Feature]Level{Comments: LevelRead, CommentsPublic: LevelRead, CommentsPrivate: LevelNone}),
			wantOK:  true,
		},
		{
			name:    "matching feature scopes without any base grant nothing",
			entries: []entry{{"org1*", []Scope{StorageWrite}}, {"org2*", []Scope{Write}}},
			room:    "org1.room1", want: Levels{}, wantOK: true,
		},
		{
			name:    "the read and full presets of one pattern add up to write",
			entries: []entry{{"org1*", []Scope{RoomRead, PresenceWrite, CommentsRead}}, {"org1*", []Scope{RoomWrite, CommentsWrite}}},
			room:    "org1.x", want: allWrite, wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Grants
			for _, e := range tt.entries {
				if err := g.Allow(e.pattern, e.scopes...); err != nil {
					t.Fatal(err)
				}
			}
			got, ok := g.For(tt.room)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("For(%q) =\n %v, %v\nwant\n %v, %v", tt.room, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestGrantsForIgnoresInvalidDecodedEntries(t *testing.T) {
	t.Parallel()
	var g Grants
	if err := json.Unmarshal([]byte(`{"a*b":["*:write"],"ab":["*:read","future:write"]}`), &g); err != nil {
		t.Fatal(err)
	}
	got, ok := g.For("ab")
	if !ok || got != allRead {
		t.Errorf("For(ab) = %v, %v; want %v, true", got, ok, allRead)
	}
	if _, ok := g.For("a*b"); ok {
		t.Error("an invalid pattern matched")
	}
}

func TestGrantsJSON(t *testing.T) {
	t.Parallel()
	var g Grants
	if got, _ := json.Marshal(g); string(got) != "{}" {
		t.Errorf("zero grants encode as %s, want {}", got)
	}
	allowAll(t, &g, []Scope{Read}, "zeta*")
	allowAll(t, &g, []Scope{Write, CommentsNone}, "alpha")
	allowAll(t, &g, []Scope{FeedsNone}, "*")
	const want = `{"zeta*":["*:read"],"alpha":["*:write","comments:none"],"*":["feeds:none"]}`
	got, err := json.Marshal(g)
	if err != nil || string(got) != want {
		t.Fatalf("json.Marshal = %s, %v; want %s", got, err, want)
	}

	// Pointer and value encode alike, inside other values too.
	wrapped, _ := json.Marshal(struct {
		Perms *Grants `json:"perms"`
	}{&g})
	if string(wrapped) != `{"perms":`+want+`}` {
		t.Errorf("wrapped = %s", wrapped)
	}

	var back Grants
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != want {
		t.Errorf("round trip = %s, want %s", again, want)
	}
}

func TestGrantsUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		want     string // re-encoded
		wantErr  string
		prefix   bool // wantErr is only the start of the message
		sentinel error
	}{
		{name: "an empty object", in: `{}`, want: `{}`},
		{name: "order is kept", in: ` { "b" : ["*:read"], "a": ["*:write"] } `, want: `{"b":["*:read"],"a":["*:write"]}`},
		{name: "unknown scopes are kept for Validate", in: `{"r":["future:write"]}`, want: `{"r":["future:write"]}`},
		{name: "a null list becomes empty", in: `{"r":null}`, want: `{"r":[]}`},
		{name: "escaped keys", in: `{"caf\u00e9*":["*:read"]}`, want: `{"café*":["*:read"]}`},
		{name: "null leaves the grants unchanged", in: `null`, want: `{"keep":["*:read"]}`},
		{
			name:     "a pattern listed twice",
			in:       `{"r":["*:read"],"r":["*:write"]}`,
			wantErr:  `permission: permissions["r"]: invalid room name or pattern: listed twice`,
			sentinel: ErrInvalidPattern,
		},
		{
			name:    "not an object",
			in:      `["*:read"]`,
			wantErr: `permission: decoding grants: want a JSON object, got [`,
		},
		{
			name:    "a scope list that is not a list",
			in:      `{"r":"*:read"}`,
			wantErr: `permission: permissions["r"]: decoding scopes: json: cannot unmarshal string`,
			prefix:  true, // the rest is encoding/json's wording
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Grants
			allowAll(t, &g, []Scope{Read}, "keep")
			err := json.Unmarshal([]byte(tt.in), &g)
			if got := errString(err); got != tt.wantErr && !(tt.prefix && strings.HasPrefix(got, tt.wantErr)) {
				t.Fatalf("json.Unmarshal error = %q, want %q", errString(err), tt.wantErr)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error does not wrap %v", tt.sentinel)
			}
			var typeErr *json.UnmarshalTypeError
			if tt.prefix && !errors.As(err, &typeErr) {
				t.Errorf("error does not wrap encoding/json's *UnmarshalTypeError")
			}
			if err != nil {
				return
			}
			if got, _ := json.Marshal(g); string(got) != tt.want {
				t.Errorf("decoded %s, want %s", got, tt.want)
			}
		})
	}
}

func TestGrantsUnmarshalJSONDirectly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "empty input", in: ``, wantErr: "permission: decoding grants: EOF"},
		{name: "a truncated object", in: `{"r":["*:read"]`, wantErr: "permission: decoding grants: EOF"},
		// The rest of the message is encoding/json's wording.
		{name: "a key that is not a string", in: `{1:["*:read"]}`, wantErr: "permission: decoding grants: invalid character '1'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Grants
			if err := g.UnmarshalJSON([]byte(tt.in)); !strings.HasPrefix(errString(err), tt.wantErr) || err == nil {
				t.Errorf("UnmarshalJSON error = %q, want %q", errString(err), tt.wantErr)
			}
		})
	}
}

func TestGrantsValidate(t *testing.T) {
	t.Parallel()
	var eleven strings.Builder
	eleven.WriteString("{")
	for i := range 11 {
		if i > 0 {
			eleven.WriteString(",")
		}
		fmt.Fprintf(&eleven, `"room-%d":["*:read"]`, i)
	}
	eleven.WriteString("}")
	tests := []struct {
		name      string
		in        string
		wantErr   string
		sentinels []error
	}{
		{name: "no patterns", in: `{}`},
		{name: "a legal token", in: `{"org1*":["*:read"],"org1.room1":["room:write","room:write"]}`},
		{
			name:      "11 patterns",
			in:        eleven.String(),
			wantErr:   "permission: more than 10 room patterns: got 11",
			sentinels: []error{ErrTooManyPatterns},
		},
		{
			name: "every offending pattern is named",
			in:   `{"a*b":["*:read"],"empty":[],"odd":["*:read","nope"],"**":[]}`,
			wantErr: strings.Join([]string{
				`permission: permissions["a*b"]: invalid room name or pattern: "*" may only come last`,
				`permission: permissions["empty"]: empty scope list`,
				`permission: permissions["odd"]: unknown scope: "nope"`,
				`permission: permissions["**"]: invalid room name or pattern: "*" may only come last`,
				`permission: permissions["**"]: empty scope list`,
			}, "\n"),
			sentinels: []error{ErrInvalidPattern, ErrEmptyScopes, ErrUnknownScope},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Grants
			if err := json.Unmarshal([]byte(tt.in), &g); err != nil {
				t.Fatal(err)
			}
			err := g.Validate()
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

func TestGrantsSelect(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		allow      [][]string // pattern, scopes...
		room       string
		wantOK     bool
		wantPat    Pattern
		wantScopes []Scope
	}{
		{
			name:       "an exact pattern wins over an earlier prefix",
			allow:      [][]string{{"org1*", "*:write"}, {"org1.room1", "*:read"}},
			room:       "org1.room1",
			wantOK:     true,
			wantPat:    "org1.room1",
			wantScopes: []Scope{Read},
		},
		{
			name:       "the first matching prefix wins, however specific the later one",
			allow:      [][]string{{"*", "*:read"}, {"org1*", "*:write"}},
			room:       "org1.room1",
			wantOK:     true,
			wantPat:    "*",
			wantScopes: []Scope{Read},
		},
		{
			name:       "a list without a base scope is still selected",
			allow:      [][]string{{"org1*", "storage:none"}, {"*", "*:write"}},
			room:       "org1.room1",
			wantOK:     true,
			wantPat:    "org1*",
			wantScopes: []Scope{StorageNone},
		},
		{
			name:   "no pattern matches",
			allow:  [][]string{{"org1*", "*:write"}, {"org2.room1", "*:write"}},
			room:   "org2.room2",
			wantOK: false,
		},
		{
			name:   "empty grants",
			room:   "org1.room1",
			wantOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var g Grants
			for _, a := range tt.allow {
				scopes := make([]Scope, 0, len(a)-1)
				for _, s := range a[1:] {
					scopes = append(scopes, Scope(s))
				}
				if err := g.Allow(a[0], scopes...); err != nil {
					t.Fatal(err)
				}
			}
			p, scopes, ok := g.Select(tt.room)
			if ok != tt.wantOK || p != tt.wantPat || !slices.Equal(scopes, tt.wantScopes) {
				t.Errorf("Select(%q): got %q %v %v, want %q %v %v", tt.room, p, scopes, ok, tt.wantPat, tt.wantScopes, tt.wantOK)
			}
		})
	}
}

func TestGrantsUnmarshalJSONIsLinearAndQuotesLittle(t *testing.T) {
	t.Parallel()

	// Many entries decode in time proportional to their number, and a
	// long key is quoted only in part: such payloads come from tokens that
	// nobody has verified yet.
	var b strings.Builder
	b.WriteString("{")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"room-%d":["*:read"]`, i)
	}
	b.WriteString("}")
	var g Grants
	if err := json.Unmarshal([]byte(b.String()), &g); err != nil || g.Len() != 5000 {
		t.Fatalf("5000 entries: got %d, %v", g.Len(), err)
	}

	long := strings.Repeat("x", 5000)
	err := json.Unmarshal([]byte(`{"`+long+`":["*:read"],"`+long+`":["*:read"]}`), &g)
	if !errors.Is(err, ErrInvalidPattern) {
		t.Fatalf("a key listed twice: got %v, want ErrInvalidPattern", err)
	}
	want := `permission: permissions["` + strings.Repeat("x", 300) + `…"]: invalid room name or pattern: listed twice`
	if err.Error() != want {
		t.Errorf("message: got %d bytes %.80q…, want %q", len(err.Error()), err.Error(), want)
	}
}
