//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/permission"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// The differential test puts package permission next to the real dev server
// and the real client. Each case is a room: for ID tokens, a room created on
// the dev server with the case's accesses, entered by the case's user and
// groups; for access tokens, a room entered with a token carrying the case's
// grants. One client run enters every room at once, each with a client of
// its own, through our middleware.Handler. What the client reports
// (admitted, canWrite, canComment, and the scopes of the server's ROOM_STATE
// message) must match the expectation computed from package permission,
// through the dev server's admission rules as modelled below; and that
// expectation must match a value written by hand in each row, so that a bug
// in package permission cannot hide behind itself.
//
// Where the dev server and package permission disagree, the dev server wins:
// the row's hand-written want is what the server does, wantPackage what
// package permission answers, and the test prints each such case as a known
// disagreement.

// outcome is what the client reports for one room.
type outcome struct {
	admitted   bool // connected, with room.getSelf() not null
	canWrite   bool // getSelf().canWrite: Storage at write
	canComment bool // getSelf().canComment: comments (any kind) at write
}

func (o outcome) String() string {
	if !o.admitted {
		return "refused"
	}
	return fmt.Sprintf("admitted, canWrite=%v, canComment=%v", o.canWrite, o.canComment)
}

// Outcomes used by many rows.
var (
	refused     = outcome{}
	readOnly    = outcome{admitted: true}
	readWrite   = outcome{admitted: true, canWrite: true, canComment: true}
	storageOnly = outcome{admitted: true, canWrite: true}
	commentOnly = outcome{admitted: true, canComment: true}
)

// outcomeOf is what the client shows for levels: it computes canWrite and
// canComment from the scopes it is sent exactly as these checks do
// (@liveblocks/core's hasPermissionAccess on "storage" and "comments").
func outcomeOf(lv permission.Levels) outcome {
	if !lv.CanEnter() {
		return refused
	}
	return outcome{
		admitted:   true,
		canWrite:   lv.Can(permission.Storage, permission.LevelWrite),
		canComment: lv.Can(permission.Comments, permission.LevelWrite),
	}
}

// roomSetup says what exists on the dev server before the client enters.
type roomSetup uint8

const (
	roomCreated roomSetup = iota // created with the case's accesses
	roomMissing                  // never created
	roomDeleted                  // created, then deleted
)

// here stands for the case's own room ID in a grant's pattern.
const here = "{room}"

// grant is one pattern of an access token and its scopes, allowed in order.
type grant struct {
	pattern string
	scopes  []permission.Scope
}

// diffCase is one row of the differential table.
type diffCase struct {
	name string

	// user and groups are the identity in the token. Access tokens carry
	// no groups.
	user   string
	groups []string

	// accesses are the room's; for access-token cases the zero value, a
	// private room ("defaultAccesses": []), shows that the token alone
	// lets the user in.
	accesses permission.Accesses
	setup    roomSetup

	// grants, when not nil, make this an access-token case.
	grants []grant
	// direct issues the access token with the issuer alone, skipping the
	// endpoint's check that the grants let the user enter the room; it
	// shows what the dev server itself does with such a token.
	direct bool

	// want is what the dev server does, written by hand.
	want outcome
	// wantPackage is package permission's answer, written by hand, when
	// it differs from the dev server's; nil when they agree.
	wantPackage *outcome

	room string // the room ID, set by the test
}

func (c diffCase) access() bool { return c.grants != nil }

// refusal says how a client is kept out of a room.
type refusal string

const (
	admittedIn   refusal = ""
	closed4001   refusal = "socket closed with 4001"
	notAllowed   refusal = "endpoint answered 403 not_allowed"
	upgradeFails refusal = "upgrade answered 500, the client retries"
)

// verdict is what the test expects to observe in a room.
type verdict struct {
	outcome
	by     refusal
	scopes []string // of ROOM_STATE; nil when not admitted
}

func (v verdict) String() string {
	if v.admitted {
		return fmt.Sprintf("%v, scopes %q", v.outcome, v.scopes)
	}
	return fmt.Sprintf("refused (%s)", v.by)
}

func acc(def []permission.Scope, users, groups map[string][]permission.Scope) permission.Accesses {
	return permission.Accesses{Default: def, Users: users, Groups: groups}
}

type entries = map[string][]permission.Scope

// Shorter names for the scopes used in the table.
const (
	read        = permission.Read
	write       = permission.Write
	roomRead    = permission.RoomRead
	roomWrite   = permission.RoomWrite
	presence    = permission.PresenceWrite
	storageRead = permission.StorageRead
	storageNone = permission.StorageNone
)

func none() []permission.Scope { return []permission.Scope{} }

