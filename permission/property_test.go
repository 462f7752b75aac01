package permission

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// These tests check, over many random scope lists, the properties that
// core's permissions.test.ts checks with fast-check. The generator is
// seeded, so failures reproduce.

const propertyRuns = 3000

// randomList returns up to 8 distinct known scopes in random order.
func randomList(r *rand.Rand) []Scope {
	n := r.IntN(9)
	perm := r.Perm(len(allScopes))[:n]
	out := make([]Scope, n)
	for i, j := range perm {
		out[i] = allScopes[j]
	}
	return out
}

// randomLegalSet returns a random list that passes ValidateSet.
func randomLegalSet(r *rand.Rand) []Scope {
	for {
		if list := randomList(r); ValidateSet(list) == nil {
			return list
		}
	}
}

// randomRoom returns random accesses with up to 4 groups, all of which the
// user belongs to.
func randomRoom(r *rand.Rand) (Accesses, []string) {
	groups := make([][]Scope, r.IntN(5))
	for i := range groups {
		groups[i] = randomList(r)
	}
	return room(randomList(r), groups, randomList(r))
}

func newRand(t *testing.T) *rand.Rand {
	t.Helper()
	return rand.New(rand.NewPCG(20261203, uint64(len(t.Name()))))
}

func hasBase(list []Scope) bool {
	return slices.ContainsFunc(list, Scope.IsBase)
}

func TestPropertyMinimalScopesResolveToTheSameLevels(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		list := randomList(r)
		lv := mustResolve(t, list)
		if again := mustResolve(t, lv.Scopes()); again != lv {
			t.Fatalf("%q: levels %v, but its scopes %q give %v", list, lv, lv.Scopes(), again)
		}
	}
}

func TestPropertyLegalSetsRoundTrip(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		list := randomLegalSet(r)
		lv := mustResolve(t, list)
		out := lv.Scopes()
		if err := ValidateSet(out); err != nil {
			t.Fatalf("%q gives scopes %q that do not validate: %v", list, out, err)
		}
		if again := mustResolve(t, out); again != lv {
			t.Fatalf("%q: %v, round trip %v", list, lv, again)
		}
	}
}

func TestPropertyPersonalFollowsTheBase(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		list := randomList(r)
		want := LevelNone
		if hasBase(list) {
			want = LevelWrite
		}
		if got := mustResolve(t, list).Personal; got != want {
			t.Fatalf("%q: personal %v, want %v", list, got, want)
		}
	}
}

func TestPropertyNoneScopesNeverAddAccess(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	nones := []Scope{StorageNone, CommentsNone, CommentsPublicNone, CommentsPrivateNone, FeedsNone}
	for range propertyRuns {
		list := randomList(r)
		before := mustResolve(t, list)
		after := mustResolve(t, append(slices.Clone(list), nones[r.IntN(len(nones))]))
		for _, f := range Features() {
			if after.Level(f) > before.Level(f) {
				t.Fatalf("%q: adding a none scope raised %v from %v to %v", list, f, before.Level(f), after.Level(f))
			}
		}
	}
}

func TestPropertyLegacyBaseNamesAreAliases(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	aliases := map[Scope]Scope{Read: RoomRead, Write: RoomWrite}
	for range propertyRuns {
		list := randomList(r)
		legacy := slices.Clone(list)
		for i, s := range legacy {
			if alias, ok := aliases[s]; ok {
				legacy[i] = alias
			}
		}
		if a, b := mustResolve(t, list), mustResolve(t, legacy); a != b {
			t.Fatalf("%q gives %v, %q gives %v", list, a, legacy, b)
		}
	}
}

func TestPropertyCanMatchesTheLevels(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		lv := mustResolve(t, randomList(r))
		for _, f := range Features() {
			have := lv.Level(f)
			if f == Comments {
				have = max(lv.Comments, lv.CommentsPublic, lv.CommentsPrivate)
			}
			for _, want := range []Level{LevelRead, LevelWrite} {
				if got := lv.Can(f, want); got != (have >= want) {
					t.Fatalf("%v: Can(%v, %v) = %v", lv, f, want, got)
				}
			}
		}
	}
}

