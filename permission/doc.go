// Package permission is the Liveblocks permission model: the scope
// vocabulary, which sets of scopes are legal, room accesses and how they
// combine for one user.
package permission
