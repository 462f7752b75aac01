package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/permission"
)

// Kind tells an ID token from an access token (the "k" claim).
type Kind string

const (
	// KindID marks an ID token: identity only, with room permissions taken
	// from each room's accesses when the user connects.
	KindID Kind = "id"

	// KindAccess marks an access token: it carries its own room permissions
	// in the "perms" claim.
	KindAccess Kind = "acc"
)

// Claims is the payload of a Liveblocks token, field for field.
//
// The Liveblocks browser client reads the payload without checking the
// signature, and realtime servers read "k", "pid", "uid", "gids", "ui" and
// "perms"; the JSON names below are therefore fixed. The registered claims
// used are "iat", "exp" and "jti".
type Claims struct {
	// Kind is "id" or "acc".
	Kind Kind `json:"k"`

	// ProjectID names the project that issued the token ("localdev" on the
	// Liveblocks dev server).
	ProjectID string `json:"pid"`

	// UserID is the user's ID.
	UserID string `json:"uid"`

	// GroupIDs lists the user's groups (ID tokens only).
	GroupIDs []string `json:"gids,omitempty"`

	// UserInfo is the user's public profile.
	UserInfo map[string]any `json:"ui,omitempty"`

	// Permissions are the room permissions of an access token, pattern by
	// pattern in order (access tokens only).
	Permissions permission.Grants `json:"perms,omitzero"`

	jwt.RegisteredClaims
}

// claimNames are the JSON names of the fields of [Claims], its registered
// claims included.
var claimNames = []string{
	"k", "pid", "uid", "gids", "ui", "perms",
	"iss", "sub", "aud", "exp", "nbf", "iat", "jti",
}

// maxNumericDate is the largest "exp", "nbf" or "iat" Verify accepts, in
// seconds either side of 1970: the range of a JavaScript Date (100,000,000
// days), which keeps jwt/v5's conversion to time.Time from overflowing.
const maxNumericDate = 8.64e12

// payload is what Verify decodes a token's payload into: its Claims, once
// checkPayload has found nothing that encoding/json and JavaScript would
// read differently.
type payload struct{ Claims }

// UnmarshalJSON checks data, then decodes it into p.Claims.
func (p *payload) UnmarshalJSON(data []byte) error {
	if err := checkPayload(data); err != nil {
		return err
	}
	return json.Unmarshal(data, &p.Claims)
}

// checkPayload reads the members of the JSON object data, without
// decoding their values, and refuses:
//
//   - a name given twice: encoding/json decodes both, merging objects,
//     where JSON.parse keeps the last;
//   - a name that is a claim name of Claims only when case is folded (as
//     strings.EqualFold does: "K", "Exp", or "\u212a" for "k"), which
//     encoding/json takes for the claim and JavaScript does not;
//   - an "exp", "nbf" or "iat" that is not a JSON number (jwt/v5 reads
//     "123" as 123), or lies beyond maxNumericDate;
//   - a "uid" string that is not valid UTF-8 or holds an unpaired
//     surrogate escape: encoding/json turns both into U+FFFD.
//
// Its cost is well below that of decoding the payload.
func checkPayload(data []byte) error {
	seen := make(map[string]bool, len(claimNames))
	return forEachMember(data, func(name string, value []byte) error {
		if seen[name] {
			return fmt.Errorf("claim %.64q appears twice", name)
		}
		seen[name] = true
		return checkMember(name, value)
	})
}

// forEachMember calls f with the name (as encoding/json decodes it) and the
// value's text of each member of the JSON object data, in order, until f
// returns an error, which it returns.
//
// data must be valid JSON, which encoding/json checks before it calls an
// UnmarshalJSON method: forEachMember only finds where members begin and
// end. On anything else it fails, without reading past data.
func forEachMember(data []byte, f func(name string, value []byte) error) error {
	s := jsonScanner{data: data}
	if !s.consume('{') {
		return errors.New("payload is not a JSON object")
	}
	if s.consume('}') {
		return nil
	}

	for {
		lit, ok := s.str()
		if !ok || !s.consume(':') {
			return errPayloadSyntax
		}
		value, ok := s.value()
		if !ok {
			return errPayloadSyntax
		}
		name, err := unquote(lit)
		if err != nil {
			return errPayloadSyntax
		}
		if err := f(name, value); err != nil {
			return err
		}

		switch {
		case s.consume(','):
		case s.consume('}'):
			return nil
		default:
			return errPayloadSyntax
		}
	}
}