func answer(o outcome) *outcome { return &o }

// idCases are the ID-token rows. The user is alice unless a row says
// otherwise.
func idCases() []diffCase {
	return []diffCase{
		// Defaults alone, both vocabularies.
		{name: "a default of *:write lets everyone write",
			accesses: acc(scopes(write), nil, nil), want: readWrite},
		{name: "a default of *:read is read-only",
			accesses: acc(scopes(read), nil, nil), want: readOnly},
		{name: "the legacy default room:write lets everyone write",
			accesses: acc(scopes(roomWrite), nil, nil), want: readWrite},
		{name: "the legacy default room:read with room:presence:write is read-only",
			accesses: acc(scopes(roomRead, presence), nil, nil), want: readOnly},
		{name: "a default of [] and no entries refuses everyone, groups or not",
			groups: []string{"eng"}, accesses: acc(none(), nil, nil), want: refused},

		// Entries that open a private room, and entries that do not apply.
		{name: "a user entry *:write opens a private room to that user",
			accesses: acc(none(), entries{"alice": scopes(write)}, nil), want: readWrite},
		{name: "a legacy user entry room:read with presence opens a private room read-only",
			accesses: acc(none(), entries{"alice": scopes(roomRead, presence)}, nil), want: readOnly},
		{name: "a group entry *:write opens a private room to its members",
			groups:   []string{"eng"},
			accesses: acc(none(), nil, entries{"eng": scopes(write)}), want: readWrite},
		{name: "a group entry does nothing for a user outside the group",
			groups:   []string{"ops"},
			accesses: acc(none(), nil, entries{"eng": scopes(write)}), want: refused},
		{name: "a user entry for another user does nothing in a private room",
			accesses: acc(none(), entries{"bob": scopes(write)}, nil), want: refused},
		{name: "another user's write entry leaves this user with the default",
			accesses: acc(scopes(read), entries{"bob": scopes(write)}, nil), want: readOnly},
		{name: "a user entry keyed by the user's group name does not apply",
			groups:   []string{"eng"},
			accesses: acc(none(), entries{"eng": scopes(write)}, nil), want: refused},
		{name: "a group entry keyed by the user's ID does not apply",
			accesses: acc(none(), nil, entries{"alice": scopes(write)}), want: refused},

		// Downgrades and precedence: default, then groups, then the user.
		{name: "a user entry *:read downgrades a default of *:write",
			accesses: acc(scopes(write), entries{"alice": scopes(read)}, nil), want: readOnly},
		{name: "a legacy user entry downgrades a legacy default",
			accesses: acc(scopes(roomWrite), entries{"alice": scopes(roomRead, presence)}, nil),
			want:     readOnly},
		{name: "a new-name user entry downgrades a legacy default",
			accesses: acc(scopes(roomWrite), entries{"alice": scopes(read)}, nil), want: readOnly},
		{name: "a new-name user entry upgrades a legacy read default",
			accesses: acc(scopes(roomRead, presence), entries{"alice": scopes(write)}, nil),
			want:     readWrite},
		{name: "a group entry *:read downgrades a default of *:write",
			groups:   []string{"eng"},
			accesses: acc(scopes(write), nil, entries{"eng": scopes(read)}), want: readOnly},
		{name: "the user entry beats the group entry, downwards",
			groups:   []string{"eng"},
			accesses: acc(none(), entries{"alice": scopes(read)}, entries{"eng": scopes(write)}),
			want:     readOnly},
		{name: "the user entry beats the group entry, upwards",
			groups:   []string{"eng"},
			accesses: acc(none(), entries{"alice": scopes(write)}, entries{"eng": scopes(read)}),
			want:     readWrite},
		{name: "a group entry for a group the user is not in does not downgrade",
			groups:   []string{"eng"},
			accesses: acc(scopes(write), nil, entries{"ops": scopes(read)}), want: readWrite},

		// Several groups: one layer, strongest per feature.
		{name: "with several groups the strongest base wins",
			groups:   []string{"eng", "ops"},
			accesses: acc(none(), nil, entries{"eng": scopes(read), "ops": scopes(write)}),
			want:     readWrite},
		{name: "the order of the token's groups does not matter",
			groups:   []string{"ops", "eng"},
			accesses: acc(none(), nil, entries{"eng": scopes(read), "ops": scopes(write)}),
			want:     readWrite},
		{name: "one group's storage:read stands when the other group names no storage",
			groups: []string{"eng", "ops"},
			accesses: acc(none(), nil, entries{
				"eng": scopes(write, storageRead), "ops": scopes(read)}),
			want: commentOnly},
		{name: "storage:read in one group and storage:write in another give write",
			groups: []string{"eng", "ops"},
			accesses: acc(scopes(read), nil, entries{
				"eng": scopes(read, storageRead), "ops": scopes(read, permission.StorageWrite)}),
			want: storageOnly},
		{name: "three groups: the strongest of each feature is taken separately",
			groups: []string{"eng", "ops", "qa"},
			accesses: acc(none(), nil, entries{
				"eng": scopes(read, permission.CommentsWrite),
				"ops": scopes(read, storageNone),
				"qa":  scopes(read, permission.FeedsWrite)}),
			want: commentOnly},
		{name: "a group the room does not know is skipped",
			groups: []string{"ghost"}, accesses: acc(scopes(read), nil, nil), want: readOnly},
		{name: "a known group still counts beside an unknown one",
			groups:   []string{"ghost", "eng"},
			accesses: acc(none(), nil, entries{"eng": scopes(write)}), want: readWrite},

		// Feature scopes on top of a base.
		{name: "storage:read under *:write keeps comments writable",
			accesses: acc(scopes(write, storageRead), nil, nil), want: commentOnly},
		{name: "storage:none under *:write hides Storage",
			accesses: acc(scopes(write, storageNone), nil, nil), want: commentOnly},
		{name: "storage:write over *:read lets the user write Storage only",
			accesses: acc(scopes(read, permission.StorageWrite), nil, nil), want: storageOnly},
		{name: "comments:write over *:read lets the user comment but not write",
			accesses: acc(scopes(read, permission.CommentsWrite), nil, nil), want: commentOnly},
		{name: "comments:none under *:write keeps Storage writable",
			accesses: acc(scopes(write, permission.CommentsNone), nil, nil), want: storageOnly},
		{name: "comments:read under *:write keeps Storage writable",
			accesses: acc(scopes(write, permission.CommentsRead), nil, nil), want: storageOnly},
		{name: "comments:private:write over *:read counts as able to comment",
			accesses: acc(scopes(read, permission.CommentsPrivateWrite), nil, nil),
			want:     commentOnly},
		{name: "comments:public:none under *:write leaves private threads writable",
			accesses: acc(scopes(write, permission.CommentsPublicNone), nil, nil),
			want:     readWrite},
		{name: "feeds:none under *:write changes neither Storage nor comments",
			accesses: acc(scopes(write, permission.FeedsNone), nil, nil), want: readWrite},
		{name: "feeds:write over *:read changes neither Storage nor comments",
			accesses: acc(scopes(read, permission.FeedsWrite), nil, nil), want: readOnly},
		{name: "the legacy base room:write mixes with the new comments:read",
			accesses: acc(scopes(roomWrite, permission.CommentsRead), nil, nil), want: storageOnly},
		{name: "a user entry *:read with storage:none under a default *:write",
			accesses: acc(scopes(write), entries{"alice": scopes(read, storageNone)}, nil),
			want:     readOnly},
		{name: "the user's comments:read replaces the group's comments:write",
			groups: []string{"eng"},
			accesses: acc(none(),
				entries{"alice": scopes(read, permission.CommentsRead)},
				entries{"eng": scopes(read, permission.CommentsWrite)}),
			want: readOnly},
		{name: "the user's *:write does not bring back Storage the group hid",
			groups: []string{"eng"},
			accesses: acc(scopes(read),
				entries{"alice": scopes(write)},
				entries{"eng": scopes(read, storageNone)}),
			want: commentOnly},

		// Lists that are not legal sets: our REST client refuses them, the
		// dev server stores them, and the merge still has to cope.
		{name: "a default with a feature scope and no base grants nothing",
			accesses: acc(scopes(permission.StorageWrite), nil, nil), want: refused},
		{name: "room:presence:write alone grants nothing",
			accesses: acc(scopes(presence), nil, nil), want: refused},
		{name: "a feature-only user entry in a private room grants nothing",
			accesses: acc(none(), entries{"alice": scopes(permission.CommentsWrite)}, nil),
			want:     refused},
		{name: "a feature-only user entry raises that feature over the default's base",
			accesses: acc(scopes(read), entries{"alice": scopes(permission.StorageWrite)}, nil),
			want:     storageOnly},
		{name: "a feature-only user entry lowers that feature under the default's base",
			accesses: acc(scopes(write), entries{"alice": scopes(storageRead)}, nil),
			want:     commentOnly},
		{name: "an empty user entry removes nothing",
			accesses: acc(scopes(read), entries{"alice": none()}, nil), want: readOnly},
		{name: "an empty group entry removes nothing",
			groups:   []string{"eng"},
			accesses: acc(scopes(write), nil, entries{"eng": none()}), want: readWrite},
		{name: "two base scopes in one list: the strongest wins",
			accesses: acc(scopes(read, write), nil, nil), want: readWrite},
		{name: "two storage scopes in one list: the strongest wins",
			accesses: acc(scopes(write, storageNone, storageRead), nil, nil), want: commentOnly},
		{name: "an unknown scope beside a base is ignored",
			accesses: acc(scopes(write, "room:storage:read"), nil, nil), want: readWrite},
		{name: "an unknown scope alone grants nothing",
			accesses: acc(scopes("room:presence:read"), nil, nil), want: refused},

		// Rooms that are not there.
		{name: "a room that does not exist refuses an ID token",
			setup: roomMissing, want: refused},
		{name: "a room deleted before the client enters refuses an ID token",
			setup: roomDeleted, accesses: acc(scopes(write), nil, nil), want: refused},

		// IDs that are also names of JavaScript's Object.prototype.
		{name: "a group named constructor that the room does not know",
			groups:   []string{"constructor"},
			accesses: acc(scopes(read), nil, nil),
			want:     refused, wantPackage: answer(readOnly)},
		{name: "a user named toString without an entry",
			user: "toString", accesses: acc(scopes(write), nil, nil),
			want: refused, wantPackage: answer(readWrite)},
		{name: "a group named constructor that the room knows",
			groups:   []string{"constructor"},
			accesses: acc(none(), nil, entries{"constructor": scopes(write)}), want: readWrite},
	}
}

