// Package permission is the Liveblocks permission model: the scope
// vocabulary, which sets of scopes are legal, room accesses and how they
// combine for one user, and the room patterns of access tokens.
//
// It follows @liveblocks/core's permissions.ts (the version with
// comments:public and comments:private) and @liveblocks/node's session.
// It uses the standard library only.
//
// # Vocabulary
//
// A [Scope] is a string such as "*:write". Each list of scopes resolves to
// a [Level] (none < read < write) for each [Feature]:
//
//	*:read, *:write                    base level of the whole room (Room)
//	room:read, room:write              legacy names of the two base scopes
//	storage:read|write|none            Storage and Yjs documents
//	comments:read|write|none           all threads
//	comments:public:read|write|none    public threads
//	comments:private:read|write|none   private threads
//	feeds:read|write|none              feeds
//	room:presence:write                legacy, accepted, no effect
//
// A seventh feature, Personal (the user's own resources), has no scope: it
// is write whenever there is a base scope.
//
// # One list
//
// [Resolve] turns one list into [Levels]. Without a base scope everything
// is none: feature scopes alone grant nothing, and [] means no access.
// With a base, each feature takes its own scope's level, up or down
// (["*:write", "storage:read"]), or else inherits: storage, comments and
// feeds from the base, comments:public and comments:private from comments.
// When a list names a feature twice, the strongest level wins.
// [Levels.Scopes] writes levels back as the shortest list, with current
// names.
//
// # Legal sets
//
// [ValidateSet] accepts a list of known scopes with exactly one base scope
// and at most one scope per feature; room:presence:write may be added
// freely. The empty list is legal only as a room's default accesses,
// where it means no access.
//
// # Room accesses and ID tokens
//
// A room stores [Accesses]: defaultAccesses, usersAccesses and
// groupsAccesses, each entry a legal set, at most 100 user and 100 group
// entries ([Accesses.Validate]). A user who enters with an ID token gets
// [Effective]: default, then the user's groups, then the user's own entry;
// each layer replaces what it names in the layers below, downgrades
// included; the groups form one layer merged by the strongest level. The
// resulting [Decision] says, per feature, which layer decided.
//
// # Access tokens
//
// An access token carries [Grants]: up to 10 room patterns, each with its
// scopes. A [Pattern] is an exact room ID ("org1.room1"), a prefix
// ("org1*") or "*" (every room), at most 128 characters before the "*".
// [Grants.Allow] adds scopes as @liveblocks/node's session.allow() does.
// Two rules resolve one room, and they differ only when patterns overlap:
// [Grants.Select] is the realtime server's (the exact pattern, else the
// first matching prefix in order; use it to decide what a user gets), and
// [Grants.For] is the browser client's, used to decide whether a token it
// holds covers a room (the strongest base among all matching patterns, and
// for each feature the scope of the most specific matching pattern).
//
// # Errors
//
// Every error wraps one of the Err sentinels (test with errors.Is); errors
// about one entry of accesses or grants are [*EntryError] values naming the
// entry as JSON does, such as usersAccesses["alice"] (keys longer than 300
// bytes are cut in the message).
package permission
