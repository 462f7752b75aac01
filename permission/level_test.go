package permission

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestLevelString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		level Level
		want  string
	}{
		{LevelNone, "none"},
		{LevelRead, "read"},
		{LevelWrite, "write"},
		{Level(7), "Level(7)"},
	}
	for _, tt := range tests {
		if got := tt.level.String(); got != tt.want {
			t.Errorf("Level(%d).String() = %q, want %q", uint8(tt.level), got, tt.want)
		}
	}
}

func TestLevelText(t *testing.T) {
	t.Parallel()
	for _, l := range []Level{LevelNone, LevelRead, LevelWrite} {
		text, err := l.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText() error = %v", l, err)
		}
		var back Level
		if err := back.UnmarshalText(text); err != nil || back != l {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v, nil", text, back, err, l)
		}
	}
	if _, err := Level(3).MarshalText(); errString(err) != "permission: invalid level 3" {
		t.Errorf("Level(3).MarshalText() error = %q", errString(err))
	}
	var l Level
	if err := l.UnmarshalText([]byte("admin")); errString(err) != `permission: invalid level "admin"` {
		t.Errorf(`UnmarshalText("admin") error = %q`, errString(err))
	}
}

func TestFeatureString(t *testing.T) {
	t.Parallel()
	want := []string{"room", "storage", "comments", "comments:public", "comments:private", "feeds", "personal"}
	var got []string
	for _, f := range Features() {
		got = append(got, f.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("feature names = %q, want %q", got, want)
	}
	if got := Feature(42).String(); got != "Feature(42)" {
		t.Errorf("Feature(42).String() = %q", got)
	}
}

func TestLevelsLevelAndSetAgree(t *testing.T) {
	t.Parallel()
	for _, f := range Features() {
		var lv Levels
		lv.set(f, LevelRead)
		for _, g := range Features() {
			want := LevelNone
			if g == f {
				want = LevelRead
			}
			if got := lv.Level(g); got != want {
				t.Errorf("after set(%v), Level(%v) = %v, want %v", f, g, got, want)
			}
		}
	}
	var lv Levels
	lv.set(Feature(42), LevelWrite)
	if lv != (Levels{}) || lv.Level(Feature(42)) != LevelNone {
		t.Errorf("an unknown feature changed or read something: %v", lv)
	}
}

func TestLevelsCan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		levels  Levels
		feature Feature
		want    Level
		can     bool
	}{
		{name: "anyone reaches none", levels: Levels{}, feature: Storage, want: LevelNone, can: true},
		{name: "read does not reach write", levels: Levels{Storage: LevelRead}, feature: Storage, want: LevelWrite, can: false},
		{name: "write reaches read", levels: Levels{Feeds: LevelWrite}, feature: Feeds, want: LevelRead, can: true},
		{
			name:    "generic comments passes on private threads alone",
			levels:  Levels{Comments: LevelNone, CommentsPrivate: LevelWrite},
			feature: Comments, want: LevelWrite, can: true,
		},
		{
			name:    "public threads do not look at private ones",
			levels:  Levels{Comments: LevelNone, CommentsPrivate: LevelWrite},
			feature: CommentsPublic, want: LevelRead, can: false,
		},
		{name: "unknown feature", levels: Levels{Room: LevelWrite}, feature: Feature(42), want: LevelRead, can: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.levels.Can(tt.feature, tt.want); got != tt.can {
				t.Errorf("Can(%v, %v) = %v, want %v", tt.feature, tt.want, got, tt.can)
			}
		})
	}
}

func TestLevelsCanEnter(t *testing.T) {
	t.Parallel()
	if (Levels{Storage: LevelWrite}).CanEnter() {
		t.Error("levels without a base level let the user enter")
	}
	if !(Levels{Room: LevelRead}).CanEnter() {
		t.Error("a read base level does not let the user enter")
	}
}

func TestLevelsScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		levels Levels
		want   []Scope
	}{
		{name: "no access is the empty list", levels: Levels{}, want: []Scope{}},
		{
			name:   "read with storage none, as in core's test",
			levels: Levels{Room: LevelRead, Storage: LevelNone, Comments: LevelRead, CommentsPublic: LevelRead, CommentsPrivate: LevelRead, Feeds: LevelRead, Personal: LevelWrite},
			want:   []Scope{Read, StorageNone},
		},
		{
			name:   "comments visibilities are written against comments",
			levels: Levels{Room: LevelRead, Storage: LevelRead, Comments: LevelWrite, CommentsPublic: LevelRead, CommentsPrivate: LevelNone, Feeds: LevelRead, Personal: LevelWrite},
			want:   []Scope{Read, CommentsWrite, CommentsPublicRead, CommentsPrivateNone},
		},
		{
			name:   "every feature differs",
			levels: Levels{Room: LevelWrite, Storage: LevelRead, Comments: LevelNone, CommentsPublic: LevelRead, CommentsPrivate: LevelWrite, Feeds: LevelNone},
			want:   []Scope{Write, StorageRead, CommentsNone, CommentsPublicRead, CommentsPrivateWrite, FeedsNone},
		},
		{
			name:   "features without a base are still written",
			levels: Levels{Storage: LevelWrite},
			want:   []Scope{StorageWrite},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.levels.Scopes()
			if !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("Scopes() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestLevelsString(t *testing.T) {
	t.Parallel()
	lv, err := Resolve([]Scope{Write, StorageRead, CommentsPrivateNone})
	if err != nil {
		t.Fatal(err)
	}
	want := "room=write storage=read comments=write comments:public=write comments:private=none feeds=write personal=write"
	if got := lv.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestLevelsJSONUsesTheMatrixKeys(t *testing.T) {
	t.Parallel()
	lv, err := Resolve([]Scope{Read, StorageNone})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(lv)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"room":"read","storage":"none","comments":"read","comments:public":"read","comments:private":"read","feeds":"read","personal":"write"}`
	if string(got) != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var back Levels
	if err := json.Unmarshal(got, &back); err != nil || back != lv {
		t.Errorf("json.Unmarshal = %v, %v; want %v", back, err, lv)
	}
}
