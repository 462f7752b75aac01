package userresolver_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/liveauth/liveauth/userresolver"
)

// callLog records which resolvers were called, in order.
type callLog struct {
	mu    sync.Mutex
	names []string
}

// resolver returns a resolver called name that records its calls in l and
// answers with u and err.
func (l *callLog) resolver(name string, u userresolver.User, err error) userresolver.UserResolver {
	return userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.names = append(l.names, name)
		return u, err
	})
}

// calls returns the names of the resolvers called so far.
func (l *callLog) calls() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.names)
}

func TestFirstResolveUser(t *testing.T) {
	t.Parallel()

	errDatabaseDown := errors.New("database is down")
	noSession := fmt.Errorf("%w: no session", userresolver.ErrNoUser)
	noContextUser := fmt.Errorf("%w: no context user", userresolver.ErrNoUser)
	ada := userresolver.User{ID: "ada", GroupIDs: []string{"editors"}}
	bob := userresolver.User{ID: "bob"}

	// answer is what one resolver in the chain says.
	type answer struct {
		user userresolver.User
		err  error
	}

	tests := []struct {
		name      string
		answers   []answer
		wantCalls []string
		want      result
	}{
		{
			name:      "the first user found is returned and later resolvers are not asked",
			answers:   []answer{{user: ada}, {user: bob}},
			wantCalls: []string{"r0"},
			want:      result{user: ada},
		},
		{
			name:      "nobody logged in passes on to the next resolver",
			answers:   []answer{{err: noContextUser}, {user: bob}, {user: ada}},
			wantCalls: []string{"r0", "r1"},
			want:      result{user: bob},
		},
		{
			name:      "a forbidden user stops the chain",
			answers:   []answer{{err: noContextUser}, {err: userresolver.ErrForbidden}, {user: ada}},
			wantCalls: []string{"r0", "r1"},
			want:      result{errs: []error{userresolver.ErrForbidden}},
		},
		{
			name:      "a fault stops the chain",
			answers:   []answer{{err: errDatabaseDown}, {user: ada}},
			wantCalls: []string{"r0"},
			want:      result{errs: []error{errDatabaseDown}, fault: true, foreign: true},
		},
		{
			name:      "when every resolver finds nobody the result matches each of their errors",
			answers:   []answer{{err: noContextUser}, {err: noSession}},
			wantCalls: []string{"r0", "r1"},
			want: result{
				errs: []error{userresolver.ErrNoUser, noContextUser, noSession},
				text: "no resolver found a user",
			},
		},
		{
			name:      "a single resolver's error is returned as it is",
			answers:   []answer{{err: noSession}},
			wantCalls: []string{"r0"},
			want:      result{errs: []error{userresolver.ErrNoUser, noSession}, text: "no session"},
		},
		{
			name:      "no resolvers means nobody is logged in",
			answers:   nil,
			wantCalls: nil,
			want:      result{errs: []error{userresolver.ErrNoUser}, text: "no resolvers to try"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var log callLog
			var resolvers []userresolver.UserResolver
			for i, a := range tt.answers {
				resolvers = append(resolvers, log.resolver(fmt.Sprintf("r%d", i), a.user, a.err))
			}

			got, err := userresolver.First(resolvers...).ResolveUser(authRequest())
			tt.want.check(t, got, err)
			if calls := log.calls(); !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("resolvers called = %q, want %q", calls, tt.wantCalls)
			}
		})
	}
}

func TestFirstCopiesTheResolvers(t *testing.T) {
	t.Parallel()

	var log callLog
	resolvers := []userresolver.UserResolver{log.resolver("original", userresolver.User{ID: "ada"}, nil)}
	first := userresolver.First(resolvers...)

	// The caller reuses its slice afterwards.
	resolvers[0] = log.resolver("replacement", userresolver.User{ID: "mallory"}, nil)

	got, err := first.ResolveUser(authRequest())
	result{user: userresolver.User{ID: "ada"}}.check(t, got, err)
	if calls, want := log.calls(), []string{"original"}; !slices.Equal(calls, want) {
		t.Errorf("resolvers called = %q, want %q", calls, want)
	}
}

func TestFirstPanicsOnNilResolver(t *testing.T) {
	t.Parallel()

	mustPanic(t, "userresolver: First: resolver 1 is nil", func() {
		userresolver.First(userresolver.Context(), nil)
	})
}
