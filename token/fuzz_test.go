package token_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/liveauth/liveauth/token"
)

// FuzzVerify feeds Verify valid and mangled tokens. Verify must never
// panic, must refuse with ErrInvalidToken, and must accept only tokens
// whose header and payload were signed here by a key of the set. The keys
// and signing inputs are the same in every fuzzing process.
//
//	go test -run '^$' -fuzz FuzzVerify -fuzztime 10s ./token
func FuzzVerify(f *testing.F) {
	k := testKeys()
	v := must(token.NewVerifier(must(token.NewKeySet(k.es, k.ed, k.rs, k.hs)), token.WithVerifierClock(verifyClock)))

	// signed holds the signing inputs (header.payload) signed here.
	signed := map[string]bool{}
	sign := func(alg token.Algorithm, edits map[string]any) string {
		raw := k.signAs(alg, edits)
		signed[raw[:strings.LastIndexByte(raw, '.')]] = true
		return raw
	}
	signRaw := func(payload string) string {
		raw := craftRaw(header("ES256", k.es.ID()), payload, jwt.SigningMethodES256, k.esRaw)
		signed[raw[:strings.LastIndexByte(raw, '.')]] = true
		return raw
	}
	exp := fmt.Sprint(verifyNow.Add(time.Hour).Unix())
	access := map[string]any{"k": "acc", "perms": map[string]any{"org1*": []string{"*:read"}}}
	rsPEM := pem.EncodeToMemory(&pem.Block{
		Type:  "PUBLIC KEY",
		Bytes: must(x509.MarshalPKIXPublicKey(&k.rsRaw.PublicKey)),
	})

	seeds := []string{
		sign(token.ES256, nil),
		sign(token.EdDSA, nil),
		sign(token.RS256, nil),
		sign(token.HS256, nil),
		sign(token.EdDSA, access),
		sign(token.HS256, map[string]any{"gids": []string{"a", "b"}, "ui": map[string]any{"name": "Zoë"}}),
		sign(token.ES256, map[string]any{"exp": nil}),
		sign(token.EdDSA, map[string]any{"k": "admin"}),
		sign(token.HS256, map[string]any{"nbf": verifyNow.Unix() + 3600}),
		craft(header("none", k.es.ID()), claimsWith(nil), nil, nil),
		craft(header("HS256", k.rs.ID()), claimsWith(nil), jwt.SigningMethodHS256, rsPEM),
		craft(map[string]any{"alg": "EdDSA"}, claimsWith(nil), jwt.SigningMethodEdDSA, k.edRaw),
		craft(header("ES256", k.ed.ID()), claimsWith(nil), jwt.SigningMethodES256, k.esRaw),
		// Signed, but refused by the payload rules.
		signRaw(`{"k":"id","k":"acc","uid":"alice","exp":` + exp + `}`),
		signRaw(`{"k":"acc","K":"id","uid":"alice","exp":` + exp + `}`),
		signRaw(`{"k":"id","uid":"alice\ud800","exp":` + exp + `}`),
		signRaw(`{"k":"id","uid":"alice","exp":1e308}`),
		sign(token.ES256, map[string]any{"exp": exp}),
		sign(token.ES256, map[string]any{"uid": strings.Repeat("x", token.MaxUserIDLen+1)}),
		"",
		"..",
		"a.b.c.d",
		"eyJhbGciOiJIUzI1NiJ9.e30.",
		"Bearer " + sign(token.HS256, nil),
	}
	// Mangled forms of a valid token: truncated, tampered, re-padded.
	valid := sign(token.HS256, nil)
	parts := strings.Split(valid, ".")
	seeds = append(seeds,
		valid[:len(valid)-1],
		valid+"A",
		parts[0]+"."+b64json(claimsWith(map[string]any{"uid": "mallory"}))+"."+parts[2],
		parts[0]+"="+"."+parts[1]+"."+parts[2],
		strings.ToUpper(valid),
	)
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := v.Verify(context.Background(), raw)
		if err != nil {
			if claims != nil {
				t.Fatalf("got claims %+v with error %v, want none", claims, err)
			}
			if !errors.Is(err, token.ErrInvalidToken) {
				t.Fatalf("got error %v, want it to match %v", err, token.ErrInvalidToken)
			}
			return
		}

		i := strings.LastIndexByte(raw, '.')
		if i < 0 || !signed[raw[:i]] {
			t.Fatalf("accepted a token not signed by the set's keys: %q", raw)
		}
		if claims.UserID == "" || (claims.Kind != token.KindID && claims.Kind != token.KindAccess) {
			t.Fatalf("accepted claims that break the rules: %+v", claims)
		}
	})
}

// member is a member of a JSON object: its decoded name and its value's
// text.
type member struct{ name, value string }

// decoderMembers lists the members of the JSON object data as
// encoding/json's Decoder finds them; ok is false if data is no object.
func decoderMembers(data []byte) (members []member, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		members = append(members, member{name: tok.(string), value: string(value)})
	}
	return members, true
}

// FuzzForEachMember checks the scanner behind the payload rules of Verify
// against encoding/json: on valid JSON it must find the same members, in
// order, with the same names and value texts; on anything else it must not
// panic, nor must checkPayload.
//
//	go test -run '^$' -fuzz FuzzForEachMember -fuzztime 10s ./token
func FuzzForEachMember(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		` { } `,
		`[]`,
		`"k"`,
		`{"k":"id","uid":"alice","exp":1714568400,"nbf":-1.5e3}`,
		`{"k":"id","k":"acc","K":"x","\u212a":"y"}`,
		`{"a\"b":"c\\\"}","n":null,"t":true,"f":false}`,
		`{"ui":{"name":"}]","x":[1,{"y":[]}]},"gids":["a","b" , "c"]}`,
		"{\"uid\":\"a\xffb\",\"\xfe\":1}",
		`{"uid":"\ud800","\ud83d\ude00":"\u0000"}`,
		"{\n\t\"exp\" :\r 1 ,\n\"iat\":2\n}\n",
		`{"k":[1,2}`,
		`{"k"`,
		`{"uid":"\u12"}`,
		`{"uid":"\ud800\u12"}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		_ = token.CheckPayload(data)

		var got []member
		err := token.ForEachMember(data, func(name string, value []byte) error {
			got = append(got, member{name: name, value: string(value)})
			return nil
		})
		if !json.Valid(data) {
			return // only no panic is asked for
		}

		want, isObject := decoderMembers(data)
		if !isObject {
			if err == nil {
				t.Fatalf("ForEachMember(%q): got no error for a value that is not an object", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("ForEachMember(%q): got error %v, want none", data, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ForEachMember(%q):\ngot  %q\nwant %q", data, got, want)
		}
	})
}
