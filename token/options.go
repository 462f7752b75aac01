package token

import "time"

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
// a key ID given by a key management service.
func WithKeyID(kid string) SignerOption {
	return func(c *signerConfig) { c.keyID = &kid }
}
