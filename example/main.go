// Command example is a small web app that serves the Liveblocks
// authentication endpoint with liveauth, and a page to try it.
//
// It shows the whole path of a token: a demo user logs in (a gorilla/sessions
// cookie), the page POSTs {"room": "..."} to /api/liveblocks-auth exactly as
// @liveblocks/client does, the endpoint (middleware.Handler) finds the user
// through the session (userresolver.Session) and answers {"token": "..."}
// from an issuer. The page decodes the token and shows, for each demo room,
// what the realtime server will let the user do there and which of the room's
// accesses (defaultAccesses, groupsAccesses, usersAccesses) decided it.
//
// Run it from the module root with
//
//	go run ./example
//
// and open http://localhost:8080. It needs no account and no Node: with no
// LIVEBLOCKS_SECRET_KEY in the environment, tokens are signed locally by a
// token.Signer over a token.KeySet with a key made at start (ES256), whose
// public keys are served at /.well-known/jwks.json (token.JWKS). Liveblocks
// itself only accepts tokens it signed, so in this mode the example is its
// own small realtime server too: a live demo room behind
// middleware.RoomGuard, which verifies the tokens with a token.Verifier over
// the same key set and admits users with the demo rooms' accesses
// (middleware.MemoryRooms). The page streams the room's presence list and
// shared counter over Server-Sent Events (GET /rooms/stream), and only users
// who may write the room's storage may change the counter (POST
// /rooms/counter). Log in as different users in two browsers to see each
// other.
//
// To get tokens from Liveblocks instead, run it under the Liveblocks dev
// server, which exports LIVEBLOCKS_SECRET_KEY and LIVEBLOCKS_BASE_URL to the
// command it runs (this repository pins it in interop/):
//
//	cd interop && npm ci && npx liveblocks dev -c "go run ../example"
//
// or set LIVEBLOCKS_SECRET_KEY to a project's secret key to use the Liveblocks
// cloud. The example then creates its demo rooms, unless they exist already;
// the rooms live on Liveblocks, and the JWKS and the live demo room are not
// served (404).
//
// Flags and environment:
//
//	-addr host:port         address to listen on (default localhost:8080;
//	                        a port of 0 picks a free one)
//	LIVEBLOCKS_SECRET_KEY   use Liveblocks as the issuer ("sk_localdev" for
//	                        the dev server)
//	LIVEBLOCKS_BASE_URL     the Liveblocks API's address, for the dev server
//	SESSION_KEY             key signing the session cookies, at least 32
//	                        bytes; without it a random key is made at start
//	                        and logins do not survive a restart
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// shutdownTimeout bounds how long requests in flight may take to finish
// once the server is asked to stop.
const shutdownTimeout = 5 * time.Second

// setupTimeout bounds the set-up of the demo rooms on Liveblocks.
const setupTimeout = 30 * time.Second

// defaultTimeouts bound each connection to the server, so that a client
// that sends its request slowly (a slow-loris), or reads the answer slowly,
// cannot hold a connection for ever. The write timeout leaves room for the
// auth endpoint's call to Liveblocks (liveblocks.DefaultTimeout, 10s).
var defaultTimeouts = serverTimeouts{
	readHeader: 10 * time.Second,
	read:       15 * time.Second,
	write:      30 * time.Second,
	idle:       2 * time.Minute,
}

// main runs the example until SIGINT or SIGTERM, then shuts it down
// gracefully. It exits with status 2 on bad flags and 1 on other errors.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errUsage):
		os.Exit(2) // the flag package has already said what is wrong
	}
	fmt.Fprintln(os.Stderr, "liveauth example:", err)
	os.Exit(1)
}

// run reads the configuration from args and getenv, builds the app, and
// serves it until ctx is done, then shuts the server down gracefully. It
// prints the start-up lines to stdout and logs to stderr.
func run(
	ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer,
) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.logger = logger

	setupCtx, cancel := context.WithTimeout(ctx, setupTimeout)
	a, err := newApp(setupCtx, cfg, stdout)
	cancel()
	if err != nil {
		return err
	}

	// Listen first, then serve, so that the line below names the real
	// port even when the address asks for any free one (":0").
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "liveauth example listening on %s\n", listenURL(cfg.addr, ln.Addr()))

	srv := newServer(cfg, a)
	srv.RegisterOnShutdown(a.Close) // the live room's streams never end by themselves
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err // Serve only returns on failure here
	case <-ctx.Done():
	}

	// Stop accepting connections and let requests in flight finish.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newServer returns the server for h, with cfg.timeouts (a zero field
// takes its value from defaultTimeouts) and an error log that goes to
// cfg.logger at level warn.
func newServer(cfg config, h http.Handler) *http.Server {
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := cfg.timeouts
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cmp.Or(t.readHeader, defaultTimeouts.readHeader),
		ReadTimeout:       cmp.Or(t.read, defaultTimeouts.read),
		WriteTimeout:      cmp.Or(t.write, defaultTimeouts.write),
		IdleTimeout:       cmp.Or(t.idle, defaultTimeouts.idle),
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// listenURL returns the address a browser should open for a server that
// was asked to listen on addr and listens on actual. The host comes from
// addr, so "localhost" stays "localhost"; a host left empty or unspecified
// ("0.0.0.0") is reachable as localhost. The port comes from actual, which
// matters when addr asked for port 0.
func listenURL(addr string, actual net.Addr) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host = ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	if tcp, ok := actual.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	}
	return "http://" + net.JoinHostPort(host, port)
}
