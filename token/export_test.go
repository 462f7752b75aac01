package token

import "time"

// WithRefreshIntervalForTest sets the background refresh interval of a
// remote Verifier below MinRefreshInterval, so that tests need not wait.
func WithRefreshIntervalForTest(d time.Duration) VerifierOption {
	return func(c *verifierConfig) { c.testInterval = d }
}
