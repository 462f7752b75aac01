package permission

import (
	"fmt"
	"strconv"
	"strings"
)

// Scope is one permission string as the Liveblocks API and tokens spell it,
// for example "*:write" or "comments:read".
//
// A Scope is only a string: the conversion Scope("...") accepts anything.
// [ParseScope] and [ParseScopes] check that a string is one of the scopes
// below, and every function of this package that takes scopes from a
// caller for validation ([ValidateSet], [Resolve], [Grants.Allow],
// [Accesses.Validate]) refuses unknown ones with [ErrUnknownScope].
type Scope string

// Base scopes. A list without one of them grants nothing at all, and every
// legal non-empty set (see [ValidateSet]) holds exactly one of them.
const (
	// Read lets the user enter the room and see it without changing it:
	// every feature defaults to read.
	Read Scope = "*:read"
	// Write lets the user enter the room, see it and change it: every
	// feature defaults to write.
	Write Scope = "*:write"
	// RoomRead is the legacy name of Read, still accepted.
	RoomRead Scope = "room:read"
	// RoomWrite is the legacy name of Write, still accepted.
	RoomWrite Scope = "room:write"
)

// Feature scopes override the base level for one feature, up or down. They
// have an effect only in a list that also holds a base scope.
const (
	// StorageRead makes Storage and Yjs documents read-only.
	StorageRead Scope = "storage:read"
	// StorageWrite makes Storage and Yjs documents writable.
	StorageWrite Scope = "storage:write"
	// StorageNone hides Storage and Yjs documents.
	StorageNone Scope = "storage:none"

	// CommentsRead lets the user read all threads without writing.
	CommentsRead Scope = "comments:read"
	// CommentsWrite lets the user read and write all threads.
	CommentsWrite Scope = "comments:write"
	// CommentsNone hides all threads.
	CommentsNone Scope = "comments:none"

	// CommentsPublicRead lets the user read public threads.
	CommentsPublicRead Scope = "comments:public:read"
	// CommentsPublicWrite lets the user read and write public threads.
	CommentsPublicWrite Scope = "comments:public:write"
	// CommentsPublicNone hides public threads.
	CommentsPublicNone Scope = "comments:public:none"

	// CommentsPrivateRead lets the user read private threads.
	CommentsPrivateRead Scope = "comments:private:read"
	// CommentsPrivateWrite lets the user read and write private threads.
	CommentsPrivateWrite Scope = "comments:private:write"
	// CommentsPrivateNone hides private threads.
	CommentsPrivateNone Scope = "comments:private:none"

	// FeedsRead lets the user read feeds.
	FeedsRead Scope = "feeds:read"
	// FeedsWrite lets the user read and write feeds.
	FeedsWrite Scope = "feeds:write"
	// FeedsNone hides feeds.
	FeedsNone Scope = "feeds:none"

	// PresenceWrite is a legacy scope, accepted and without effect: presence
	// is always writable for anyone in the room. Old lists such as
	// ["room:read", "room:presence:write"] still validate.
	PresenceWrite Scope = "room:presence:write"
)

// scopeInfo is what a known scope means.
type scopeInfo struct {
	feature Feature
	level   Level
	// inert is true for PresenceWrite, which names no feature.
	inert bool
}

// scopes lists every known scope and its meaning.
var scopes = map[Scope]scopeInfo{
	Read:      {feature: Room, level: LevelRead},
	Write:     {feature: Room, level: LevelWrite},
	RoomRead:  {feature: Room, level: LevelRead},
	RoomWrite: {feature: Room, level: LevelWrite},

	StorageRead:  {feature: Storage, level: LevelRead},
	StorageWrite: {feature: Storage, level: LevelWrite},
	StorageNone:  {feature: Storage, level: LevelNone},

	CommentsRead:  {feature: Comments, level: LevelRead},
	CommentsWrite: {feature: Comments, level: LevelWrite},
	CommentsNone:  {feature: Comments, level: LevelNone},

	CommentsPublicRead:  {feature: CommentsPublic, level: LevelRead},
	CommentsPublicWrite: {feature: CommentsPublic, level: LevelWrite},
	CommentsPublicNone:  {feature: CommentsPublic, level: LevelNone},

	CommentsPrivateRead:  {feature: CommentsPrivate, level: LevelRead},
	CommentsPrivateWrite: {feature: CommentsPrivate, level: LevelWrite},
	CommentsPrivateNone:  {feature: CommentsPrivate, level: LevelNone},

	FeedsRead:  {feature: Feeds, level: LevelRead},
	FeedsWrite: {feature: Feeds, level: LevelWrite},
	FeedsNone:  {feature: Feeds, level: LevelNone},

	PresenceWrite: {inert: true},
}

// canonical holds the current name of the scope that gives each feature
// each level. The base feature has no "none" scope (leaving the base out is
// how a list says none), and Personal has no scope at all.
var canonical = [numScoped][numLevels]Scope{
	Room:            {LevelRead: Read, LevelWrite: Write},
	Storage:         {StorageNone, StorageRead, StorageWrite},
	Comments:        {CommentsNone, CommentsRead, CommentsWrite},
	CommentsPublic:  {CommentsPublicNone, CommentsPublicRead, CommentsPublicWrite},
	CommentsPrivate: {CommentsPrivateNone, CommentsPrivateRead, CommentsPrivateWrite},
	Feeds:           {FeedsNone, FeedsRead, FeedsWrite},
}

// scopeFor returns the current name of the scope giving f the level l, or
// "" if there is none.
func scopeFor(f Feature, l Level) Scope {
	if f >= numScoped || l >= numLevels {
		return ""
	}
	return canonical[f][l]
}

// Known reports whether s is one of the scopes of this package.
func (s Scope) Known() bool {
	_, ok := scopes[s]
	return ok
}

// IsBase reports whether s is a base scope: [Read], [Write] or their legacy
// names [RoomRead] and [RoomWrite].
func (s Scope) IsBase() bool {
	info, ok := scopes[s]
	return ok && !info.inert && info.feature == Room
}

// ParseScope returns s as a Scope if it is a known scope, and otherwise an
// error wrapping [ErrUnknownScope] that names it.
func ParseScope(s string) (Scope, error) {
	if !Scope(s).Known() {
		return "", unknownScopes([]Scope{Scope(s)})
	}
	return Scope(s), nil
}

// ParseScopes converts a list of strings, for example one decoded from
// JSON, into scopes. If any of them is unknown it returns an error wrapping
// [ErrUnknownScope] that names every unknown one. The result is a new slice
// in the same order; an empty or nil list gives an empty, non-nil result.
func ParseScopes(list []string) ([]Scope, error) {
	out := make([]Scope, len(list))
	for i, s := range list {
		out[i] = Scope(s)
	}
	if err := checkKnown(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkKnown returns an error naming every unknown scope of list, or nil.
func checkKnown(list []Scope) error {
	var unknown []Scope
	for _, s := range list {
		if !s.Known() {
			unknown = append(unknown, s)
		}
	}
	if len(unknown) > 0 {
		return unknownScopes(unknown)
	}
	return nil
}

func unknownScopes(list []Scope) error {
	return fmt.Errorf("%w: %s", ErrUnknownScope, quoteScopes(list))
}

// quoteScopes formats list as `"a", "b"`.
func quoteScopes(list []Scope) string {
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = strconv.Quote(string(s))
	}
	return strings.Join(quoted, ", ")
}
