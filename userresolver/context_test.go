package userresolver_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/liveauth/liveauth/userresolver"
)

func TestNewContextFromContext(t *testing.T) {
	t.Parallel()

	ada := userresolver.User{
		ID:       "ada",
		GroupIDs: []string{"editors"},
		Info:     map[string]any{"name": "Ada"},
	}

	tests := []struct {
		name   string
		ctx    func() context.Context
		want   userresolver.User
		wantOK bool
	}{
		{
			name:   "a user stored with NewContext is found",
			ctx:    func() context.Context { return userresolver.NewContext(context.Background(), ada) },
			want:   ada,
			wantOK: true,
		},
		{
			name: "a user without groups or profile keeps nil fields",
			ctx: func() context.Context {
				return userresolver.NewContext(context.Background(), userresolver.User{ID: "bob"})
			},
			want:   userresolver.User{ID: "bob"},
			wantOK: true,
		},
		{
			name: "the innermost user wins",
			ctx: func() context.Context {
				ctx := userresolver.NewContext(context.Background(), userresolver.User{ID: "outer"})
				return userresolver.NewContext(ctx, ada)
			},
			want:   ada,
			wantOK: true,
		},
		{
			name:   "a context without a user has none",
			ctx:    context.Background,
			wantOK: false,
		},
		{
			name:   "a string key that looks like ours is not ours",
			ctx:    func() context.Context { return context.WithValue(context.Background(), "user", ada) },
			wantOK: false,
		},
		{
			name:   "a nil context has no user and does not panic",
			ctx:    func() context.Context { return nil },
			wantOK: false,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, ok := userresolver.FromContext(tt.ctx())
			if ok != tt.wantOK {
				t.Errorf("FromContext() ok = %t, want %t", ok, tt.wantOK)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromContext() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestContextUserIsACopy(t *testing.T) {
	t.Parallel()

	u := userresolver.User{ID: "ada", GroupIDs: []string{"editors"}, Info: map[string]any{"name": "Ada"}}
	ctx := userresolver.NewContext(context.Background(), u)

	// Changing the caller's user after storing it changes nothing.
	u.GroupIDs[0] = "admins"
	u.Info["name"] = "Mallory"

	// Changing a user read back changes nothing either.
	first, _ := userresolver.FromContext(ctx)
	first.GroupIDs[0] = "admins"
	first.Info["name"] = "Mallory"

	got, _ := userresolver.FromContext(ctx)
	want := userresolver.User{ID: "ada", GroupIDs: []string{"editors"}, Info: map[string]any{"name": "Ada"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromContext() = %#v, want %#v", got, want)
	}
}

func TestContextResolveUser(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		ctx  func(ctx context.Context) context.Context
		want result
	}{
		{
			name: "a user put in the context by the application is resolved",
			ctx: func(ctx context.Context) context.Context {
				return userresolver.NewContext(ctx, userresolver.User{ID: "ada", GroupIDs: []string{"editors"}})
			},
			want: result{user: userresolver.User{ID: "ada", GroupIDs: []string{"editors"}}},
		},
		{
			name: "no user in the context means nobody is logged in",
			ctx:  func(ctx context.Context) context.Context { return ctx },
			want: result{errs: []error{userresolver.ErrNoUser}, text: "no user in the request context"},
		},
		{
			name: "a user with an empty ID means nobody is logged in",
			ctx: func(ctx context.Context) context.Context {
				return userresolver.NewContext(ctx, userresolver.User{GroupIDs: []string{"guests"}})
			},
			want: result{errs: []error{userresolver.ErrNoUser}, text: "empty ID"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			r := authRequest()
			r = r.WithContext(tt.ctx(r.Context()))
			ctx := r.Context()

			got, err := userresolver.Context().ResolveUser(r)
			tt.want.check(t, got, err)
			if r.Context() != ctx {
				t.Errorf("r.Context() changed by ResolveUser, want it unchanged")
			}
		})
	}
}

func TestFuncResolveUser(t *testing.T) {
	t.Parallel()

	var gotRequest *http.Request
	f := userresolver.Func(func(r *http.Request) (userresolver.User, error) {
		gotRequest = r
		return userresolver.User{ID: "from-func"}, nil
	})

	r := authRequest()
	got, err := f.ResolveUser(r)
	result{user: userresolver.User{ID: "from-func"}}.check(t, got, err)
	if gotRequest != r {
		t.Errorf("function got request %p, want %p", gotRequest, r)
	}
}