// errPayloadSyntax is returned by forEachMember for data that is not valid
// JSON, which Verify never passes it.
var errPayloadSyntax = errors.New("payload is not valid JSON")

// jsonScanner finds the members of a JSON object, given valid JSON.
type jsonScanner struct {
	data []byte
	i    int // the next byte to read
}

// consume skips white space and then c, and reports whether c was there.
func (s *jsonScanner) consume(c byte) bool {
	s.skipSpace()
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str skips white space and a string literal, which it returns with its
// quotes.
func (s *jsonScanner) str() ([]byte, bool) {
	s.skipSpace()
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return nil, false
	}
	start := s.i
	for s.i++; s.i < len(s.data); s.i++ {
		switch s.data[s.i] {
		case '\\':
			s.i++ // the escaped character cannot end the literal
		case '"':
			s.i++
			return s.data[start:s.i], true
		}
	}
	return nil, false
}

// value skips white space and one value, which it returns.
func (s *jsonScanner) value() ([]byte, bool) {
	s.skipSpace()
	if s.i >= len(s.data) {
		return nil, false
	}
	start := s.i

	switch s.data[s.i] {
	case '"':
		return s.str()
	case '{', '[':
		// Up to the bracket that closes this one, skipping strings,
		// which may hold brackets.
		depth := 0
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return nil, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return s.data[start:s.i], true
				}
			}
			s.i++
		}
		return nil, false
	}

	// A number, true, false or null.
	for s.i < len(s.data) && isScalarByte(s.data[s.i]) {
		s.i++
	}
	return s.data[start:s.i], s.i > start
}

// isScalarByte reports whether c may be part of a JSON number, true, false
// or null.
func isScalarByte(c byte) bool {
	switch {
	case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		return true
	}
	return c == '-' || c == '+' || c == '.'
}

// unquote returns the string a JSON string literal stands for, as
// encoding/json decodes it.
func unquote(lit []byte) (string, error) {
	if bytes.IndexByte(lit, '\\') < 0 && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1]), nil
	}
	var s string
	err := json.Unmarshal(lit, &s)
	return s, err
}

// checkMember applies the rules of checkPayload to one member.
func checkMember(name string, value []byte) error {
	if !slices.Contains(claimNames, name) {
		for _, claim := range claimNames {
			if strings.EqualFold(name, claim) {
				return fmt.Errorf("claim name %.64q differs from %q only in case", name, claim)
			}
		}
		return nil
	}

	switch name {
	case "exp", "nbf", "iat":
		if c := value[0]; c != '-' && (c < '0' || c > '9') {
			return fmt.Errorf("claim %q is not a number", name)
		}
		f, err := strconv.ParseFloat(string(value), 64)
		if err != nil || math.Abs(f) > maxNumericDate {
			return fmt.Errorf("claim %q is out of range", name)
		}
	case "uid":
		if value[0] == '"' && !wellFormedString(value) {
			return errors.New(`claim "uid" is not valid UTF-8`)
		}
	}
	return nil
}

// wellFormedString reports whether lit, a JSON string literal, is valid
// UTF-8 and every surrogate escape in it is half of a pair ("\ud83d\ude00"),
// so that it decodes to the same characters in Go and in JavaScript. A
// literal cut short is not well formed.
func wellFormedString(lit []byte) bool {
	if !utf8.Valid(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' {
			continue
		}
		i++ // the escaped character
		if i >= len(lit) {
			return false
		}
		if lit[i] != 'u' {
			continue
		}
		if i+4 >= len(lit) {
			return false
		}
		r := hex4(lit[i+1 : i+5])
		i += 4
		if !utf16.IsSurrogate(r) {
			continue
		}
		// A high surrogate must be followed at once by a low one.
		if r >= 0xdc00 || i+6 >= len(lit) || lit[i+1] != '\\' || lit[i+2] != 'u' {
			return false
		}
		if low := hex4(lit[i+3 : i+7]); low < 0xdc00 || low > 0xdfff {
			return false
		}
		i += 6
	}
	return true
}

// hex4 returns the value of four hexadecimal digits, which a valid JSON
// \u escape holds.
func hex4(digits []byte) rune {
	n, _ := strconv.ParseUint(string(digits), 16, 16)
	return rune(n)
}
