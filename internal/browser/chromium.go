package browser

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// unixFrom1601 is the Unix epoch in Chromium's times, which count
// microseconds since 1601-01-01 UTC.
const unixFrom1601 = 11644473600000000

// chromiumCookies reads the cookies table, decrypting encrypted_value.
func chromiumCookies(ctx context.Context, db *sql.DB) ([]Cookie, error) {
	version, err := metaVersion(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT host_key, name, value, encrypted_value, path, expires_utc FROM cookies ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Cookie
	for rows.Next() {
		var c Cookie
		var enc []byte
		var expires int64
		if err := rows.Scan(&c.Host, &c.Name, &c.Value, &enc, &c.Path, &expires); err != nil {
			return nil, err
		}
		if expires > 0 {
			// µs since 1601 overflow a time.Duration: go through Unix time.
			c.Expires = time.UnixMicro(expires - unixFrom1601).UTC()
		}
		if len(enc) > 0 {
			v, err := decryptChromium(enc, c.Host, version)
			if err != nil {
				return nil, fmt.Errorf("cookie %q of %s: %w", c.Name, c.Host, err)
			}
			c.Value = v
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// metaVersion returns the cookie database's schema version (meta table).
func metaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("not a Chromium cookie database (no meta table): %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("meta version %q is not a number", v)
	}
	return n, nil
}

// basicKey is the AES key of Chromium's "v10" values on Linux when no
// keyring is in use (password store "basic"): PBKDF2-HMAC-SHA1 of the
// password "peanuts" with salt "saltysalt", one iteration, 16 bytes.
var basicKey = func() []byte {
	k, err := pbkdf2.Key(sha1.New, "peanuts", []byte("saltysalt"), 1, 16)
	if err != nil {
		panic(err) // fixed parameters that are valid
	}
	return k
}()

// decryptChromium decrypts a "v10" value: AES-128-CBC with basicKey and
// an IV of 16 spaces, PKCS#7 padding. From cookie database version 24 the
// plaintext starts with SHA-256(host_key), which is checked and removed.
func decryptChromium(enc []byte, host string, version int) (string, error) {
	switch {
	case bytes.HasPrefix(enc, []byte("v11")):
		return "", fmt.Errorf("%w; start the browser with --password-store=basic, or copy the cookie into the secrets file and use auth.type = \"cookie\"", errKeyring)
	case !bytes.HasPrefix(enc, []byte("v10")):
		return "", errors.New("encrypted in a way hoard does not know (not \"v10\"): only Chromium's Linux scheme without a keyring is supported")
	}
	data := enc[3:]
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return "", fmt.Errorf("encrypted value of %d bytes is not whole AES blocks", len(data))
	}
	block, err := aes.NewCipher(basicKey)
	if err != nil {
		return "", err
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, bytes.Repeat([]byte{' '}, aes.BlockSize)).CryptBlocks(plain, data)
	plain, err = unpad(plain)
	if err != nil {
		return "", err
	}
	if version >= 24 {
		sum := sha256.Sum256([]byte(host))
		if len(plain) < len(sum) || !bytes.Equal(plain[:len(sum)], sum[:]) {
			return "", errors.New("decrypted value does not start with the SHA-256 of its host (schema 24 and later): wrong key, or a damaged database")
		}
		plain = plain[len(sum):]
	}
	return string(plain), nil
}

func unpad(b []byte) ([]byte, error) {
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) || !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errors.New("bad padding after decryption: wrong key (a keyring-protected profile?) or a damaged database")
	}
	return b[:len(b)-n], nil
}