// accessCases are the access-token rows. The user is alice; the room is
// private ("defaultAccesses": []) unless a row says otherwise.
func accessCases() []diffCase {
	return []diffCase{
		{name: "an exact pattern with *:write",
			grants: []grant{{here, scopes(write)}}, want: readWrite},
		{name: "an exact pattern with *:read",
			grants: []grant{{here, scopes(read)}}, want: readOnly},
		{name: "an exact pattern with the legacy room:read and room:presence:write",
			grants: []grant{{here, scopes(roomRead, presence)}}, want: readOnly},
		{name: "an exact pattern with the legacy room:write",
			grants: []grant{{here, scopes(roomWrite)}}, want: readWrite},
		{name: "a prefix pattern with *:write",
			grants: []grant{{"diff-acc-*", scopes(write)}}, want: readWrite},
		{name: "the pattern * with *:write",
			grants: []grant{{"*", scopes(write)}}, want: readWrite},
		{name: "the pattern * with *:read",
			grants: []grant{{"*", scopes(read)}}, want: readOnly},
		{name: "a pattern for another room is refused by our endpoint",
			grants: []grant{{"diff-other", scopes(write)}}, want: refused},
		{name: "a pattern for another room, straight from the issuer, is refused by the dev server",
			grants: []grant{{"diff-other", scopes(write)}}, direct: true, want: refused},
		{name: "an exact pattern with *:write and storage:read",
			grants: []grant{{here, scopes(write, storageRead)}}, want: commentOnly},
		{name: "the pattern * with *:read and comments:write",
			grants: []grant{{"*", scopes(read, permission.CommentsWrite)}}, want: commentOnly},
		{name: "a pattern allowed twice adds up to the strongest base",
			grants: []grant{{here, scopes(read)}, {here, scopes(write)}}, want: readWrite},
		{name: "an access token ignores the room's own accesses",
			accesses: acc(scopes(write), nil, nil),
			grants:   []grant{{here, scopes(read)}}, want: readOnly},
		{name: "an access token enters a room that does not exist yet",
			setup: roomMissing, grants: []grant{{here, scopes(write)}}, want: readWrite},

		// Overlapping patterns: the dev server takes the exact pattern, else
		// the first matching prefix; package permission combines them all.
		{name: "exact *:write then prefix *:read",
			grants: []grant{{here, scopes(write)}, {"diff-acc-*", scopes(read)}},
			want:   readWrite},
		{name: "prefix *:write then exact *:read",
			grants: []grant{{"diff-acc-*", scopes(write)}, {here, scopes(read)}},
			want:   readOnly, wantPackage: answer(readWrite)},
		{name: "two prefixes, the longer first",
			grants: []grant{{"diff-acc-*", scopes(write)}, {"diff-*", scopes(read)}},
			want:   readWrite},
		{name: "two prefixes, the shorter first",
			grants: []grant{{"diff-*", scopes(read)}, {"diff-acc-*", scopes(write)}},
			want:   readOnly, wantPackage: answer(readWrite)},
		{name: "* with *:read before a prefix with *:write",
			grants: []grant{{"*", scopes(read)}, {"diff-acc-*", scopes(write)}},
			want:   readOnly, wantPackage: answer(readWrite)},
		{name: "the exact room and the same ID as a prefix",
			grants: []grant{{here, scopes(read)}, {here + "*", scopes(write)}},
			want:   readOnly, wantPackage: answer(readWrite)},
		{name: "* with *:write before a prefix with storage:none alone",
			grants: []grant{{"*", scopes(write)}, {"diff-acc-*", scopes(storageNone)}},
			want:   readWrite, wantPackage: answer(commentOnly)},
		{name: "* with storage:none alone and the exact room with *:write",
			grants: []grant{{"*", scopes(storageNone)}, {here, scopes(write)}},
			want:   readWrite, wantPackage: answer(commentOnly)},
		// The server takes the exact pattern, which has no base scope, so
		// our endpoint refuses (not_allowed); Grants.For merges the prefix.
		{name: "a prefix with *:write and the exact room with storage:none alone",
			grants: []grant{{"diff-acc-*", scopes(write)}, {here, scopes(storageNone)}},
			want:   refused, wantPackage: answer(commentOnly)},
		{name: "a prefix with *:write and the exact room with storage:none alone, straight from the issuer",
			grants: []grant{{"diff-acc-*", scopes(write)}, {here, scopes(storageNone)}}, direct: true,
			want: readOnly, wantPackage: answer(commentOnly)},
		{name: "a more specific prefix with *:read,storage:write over * with *:write",
			grants: []grant{{"*", scopes(write)}, {"diff-acc-*", scopes(read, permission.StorageWrite)}},
			want:   readWrite},

		// Grants without a base scope for the room.
		{name: "an exact pattern with comments:write alone is refused by our endpoint",
			grants: []grant{{here, scopes(permission.CommentsWrite)}}, want: refused},
		{name: "an exact pattern with comments:write alone, straight from the issuer",
			grants: []grant{{here, scopes(permission.CommentsWrite)}}, direct: true,
			want: readOnly, wantPackage: answer(refused)},
		{name: "the pattern * with feeds:write alone, straight from the issuer",
			grants: []grant{{"*", scopes(permission.FeedsWrite)}}, direct: true,
			want: readOnly, wantPackage: answer(refused)},
	}
}

