package permission

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// Pattern is a room pattern of an access token: an exact room ID such as
// "org1.room1", a prefix such as "org1*" that matches every room whose ID
// starts with "org1", or [AllRooms] ("*") that matches every room.
//
// A valid pattern is exactly "*", or 1 to [MaxRoomIDLength] characters
// other than "*" followed by an optional single "*" (the regular expression
// ^([*]|[^*]{1,128}[*]?)$ of @liveblocks/node). [ParsePattern] checks it.
type Pattern string

// AllRooms is the pattern that matches every room. Older versions of
// @liveblocks/node refused it; newer ones accept it.
const AllRooms Pattern = "*"

// ParsePattern returns s as a Pattern if it is valid, and otherwise an
// error wrapping [ErrInvalidPattern] that says why, for example
//
//	permission: invalid room name or pattern "a*b": "*" may only come last
func ParsePattern(s string) (Pattern, error) {
	if why := patternProblem(s); why != "" {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidPattern, s, why)
	}
	return Pattern(s), nil
}

// patternProblem says what is wrong with pattern s, or returns "".
func patternProblem(s string) string {
	if s == string(AllRooms) {
		return ""
	}
	body, prefix := strings.CutSuffix(s, "*")
	switch {
	case body == "":
		return "empty"
	case strings.Contains(body, "*"):
		return `"*" may only come last`
	}
	if n := jsLength(body); n > MaxRoomIDLength {
		if prefix {
			return fmt.Sprintf(`%d characters before the "*", at most %d`, n, MaxRoomIDLength)
		}
		return fmt.Sprintf("%d characters, at most %d", n, MaxRoomIDLength)
	}
	return ""
}

// ValidateRoomID reports whether id can be a room ID: it must be non-empty
// and at most [MaxRoomIDLength] characters. The error wraps
// [ErrInvalidRoomID], for example
//
//	permission: invalid room id: 129 characters, at most 128
func ValidateRoomID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrInvalidRoomID)
	}
	if n := jsLength(id); n > MaxRoomIDLength {
		return fmt.Errorf("%w: %d characters, at most %d", ErrInvalidRoomID, n, MaxRoomIDLength)
	}
	return nil
}

