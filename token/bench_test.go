package token_test

import (
	"context"
	"testing"

	"github.com/liveauth/liveauth/token"
)

// BenchmarkSign measures Signer.Issue for each algorithm, with the keys of
// testdata and a realistic identity.
func BenchmarkSign(b *testing.B) {
	for _, key := range testKeys().all() {
		b.Run(string(key.Algorithm()), func(b *testing.B) {
			s := must(token.NewKeySetSigner(mustSet(b, key), token.WithClock(fixedClock)))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Issue(ctx, benchIdentity); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify measures Verifier.Verify for each algorithm, against a
// set of all four keys.
func BenchmarkVerify(b *testing.B) {
	k := testKeys()
	v := mustVerifier(b, mustSet(b, k.es, k.ed, k.rs, k.hs))
	for _, key := range k.all() {
		b.Run(string(key.Algorithm()), func(b *testing.B) {
			s := must(token.NewKeySetSigner(mustSet(b, key), token.WithClock(fixedClock)))
			ctx := context.Background()
			raw := must(s.Issue(ctx, benchIdentity))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
