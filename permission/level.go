package permission

import (
	"fmt"
	"strings"
)

// Level is how much a user may do with one feature. Levels are ordered:
// LevelNone < LevelRead < LevelWrite, and "stronger" below means greater.
// The zero value is LevelNone.
type Level uint8

// The three levels.
const (
	// LevelNone means the feature is hidden.
	LevelNone Level = iota
	// LevelRead means the feature can be seen but not changed.
	LevelRead
	// LevelWrite means the feature can be seen and changed.
	LevelWrite

	numLevels
)

var levelNames = [numLevels]string{"none", "read", "write"}

// String returns "none", "read" or "write".
func (l Level) String() string {
	if l >= numLevels {
		return fmt.Sprintf("Level(%d)", uint8(l))
	}
	return levelNames[l]
}

// MarshalText encodes l as its String form, so that [Levels] encodes to
// JSON as Liveblocks' permission matrix does: {"room": "write", ...}.
func (l Level) MarshalText() ([]byte, error) {
	if l >= numLevels {
		return nil, fmt.Errorf("permission: invalid level %d", uint8(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText decodes "none", "read" or "write".
func (l *Level) UnmarshalText(text []byte) error {
	for i, name := range levelNames {
		if string(text) == name {
			*l = Level(i)
			return nil
		}
	}
	return fmt.Errorf("permission: invalid level %q", text)
}

// Feature is one part of a room that has its own level.
type Feature uint8

// The features, in the order Liveblocks lists them.
const (
	// Room is the base level, set by the base scopes ("*:read", "*:write"
	// and their legacy names). Every other feature defaults to it.
	Room Feature = iota
	// Storage covers Storage and Yjs documents.
	Storage
	// Comments covers all threads. CommentsPublic and CommentsPrivate
	// default to its level.
	Comments
	// CommentsPublic covers public threads.
	CommentsPublic
	// CommentsPrivate covers private threads (Team and Enterprise plans).
	CommentsPrivate
	// Feeds covers feeds.
	Feeds
	// Personal covers the user's own resources in the room (Liveblocks'
	// "personal" resource). It has no scope: it is write whenever a base
	// scope is present, and none otherwise.
	Personal

	numFeatures
)

// numScoped is the number of features that scopes can name: all but
// Personal.
const numScoped = Personal

var featureNames = [numFeatures]string{
	"room", "storage", "comments", "comments:public", "comments:private", "feeds", "personal",
}

// String returns the feature's name as Liveblocks' permission matrix spells
// it: "room", "storage", "comments", "comments:public", "comments:private",
// "feeds" or "personal".
func (f Feature) String() string {
	if f >= numFeatures {
		return fmt.Sprintf("Feature(%d)", uint8(f))
	}
	return featureNames[f]
}

// Features returns every feature, from Room to Personal.
func Features() []Feature {
	out := make([]Feature, numFeatures)
	for i := range out {
		out[i] = Feature(i)
	}
	return out
}

// Levels is what a user may do in one room: one level per feature. It is
// the result of resolving scopes ([Resolve], [Grants.For], [Effective]).
//
// The zero value is "no access". Levels encodes to JSON with the keys of
// Liveblocks' permission matrix, for example
//
//	{"room":"read","storage":"none","comments":"read", ...}
type Levels struct {
	// Each field is the level of the Feature of the same name.
	Room            Level `json:"room"`
	Storage         Level `json:"storage"`
	Comments        Level `json:"comments"`
	CommentsPublic  Level `json:"comments:public"`
	CommentsPrivate Level `json:"comments:private"`
	Feeds           Level `json:"feeds"`
	Personal        Level `json:"personal"`
}

// Level returns the level of feature f, or LevelNone for an unknown
// feature.
func (lv Levels) Level(f Feature) Level {
	switch f {
	case Room:
		return lv.Room
	case Storage:
		return lv.Storage
	case Comments:
		return lv.Comments
	case CommentsPublic:
		return lv.CommentsPublic
	case CommentsPrivate:
		return lv.CommentsPrivate
	case Feeds:
		return lv.Feeds
	case Personal:
		return lv.Personal
	}
	return LevelNone
}

// set sets the level of feature f.
func (lv *Levels) set(f Feature, l Level) {
	switch f {
	case Room:
		lv.Room = l
	case Storage:
		lv.Storage = l
	case Comments:
		lv.Comments = l
	case CommentsPublic:
		lv.CommentsPublic = l
	case CommentsPrivate:
		lv.CommentsPrivate = l
	case Feeds:
		lv.Feeds = l
	case Personal:
		lv.Personal = l
	}
}

// Can reports whether feature f reaches level want.
//
// Comments is a generic check, as in Liveblocks: it passes when any of
// Comments, CommentsPublic or CommentsPrivate reaches want, so a user who
// may write only private threads "can write comments". Ask for
// CommentsPublic or CommentsPrivate to check one kind of thread.
func (lv Levels) Can(f Feature, want Level) bool {
	have := lv.Level(f)
	if f == Comments {
		have = max(lv.Comments, lv.CommentsPublic, lv.CommentsPrivate)
	}
	return have >= want
}

// CanEnter reports whether the user may enter the room at all: whether the
// resolved scopes held a base scope. A user who cannot enter the room has
// no access to any feature.
func (lv Levels) CanEnter() bool {
	return lv.Room >= LevelRead
}

// Scopes returns the shortest scope list that resolves to lv, using the
// current scope names: the base scope, then a scope for each feature whose
// level differs from the one it would inherit (Storage, Comments and Feeds
// inherit from Room; CommentsPublic and CommentsPrivate from Comments).
// Personal is not written: it follows from the base.
//
// Levels with no base level give an empty list, which means no access.
// For example, the levels of ["room:read", "room:presence:write"] give
// ["*:read"]. The result is never nil.
func (lv Levels) Scopes() []Scope {
	out := []Scope{}
	if lv.Room != LevelNone {
		out = append(out, scopeFor(Room, lv.Room))
	}
	add := func(f Feature, inherited Level) {
		if l := lv.Level(f); l != inherited {
			if s := scopeFor(f, l); s != "" {
				out = append(out, s)
			}
		}
	}
	add(Storage, lv.Room)
	add(Comments, lv.Room)
	add(CommentsPublic, lv.Comments)
	add(CommentsPrivate, lv.Comments)
	add(Feeds, lv.Room)
	return out
}

// String lists every feature with its level, for example
// "room=write storage=read comments=write ...".
func (lv Levels) String() string {
	var b strings.Builder
	for f := range numFeatures {
		if f > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.String())
		b.WriteByte('=')
		b.WriteString(lv.Level(f).String())
	}
	return b.String()
}
