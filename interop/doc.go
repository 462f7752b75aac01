// Package interop holds the end-to-end tests of liveauth against real
// software: the Liveblocks dev server (npm package "liveblocks") and the real
// browser client (@liveblocks/client, driven from Node by client.mjs).
//
// The tests are behind the "interop" build tag and expect to run inside
// "liveblocks dev -c", which exports LIVEBLOCKS_BASE_URL and
// LIVEBLOCKS_SECRET_KEY. Run them with "make interop" (or "make test", which
// runs everything); run.sh installs nothing and fails loudly when a tool is
// missing.
package interop
