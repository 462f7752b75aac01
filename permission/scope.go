package permission

// Scope is one permission string as the Liveblocks API and tokens spell it,
// for example "*:write" or "comments:read".
type Scope string

// Base scopes. Every legal non-empty set holds exactly one of them.
const (
	// Read lets the user see the room without changing it.
	Read Scope = "*:read"
	// Write lets the user see and change the room.
	Write Scope = "*:write"
	// RoomRead is the legacy name of Read, still accepted.
	RoomRead Scope = "room:read"
	// RoomWrite is the legacy name of Write, still accepted.
	RoomWrite Scope = "room:write"
)

// Feature scopes override the base level for one feature.
const (
	StorageRead  Scope = "storage:read"
	StorageWrite Scope = "storage:write"
	StorageNone  Scope = "storage:none"

	CommentsRead  Scope = "comments:read"
	CommentsWrite Scope = "comments:write"
	CommentsNone  Scope = "comments:none"

	CommentsPublicRead  Scope = "comments:public:read"
	CommentsPublicWrite Scope = "comments:public:write"
	CommentsPublicNone  Scope = "comments:public:none"

	CommentsPrivateRead  Scope = "comments:private:read"
	CommentsPrivateWrite Scope = "comments:private:write"
	CommentsPrivateNone  Scope = "comments:private:none"

	FeedsRead  Scope = "feeds:read"
	FeedsWrite Scope = "feeds:write"
	FeedsNone  Scope = "feeds:none"

	// PresenceWrite is a legacy scope, accepted and without effect.
	PresenceWrite Scope = "room:presence:write"
)

// Accesses are a room's permissions as the REST API stores them.
type Accesses struct {
	// Default applies to everyone who enters the room. An empty list
	// means no access.
	Default []Scope

	// Users maps a user ID to that user's scopes.
	Users map[string][]Scope

	// Groups maps a group ID to the scopes of the group's members.
	Groups map[string][]Scope
}