// objectPrototypeNames are the properties of a plain JavaScript object's
// prototype: the dev server looks IDs up in plain objects.
var objectPrototypeNames = []string{
	"__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
	"__proto__", "constructor", "hasOwnProperty", "isPrototypeOf",
	"propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
}

// devServerIDScopes is the dev server's admission rule for ID tokens
// (liveblocks 1.9.0, authorizeWebSocket): the room must exist; the groups
// kept are the token's gids for which `gid in groupsAccesses` holds, the
// user's entry is usersAccesses[uid] ?? []; the three layers are merged by
// @liveblocks/core's mergeRoomPermissionScopes, whose result package
// permission's Effective claims to reproduce, scopes included; empty
// scopes are refused with 4001.
//
// groupsAccesses and usersAccesses are plain objects there, so `in` and
// the lookup also find the names of Object.prototype: a group or user ID
// such as "constructor" or "toString" without an entry of its own yields
// a function instead of a list, the merge throws, and the server answers
// the upgrade with 500 (the client retries, it is never told 4001).
func devServerIDScopes(c diffCase) ([]string, refusal) {
	if c.setup != roomCreated {
		return nil, closed4001
	}
	inherited := func(id string, own map[string][]permission.Scope) bool {
		_, ok := own[id]
		return !ok && slices.Contains(objectPrototypeNames, id)
	}
	if inherited(c.user, c.accesses.Users) {
		return nil, upgradeFails
	}
	for _, g := range c.groups {
		if inherited(g, c.accesses.Groups) {
			return nil, upgradeFails
		}
	}
	got := permission.Effective(c.accesses, c.user, c.groups).Scopes()
	if len(got) == 0 {
		return nil, closed4001
	}
	return scopeStrings(got), admittedIn
}

