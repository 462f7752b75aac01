package permission

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Accesses are a room's permissions as the REST API stores them
// (defaultAccesses, usersAccesses, groupsAccesses). Users with ID tokens
// get what [Effective] computes from them.
type Accesses struct {
	// Default applies to everyone who enters the room. An empty list
	// means no access.
	Default []Scope

	// Users maps a user ID to that user's scopes. At most
	// MaxAccessEntries entries.
	Users map[string][]Scope

	// Groups maps a group ID to the scopes of the group's members. At
	// most MaxAccessEntries entries.
	Groups map[string][]Scope
}

// Clone returns a deep copy of a: changing one never changes the other.
// Nil lists and maps stay nil.
func (a Accesses) Clone() Accesses {
	return Accesses{
		Default: slices.Clone(a.Default),
		Users:   cloneEntries(a.Users),
		Groups:  cloneEntries(a.Groups),
	}
}

func cloneEntries(m map[string][]Scope) map[string][]Scope {
	if m == nil {
		return nil
	}
	out := make(map[string][]Scope, len(m))
	for id, list := range m {
		out[id] = slices.Clone(list)
	}
	return out
}

// Validate reports whether a respects the rules of the REST API:
//
//   - Default is empty ("no access") or a legal set (see [ValidateSet]);
//   - Users and Groups have at most [MaxAccessEntries] entries each
//     ([ErrTooManyEntries]);
//   - each of their keys is 1 to [MaxAccessIDLength] characters
//     ([ErrInvalidID]) and each of their values a legal set; an empty
//     list is not allowed there, since it would grant nothing and remove
//     nothing (to take an entry away, delete it).
//
// It returns nil or the errors.Join of one error per problem, in a stable
// order (default, then users, then groups, keys sorted). Each names its
// entry as the JSON does and, except for a count over the limit, is an
// [*EntryError]:
//
//	permission: usersAccesses["alice"]: unknown scope: "comments:delete"
//	permission: groupsAccesses: more than 100 entries: got 101
func (a Accesses) Validate() error {
	var errs []error
	if len(a.Default) > 0 {
		if err := ValidateSet(a.Default); err != nil {
			errs = append(errs, &EntryError{Field: fieldDefault, Err: err})
		}
	}
	errs = append(errs, validateEntries(fieldUsers, a.Users)...)
	errs = append(errs, validateEntries(fieldGroups, a.Groups)...)
	return errors.Join(errs...)
}

// validateEntries checks the usersAccesses or groupsAccesses field.
func validateEntries(field string, entries map[string][]Scope) []error {
	var errs []error
	if n := len(entries); n > MaxAccessEntries {
		errs = append(errs, &fieldError{field: field, err: fmt.Errorf("%w: got %d", ErrTooManyEntries, n)})
	}
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		if err := validateID(id); err != nil {
			errs = append(errs, &EntryError{Field: field, Key: id, Err: err})
		}
		if err := ValidateSet(entries[id]); err != nil {
			errs = append(errs, &EntryError{Field: field, Key: id, Err: err})
		}
	}
	return errs
}

// validateID checks a key of usersAccesses or groupsAccesses.
func validateID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrInvalidID)
	}
	if n := jsLength(id); n > MaxAccessIDLength {
		return fmt.Errorf("%w: %d characters, at most %d", ErrInvalidID, n, MaxAccessIDLength)
	}
	return nil
}

// Layer is one of the three places a room keeps permissions, from the
// lowest priority to the highest.
type Layer uint8

// The layers. LayerNone is the zero value.
const (
	// LayerNone means no layer decided: no layer had a base scope, so the
	// user has no access.
	LayerNone Layer = iota
	// LayerDefault is the room's defaultAccesses.
	LayerDefault
	// LayerGroup is the groupsAccesses entries of the user's groups.
	LayerGroup
	// LayerUser is the user's own usersAccesses entry.
	LayerUser
)

// String returns "none" or the JSON field of the layer: "defaultAccesses",
// "groupsAccesses" or "usersAccesses".
func (l Layer) String() string {
	switch l {
	case LayerNone:
		return "none"
	case LayerDefault:
		return fieldDefault
	case LayerGroup:
		return fieldGroups
	case LayerUser:
		return fieldUsers
	}
	return fmt.Sprintf("Layer(%d)", uint8(l))
}

// Reason says why a feature got its level in [Effective].
type Reason struct {
	// Layer is the layer whose scope decided; LayerNone when no layer
	// has a base scope.
	Layer Layer

	// Scope is the scope that decided, in its current name: the feature's
	// own scope ("storage:none"), the comments scope that
	// comments:public and comments:private inherit ("comments:read"), or
	// the base scope ("*:write") for a feature that no layer names and
	// for Personal. Empty with LayerNone.
	Scope Scope

	// IDs names the entries of the layer that decided: the user's ID for
	// LayerUser; for LayerGroup, every group (sorted) whose entry gives
	// the winning level. Nil otherwise.
	IDs []string
}

// String explains the reason, for example
// `*:write from groupsAccesses["eng"]` or "no base scope in any layer".
func (r Reason) String() string {
	switch r.Layer {
	case LayerNone:
		return "no base scope in any layer"
	case LayerDefault:
		return string(r.Scope) + " from " + fieldDefault
	}
	var b strings.Builder
	b.WriteString(string(r.Scope))
	b.WriteString(" from ")
	for i, id := range r.IDs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.Layer.String())
		b.WriteString("[" + strconv.Quote(id) + "]")
	}
	return b.String()
}

