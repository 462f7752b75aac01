package token

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// KeySet is one active key, which signs, and older keys kept to verify the
// tokens they signed until those expire: the unit of key rotation.
//
// Make a KeySet with [NewKeySet]; a zero KeySet holds no key and is
// refused everywhere.
//
// A KeySet is immutable: [KeySet.Rotate] and [KeySet.Without] return a new
// set and leave the old one as it was, so a set can be shared freely and is
// safe for concurrent use. A [Signer] or [Verifier] switches to a new set
// atomically with its UseKeys method.
//
// A rotation with overlap, so that no valid token is ever refused, goes:
//
//  1. Publish the next key before signing with it: set, _ =
//     token.NewKeySet(current, next, ...) keeps signing with current while
//     verifiers (and the [JWKS] document) learn next. Wait for remote
//     verifiers to pick it up: the JWKS max-age plus their refresh interval.
//  2. set, _ = set.Rotate(next): next signs, current still verifies.
//  3. After the longest token lifetime plus the verifiers' leeway,
//     set, _ = set.Without(current.ID()).
//
// Skip step 1 and tokens of the new key are turned away for a while. A
// [Verifier] built by [NewRemoteVerifier] fetches the key set again when a
// token names a key it does not know, but at most once per
// [WithUnknownKeyRefresh] (30 seconds by default), and anyone can use up
// that allowance with forged key IDs; until its next fetch it answers such
// tokens with [ErrKeysUnavailable] ("cannot tell", 503: the client
// retries), not [ErrInvalidToken]. A fetch that still gets the old
// document, from a cache along the way, refuses them as invalid. A
// [Verifier] built by [NewVerifier] knows only the keys given to it
// (UseKeys).
type KeySet struct {
	// keys[0] is the active key; the older keys follow, newest first.
	keys []Key
}

// NewKeySet returns a set whose active key is active, with older kept for
// verification only, in that order. Every key must come from a constructor
// of this package and have its own key ID.
//
// The active key may be a verification-only key (see [NewPublicKey]) when
// the set only verifies; [NewKeySetSigner] needs an active key that can
// sign.
func NewKeySet(active Key, older ...Key) (*KeySet, error) {
	keys := make([]Key, 0, 1+len(older))
	keys = append(keys, active)
	keys = append(keys, older...)
	return newKeySet(keys)
}

// newKeySet checks keys and takes ownership of the slice.
func newKeySet(keys []Key) (*KeySet, error) {
	for i, k := range keys {
		if err := k.check(); err != nil {
			return nil, fmt.Errorf("%w (key %d of the set)", err, i)
		}
		if slices.ContainsFunc(keys[:i], func(o Key) bool { return o.id == k.id }) {
			return nil, fmt.Errorf("token: two keys of the set have the ID %q", k.id)
		}
	}
	return &KeySet{keys: keys}, nil
}

// Active returns the key that signs.
func (s *KeySet) Active() Key { return s.keys[0] }

// Keys returns every key of the set, the active key first and then the
// older keys, newest first. The slice is a copy.
func (s *KeySet) Keys() []Key { return slices.Clone(s.keys) }

// Len returns the number of keys in the set, the active key included.
func (s *KeySet) Len() int { return len(s.keys) }

// Lookup returns the key named kid, and whether there is one.
func (s *KeySet) Lookup(kid string) (Key, bool) {
	for _, k := range s.keys {
		if k.id == kid {
			return k, true
		}
	}
	return Key{}, false
}

// Rotate returns a new set in which next is the active key and the current
// active key is kept, first among the older keys, to verify the tokens it
// signed. s is unchanged.
//
// If next is already one of the older keys (published in advance, as the
// [KeySet] rotation steps advise), it moves to the front; if it is already
// the active key, Rotate returns s itself. A key ID in the set that names
// different key material is an error, as is the zero Key.
func (s *KeySet) Rotate(next Key) (*KeySet, error) {
	if err := next.check(); err != nil {
		return nil, err
	}

	keys := make([]Key, 0, len(s.keys)+1)
	keys = append(keys, next)
	for i, k := range s.keys {
		if k.id != next.id {
			keys = append(keys, k)
			continue
		}
		if !sameMaterial(k, next) {
			return nil, fmt.Errorf("token: key ID %q already names another key of the set", next.id)
		}
		if i == 0 {
			return s, nil
		}
		// An older key becomes active: drop its old place.
	}
	return &KeySet{keys: keys}, nil
}

// Without returns a new set without the key named kid, for a key retired
// once the tokens it signed have expired. s is unchanged. Removing the
// active key is an error (rotate to another key first), as is a kid the set
// does not hold.
func (s *KeySet) Without(kid string) (*KeySet, error) {
	i := slices.IndexFunc(s.keys, func(k Key) bool { return k.id == kid })
	switch {
	case i < 0:
		return nil, fmt.Errorf("token: no key %q in the set", kid)
	case i == 0:
		return nil, fmt.Errorf("token: key %q is the active key; rotate to another key before removing it", kid)
	}
	return &KeySet{keys: slices.Delete(slices.Clone(s.keys), i, i+1)}, nil
}

// String lists the keys of the set by algorithm and ID, the active key
// first, never their key material.
func (s *KeySet) String() string {
	if s == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString("KeySet[active ")
	for i, k := range s.keys {
		if i == 1 {
			b.WriteString("; older ")
		} else if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString(k.String())
	}
	b.WriteString("]")
	return b.String()
}

// Format writes [KeySet.String] whatever the verb, so that no fmt verb can
// print the key material.
func (s *KeySet) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, s.String())
}

// check reports whether s was made by a constructor of this package.
func (s *KeySet) check() error {
	if s == nil || len(s.keys) == 0 {
		return errors.New("token: key set is nil or empty")
	}
	return nil
}

// checkSigning reports whether s can back a Signer.
func (s *KeySet) checkSigning() error {
	if err := s.check(); err != nil {
		return err
	}
	if !s.keys[0].CanSign() {
		return fmt.Errorf("token: active key %q cannot sign (it is a public key)", s.keys[0].id)
	}
	return nil
}
