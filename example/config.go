package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// defaultAddr is where the example listens unless -addr says otherwise.
const defaultAddr = "localhost:8080"

// minSessionKeyLen is the shortest SESSION_KEY accepted, in bytes: the
// length gorilla/securecookie recommends for an HMAC-SHA256 key.
const minSessionKeyLen = 32

// Names of the environment variables the example reads. The Liveblocks dev
// server exports the first two to the command it runs with -c.
const (
	envSecretKey  = "LIVEBLOCKS_SECRET_KEY"
	envBaseURL    = "LIVEBLOCKS_BASE_URL"
	envSessionKey = "SESSION_KEY"
)

// errUsage is returned by parseConfig for bad command-line flags, which the
// flag package has already reported.
var errUsage = errors.New("example: bad usage")

// config is what the example is run with.
type config struct {
	// addr is the address to listen on.
	addr string

	// sessionKey signs the session cookies; nil means a random key is
	// made at start.
	sessionKey []byte

	// liveblocksSecret selects Liveblocks as the issuer when not empty;
	// liveblocksBaseURL is its API's address, empty for the cloud.
	liveblocksSecret  string
	liveblocksBaseURL string

	// logger receives the endpoint's and the app's logs; nil discards
	// them.
	logger *slog.Logger

	// timeouts bound the server's connections; no flag sets them, so they
	// are zero, which means defaultTimeouts, except in tests.
	timeouts serverTimeouts

	// maxSubscribers and keepalive are the live rooms' limit of streams
	// per room and interval between keepalive comments; no flag sets
	// them, so they are zero, which means defaultMaxSubscribers and
	// defaultKeepalive, except in tests.
	maxSubscribers int
	keepalive      time.Duration
}

// serverTimeouts are the timeouts of the server's connections, as in
// http.Server: reading the request's header, reading the whole request,
// writing the answer (from the end of the header), and waiting for the
// next request on a kept-alive connection. A zero field means the value
// of defaultTimeouts.
type serverTimeouts struct {
	readHeader, read, write, idle time.Duration
}

// parseConfig reads the configuration from the command-line arguments
// (without the program name) and the environment, through getenv. Flag
// errors and the -h text are written to stderr.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./example [-addr host:port]\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nenvironment: %s, %s (Liveblocks as the issuer), "+
			"%s (session cookie key)\n", envSecretKey, envBaseURL, envSessionKey)
	}
	addr := fs.String("addr", defaultAddr, "`address` to listen on; port 0 picks a free one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return config{}, errUsage
	}

	cfg := config{
		addr:              *addr,
		liveblocksSecret:  getenv(envSecretKey),
		liveblocksBaseURL: getenv(envBaseURL),
	}
	if k := getenv(envSessionKey); k != "" {
		if len(k) < minSessionKeyLen {
			return config{}, fmt.Errorf("%s is %d bytes long, want at least %d (try: openssl rand -hex 32)",
				envSessionKey, len(k), minSessionKeyLen)
		}
		cfg.sessionKey = []byte(k)
	}
	return cfg, nil
}
