package token

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"
)

// Defaults and limits of a [Signer].
const (
	// DefaultLifetime is the lifetime of tokens from a Signer built without
	// [WithLifetime].
	DefaultLifetime = time.Hour

	// MinLifetime is the shortest lifetime [WithLifetime] accepts. The
	// Liveblocks client keeps a token for its lifetime minus a 30-second
	// safety buffer, so a shorter token would be refetched almost at once.
	MinLifetime = time.Minute

	// MaxLifetime is the longest lifetime [WithLifetime] accepts. A token
	// cannot be revoked, so it should not outlive a working day.
	MaxLifetime = 24 * time.Hour

	// DefaultProjectID is the "pid" claim of tokens from a Signer built
	// without [WithProjectID].
	DefaultProjectID = "liveauth"
)

// SignerOption configures a [Signer]. Options are applied in order, so a
// later option overrides an earlier one of the same kind; [NewSigner]
// checks the result once all have run.
type SignerOption func(*signerConfig)

// signerConfig collects what the options set before NewSigner checks it.
type signerConfig struct {
	lifetime  time.Duration
	projectID string
	now       func() time.Time
	keyID     *string // nil: derive from the public key
}

// defaultSignerConfig returns the configuration used when no option is
// given.
func defaultSignerConfig() signerConfig {
	return signerConfig{
		lifetime:  DefaultLifetime,
		projectID: DefaultProjectID,
		now:       time.Now,
	}
}

// WithLifetime sets how long issued tokens stay valid (exp − iat). The
// default is [DefaultLifetime]; d must lie between [MinLifetime] and
// [MaxLifetime]. JWT times are whole seconds, so a fraction of a second is
// dropped.
func WithLifetime(d time.Duration) SignerOption {
	return func(c *signerConfig) { c.lifetime = d }
}

// WithProjectID sets the "pid" claim of issued tokens. The default is
// [DefaultProjectID]; id must not be empty. A self-hosted realtime server
// may use it to tell projects apart.
func WithProjectID(id string) SignerOption {
	return func(c *signerConfig) { c.projectID = id }
}

// WithClock sets the function that tells the current time, which becomes the
// "iat" claim. The default is [time.Now]; tests pass a fixed clock. now must
// not be nil and must be safe for concurrent use.
func WithClock(now func() time.Time) SignerOption {
	return func(c *signerConfig) { c.now = now }
}

// WithKeyID sets the "kid" header of issued tokens. The default is the
// RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of the
// signer's public key, which changes whenever the key does; kid must not be
// empty.
//
// Set it when verifiers look keys up under a name of your own, for example
// a key ID given by a key management service. It applies to [NewSigner]
// only; [NewKeySetSigner] refuses it, since each key of a set has its own
// ID (see [Key.WithID]).
func WithKeyID(kid string) SignerOption {
	return func(c *signerConfig) { c.keyID = &kid }
}

// Defaults and limits of a [Verifier].
const (
	// DefaultLeeway is the clock skew a Verifier built without
	// [WithLeeway] tolerates on "exp", "nbf" and "iat".
	DefaultLeeway = time.Minute

	// MaxLeeway is the largest leeway [WithLeeway] accepts.
	MaxLeeway = 5 * time.Minute

	// MaxTokenLen is the longest token, in bytes, that [Verifier.Verify]
	// parses. Tokens of this package stay far below it: user info is
	// limited to [MaxUserInfoLen] characters and an access token to ten
	// room patterns.
	MaxTokenLen = 16 << 10

	// DefaultRefreshInterval is how often a remote Verifier built without
	// [WithRefreshInterval] fetches its JWK Set again.
	DefaultRefreshInterval = 5 * time.Minute

	// MinRefreshInterval and MaxRefreshInterval bound
	// [WithRefreshInterval].
	MinRefreshInterval = 30 * time.Second
	MaxRefreshInterval = 24 * time.Hour

	// DefaultHTTPTimeout bounds each JWK Set request of a remote Verifier
	// built without [WithHTTPTimeout].
	DefaultHTTPTimeout = 10 * time.Second

	// MaxHTTPTimeout is the longest timeout [WithHTTPTimeout] accepts.
	MaxHTTPTimeout = time.Minute

	// DefaultMaxJWKSSize is the largest JWK Set document, in bytes, that a
	// remote Verifier built without [WithMaxJWKSSize] reads.
	DefaultMaxJWKSSize = 256 << 10

	// MaxJWKSSize is the largest limit [WithMaxJWKSSize] accepts.
	MaxJWKSSize = 8 << 20

	// MaxRemoteKeys is the largest number of keys a remote JWK Set may
	// list; a longer one is refused as a whole.
	MaxRemoteKeys = 100

	// DefaultUnknownKeyRefresh is the shortest time between two fetches
	// of the JWK Set that tokens naming an unknown key cause, for a remote
	// Verifier built without [WithUnknownKeyRefresh].
	DefaultUnknownKeyRefresh = 30 * time.Second

	// MinUnknownKeyRefresh and MaxUnknownKeyRefresh bound
	// [WithUnknownKeyRefresh].
	MinUnknownKeyRefresh = time.Second
	MaxUnknownKeyRefresh = time.Hour
)

