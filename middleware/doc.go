// Package middleware serves the authentication endpoint that the Liveblocks
// browser client calls (its authEndpoint, usually /api/liveblocks-auth).
//
// [Handler] finds the logged-in user with a [userresolver.UserResolver],
// obtains a token for them from a [token.Issuer] (the Liveblocks REST client
// or a local [token.Signer]) and answers
//
//	200 {"token":"<jwt>"}
//
// Every failure is a JSON body {"error", "code", "reason"}, never HTML, a
// redirect or internal error text. "error" is "forbidden" for every 4xx, so
// the client stops retrying, and "unavailable" for every 5xx, so it retries
// with back-off. The table below lists every failure.
//
//	status  code                     when
//	405     method_not_allowed       not POST (an allowed CORS preflight aside); Allow: POST
//	400     bad_request              body not a JSON object, or "room" not a string of 1-128 characters
//	413     too_large                body larger than the limit (default 16 KiB)
//	415     unsupported_media_type   non-empty body whose Content-Type is not JSON
//	403     origin_not_allowed       cross-origin request from an origin not allowed
//	401     unauthenticated          resolver: nobody logged in ([userresolver.ErrNoUser])
//	403     forbidden                resolver: user refused ([userresolver.ErrForbidden])
//	403     invalid_identity         user breaks a platform limit ([token.ErrInvalidIdentity])
//	403     not_allowed              access-token mode: the grants do not cover the room
//	500     internal                 resolver or issuer failed or panicked
//	503     upstream_unavailable     issuer unreachable, overloaded or misconfigured; Retry-After
//	403     upstream_rejected        issuer refused the identity ([token.ErrRejected])
//	502     upstream_bad_response    issuer answered with a malformed token ([token.ErrBadResponse])
//
// Every response carries Cache-Control: no-store. The handler reads the
// session through the resolver but never creates, saves or sets a cookie.
//
// # Room guard
//
// For a self-hosted realtime server, [RoomGuard] admits a request to a room
// (?roomId=, with the token in ?tok= or an Authorization: Bearer header)
// the way the Liveblocks servers admit a socket, and answers refusals in
// the same JSON contract: 400 bad_request, 401 invalid_token, 403
// not_allowed, 500 internal, 503 upstream_unavailable.
//
// # Cross-origin requests
//
// By default only same-origin requests are served, using
// [http.CrossOriginProtection]: a request whose Sec-Fetch-Site header says
// it comes from another site, or whose Origin header names another host, is
// refused. [WithAllowedOrigins] admits other origins: they get exact-origin
// CORS headers with credentials, and their preflight requests are answered
// without touching the session.
package middleware