func TestPropertyMergedScopesRoundTrip(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		a, ids := randomRoom(r)
		d := Effective(a, "alice", ids)
		out := d.Scopes()
		if again := mustResolve(t, out); again != d.Levels {
			t.Fatalf("%+v: %v, its scopes %q give %v", a, d.Levels, out, again)
		}
		if len(out) > 0 {
			if err := ValidateSet(out); err != nil {
				t.Fatalf("%+v: merged scopes %q do not validate: %v", a, out, err)
			}
		}
	}
}

func TestPropertyOneLayerAloneResolvesAsOneList(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		list := randomList(r)
		want := mustResolve(t, list)
		for name, a := range map[string]Accesses{
			"default": {Default: list},
			"group":   {Groups: map[string][]Scope{"g": list}},
			"user":    {Users: map[string][]Scope{"alice": list}},
		} {
			if got := Effective(a, "alice", []string{"g"}).Levels; got != want {
				t.Fatalf("%q as the only %s layer: %v, want %v", list, name, got, want)
			}
		}
		var g Grants
		if len(list) > 0 {
			if err := g.Allow("room*", list...); err != nil {
				t.Fatal(err)
			}
			if got, ok := g.For("room-1"); !ok || got != want {
				t.Fatalf("%q as the only grant: %v, %v; want %v", list, got, ok, want)
			}
		}
	}
}

func TestPropertyGroupOrderDoesNotMatter(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		a, ids := randomRoom(r)
		forward := Effective(a, "alice", ids)
		reversed := slices.Clone(ids)
		slices.Reverse(reversed)
		backward := Effective(a, "alice", reversed)
		if forward.Levels != backward.Levels {
			t.Fatalf("%+v: %v forward, %v backward", a, forward.Levels, backward.Levels)
		}
		for _, f := range Features() {
			if fr, br := forward.Reason(f), backward.Reason(f); fr.String() != br.String() {
				t.Fatalf("%+v: reason for %v is %v forward, %v backward", a, f, fr, br)
			}
		}
	}
}

func TestPropertyTheUserLayerWins(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		a, ids := randomRoom(r)
		user := a.Users["alice"]
		if !hasBase(user) {
			continue
		}
		got := Effective(a, "alice", ids)
		own := mustResolve(t, user)
		if got.Room != own.Room {
			t.Fatalf("%+v: base %v, the user's own is %v", a, got.Room, own.Room)
		}
		for _, f := range []Feature{Storage, Comments, Feeds} {
			if explicitOf(user).has[f] && got.Level(f) != own.Level(f) {
				t.Fatalf("%+v: %v is %v, the user's own is %v", a, f, got.Level(f), own.Level(f))
			}
		}
	}
}

func TestPropertyGroupsTakeTheHighestExplicitLevel(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		left, right := randomLegalSet(r), randomLegalSet(r)
		a, ids := room(nil, [][]Scope{left, right}, nil)
		got := Effective(a, "alice", ids)

		wantRoom := max(mustResolve(t, left).Room, mustResolve(t, right).Room)
		if got.Room != wantRoom {
			t.Fatalf("%q + %q: base %v, want %v", left, right, got.Room, wantRoom)
		}
		for _, f := range []Feature{Storage, Comments, Feeds} {
			want, named := LevelNone, false
			for _, list := range [][]Scope{left, right} {
				if explicitOf(list).has[f] {
					want, named = max(want, mustResolve(t, list).Level(f)), true
				}
			}
			if !named {
				want = got.Room
			}
			if got.Level(f) != want {
				t.Fatalf("%q + %q: %v is %v, want %v", left, right, f, got.Level(f), want)
			}
		}
	}
}

func TestPropertyReasonsExplainTheLevels(t *testing.T) {
	t.Parallel()
	r := newRand(t)
	for range propertyRuns {
		a, ids := randomRoom(r)
		d := Effective(a, "alice", ids)
		for _, f := range Features() {
			reason := d.Reason(f)
			if !d.CanEnter() {
				if reason.Layer != LayerNone {
					t.Fatalf("%+v: no access, but %v has reason %v", a, f, reason)
				}
				continue
			}
			info, ok := scopes[reason.Scope]
			level := d.Level(f)
			if f == Personal {
				level = d.Room // Personal follows the base scope
			}
			if !ok || info.level != level {
				t.Fatalf("%+v: %v is %v, explained by %v", a, f, d.Level(f), reason)
			}
			if reason.Layer == LayerGroup && len(reason.IDs) == 0 {
				t.Fatalf("%+v: %v decided by no group", a, f)
			}
		}
	}
}