// VerifierOption configures a [Verifier]. Options are applied in order, so
// a later option overrides an earlier one of the same kind; the constructor
// checks the result once all have run. Options marked "remote only" make
// [NewVerifier] fail.
type VerifierOption func(*verifierConfig)

// verifierConfig collects what the options set before a constructor checks
// it.
type verifierConfig struct {
	leeway    time.Duration
	now       func() time.Time
	projectID *string

	// Remote only.
	client          *http.Client
	httpTimeout     time.Duration
	refreshInterval time.Duration
	maxJWKSSize     int64
	unknownRefresh  time.Duration
	logger          *slog.Logger
	plainHTTP       bool

	// remoteOptions names the remote-only options given, in order.
	remoteOptions []string

	// testInterval, when positive, replaces refreshInterval after the
	// checks; set by tests only (export_test.go).
	testInterval time.Duration
}

// defaultVerifierConfig returns the configuration used when no option is
// given.
func defaultVerifierConfig() verifierConfig {
	return verifierConfig{
		leeway:          DefaultLeeway,
		now:             time.Now,
		httpTimeout:     DefaultHTTPTimeout,
		refreshInterval: DefaultRefreshInterval,
		maxJWKSSize:     DefaultMaxJWKSSize,
		unknownRefresh:  DefaultUnknownKeyRefresh,
	}
}

// check reports the first setting out of range.
func (c *verifierConfig) check(remote bool) error {
	switch {
	case c.leeway < 0:
		return fmt.Errorf("token: leeway %v is negative", c.leeway)
	case c.leeway > MaxLeeway:
		return fmt.Errorf("token: leeway %v is longer than the maximum %v", c.leeway, MaxLeeway)
	case c.now == nil:
		return errors.New("token: clock is nil")
	case c.projectID != nil && *c.projectID == "":
		return errors.New("token: expected project ID is empty")
	case !remote && len(c.remoteOptions) > 0:
		return fmt.Errorf("token: %s applies to NewRemoteVerifier only", c.remoteOptions[0])
	case c.client == nil && slices.Contains(c.remoteOptions, "WithHTTPClient"):
		return errors.New("token: HTTP client is nil")
	case c.httpTimeout <= 0 || c.httpTimeout > MaxHTTPTimeout:
		return fmt.Errorf("token: HTTP timeout %v is not between 0s and %v", c.httpTimeout, MaxHTTPTimeout)
	case c.refreshInterval < MinRefreshInterval || c.refreshInterval > MaxRefreshInterval:
		return fmt.Errorf("token: refresh interval %v is not between %v and %v",
			c.refreshInterval, MinRefreshInterval, MaxRefreshInterval)
	case c.maxJWKSSize < 1 || c.maxJWKSSize > MaxJWKSSize:
		return fmt.Errorf("token: JWK Set size limit %d is not between 1 and %d bytes", c.maxJWKSSize, MaxJWKSSize)
	case c.unknownRefresh < MinUnknownKeyRefresh || c.unknownRefresh > MaxUnknownKeyRefresh:
		return fmt.Errorf("token: unknown-key refresh limit %v is not between %v and %v",
			c.unknownRefresh, MinUnknownKeyRefresh, MaxUnknownKeyRefresh)
	}
	return nil
}

// remoteOption marks an option as remote only.
func remoteOption(name string, set func(*verifierConfig)) VerifierOption {
	return func(c *verifierConfig) {
		c.remoteOptions = append(c.remoteOptions, name)
		set(c)
	}
}

// WithLeeway sets how much clock skew between signer and verifier is
// tolerated: a token is still accepted up to d after its "exp", from d
// before its "nbf", and with an "iat" up to d in the future. The default is
// [DefaultLeeway]; d must lie between 0 and [MaxLeeway].
func WithLeeway(d time.Duration) VerifierOption {
	return func(c *verifierConfig) { c.leeway = d }
}

// WithVerifierClock sets the function that tells the current time, against
// which "exp", "nbf" and "iat" are checked (it is passed to jwt/v5's
// WithTimeFunc), and which paces refreshes on unknown keys. The default is
// [time.Now]; tests pass a fixed clock. now must not be nil and must be
// safe for concurrent use.
func WithVerifierClock(now func() time.Time) VerifierOption {
	return func(c *verifierConfig) { c.now = now }
}

