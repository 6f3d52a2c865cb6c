package browser

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// unzstd decompresses a fixture into dst.
func unzstd(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	out, err := dec.DecodeAll(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(dst), 0o700)
	if err := os.WriteFile(dst, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// expected reads a fixture's expected-cookies.json: name -> value.
func expected(t *testing.T, path, valueField string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		out[row["name"].(string)] = row[valueField].(string)
	}
	return out
}

// The fixtures were written on 2026-12-03; their persistent cookies expire
// a day later.
var fixtureDay = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func names(cs []Cookie) map[string]string {
	m := map[string]string{}
	for _, c := range cs {
		m[c.Name] = c.Value
	}
	return m
}

// TestChromiumFixture decrypts the Cookies database Chromium 156 wrote
// (v10, schema 24 with the SHA-256 host prefix) to the values its site set.
func TestChromiumFixture(t *testing.T) {
	fix := filepath.Join("..", "..", "source", "chromium", "testdata")
	profile := filepath.Join(t.TempDir(), "Default")
	unzstd(t, filepath.Join(fix, "Cookies.sqlite.zst"), filepath.Join(profile, "Cookies"))
	want := expected(t, filepath.Join(fix, "expected-cookies.json"), "decrypted")
	if len(want) != 3 {
		t.Fatalf("fixture lists %d cookies, want 3", len(want))
	}
	got, used, err := Read(context.Background(), Query{Browser: Chromium, Profile: profile, Domain: "127.0.0.1", Now: fixtureDay, GOOS: "linux"})
	if err != nil {
		t.Fatal(err)
	}
	if used != profile {
		t.Errorf("profile %q", used)
	}
	if g := names(got); len(g) != 3 || g["hoard_session"] != want["hoard_session"] || g["hoard_persistent"] != want["hoard_persistent"] || g["js_cookie"] != want["js_cookie"] {
		t.Errorf("got %v, want %v", g, want)
	}
	if want["hoard_session"] != "abc123" {
		t.Errorf("fixture: %v", want)
	}
	for _, c := range got {
		if c.Name == "hoard_session" && !c.Expires.IsZero() || c.Name == "hoard_persistent" && c.Expires.Format("2006-01-02") != "2026-12-04" {
			t.Errorf("cookie %s expires %v", c.Name, c.Expires)
		}
	}
	// A day and a half later only the session cookie is left.
	got, _, err = Read(context.Background(), Query{Browser: Chromium, Profile: profile, Domain: "127.0.0.1", Now: fixtureDay.Add(36 * time.Hour)})
	if err != nil || len(got) != 1 || got[0].Name != "hoard_session" {
		t.Errorf("after expiry: %v %v", names(got), err)
	}
}

// TestFirefoxFixture reads cookies.sqlite as Firefox 153 wrote it: plain
// values, expiry in milliseconds, no session cookies on disk.
func TestFirefoxFixture(t *testing.T) {
	fix := filepath.Join("..", "..", "source", "firefox", "testdata")
	home := t.TempDir()
	profile := filepath.Join(home, ".mozilla", "firefox", "abcd.default-release")
	unzstd(t, filepath.Join(fix, "cookies.sqlite.zst"), filepath.Join(profile, "cookies.sqlite"))
	os.WriteFile(filepath.Join(profile, "places.sqlite"), []byte("x"), 0o600)
	want := expected(t, filepath.Join(fix, "expected-cookies.json"), "value")
	got, used, err := Read(context.Background(), Query{Browser: Firefox, Home: home, GOOS: "linux", Domain: "127.0.0.1", Now: fixtureDay})
	if err != nil {
		t.Fatal(err)
	}
	if used != profile {
		t.Errorf("default profile %q, want %q", used, profile)
	}
	g := names(got)
	if len(g) != len(want) || g["hoard_persistent"] != "xyz789" || g["js_cookie"] != "from-js" {
		t.Errorf("got %v, want %v", g, want)
	}
	if h := Header(got); !strings.Contains(h, "hoard_persistent=xyz789") || !strings.Contains(h, "; ") {
		t.Errorf("header %q", h)
	}
	for _, c := range got {
		if c.Expires.Format("2006-01-02") != "2026-12-04" {
			t.Errorf("%s expires %v: expiry is in milliseconds", c.Name, c.Expires)
		}
	}
	// Only the named cookie; a missing name is an error naming it.
	got, _, err = Read(context.Background(), Query{Browser: Firefox, Profile: profile, Domain: "127.0.0.1", Names: []string{"js_cookie"}, Now: fixtureDay})
	if err != nil || len(got) != 1 || got[0].Value != "from-js" {
		t.Errorf("named: %v %v", names(got), err)
	}
	_, _, err = Read(context.Background(), Query{Browser: Firefox, Profile: profile, Domain: "127.0.0.1", Names: []string{"sessionid"}, Now: fixtureDay})
	if err == nil || !strings.Contains(err.Error(), `"sessionid"`) || !strings.Contains(err.Error(), profile) {
		t.Errorf("missing name: %v", err)
	}
	_, _, err = Read(context.Background(), Query{Browser: Firefox, Profile: profile, Domain: "example.com", Now: fixtureDay})
	if err == nil || !strings.Contains(err.Error(), "no unexpired cookie for example.com") || strings.Contains(err.Error(), "xyz789") {
		t.Errorf("other domain: %v", err)
	}
}

// writeChromium makes a Cookies database with the given rows.
func writeChromium(t *testing.T, path string, version int, rows [][]any) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o700)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{
		`CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)`,
		`CREATE TABLE cookies(host_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Exec(`INSERT INTO meta VALUES ('version', ?)`, version)
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO cookies VALUES (?, ?, ?, ?, ?, ?)`, r...); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDomainMatching: host-only cookies go to their host only, domain
// cookies to the domain and hosts under it; longer paths first.
func TestDomainMatching(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "Default")
	writeChromium(t, filepath.Join(profile, "Network", "Cookies"), 18, [][]any{
		{".ycombinator.com", "wide", "w1", []byte{}, "/", 0},
		{"news.ycombinator.com", "user", "u1", []byte{}, "/", 0},
		{"news.ycombinator.com", "deep", "d1", []byte{}, "/item", 0},
		{"ycombinator.com", "apex", "a1", []byte{}, "/", 0},
		{".news.ycombinator.com.evil.org", "evil", "e1", []byte{}, "/", 0},
		{"xnews.ycombinator.com", "other", "o1", []byte{}, "/", 0},
	})
	got, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: profile, Domain: "news.ycombinator.com", Now: fixtureDay})
	if err != nil {
		t.Fatal(err)
	}
	if h := Header(got); h != "deep=d1; wide=w1; user=u1" {
		t.Errorf("header %q", h)
	}
}