// devServerAccessScopes is the dev server's admission rule for access
// tokens (liveblocks 1.9.0, authorizeWebSocket; protocol.md §6.5), which
// package permission models as Grants.Select: the scopes of the pattern
// equal to the room ID if there is one, else of the first pattern ending in
// "*" whose prefix starts the room ID, in the token's order, with no merging
// and no specificity; none means 4001. The list is sent to the client as
// is, so a list without a base scope admits the user with no access to
// anything.
func devServerAccessScopes(g permission.Grants, room string) ([]string, refusal) {
	_, list, ok := g.Select(room)
	if !ok {
		return nil, closed4001
	}
	return scopeStrings(list), admittedIn
}

// expect is what the test expects to observe for c: package permission's
// answer passed through the dev server's rules above and, for access
// tokens issued by our endpoint, through the endpoint's own check (it
// refuses grants that Grants.For says do not let the user enter).
func expect(c diffCase, g permission.Grants) verdict {
	var list []string
	var by refusal
	switch {
	case !c.access():
		list, by = devServerIDScopes(c)
	case !c.direct && !endpointAdmits(g, c.room):
		by = notAllowed
	default:
		list, by = devServerAccessScopes(g, c.room)
	}
	if by != admittedIn {
		return verdict{by: by}
	}
	return verdict{outcome: clientOutcome(list), scopes: list}
}

