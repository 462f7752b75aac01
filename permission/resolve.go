package permission

import "fmt"

// explicit is what one scope list says outright: a level for each feature
// it names, the strongest when it names one several times. Unknown scopes
// and PresenceWrite name nothing.
type explicit struct {
	level [numScoped]Level
	has   [numScoped]bool
}

func explicitOf(list []Scope) explicit {
	var e explicit
	for _, s := range list {
		info, ok := scopes[s]
		if !ok || info.inert {
			continue
		}
		f := info.feature
		if !e.has[f] || info.level > e.level[f] {
			e.level[f] = info.level
			e.has[f] = true
		}
	}
	return e
}

// get returns the level that the list gives f outright. A list that names
// Comments but not CommentsPublic (or CommentsPrivate) gives those the
// Comments level outright too: when lists are combined, "comments:read"
// replaces an earlier "comments:public:write".
func (e explicit) get(f Feature) (Level, bool) {
	if f < numScoped && e.has[f] {
		return e.level[f], true
	}
	if (f == CommentsPublic || f == CommentsPrivate) && e.has[Comments] {
		return e.level[Comments], true
	}
	return LevelNone, false
}

// levels completes e into Levels: without a base everything is none;
// otherwise every feature not named inherits the base (CommentsPublic and
// CommentsPrivate inherit Comments) and Personal is write.
func (e explicit) levels() Levels {
	if !e.has[Room] {
		return Levels{}
	}
	pick := func(f Feature, inherited Level) Level {
		if l, ok := e.get(f); ok {
			return l
		}
		return inherited
	}
	lv := Levels{Room: e.level[Room], Personal: LevelWrite}
	lv.Storage = pick(Storage, lv.Room)
	lv.Comments = pick(Comments, lv.Room)
	lv.CommentsPublic = pick(CommentsPublic, lv.Comments)
	lv.CommentsPrivate = pick(CommentsPrivate, lv.Comments)
	lv.Feeds = pick(Feeds, lv.Room)
	return lv
}

// Resolve returns the levels that one scope list gives (one room access
// entry, or the scopes of one access-token pattern):
//
//   - With no base scope, every level is none, Personal included: feature
//     scopes alone grant nothing, and an empty list means no access.
//   - Otherwise Room takes the base level, Personal is write, and every
//     other feature takes the level of its own scope if the list has one
//     and inherits otherwise: Storage, Comments and Feeds from Room,
//     CommentsPublic and CommentsPrivate from Comments.
//   - When the list names one feature (or the base) more than once, the
//     strongest level wins.
//
// The list need not be a legal set (see [ValidateSet]), but every scope must
// be known: otherwise Resolve returns an error wrapping [ErrUnknownScope]
// that names the unknown ones.
func Resolve(list []Scope) (Levels, error) {
	if err := checkKnown(list); err != nil {
		return Levels{}, err
	}
	return explicitOf(list).levels(), nil
}

// ValidateSet reports whether list is a legal permission set, as Liveblocks
// defines one for room accesses:
//
//   - every scope is known (else [ErrUnknownScope], naming every unknown
//     one);
//   - exactly one base scope: [Read], [Write], [RoomRead] or [RoomWrite]
//     (else [ErrBaseScope]);
//   - at most one scope per feature, where storage, comments,
//     comments:public, comments:private and feeds are distinct features
//     (else [ErrDuplicateFeature]);
//   - [PresenceWrite] may be added freely.
//
// An empty list is not a legal set: it fails with [ErrBaseScope]. It is
// nevertheless the accepted way to say "no access" in a room's default
// accesses, which [Accesses.Validate] allows. Access-token scope lists need
// not be legal sets (see [Grants]).
func ValidateSet(list []Scope) error {
	if err := checkKnown(list); err != nil {
		return err
	}

	var bases []Scope
	for _, s := range list {
		if s.IsBase() {
			bases = append(bases, s)
		}
	}
	switch len(bases) {
	case 0:
		return fmt.Errorf("%w: got none", ErrBaseScope)
	case 1:
	default:
		return fmt.Errorf("%w: got %s", ErrBaseScope, quoteScopes(bases))
	}

	var seen [numScoped]Scope
	for _, s := range list {
		info := scopes[s]
		if info.inert || info.feature == Room {
			continue
		}
		if first := seen[info.feature]; first != "" {
			return fmt.Errorf("%w: %s", ErrDuplicateFeature, quoteScopes([]Scope{first, s}))
		}
		seen[info.feature] = s
	}
	return nil
}
