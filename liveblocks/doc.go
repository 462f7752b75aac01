// Package liveblocks is a client for the Liveblocks REST API, enough of it
// for a Go backend to authenticate realtime users and manage rooms.
//
// A [Client] asks Liveblocks for ID tokens ([Client.IdentifyUser]) and
// implements [token.Issuer], so it can be handed to the liveauth endpoint as
// is. It also creates, reads, updates, lists and deletes rooms, which is how a
// backend sets the room accesses ([Room.DefaultAccesses],
// [Room.UsersAccesses], [Room.GroupsAccesses]) that decide what an ID token
// may do in each room.
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
//	opts := []liveblocks.Option{}
//	if u := os.Getenv("LIVEBLOCKS_BASE_URL"); u != "" {
//		opts = append(opts, liveblocks.WithBaseURL(u))
//	}
//	lb, err := liveblocks.New(os.Getenv("LIVEBLOCKS_SECRET_KEY"), opts...)
//
// The dev server differs from the cloud in ways a caller may notice:
//
//   - its tokens are unsigned (header {"alg":"none"}, empty signature part,
//     project ID "localdev"); this client accepts them because it never
//     verifies signatures, only that the payload is an ID token for the
//     requested user;
//   - its error bodies are {"error": "...", "message": "..."} or
//     {"error": "...", "reason": "..."} rather than the cloud's
//     {"error": "<CODE>", "message", "suggestion", "docs"}; both decode into
//     [Error];
//   - it does not validate scope strings, ignores list pagination and the
//     userId and groupIds list filters, refuses null metadata values in
//     updates (422), answers 204 when deleting a room that does not exist,
//     and refuses ID tokens for rooms it has never seen, so create rooms
//     first.
//
// # Errors
//
// Every failure that involves Liveblocks is an [*Error] carrying the HTTP
// status, the upstream error code and message, and any Retry-After. It
// unwraps to one of the sentinels of package token, so the liveauth endpoint
// can answer without knowing this package: [token.ErrUnavailable] (retry
// later), [token.ErrRejected] (do not retry) or [token.ErrBadResponse]. Room
// calls also match [ErrNotFound] and [ErrConflict]. Bad input caught before
// any request wraps [token.ErrInvalidIdentity], [ErrInvalidRoomID] or
// [ErrInvalidConfig]. No error text ever contains the secret key.
package liveblocks
