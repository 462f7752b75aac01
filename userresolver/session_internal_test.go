package userresolver

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/gorilla/securecookie"
)

func TestUndecodable(t *testing.T) {
	t.Parallel()

	// A codec without a hash key fails every decode with a usage error.
	usageErr := securecookie.New(nil, nil).Decode("session", "x", new(string))
	// A real over-long value, as securecookie reports it.
	tooLongErr := securecookie.New([]byte("k"), nil).MaxLength(4).Decode("session", "12345", new(string))

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "an invalid MAC is undecodable", err: securecookie.ErrMacInvalid, want: true},
		{
			name: "one decode error among several codecs is undecodable",
			err:  securecookie.MultiError{usageErr, securecookie.ErrMacInvalid},
			want: true,
		},
		{
			name: "a nil entry in a multi-error is skipped",
			err:  securecookie.MultiError{nil, securecookie.ErrMacInvalid},
			want: true,
		},
		{name: "an over-long value is undecodable", err: tooLongErr, want: true},
		{
			name: "an over-long value among codecs is undecodable",
			err:  securecookie.MultiError{tooLongErr},
			want: true,
		},
		{
			name: "a wrapped multi-error is looked into",
			err:  fmt.Errorf("store: %w", securecookie.MultiError{securecookie.ErrMacInvalid}),
			want: true,
		},
		{
			name: "a missing session file is undecodable",
			err:  &fs.PathError{Op: "open", Path: "/tmp/session_x", Err: fs.ErrNotExist},
			want: true,
		},
		{
			name: "a wrapped missing session is undecodable",
			err:  fmt.Errorf("redisstore: %w", os.ErrNotExist),
			want: true,
		},
		{name: "a codec without a hash key is a fault", err: usageErr, want: false},
		{
			name: "usage errors from every codec are a fault",
			err:  securecookie.MultiError{usageErr, usageErr},
			want: false,
		},
		{name: "an empty multi-error is a fault", err: securecookie.MultiError{}, want: false},
		{
			name: "an unreachable backend is a fault",
			err:  errors.New("redis: connection refused"),
			want: false,
		},
		{
			name: "a permission problem is a fault",
			err:  &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission},
			want: false,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := undecodable(tt.err); got != tt.want {
				t.Errorf("undecodable(%v) = %t, want %t", tt.err, got, tt.want)
			}
		})
	}
}

func TestTooLongMessageMatchesSecurecookie(t *testing.T) {
	t.Parallel()

	// undecodable recognises over-long values by their message; fail loudly
	// if a securecookie release changes it.
	err := securecookie.New([]byte("k"), nil).MaxLength(4).Decode("session", "12345", new(string))
	if got := err.Error(); len(got) < len(valueTooLong) || got[:len(valueTooLong)] != valueTooLong {
		t.Errorf("securecookie over-long error = %q, want the prefix %q", got, valueTooLong)
	}
}

func TestContextKeyString(t *testing.T) {
	t.Parallel()

	if got, want := userContextKey.String(), "userresolver context key user"; got != want {
		t.Errorf("userContextKey.String() = %q, want %q", got, want)
	}
}

func TestNoUserErrorsMessage(t *testing.T) {
	t.Parallel()

	err := noUserErrors{errors.New("a"), errors.New("b")}
	if got, want := err.Error(), "userresolver: no resolver found a user: a; b"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
