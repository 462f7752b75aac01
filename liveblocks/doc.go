// Package liveblocks is a client for the Liveblocks REST API, enough of it
// for a Go backend to authenticate realtime users and manage rooms.
//
// A [Client] asks Liveblocks for ID tokens ([Client.IdentifyUser]) and
// access tokens ([Client.AuthorizeUser]), and implements [token.Issuer], so it
// can be handed to the liveauth endpoint as is. It also creates, reads,
// updates, upserts, lists and deletes rooms, which is how a backend sets the
// room accesses ([Room.DefaultAccesses], [Room.UsersAccesses],
// [Room.GroupsAccesses]) that decide what an ID token may do in each room.
//
// # ID tokens and access tokens
//
// An ID token only says who the user is (user ID, groups, user info); when
// the user enters a room, Liveblocks works out what they may do from the
// room's accesses. An access token carries its own permissions: a list of
// room patterns ("org1.room1", "org1*", "*"), each with its scopes, built
// with [permission.Grants.Allow] and put in [token.Identity.Permissions];
// the rooms' accesses play no part.
//
// [Client.Issue] picks for each identity: an access token when it carries
// permissions, an ID token otherwise. [Client.IdentifyUser] refuses an
// identity with permissions rather than drop them, and
// [Client.AuthorizeUser] one without. The patterns are sent in the order they
// were first allowed, which matters: the dev server uses the first prefix
// that matches a room.
//
// # Rooms
//
// [Client.UpsertRoom] updates a room and creates it first if needed, in one
// call. Room calls check their input with package permission before sending
// anything: room IDs with [permission.ValidateRoomID] (plus valid UTF-8), and
// the accesses a call sets with [permission.Accesses.Validate], entry by
// entry (nil entries of an update are removals and need no check). A room ID
// error wraps [ErrInvalidRoomID]; an accesses error wraps
// [ErrInvalidAccesses] along with the permission sentinel of each problem,
// and names each offending entry as the JSON body would, for example
//
//	liveblocks: invalid room accesses: usersAccesses["alice"]: unknown scope: "comments:delete"
//
// # Cloud and dev server
//
// By default the client talks to the Liveblocks cloud at
// https://api.liveblocks.io with a project's secret key ("sk_prod_..." or
// "sk_dev_...").
//
// The same client works against the local Liveblocks dev server
// (`npx liveblocks dev`, npm package "liveblocks"), which listens on
// http://localhost:1153 by default and accepts exactly one secret key,
// "sk_localdev". Run with `npx liveblocks dev -c "<command>"`, the dev server
// starts a throwaway instance and exports LIVEBLOCKS_SECRET_KEY=sk_localdev
// and LIVEBLOCKS_BASE_URL (for example http://127.0.0.1:1153) to the command,
// so a program configured like this runs unchanged on both:
//
//	lb, err := liveblocks.New(os.Getenv("LIVEBLOCKS_SECRET_KEY"),
//		liveblocks.WithBaseURL(os.Getenv("LIVEBLOCKS_BASE_URL"))) // empty: the cloud
//
// The dev server differs from the cloud in ways a caller may notice:
//
//   - its tokens are unsigned (header {"alg":"none"}, empty signature part,
//     project ID "localdev"); this client accepts them because it never
//     verifies signatures, only that the payload is a token of the kind asked
//     for and for the requested user;
//   - its error bodies are {"error": "...", "message": "..."} or
//     {"error": "...", "reason": "..."} rather than the cloud's
//     {"error": "<CODE>", "message", "suggestion", "docs"}; both decode into
//     [Error];
//   - it checks the scope strings of access tokens (every scope of package
//     permission is accepted, "*:read" and "room:read" alike) but not those of
//     room accesses, nor room patterns; it ignores list pagination and the
//     userId and groupIds list filters, refuses null metadata values in
//     updates (422), answers 204 when deleting a room that does not exist,
//     and refuses ID tokens for rooms it has never seen, so create rooms
//     first;
//   - it does not implement the upsert route: [Client.UpsertRoom] gets an
//     [*Error] with Status 501, whose text says so.
//
// # Errors
//
// Every failure that involves Liveblocks is an [*Error] carrying the HTTP
// status, the upstream error code and message, and any Retry-After
// ([Error.RetryAfter]). It unwraps to one of the sentinels of package token,
// so the liveauth endpoint can answer without knowing this package:
// [token.ErrUnavailable] (retry later, after the upstream's Retry-After,
// which the endpoint passes on), [token.ErrRejected] (do not retry) or
// [token.ErrBadResponse] (including a token answer over 64 KiB, or a token
// that is malformed or already expired). Room
// calls also match [ErrNotFound] and [ErrConflict]. Bad input caught before
// any request wraps [token.ErrInvalidIdentity], [ErrInvalidRoomID],
// [ErrInvalidAccesses] or [ErrInvalidConfig]. No error text ever contains the
// secret key.
package liveblocks
