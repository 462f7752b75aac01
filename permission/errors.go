package permission

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the Liveblocks platform that this package enforces. Lengths are
// counted in characters as JavaScript counts them (UTF-16 code units), as
// @liveblocks/node does: a character outside the Basic Multilingual Plane,
// such as most emoji, counts as two.
const (
	// MaxRoomIDLength is the longest room ID, and the longest part before
	// the "*" of a room pattern.
	MaxRoomIDLength = 128

	// MaxPatterns is the largest number of room patterns in one access
	// token.
	MaxPatterns = 10

	// MaxAccessEntries is the largest number of entries in a room's
	// usersAccesses, and separately in its groupsAccesses.
	MaxAccessEntries = 100

	// MaxAccessIDLength is the longest user or group ID used as a key of
	// usersAccesses or groupsAccesses.
	//
	// The sources disagree: the JSDoc of @liveblocks/node says 40
	// characters, the REST API's OpenAPI description says 256. We take
	// 256, the looser one, so that we never refuse an ID the platform
	// accepts (user IDs such as e-mail addresses may be up to 128
	// characters in tokens); the platform remains the final judge.
	MaxAccessIDLength = 256
)

// Errors returned by this package. Each returned error wraps one of them,
// possibly inside an [EntryError] or an errors.Join list, so test for them
// with errors.Is. The messages add the offending values.
var (
	// ErrUnknownScope is returned when a scope is not one of the scopes
	// this package knows.
	ErrUnknownScope = errors.New("permission: unknown scope")

	// ErrBaseScope is returned when a permission set has no base scope, or
	// more than one ("*:read", "*:write", "room:read", "room:write").
	ErrBaseScope = errors.New("permission: want exactly one base scope")

	// ErrDuplicateFeature is returned when a permission set has two scopes
	// for the same feature, for example "comments:read" and
	// "comments:write".
	ErrDuplicateFeature = errors.New("permission: more than one scope per feature")

	// ErrEmptyScopes is returned when a room pattern is granted an empty
	// scope list.
	ErrEmptyScopes = errors.New("permission: empty scope list")

	// ErrInvalidPattern is returned for a room pattern that is not 1 to 128
	// characters other than "*" with an optional trailing "*", or exactly
	// "*"; and for a pattern listed twice in an encoded [Grants].
	ErrInvalidPattern = errors.New("permission: invalid room name or pattern")

	// ErrInvalidRoomID is returned for an empty room ID or one longer than
	// MaxRoomIDLength.
	ErrInvalidRoomID = errors.New("permission: invalid room id")

	// ErrTooManyPatterns is returned when an access token would have more
	// than MaxPatterns room patterns.
	ErrTooManyPatterns = errors.New("permission: more than 10 room patterns")

	// ErrTooManyEntries is returned when a room's usersAccesses or
	// groupsAccesses has more than MaxAccessEntries entries.
	ErrTooManyEntries = errors.New("permission: more than 100 entries")

	// ErrInvalidID is returned for a key of usersAccesses or groupsAccesses
	// that is empty or longer than MaxAccessIDLength.
	ErrInvalidID = errors.New("permission: invalid user or group id")
)

// errPrefix starts every message of this package.
const errPrefix = "permission: "

// EntryError is an error about one entry of room accesses or of access-token
// grants. Its message names the entry the way the JSON does, for example
//
//	permission: usersAccesses["alice"]: unknown scope: "comments:delete"
//	permission: permissions["org1*"]: empty scope list
//
// Use errors.As to get at the entry, and errors.Is to test Err.
type EntryError struct {
	// Field is the JSON field that holds the entry: "defaultAccesses",
	// "usersAccesses" or "groupsAccesses" for [Accesses], "permissions"
	// for [Grants].
	Field string

	// Key is the user ID, group ID or room pattern of the entry; empty
	// for defaultAccesses.
	Key string

	// Err says what is wrong; it wraps one of this package's sentinels.
	Err error
}

// Error returns the message, with a single "permission: " prefix.
func (e *EntryError) Error() string {
	where := e.Field
	if e.Field != fieldDefault {
		where += "[" + strconv.Quote(shorten(e.Key)) + "]"
	}
	return errPrefix + where + ": " + strings.TrimPrefix(e.Err.Error(), errPrefix)
}

// Unwrap returns Err.
func (e *EntryError) Unwrap() error { return e.Err }

// maxQuoted is how much of a key an error message quotes: more than any
// legal key (IDs are at most 256 characters), and little enough when keys
// come from tokens that nobody has verified yet.
const maxQuoted = 300

// shorten cuts s to maxQuoted bytes (on a rune boundary), marking the cut.
func shorten(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// The JSON fields that entries live in.
const (
	fieldDefault     = "defaultAccesses"
	fieldUsers       = "usersAccesses"
	fieldGroups      = "groupsAccesses"
	fieldPermissions = "permissions"
)

// fieldError is an error about a whole field, such as one with too many
// entries: "permission: usersAccesses: more than 100 entries: got 101".
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string {
	return errPrefix + e.field + ": " + strings.TrimPrefix(e.err.Error(), errPrefix)
}

func (e *fieldError) Unwrap() error { return e.err }