// jsLength returns the length JavaScript gives to s: its number of UTF-16
// code units. Invalid UTF-8 counts one unit per bad byte (as U+FFFD).
func jsLength(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// Matches reports whether the room roomID is covered by p: equal to an
// exact pattern, starting with the prefix of a prefix pattern, or anything
// for "*". An invalid pattern matches nothing.
func (p Pattern) Matches(roomID string) bool {
	if patternProblem(string(p)) != "" {
		return false
	}
	if prefix, ok := strings.CutSuffix(string(p), "*"); ok {
		return strings.HasPrefix(roomID, prefix)
	}
	return string(p) == roomID
}

// specificity ranks how precisely p names a room: its length without the
// "*". "*" has 0, and an exact room ID beats every shorter prefix.
func (p Pattern) specificity() int {
	return jsLength(strings.TrimSuffix(string(p), "*"))
}

// Grants are the room permissions carried by an access token: an ordered
// list of room patterns, each with its scopes. It is the Go form of the
// "permissions" object that @liveblocks/node's session builds with allow()
// and sends to /v2/authorize-user, and of the token's "perms" claim.
//
// Order matters to some servers (the Liveblocks dev server uses the first
// matching prefix), so Grants keep patterns in the order they were first
// allowed, and MarshalJSON and UnmarshalJSON preserve it.
//
// The zero value is empty and ready to use. Copies are independent: Allow
// never changes the lists another copy sees. A Grants value is safe for
// concurrent reads, but Allow must not run concurrently with any other
// method on the same variable.
type Grants struct {
	entries []grant
}

// grant is one pattern and its scopes.
type grant struct {
	pattern Pattern
	scopes  []Scope
}

// Allow grants scopes on the rooms that pattern covers, as
// @liveblocks/node's session.allow() does:
//
//   - pattern must be valid (see [Pattern]), else [ErrInvalidPattern];
//   - scopes must not be empty, else [ErrEmptyScopes];
//   - every scope must be known, else [ErrUnknownScope] naming the unknown
//     ones;
//   - a new pattern beyond [MaxPatterns] is refused with
//     [ErrTooManyPatterns];
//   - calls add up: allowing a pattern again adds the new scopes to its
//     list (each scope once, in first-seen order). Nothing can be removed.
//
// The scopes of one pattern need not form a legal set (see [ValidateSet]):
// an access token may hold ["*:read", "*:write"], and the strongest wins.
//
// On error, g is unchanged. Errors about the pattern's entry are
// [*EntryError] values naming it, for example
//
//	permission: permissions["org1*"]: empty scope list
func (g *Grants) Allow(pattern string, scopes ...Scope) error {
	entryErr := func(err error) error {
		return &EntryError{Field: fieldPermissions, Key: pattern, Err: err}
	}
	if why := patternProblem(pattern); why != "" {
		return entryErr(fmt.Errorf("%w: %s", ErrInvalidPattern, why))
	}
	if len(scopes) == 0 {
		return entryErr(ErrEmptyScopes)
	}
	if err := checkKnown(scopes); err != nil {
		return entryErr(err)
	}

	i := g.index(Pattern(pattern))
	if i < 0 && len(g.entries) >= MaxPatterns {
		return fmt.Errorf("%w: cannot add %q", ErrTooManyPatterns, pattern)
	}

	// Build new slices rather than appending in place, so that copies of
	// g made earlier never see this change.
	entries := slices.Clone(g.entries)
	if i < 0 {
		entries = append(entries, grant{pattern: Pattern(pattern)})
		i = len(entries) - 1
	}
	list := slices.Clone(entries[i].scopes)
	for _, s := range scopes {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	entries[i].scopes = list
	g.entries = entries
	return nil
}

// index returns the position of pattern p, or -1.
func (g Grants) index(p Pattern) int {
	return slices.IndexFunc(g.entries, func(e grant) bool { return e.pattern == p })
}

// Len returns the number of patterns.
func (g Grants) Len() int { return len(g.entries) }

// Lookup returns a copy of the scopes granted on exactly pattern, and
// whether the pattern is present.
func (g Grants) Lookup(pattern string) ([]Scope, bool) {
	i := g.index(Pattern(pattern))
	if i < 0 {
		return nil, false
	}
	return slices.Clone(g.entries[i].scopes), true
}

// All yields each pattern with a copy of its scopes, in order.
func (g Grants) All() iter.Seq2[Pattern, []Scope] {
	return func(yield func(Pattern, []Scope) bool) {
		for _, e := range g.entries {
			if !yield(e.pattern, slices.Clone(e.scopes)) {
				return
			}
		}
	}
}

// Validate checks grants that did not come from Allow (for example decoded
// from JSON) against the same rules: at most [MaxPatterns] patterns, each
// valid, each with a non-empty list of known scopes. It returns nil or the
// errors.Join of one error per problem, each naming its pattern. Grants
// with no pattern are valid; they give access to no room.
func (g Grants) Validate() error {
	var errs []error
	if n := len(g.entries); n > MaxPatterns {
		errs = append(errs, fmt.Errorf("%w: got %d", ErrTooManyPatterns, n))
	}
	for _, e := range g.entries {
		entryErr := func(err error) error {
			return &EntryError{Field: fieldPermissions, Key: string(e.pattern), Err: err}
		}
		if why := patternProblem(string(e.pattern)); why != "" {
			errs = append(errs, entryErr(fmt.Errorf("%w: %s", ErrInvalidPattern, why)))
		}
		if len(e.scopes) == 0 {
			errs = append(errs, entryErr(ErrEmptyScopes))
		} else if err := checkKnown(e.scopes); err != nil {
			errs = append(errs, entryErr(err))
		}
	}
	return errors.Join(errs...)
}

// Select returns the pattern, and a copy of its scopes, that a Liveblocks
// realtime server applies when a user enters the room roomID with an access
// token carrying g: the pattern equal to roomID if there is one, otherwise
// the first pattern ending in "*" whose prefix starts roomID, in g's order.
// Patterns are not merged and specificity plays no part. ok is false when no
// pattern matches: the server refuses the connection.
//
// This is the admission rule observed on the Liveblocks dev server and
// checked by liveauth's interop suite; [Grants.For] is the client's rule for
// reusing a token, and the two differ when patterns overlap: with "*" →
// ["*:read"] before "org1*" → ["*:write"], the server gives read-only access
// to "org1.room1" where For says write. Grants whose patterns do not
// overlap get the same answer from both. The server admits any non-empty
// list, even one without a base scope that grants nothing; resolve the
// list with [Resolve] to see what the user can actually do.
func (g Grants) Select(roomID string) (p Pattern, scopes []Scope, ok bool) {
	for _, e := range g.entries {
		if string(e.pattern) == roomID && patternProblem(roomID) == "" {
			return e.pattern, slices.Clone(e.scopes), true
		}
	}
	for _, e := range g.entries {
		if strings.HasSuffix(string(e.pattern), "*") && e.pattern.Matches(roomID) {
			return e.pattern, slices.Clone(e.scopes), true
		}
	}
	return "", nil, false
}

// For returns the levels that g gives in the room roomID, and whether any
// pattern matches it at all. It combines every matching pattern as the
// Liveblocks client does when it decides whether a token it holds covers a
// room (see [Grants.Select] for the server's rule, which differs when
// patterns overlap):
//
//   - the base level is the strongest base among the matching patterns,
//     whatever their specificity: a more specific pattern cannot lower it;
//   - for each other feature, the scope from the most specific matching
//     pattern that names the feature wins; specificity is the pattern's
//     length without the "*", so an exact room ID beats any prefix that is
//     shorter, and "*" is the least specific. Patterns of equal
//     specificity (such as "org1.room1" and "org1.room1*") take the
//     strongest level. A pattern naming "comments" also names
//     comments:public and comments:private here;
//   - the result is then completed as [Resolve] does: no base in any
//     matching pattern means no access at all.
//
// For example, with "org1*" → ["*:write"] and "org1.room1" → ["*:read"],
// room "org1.room1" gets write access; with "org1*" → ["*:write"] and
// "org1.room1" → ["storage:none"], it gets write access without Storage.
//
// ok is false when no pattern matches; ok can be true with no access (see
// [Levels.CanEnter]). Unknown scopes are ignored. roomID is not validated.
func (g Grants) For(roomID string) (lv Levels, ok bool) {
	var (
		merged explicit
		spec   [numScoped]int
	)
	for _, e := range g.entries {
		if !e.pattern.Matches(roomID) {
			continue
		}
		ok = true
		ex := explicitOf(e.scopes)
		sp := e.pattern.specificity()

		// The base adds up across patterns: the strongest wins.
		if ex.has[Room] {
			merged.level[Room] = max(merged.level[Room], ex.level[Room])
			merged.has[Room] = true
		}

		// Other features: the most specific pattern wins, ties take the
		// strongest.
		for f := Storage; f < numScoped; f++ {
			l, named := ex.get(f)
			switch {
			case !named:
			case !merged.has[f] || sp > spec[f]:
				merged.level[f], merged.has[f], spec[f] = l, true, sp
			case sp == spec[f]:
				merged.level[f] = max(merged.level[f], l)
			}
		}
	}
	if !ok {
		return Levels{}, false
	}
	return merged.levels(), true
}

// MarshalJSON encodes g as a JSON object from pattern to scope list, in
// order: {"org1*":["*:read"],"org1.room1":["*:write"]}. Empty grants
// encode as {}.
func (g Grants) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range g.entries {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(string(e.pattern))
		if err != nil {
			return nil, err
		}
		list := e.scopes
		if list == nil {
			list = []Scope{}
		}
		value, err := json.Marshal(list)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes a JSON object from pattern to scope list, keeping
// the order of its keys, and replaces the contents of g. It checks the
// shape only: a pattern listed twice is refused (with [ErrInvalidPattern]),
// but patterns, scopes and limits are left to [Grants.Validate], so that a
// token carrying scopes newer than this package can still be read. JSON
// null leaves g unchanged.
func (g *Grants) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("permission: decoding grants: %w", err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("permission: decoding grants: want a JSON object, got %v", tok)
	}

	var entries []grant
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("permission: decoding grants: %w", err)
		}
		key, _ := tok.(string) // inside an object, the decoder only yields string keys here
		var list []Scope
		if err := dec.Decode(&list); err != nil {
			return &EntryError{Field: fieldPermissions, Key: key, Err: fmt.Errorf("decoding scopes: %w", err)}
		}
		if seen[key] {
			return &EntryError{Field: fieldPermissions, Key: key, Err: fmt.Errorf("%w: listed twice", ErrInvalidPattern)}
		}
		seen[key] = true
		entries = append(entries, grant{pattern: Pattern(key), scopes: list})
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("permission: decoding grants: %w", err)
	}
	g.entries = entries
	return nil
}
