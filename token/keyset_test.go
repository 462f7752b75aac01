package token_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/liveauth/liveauth/token"
)

// ids returns the key IDs of set, in order.
func ids(set *token.KeySet) []string {
	var out []string
	for _, k := range set.Keys() {
		out = append(out, k.ID())
	}
	return out
}

func TestNewKeySet(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.es, k.ed, k.rs)
	if got, want := ids(set), []string{k.es.ID(), k.ed.ID(), k.rs.ID()}; !slices.Equal(got, want) {
		t.Errorf("Keys: got %v, want %v", got, want)
	}
	if set.Len() != 3 || set.Active().ID() != k.es.ID() {
		t.Errorf("got Len %d, active %v; want 3, %v", set.Len(), set.Active(), k.es)
	}
	if got, ok := set.Lookup(k.rs.ID()); !ok || got.ID() != k.rs.ID() {
		t.Errorf("Lookup(rs): got %v, %v; want %v, true", got, ok, k.rs)
	}
	if got, ok := set.Lookup("nope"); ok {
		t.Errorf("Lookup(nope): got %v, true; want false", got)
	}

	// Keys returns a copy.
	keys := set.Keys()
	keys[0] = k.hs
	if set.Active().ID() != k.es.ID() {
		t.Errorf("changing the result of Keys changed the set")
	}

	tests := []struct {
		name        string
		active      token.Key
		older       []token.Key
		wantMessage string
	}{
		{
			name:        "a zero active key is refused",
			active:      token.Key{},
			wantMessage: "token: key is the zero Key (key 0 of the set)",
		},
		{
			name:        "a zero older key is refused",
			active:      k.es,
			older:       []token.Key{k.ed, {}},
			wantMessage: "token: key is the zero Key (key 2 of the set)",
		},
		{
			name:        "two keys of one ID are refused",
			active:      k.es,
			older:       []token.Key{must(k.ed.WithID(k.es.ID()))},
			wantMessage: fmt.Sprintf("token: two keys of the set have the ID %q", k.es.ID()),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if _, err := token.NewKeySet(tt.active, tt.older...); err == nil || err.Error() != tt.wantMessage {
				t.Errorf("got error %v, want %q", err, tt.wantMessage)
			}
		})
	}
}

func TestKeySetRotate(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.es, k.ed)
	tests := []struct {
		name        string
		next        token.Key
		wantIDs     []string
		wantSame    bool // Rotate returns the set itself
		wantMessage string
	}{
		{
			name:    "a new key becomes active and the old active key comes first among the older",
			next:    k.rs,
			wantIDs: []string{k.rs.ID(), k.es.ID(), k.ed.ID()},
		},
		{
			name:    "an older key published in advance moves to the front",
			next:    k.ed,
			wantIDs: []string{k.ed.ID(), k.es.ID()},
		},
		{
			name:     "the active key again changes nothing",
			next:     k.es,
			wantIDs:  []string{k.es.ID(), k.ed.ID()},
			wantSame: true,
		},
		{
			name:        "another key under an ID of the set is refused",
			next:        must(k.rs.WithID(k.ed.ID())),
			wantMessage: fmt.Sprintf("token: key ID %q already names another key of the set", k.ed.ID()),
		},
		{
			name:        "another key under the active ID is refused",
			next:        must(k.hs.WithID(k.es.ID())),
			wantMessage: fmt.Sprintf("token: key ID %q already names another key of the set", k.es.ID()),
		},
		{
			name:        "the zero Key is refused",
			next:        token.Key{},
			wantMessage: "token: key is the zero Key",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := set.Rotate(tt.next)
			if tt.wantMessage != "" {
				if err == nil || err.Error() != tt.wantMessage {
					t.Fatalf("got error %v, want %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.Equal(ids(got), tt.wantIDs) {
				t.Errorf("keys: got %v, want %v", ids(got), tt.wantIDs)
			}
			if (got == set) != tt.wantSame {
				t.Errorf("same set: got %v, want %v", got == set, tt.wantSame)
			}
			// The original set never changes.
			if want := []string{k.es.ID(), k.ed.ID()}; !slices.Equal(ids(set), want) {
				t.Errorf("original set: got %v, want %v", ids(set), want)
			}
		})
	}
}

func TestKeySetRotatePromotesThePrivateKey(t *testing.T) {
	t.Parallel()

	// A verification-only key published in advance is replaced by its
	// private form when it becomes active.
	k := testKeys()
	pub := must(token.NewPublicKey(&k.rsRaw.PublicKey))
	set := must(mustSet(t, k.es, pub).Rotate(k.rs))
	if !set.Active().CanSign() {
		t.Errorf("active key: got %v, want one that can sign", set.Active())
	}
	if _, err := token.NewKeySetSigner(set); err != nil {
		t.Errorf("NewKeySetSigner: got error %v, want none", err)
	}
}

func TestKeySetWithout(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.es, k.ed, k.rs)
	tests := []struct {
		name        string
		kid         string
		wantIDs     []string
		wantMessage string
	}{
		{name: "an older key is dropped", kid: k.ed.ID(), wantIDs: []string{k.es.ID(), k.rs.ID()}},
		{name: "the last key is dropped", kid: k.rs.ID(), wantIDs: []string{k.es.ID(), k.ed.ID()}},
		{
			name:        "the active key is refused",
			kid:         k.es.ID(),
			wantMessage: fmt.Sprintf("token: key %q is the active key; rotate to another key before removing it", k.es.ID()),
		},
		{
			name:        "an unknown key is refused",
			kid:         "nope",
			wantMessage: `token: no key "nope" in the set`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := set.Without(tt.kid)
			if tt.wantMessage != "" {
				if err == nil || err.Error() != tt.wantMessage {
					t.Fatalf("got error %v, want %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.Equal(ids(got), tt.wantIDs) {
				t.Errorf("keys: got %v, want %v", ids(got), tt.wantIDs)
			}
			if want := []string{k.es.ID(), k.ed.ID(), k.rs.ID()}; !slices.Equal(ids(set), want) {
				t.Errorf("original set: got %v, want %v", ids(set), want)
			}
		})
	}
}

func TestKeySetRotateHMAC(t *testing.T) {
	t.Parallel()

	k := testKeys()
	set := mustSet(t, k.hs)
	other := must(must(token.GenerateKey(token.HS256)).WithID(k.hs.ID()))
	wantMessage := fmt.Sprintf("token: key ID %q already names another key of the set", k.hs.ID())
	if _, err := set.Rotate(other); err == nil || err.Error() != wantMessage {
		t.Errorf("another secret under the same ID: got error %v, want %q", err, wantMessage)
	}
	if got, err := set.Rotate(must(token.NewHMACKey(testSecret))); err != nil || got != set {
		t.Errorf("the same secret again: got %v, %v; want the same set", got, err)
	}
}