// endpointAdmits is the check of middleware.WithAccessTokens: the list
// Grants.Select picks must hold a base scope.
func endpointAdmits(g permission.Grants, room string) bool {
	_, list, ok := g.Select(room)
	if !ok {
		return false
	}
	lv, err := permission.Resolve(list)
	return err == nil && lv.CanEnter()
}

// clientOutcome is what the client makes of the scopes of an admitted
// connection: it is in the room, and derives canWrite and canComment from
// the scopes (permissionMatrixFromScopes: without a base scope, nothing).
func clientOutcome(list []string) outcome {
	lv, err := permission.Resolve(toScopes(list))
	if err != nil {
		panic(err) // the lists come from the table or from Scopes
	}
	o := outcomeOf(lv)
	o.admitted = true
	return o
}

// packageAnswer is package permission's own answer for c: Effective for an
// ID token (a room that is not there has no accesses), Grants.For for an
// access token.
func packageAnswer(c diffCase, g permission.Grants) (permission.Levels, outcome) {
	if c.access() {
		lv, ok := g.For(c.room)
		if !ok {
			return permission.Levels{}, refused
		}
		return lv, outcomeOf(lv)
	}
	a := c.accesses
	if c.setup != roomCreated {
		a = permission.Accesses{}
	}
	d := permission.Effective(a, c.user, c.groups)
	return d.Levels, outcomeOf(d.Levels)
}

func scopeStrings(list []permission.Scope) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}

func toScopes(list []string) []permission.Scope {
	out := make([]permission.Scope, len(list))
	for i, s := range list {
		out[i] = permission.Scope(s)
	}
	return out
}

// grantsFor builds the grants of an access-token case.
func grantsFor(t *testing.T, c diffCase) permission.Grants {
	t.Helper()

	var g permission.Grants
	for _, gr := range c.grants {
		pattern := strings.ReplaceAll(gr.pattern, here, c.room)
		if err := g.Allow(pattern, gr.scopes...); err != nil {
			t.Fatalf("%s: Allow(%q, %v): %v", c.room, pattern, gr.scopes, err)
		}
	}
	return g
}

// normalised returns a with nil lists and maps made empty, for comparing
// what was sent with what the dev server stored.
func normalised(a permission.Accesses) permission.Accesses {
	list := func(l []permission.Scope) []permission.Scope {
		if l == nil {
			return []permission.Scope{}
		}
		return l
	}
	m := func(in map[string][]permission.Scope) map[string][]permission.Scope {
		out := map[string][]permission.Scope{}
		for k, v := range in {
			out[k] = list(v)
		}
		return out
	}
	return permission.Accesses{Default: list(a.Default), Users: m(a.Users), Groups: m(a.Groups)}
}

// setUpRoom creates the room of c as its row says. Legal accesses go
// through our REST client. Illegal ones (which the client must refuse
// before sending) are posted as raw JSON, so that the dev server's
// handling of them is tested too. Either way the dev server must store the
// accesses as sent: it accepts both vocabularies and every feature scope.
func (a *app) setUpRoom(t *testing.T, c diffCase) {
	t.Helper()

	if c.setup == roomMissing {
		return
	}
	ctx := context.Background()
	var room *liveblocks.Room
	p := liveblocks.CreateRoomParams{
		DefaultAccesses: c.accesses.Default,
		UsersAccesses:   c.accesses.Users,
		GroupsAccesses:  c.accesses.Groups,
	}
	r, err := a.lb.CreateRoom(ctx, c.room, p)
	switch legal := c.accesses.Validate() == nil; {
	case legal && err != nil:
		t.Fatalf("CreateRoom %s: %v", c.room, err)
	case legal:
		room = r
	case !errors.Is(err, liveblocks.ErrInvalidAccesses):
		t.Fatalf("CreateRoom %s with illegal accesses: got %v, want an error matching "+
			"ErrInvalidAccesses", c.room, err)
	default:
		room = a.createRoomRaw(t, c.room, c.accesses)
	}
	got, sent := normalised(room.Accesses()), normalised(c.accesses)
	if !reflect.DeepEqual(got, sent) {
		t.Fatalf("room %s: the dev server stored %+v, want %+v as sent", c.room, got, sent)
	}

	if c.setup == roomDeleted {
		if err := a.lb.DeleteRoom(ctx, c.room); err != nil {
			t.Fatalf("DeleteRoom %s: %v", c.room, err)
		}
	}
}