// WithExpectedProjectID makes the Verifier refuse tokens whose "pid" claim
// is not id (see [WithProjectID] on the signing side). By default any
// project ID is accepted. id must not be empty.
func WithExpectedProjectID(id string) VerifierOption {
	return func(c *verifierConfig) { c.projectID = &id }
}

// WithHTTPClient sets the client that fetches the JWK Set (remote only),
// for a proxy or custom TLS roots, say. The default is a client of its own,
// over a clone of [http.DefaultTransport] whose idle connections
// [Verifier.Close] closes, that follows at most 5 redirects and none to
// plain http (see [NewRemoteVerifier]); a client given here keeps its own
// redirect policy and connections. Each request is still bounded by
// [WithHTTPTimeout]. client must not be nil.
func WithHTTPClient(client *http.Client) VerifierOption {
	return remoteOption("WithHTTPClient", func(c *verifierConfig) { c.client = client })
}

// WithHTTPTimeout bounds each JWK Set request, from connecting to reading
// the last byte (remote only). The default is [DefaultHTTPTimeout]; d must
// be positive and at most [MaxHTTPTimeout].
func WithHTTPTimeout(d time.Duration) VerifierOption {
	return remoteOption("WithHTTPTimeout", func(c *verifierConfig) { c.httpTimeout = d })
}

// WithRefreshInterval sets how often the JWK Set is fetched again in the
// background (remote only). A key removed from the set stops verifying
// at the latest this long after its removal. The default is
// [DefaultRefreshInterval]; d must lie between [MinRefreshInterval] and
// [MaxRefreshInterval].
func WithRefreshInterval(d time.Duration) VerifierOption {
	return remoteOption("WithRefreshInterval", func(c *verifierConfig) { c.refreshInterval = d })
}

// WithMaxJWKSSize sets the largest JWK Set document read, in bytes (remote
// only); a larger one fails the fetch. The default is
// [DefaultMaxJWKSSize]; n must lie between 1 and [MaxJWKSSize].
func WithMaxJWKSSize(n int64) VerifierOption {
	return remoteOption("WithMaxJWKSSize", func(c *verifierConfig) { c.maxJWKSSize = n })
}

// WithUnknownKeyRefresh sets the shortest time between two fetches of the
// JWK Set caused by tokens that name an unknown key (remote only). Such a
// fetch lets a rotated key verify at once; the limit keeps forged key IDs
// from turning each request into a fetch. Within the limit, a token naming
// an unknown key gets [ErrKeysUnavailable] (retry later), since a key
// published after the last fetch cannot be told from a forged one. It also
// spaces the retries after a failed background refresh. The default is
// [DefaultUnknownKeyRefresh]; d must lie between [MinUnknownKeyRefresh]
// and [MaxUnknownKeyRefresh].
func WithUnknownKeyRefresh(d time.Duration) VerifierOption {
	return remoteOption("WithUnknownKeyRefresh", func(c *verifierConfig) { c.unknownRefresh = d })
}

// WithLogger sets where failed background refreshes are logged, at level
// error, and skipped keys at level debug (remote only). By default nothing
// is logged. Log records hold the URL without its password, never a token
// or a key.
func WithLogger(logger *slog.Logger) VerifierOption {
	return remoteOption("WithLogger", func(c *verifierConfig) { c.logger = logger })
}

// WithPlainHTTP allows a JWK Set URL of scheme http for a host that is not
// a loopback address (remote only).
//
// Security: whoever can change the document on its way can add a key of
// their own and forge any token. Use it only on a network you trust
// entirely.
func WithPlainHTTP() VerifierOption {
	return remoteOption("WithPlainHTTP", func(c *verifierConfig) { c.plainHTTP = true })
}

// Defaults of the [JWKS] handler.
const (
	// DefaultJWKSMaxAge is the Cache-Control max-age of a JWKS handler
	// built without [WithMaxAge].
	DefaultJWKSMaxAge = 5 * time.Minute
)

// JWKSOption configures the [JWKS] handler.
type JWKSOption func(*jwksConfig)

// jwksConfig collects what the options set before JWKS checks it.
type jwksConfig struct {
	maxAge time.Duration
}

// WithMaxAge sets how long clients and caches may keep the JWK Set (the
// Cache-Control max-age, in whole seconds). The default is
// [DefaultJWKSMaxAge]; d must not be negative. A key must be published at
// least this long before it signs (see [KeySet]).
func WithMaxAge(d time.Duration) JWKSOption {
	return func(c *jwksConfig) { c.maxAge = d }
}
