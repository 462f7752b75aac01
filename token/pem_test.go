package token_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveauth/liveauth/token"
)

func TestParseKeyPEM(t *testing.T) {
	t.Parallel()

	read := func(name string) []byte {
		return must(os.ReadFile(filepath.Join("testdata", name)))
	}
	esDER := must(x509.MarshalPKCS8PrivateKey(testKeys().esRaw))
	pkcs8 := func(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}) }

	tests := []struct {
		name        string
		data        []byte
		wantAlg     token.Algorithm
		wantID      string // when the key is a fixed test key
		wantMessage string
	}{
		{
			name:    "a PKCS #8 ECDSA P-256 key (openssl genpkey)",
			data:    read("es256-pkcs8.pem"),
			wantAlg: token.ES256,
			wantID:  testKeys().es.ID(),
		},
		{
			name:    "a SEC 1 EC key after its EC PARAMETERS block (openssl ecparam -genkey)",
			data:    read("es256-sec1.pem"),
			wantAlg: token.ES256,
		},
		{
			name:    "a PKCS #8 Ed25519 key",
			data:    read("ed25519-pkcs8.pem"),
			wantAlg: token.EdDSA,
			wantID:  testKeys().ed.ID(),
		},
		{
			name:    "a PKCS #1 RSA key (openssl genrsa -traditional)",
			data:    read("rsa2048-pkcs1.pem"),
			wantAlg: token.RS256,
			wantID:  testKeys().rs.ID(),
		},
		{
			name:    "a PKCS #8 RSA key",
			data:    read("rsa2048-pkcs8.pem"),
			wantAlg: token.RS256,
			wantID:  testKeys().rs.ID(),
		},
		{
			name:    "text around the PEM block is ignored",
			data:    append(append([]byte("my key:\n"), read("es256-pkcs8.pem")...), "\n-- end\n"...),
			wantAlg: token.ES256,
			wantID:  testKeys().es.ID(),
		},
		{
			name:        "no PEM block is refused",
			data:        []byte("not a key"),
			wantMessage: "token: no PEM private key found",
		},
		{
			name:        "only EC PARAMETERS is refused",
			data:        bytes.SplitAfter(read("es256-sec1.pem"), []byte("-----END EC PARAMETERS-----\n"))[0],
			wantMessage: "token: no PEM private key found",
		},
		{
			name: "a public key is refused",
			data: read("es256-public.pem"),
			wantMessage: `token: PEM block "PUBLIC KEY" holds a public key, want a private key ` +
				`(a verifier that holds public keys only uses NewPublicKey)`,
		},
		{
			name: "a certificate is refused",
			data: read("es256-cert.pem"),
			wantMessage: `token: PEM block "CERTIFICATE" holds a public key, want a private key ` +
				`(a verifier that holds public keys only uses NewPublicKey)`,
		},
		{
			name: "an encrypted PKCS #8 key is refused",
			data: read("es256-encrypted-pkcs8.pem"),
			wantMessage: "token: PEM private key is encrypted (PKCS #8); " +
				"decrypt it first (for example: openssl pkey -in key.pem -out plain.pem)",
		},
		{
			name: "an encrypted traditional key is refused",
			data: read("es256-encrypted-sec1.pem"),
			wantMessage: "token: PEM private key is encrypted; " +
				"decrypt it first (for example: openssl pkey -in key.pem -out plain.pem)",
		},
		{
			name: "an unknown block is refused",
			data: pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte{1}}),
			wantMessage: `token: unsupported PEM block "OPENSSH PRIVATE KEY" ` +
				`(want "PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY")`,
		},
		{
			name:        "two keys are refused",
			data:        append(read("es256-pkcs8.pem"), read("ed25519-pkcs8.pem")...),
			wantMessage: "token: PEM data holds more than one private key",
		},
		{
			name:        "a P-384 key is refused",
			data:        read("p384-sec1.pem"),
			wantMessage: "token: ECDSA key is on P-384, want P-256 (ES256)",
		},
		{
			name:        "a 1024-bit RSA key is refused",
			data:        read("rsa1024-pkcs1.pem"),
			wantMessage: "token: RSA key is 1024 bits, want at least 2048",
		},
		{
			name:        "an X25519 key is refused",
			data:        read("x25519-pkcs8.pem"),
			wantMessage: `token: PEM block "PRIVATE KEY" holds a *ecdh.PrivateKey, which cannot sign`,
		},
		{
			name:        "a damaged key is refused",
			data:        pkcs8(esDER[:len(esDER)-5]),
			wantMessage: `token: PEM block "PRIVATE KEY": asn1: syntax error: data truncated`,
		},
		{
			name:        "a SEC 1 key under the PKCS #1 label is refused",
			data:        bytes.Replace(read("p384-sec1.pem"), []byte("EC PRIVATE"), []byte("RSA PRIVATE"), 2),
			wantMessage: `token: PEM block "RSA PRIVATE KEY": x509: failed to parse private key (use ParseECPrivateKey instead for this key format)`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			key, err := token.ParseKeyPEM(tt.data)
			if tt.wantMessage != "" {
				if err == nil || err.Error() != tt.wantMessage {
					t.Fatalf("got error %v, want %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if key.Algorithm() != tt.wantAlg || !key.CanSign() {
				t.Errorf("got algorithm %q, can sign %v; want %q, true", key.Algorithm(), key.CanSign(), tt.wantAlg)
			}
			if tt.wantID != "" && key.ID() != tt.wantID {
				t.Errorf("ID: got %q, want %q", key.ID(), tt.wantID)
			}
		})
	}
}

func TestLoadKeyFile(t *testing.T) {
	t.Parallel()

	key, err := token.LoadKeyFile(filepath.Join("testdata", "ed25519-pkcs8.pem"))
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	if got, want := key.ID(), testKeys().ed.ID(); got != want {
		t.Errorf("ID: got %q, want %q", got, want)
	}

	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), token.MaxKeyFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join("testdata", "es256-public.pem")
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name        string
		path        string
		wantErr     error
		wantMessage string
	}{
		{
			name:        "a missing file is refused",
			path:        missing,
			wantErr:     fs.ErrNotExist,
			wantMessage: "token: load key: open " + missing + ": no such file or directory",
		},
		{
			name:        "a file larger than MaxKeyFileSize is refused",
			path:        big,
			wantMessage: "token: load key " + big + ": file is larger than 65536 bytes",
		},
		{
			name:        "a directory is refused",
			path:        dir,
			wantMessage: "token: load key " + dir + ": read " + dir + ": is a directory",
		},
		{
			name: "a public key file is refused, naming the file",
			path: public,
			wantMessage: `token: PEM block "PUBLIC KEY" holds a public key, want a private key ` +
				`(a verifier that holds public keys only uses NewPublicKey) (in ` + public + `)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := token.LoadKeyFile(tt.path)
			if err == nil || err.Error() != tt.wantMessage {
				t.Fatalf("got error %v, want %q", err, tt.wantMessage)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want it to match %v", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "BEGIN") {
				t.Errorf("error quotes the file: %v", err)
			}
		})
	}
}
