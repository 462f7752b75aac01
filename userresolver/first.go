package userresolver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// First returns a resolver that asks each of resolvers in turn. A resolver
// that reports [ErrNoUser] passes the request on to the next one. The first
// user found, or the first other error ([ErrForbidden] or a fault), is
// returned at once and the remaining resolvers are not called.
//
// When every resolver reports [ErrNoUser], or none is given, the result
// matches [ErrNoUser]; with several resolvers it also matches each of their
// errors through errors.Is and errors.As.
//
// First copies the resolvers slice, so the caller may reuse it. The result
// is safe for concurrent use if every resolver is. First panics if one of
// the resolvers is nil.
func First(resolvers ...UserResolver) UserResolver {
	for i, res := range resolvers {
		if res == nil {
			panic(fmt.Sprintf("userresolver: First: resolver %d is nil", i))
		}
	}
	return firstResolver(append([]UserResolver(nil), resolvers...))
}

// firstResolver is the resolver returned by [First].
type firstResolver []UserResolver

// ResolveUser implements [UserResolver].
func (f firstResolver) ResolveUser(r *http.Request) (User, error) {
	if len(f) == 0 {
		return User{}, fmt.Errorf("%w: no resolvers to try", ErrNoUser)
	}

	var misses noUserErrors
	for _, res := range f {
		u, err := res.ResolveUser(r)
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, ErrNoUser) {
			return User{}, err
		}
		misses = append(misses, err)
	}

	if len(misses) == 1 {
		return User{}, misses[0]
	}
	return User{}, misses
}

// noUserErrors gathers the [ErrNoUser] answers of the resolvers that
// [First] tried.
type noUserErrors []error

// Error joins the messages of the gathered errors.
func (e noUserErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return "userresolver: no resolver found a user: " + strings.Join(msgs, "; ")
}

// Unwrap returns the gathered errors.
func (e noUserErrors) Unwrap() []error {
	return e
}