// Decision is what one user may do in one room with an ID token, as
// [Effective] computes it: the levels (embedded, so d.Storage and
// d.Can(...) work) and the reason for each.
type Decision struct {
	Levels
	reasons [numFeatures]Reason
}

// Reason returns why feature f got its level.
func (d Decision) Reason(f Feature) Reason {
	if f >= numFeatures {
		return Reason{}
	}
	r := d.reasons[f]
	r.IDs = slices.Clone(r.IDs)
	return r
}

// layerValue is what one layer says about one feature.
type layerValue struct {
	level  Level
	reason Reason
}

// layerOf is what one layer says outright: a value for each feature it
// names.
type layerOf [numScoped]*layerValue

// single returns what one scope list says, as layer l of entry id.
func single(l Layer, id string, list []Scope) layerOf {
	var out layerOf
	ex := explicitOf(list)
	for f := Room; f < numScoped; f++ {
		level, ok := ex.get(f)
		if !ok {
			continue
		}
		r := Reason{Layer: l, Scope: scopeFor(namer(ex, f), level)}
		if l == LayerUser {
			r.IDs = []string{id}
		}
		out[f] = &layerValue{level: level, reason: r}
	}
	return out
}

// namer returns the feature whose scope gives f its explicit level in ex:
// f itself, or Comments for a comments visibility that only inherits it.
func namer(ex explicit, f Feature) Feature {
	if ex.has[f] {
		return f
	}
	return Comments
}

// groupsLayer merges the entries of the given groups into one layer: for
// each feature, the strongest level that any group names outright.
func groupsLayer(groups map[string][]Scope, ids []string) layerOf {
	var out layerOf
	// own[f] is true when a group at the winning level names f itself.
	var own [numScoped]bool
	for _, id := range ids {
		ex := explicitOf(groups[id])
		for f := Room; f < numScoped; f++ {
			level, ok := ex.get(f)
			if !ok {
				continue
			}
			cur := out[f]
			switch {
			case cur == nil || level > cur.level:
				out[f] = &layerValue{level: level, reason: Reason{Layer: LayerGroup, IDs: []string{id}}}
				own[f] = ex.has[f]
			case level == cur.level:
				cur.reason.IDs = append(cur.reason.IDs, id)
				own[f] = own[f] || ex.has[f]
			}
		}
	}
	for f, v := range out {
		if v == nil {
			continue
		}
		named := Feature(f)
		if !own[f] {
			named = Comments
		}
		v.reason.Scope = scopeFor(named, v.level)
		slices.Sort(v.reason.IDs)
	}
	return out
}

// Effective returns what the user userID, member of groupIDs, may do in a
// room with accesses a when they enter it with an ID token. It merges the
// three layers as Liveblocks does:
//
//   - The layers apply from lowest to highest priority: defaultAccesses,
//     then the groupsAccesses entries of the user's groups, then the
//     user's usersAccesses entry.
//   - Each layer applies only what it names outright: its base scope, and
//     each feature it has a scope for. A higher layer replaces a lower one
//     for whatever it names, downgrades included: default ["*:write"] with
//     user ["*:read"] gives read-only access. A comments scope also
//     replaces lower comments:public and comments:private scopes.
//   - All of the user's groups form one layer, merged by taking the
//     strongest level per feature (the order of groupIDs does not matter).
//     Groups that have no entry in a.Groups are skipped.
//   - The merged scopes then resolve as one list does (see [Resolve]): if
//     no layer has a base scope there is no access at all; otherwise each
//     feature no layer names inherits the base.
//
// The result tells, per feature, which layer decided ([Decision.Reason]),
// and its Scopes method gives the merged list in its shortest form with
// current names: default ["room:read", "room:presence:write"] alone gives
// ["*:read"]; an empty list means no access.
//
// Effective does not validate a (see [Accesses.Validate]): unknown scopes
// are ignored and a list with several scopes for one feature takes the
// strongest. An empty userID has no usersAccesses entry.
func Effective(a Accesses, userID string, groupIDs []string) Decision {
	var groups []string
	for _, id := range groupIDs {
		if _, ok := a.Groups[id]; ok && !slices.Contains(groups, id) {
			groups = append(groups, id)
		}
	}

	layers := []layerOf{single(LayerDefault, "", a.Default), groupsLayer(a.Groups, groups)}
	if list, ok := a.Users[userID]; ok && userID != "" {
		layers = append(layers, single(LayerUser, userID, list))
	}

	// Apply the layers in order: a higher one replaces what it names.
	var merged layerOf
	for _, layer := range layers {
		for f, v := range layer {
			if v != nil {
				merged[f] = v
			}
		}
	}

	var d Decision
	base := merged[Room]
	if base == nil {
		return d // no base scope anywhere: no access
	}
	set := func(f Feature, v *layerValue) {
		d.set(f, v.level)
		d.reasons[f] = v.reason
	}
	pick := func(f Feature, inherited *layerValue) *layerValue {
		if merged[f] != nil {
			return merged[f]
		}
		return inherited
	}
	set(Room, base)
	set(Storage, pick(Storage, base))
	comments := pick(Comments, base)
	set(Comments, comments)
	set(CommentsPublic, pick(CommentsPublic, comments))
	set(CommentsPrivate, pick(CommentsPrivate, comments))
	set(Feeds, pick(Feeds, base))
	set(Personal, &layerValue{level: LevelWrite, reason: base.reason})
	return d
}
