package token

import "time"

// WithRefreshIntervalForTest sets the background refresh interval of a
// remote Verifier below MinRefreshInterval, so that tests need not wait.
func WithRefreshIntervalForTest(d time.Duration) VerifierOption {
	return func(c *verifierConfig) { c.testInterval = d }
}

// IsLoopback is isLoopback, which decides whether a JWK Set URL may use
// plain http.
var IsLoopback = isLoopback

// ClaimNames returns the claim names that Verify refuses in another case.
func ClaimNames() []string { return append([]string(nil), claimNames...) }

// CheckPayload is checkPayload, which Verify runs on every payload.
var CheckPayload = checkPayload

// CutError is the cutError Verify wraps a refused token's cause in.
func CutError(err error) error { return cutError{err} }

// ForEachMember is forEachMember, the scanner behind checkPayload.
var ForEachMember = forEachMember