// createRoomRaw posts a room to the dev server without our client's
// checks.
func (a *app) createRoomRaw(t *testing.T, id string, acc permission.Accesses) *liveblocks.Room {
	t.Helper()

	n := normalised(acc)
	body, err := json.Marshal(map[string]any{
		"id":              id,
		"defaultAccesses": n.Default,
		"usersAccesses":   n.Users,
		"groupsAccesses":  n.Groups,
	})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.baseURL+"/v2/rooms", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("LIVEBLOCKS_SECRET_KEY"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /v2/rooms %s: %v", id, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v2/rooms %s: got %d %s, want 200", id, resp.StatusCode, raw)
	}
	var room liveblocks.Room
	if err := json.Unmarshal(raw, &room); err != nil {
		t.Fatalf("POST /v2/rooms %s: %v in %s", id, err, raw)
	}
	return &room
}

// diffEndpoint serves the auth endpoint for every case at one URL: our
// middleware.Handler, with ID tokens or, for access-token cases, with
// WithAccessTokens; and for "direct" cases a bare handler that asks the
// issuer for the access token without the endpoint's check. The resolver
// and the policy pick the case by the requested room.
func diffEndpoint(
	lb *liveblocks.Client, byRoom map[string]*diffCase, grants map[string]permission.Grants,
) http.Handler {
	resolver := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		req, _ := middleware.RequestFromContext(r.Context())
		c, ok := byRoom[req.Room]
		if !ok {
			return userresolver.User{}, userresolver.ErrNoUser
		}
		return userresolver.User{ID: c.user, GroupIDs: c.groups, Info: userInfo(c.user)}, nil
	})
	policy := func(r *http.Request, u userresolver.User, room string) (permission.Grants, error) {
		return grants[room], nil
	}
	idTokens := middleware.Handler(resolver, middleware.WithIssuer(lb))
	accessTokens := middleware.Handler(resolver,
		middleware.WithIssuer(lb), middleware.WithAccessTokens(policy))
	direct := func(w http.ResponseWriter, r *http.Request, c *diffCase) {
		tok, err := lb.Issue(r.Context(), token.Identity{
			UserID: c.user, UserInfo: userInfo(c.user), Permissions: grants[c.room],
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"token": tok})
	}

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Peek at the room, then hand the body on untouched. A body that
		// does not parse goes to the ID-token endpoint, which answers 400.
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var body struct {
			Room string `json:"room"`
		}
		_ = json.Unmarshal(raw, &body)

		c, ok := byRoom[body.Room]
		switch {
		case ok && c.direct:
			direct(w, r, c)
		case ok && c.access():
			accessTokens.ServeHTTP(w, r)
		default:
			idTokens.ServeHTTP(w, r)
		}
	})
}

func userInfo(user string) map[string]any { return map[string]any{"name": "User " + user} }

// observed turns what the client saw in one room into a verdict.
func observed(res clientResult, room string) (verdict, error) {
	r, ok := res.Rooms[room]
	if !ok {
		return verdict{}, fmt.Errorf("no result for room %s", room)
	}
	if r.Status == "connected" && r.Self != nil {
		return verdict{
			outcome: outcome{admitted: true, canWrite: r.Self.CanWrite, canComment: r.Self.CanComment},
			scopes:  r.Scopes,
		}, nil
	}

	var v verdict
	calls := callsFor(res, room)
	switch {
	case len(r.Errors) == 1 && r.Errors[0].Code != nil && *r.Errors[0].Code == 4001:
		v.by = closed4001
	case len(calls) > 0 && calls[len(calls)-1].Status == http.StatusForbidden:
		resp, _ := calls[len(calls)-1].Response.(map[string]any)
		if resp["code"] == middleware.CodeNotAllowed {
			v.by = notAllowed
		}
	case len(r.Errors) == 0 && r.Status != "disconnected" &&
		slices.Equal(r.SocketErrors, []string{"Unexpected server response: 500"}):
		// Still trying: every upgrade was answered with 500.
		v.by = upgradeFails
	}
	if v.by == "" {
		return v, fmt.Errorf("room %s: status %q, self %v, errors %+v, socket errors %q, "+
			"auth calls %+v: not a refusal this test knows",
			room, r.Status, r.Self, r.Errors, r.SocketErrors, calls)
	}
	return v, nil
}