// TestChromiumEncryption: v10 values of an older schema carry no host
// hash; v11 (keyring) values are refused with advice, never garbage.
func TestChromiumEncryption(t *testing.T) {
	dir := t.TempDir()
	// From the Chromium fixture: "v10" + AES-CBC of SHA-256("127.0.0.1") + "abc123".
	v10, _ := hex.DecodeString("7631302bb01eebe40ccff8b9d3b700273158b01eee6bedeecab4de6dba0816a56b0038822a920a892c11d46b02433cd7040735")
	old := filepath.Join(dir, "old")
	writeChromium(t, filepath.Join(old, "Cookies"), 24, [][]any{{"127.0.0.1", "s", "", v10, "/", 0}})
	got, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: old, Domain: "127.0.0.1", Now: fixtureDay})
	if err != nil || len(got) != 1 || got[0].Value != "abc123" {
		t.Fatalf("v10: %v %v", got, err)
	}
	// The same bytes under schema 23: the host hash is not stripped... and
	// not mistaken for it either: the value keeps its 32 bytes.
	pre := filepath.Join(dir, "pre24")
	writeChromium(t, filepath.Join(pre, "Cookies"), 23, [][]any{{"127.0.0.1", "s", "", v10, "/", 0}})
	if got, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: pre, Domain: "127.0.0.1", Now: fixtureDay}); err != nil || len(got[0].Value) != 32+6 {
		t.Errorf("schema 23: %d bytes, %v", len(got[0].Value), err)
	}
	// A host hash that does not match is an error, not a wrong value.
	moved := filepath.Join(dir, "moved")
	writeChromium(t, filepath.Join(moved, "Cookies"), 24, [][]any{{"localhost", "s", "", v10, "/", 0}})
	if _, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: moved, Domain: "localhost", Now: fixtureDay}); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("host hash mismatch: %v", err)
	}
	ring := filepath.Join(dir, "ring")
	writeChromium(t, filepath.Join(ring, "Cookies"), 24, [][]any{{"127.0.0.1", "s", "", append([]byte("v11"), v10[3:]...), "/", 0}})
	_, _, err = Read(context.Background(), Query{Browser: Chromium, Profile: ring, Domain: "127.0.0.1", Now: fixtureDay})
	if err == nil || !strings.Contains(err.Error(), "keyring") || !strings.Contains(err.Error(), "--password-store=basic") {
		t.Errorf("v11: %v", err)
	}
	if _, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: old, Domain: "127.0.0.1", GOOS: "darwin"}); err == nil || !strings.Contains(err.Error(), "Linux only") {
		t.Errorf("darwin: %v", err)
	}
}

func TestProfileErrors(t *testing.T) {
	home := t.TempDir()
	if _, _, err := Read(context.Background(), Query{Browser: Firefox, Home: home, Domain: "x"}); err == nil || !strings.Contains(err.Error(), "auth.profile") {
		t.Errorf("no profile: %v", err)
	}
	if _, _, err := Read(context.Background(), Query{Browser: Chromium, Profile: home, Domain: "x"}); err == nil || !strings.Contains(err.Error(), "Network/Cookies") {
		t.Errorf("no database: %v", err)
	}
	if _, _, err := Read(context.Background(), Query{Browser: "netscape", Profile: home, Domain: "x"}); err == nil || !strings.Contains(err.Error(), "firefox, librewolf, waterfox, chromium, chrome, brave") {
		t.Errorf("unknown browser: %v", err)
	}
}

// TestProfilesOrder: the default profile is the first `hoard init` finds.
func TestProfilesOrder(t *testing.T) {
	home := t.TempDir()
	for _, p := range []string{".mozilla/firefox/b.default/places.sqlite", ".mozilla/firefox/a.work/places.sqlite",
		"snap/firefox/common/.mozilla/firefox/c.snap/places.sqlite", ".config/chromium/Profile 1/History", ".config/chromium/Default/History"} {
		os.MkdirAll(filepath.Join(home, filepath.Dir(p)), 0o700)
		os.WriteFile(filepath.Join(home, p), []byte("x"), 0o600)
	}
	ff := Profiles(Firefox, home, "linux")
	if len(ff) != 3 || filepath.Base(ff[0]) != "a.work" || filepath.Base(ff[2]) != "c.snap" {
		t.Errorf("firefox %v", ff)
	}
	if cr := Profiles(Chromium, home, "linux"); len(cr) != 2 || filepath.Base(cr[0]) != "Default" {
		t.Errorf("chromium %v", cr)
	}
}