// knownDiff is a case where the dev server and package permission disagree.
type knownDiff struct {
	room, name      string
	server          verdict
	pkg             outcome
	serverLv, pkgLv permission.Levels
}

func TestDifferential(t *testing.T) {
	a := newApp(t)

	var cases []diffCase
	for i, c := range idCases() {
		c.room = fmt.Sprintf("diff-id-%02d", i+1)
		cases = append(cases, c)
	}
	for i, c := range accessCases() {
		c.room = fmt.Sprintf("diff-acc-%02d", i+1)
		cases = append(cases, c)
	}

	byRoom := map[string]*diffCase{}
	grants := map[string]permission.Grants{}
	var rooms []string
	for i := range cases {
		c := &cases[i]
		if c.user == "" {
			c.user = "alice"
		}
		if c.access() {
			grants[c.room] = grantsFor(t, *c)
		}
		byRoom[c.room] = c
		rooms = append(rooms, c.room)
		a.setUpRoom(t, *c)
	}

	server := httptest.NewServer(diffEndpoint(a.lb, byRoom, grants))
	defer server.Close()
	client := *a
	client.endpoint = server.URL + "/auth"

	// One run enters every room at once, each room with a client of its
	// own. Rooms the dev server fails with 500 keep the run until
	// timeoutMs; the others settle in about a second.
	res := client.runClient(t, clientSpec{
		Rooms: rooms, ClientPerRoom: true, SettleMs: 300, TimeoutMs: 5000,
	})

	var disagree int
	var known []knownDiff
	for _, c := range cases {
		g := grants[c.room]
		exp := expect(c, g)
		pkgLv, pkg := packageAnswer(c, g)

		ok := scenario(t, c.room+" "+c.name, func(t *testing.T) {
			if exp.outcome != c.want {
				t.Errorf("the dev-server model gives %v; the row's hand-written want is %v",
					exp.outcome, c.want)
			}
			wantPkg := c.want
			if c.wantPackage != nil {
				wantPkg = *c.wantPackage
			}
			if pkg != wantPkg {
				t.Errorf("package permission gives %v (%v); the row's hand-written value is %v",
					pkg, pkgLv, wantPkg)
			}

			got, err := observed(res, c.room)
			if err != nil {
				t.Fatal(err)
			}
			if got.outcome != exp.outcome || got.by != exp.by || !slices.Equal(got.scopes, exp.scopes) {
				t.Errorf("the client saw %v; want %v", got, exp)
			}
			if r := res.Rooms[c.room]; got.admitted &&
				(r.Self.ID != c.user || !reflect.DeepEqual(r.Self.Info, userInfo(c.user))) {
				t.Errorf("getSelf(): got id %q, info %v; want %q, %v",
					r.Self.ID, r.Self.Info, c.user, userInfo(c.user))
			}

			// protocol.md §4.6: an admitted access token creates the
			// room it enters, with the default room:write.
			if c.access() && c.setup == roomMissing && got.admitted {
				room, err := a.lb.GetRoom(context.Background(), c.room)
				if err != nil {
					t.Fatalf("GetRoom %s after the client entered: %v", c.room, err)
				}
				if !slices.Equal(room.DefaultAccesses, scopes(roomWrite)) {
					t.Errorf("room %s created by the dev server: defaultAccesses %v, want [room:write]",
						c.room, room.DefaultAccesses)
				}
			}
		})
		if !ok {
			disagree++
			continue
		}

		// The case passed, so the model is what the dev server does: note
		// where package permission answers otherwise.
		if pkg != exp.outcome || (exp.admitted && pkgLv != levelsOf(exp.scopes)) {
			known = append(known, knownDiff{
				room: c.room, name: c.name, server: exp, pkg: pkg,
				serverLv: levelsOf(exp.scopes), pkgLv: pkgLv,
			})
		}
	}

	for _, k := range known {
		fmt.Printf("differential: note %s %q: dev server %v; the client-side rule (Effective or Grants.For) %v\n",
			k.room, k.name, k.server, k.pkg)
		if k.server.outcome == k.pkg {
			fmt.Printf("differential:   levels: dev server %v; client-side rule %v\n", k.serverLv, k.pkgLv)
		}
	}
	if len(known) > 0 {
		fmt.Printf("differential: the notes above are expected: the test models the server (Grants.Select, the dev server's quirks) and passes; see the README\n")
	}
	fmt.Printf("differential: %d cases, %d disagree\n", len(cases), disagree)
}

// levelsOf resolves the scopes the dev server sends, as the client does.
func levelsOf(list []string) permission.Levels {
	lv, _ := permission.Resolve(toScopes(list))
	return lv
}
