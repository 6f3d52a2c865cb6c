// Package browser reads the user's own session cookies from the browser
// profiles on this machine, so that a source behind a login (a private
// API, a scraped page) needs no cookie copied out of the developer tools.
//
// The cookie database is never opened where the browser keeps it: a
// consistent copy is made first (SQLite's online backup, or a WAL-aware
// raw copy while the browser holds it locked, as the file exporter
// does), and read from a temporary directory that is removed afterwards.
// Firefox stores values in the clear (cookies.sqlite, moz_cookies);
// Chromium-family browsers on Linux encrypt them, and the scheme used
// without a desktop keyring ("v10") is decrypted here. Values are
// secrets: callers add them to their redactor.
package browser

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/exporter/file"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// The browsers whose cookies can be read: the Firefox family (values in
// the clear) and the Chromium family (values encrypted), each name
// standing for its profile locations.
const (
	Firefox   = "firefox"
	LibreWolf = "librewolf"
	Waterfox  = "waterfox"
	Chromium  = "chromium"
	Chrome    = "chrome"
	Brave     = "brave"
	Edge      = "edge"
	Vivaldi   = "vivaldi"
	Opera     = "opera"
)

// Names are the accepted values of a browser setting.
var Names = []string{Firefox, LibreWolf, Waterfox, Chromium, Chrome, Brave, Edge, Vivaldi, Opera}

// isFirefox reports whether a browser stores cookies as Firefox does.
func isFirefox(browser string) bool { return profileFiles[browser].family == firefoxFamily }

// Cookie is one cookie as the browser stored it.
type Cookie struct {
	Host    string // ".example.com" for a domain cookie, "example.com" for a host-only one
	Name    string
	Value   string
	Path    string
	Expires time.Time // zero for a session cookie
}

// Query says which cookies to read.
type Query struct {
	Browser string   // Firefox, Chromium or Chrome
	Profile string   // the profile directory; "" for the first one found (see Profiles)
	Domain  string   // the host the cookies are sent to, e.g. "news.ycombinator.com"
	Names   []string // only these cookies (each must be present); none: all of them
	Home    string   // the home directory, for the default profile
	GOOS    string   // runtime.GOOS, for the default profile
	Now     time.Time
}

// Read returns the unexpired cookies the browser would send to q.Domain:
// host-only cookies of that host, and domain cookies of it and of its
// parent domains, most specific path first. It fails, saying what to do,
// when the profile has no cookie database, when no cookie matches, when a
// named cookie is missing, or when a value is encrypted with a key hoard
// cannot get (a desktop keyring). Errors never contain cookie values.
func Read(ctx context.Context, q Query) ([]Cookie, string, error) {
	profile := q.Profile
	if profile == "" {
		found := Profiles(q.Browser, q.Home, q.GOOS)
		if len(found) == 0 {
			return nil, "", fmt.Errorf("no %s profile found under %s: set auth.profile to the profile directory", q.Browser, q.Home)
		}
		profile = found[0]
	}
	if _, known := profileFiles[q.Browser]; !known {
		return nil, "", fmt.Errorf("browser %q: use %s", q.Browser, strings.Join(Names, ", "))
	}
	if !isFirefox(q.Browser) && q.GOOS != "" && q.GOOS != "linux" {
		return nil, profile, fmt.Errorf("%s's cookies can be read on Linux only: elsewhere they are encrypted with a key from the system's keychain (copy the cookie into the secrets file and use auth.type = \"cookie\")", q.Browser)
	}
	db, err := cookieDB(q.Browser, profile)
	if err != nil {
		return nil, profile, err
	}
	all, err := readCopy(ctx, q.Browser, db)
	if err != nil {
		return nil, profile, err
	}
	got, err := pick(all, q)
	if err != nil {
		return nil, profile, fmt.Errorf("%s profile %s: %w", q.Browser, profile, err)
	}
	return got, profile, nil
}

// cookieDB returns the cookie database of a profile directory.
func cookieDB(browser, profile string) (string, error) {
	// Network/Cookies since Chromium 96; Cookies before.
	candidates := []string{filepath.Join("Network", "Cookies"), "Cookies"}
	if isFirefox(browser) {
		candidates = []string{"cookies.sqlite"}
	}
	for _, c := range candidates {
		p := filepath.Join(profile, c)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s profile %s has no cookie database (looked for %s): is it the profile directory?", browser, profile, strings.Join(candidates, ", "))
}

// readCopy reads every cookie from a consistent copy of db.
func readCopy(ctx context.Context, browser, db string) ([]Cookie, error) {
	tmp, err := os.MkdirTemp("", "hoard-cookies-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dst := filepath.Join(tmp, "cookies.sqlite")
	if err := file.CopySQLite(ctx, db, dst); err != nil {
		return nil, err
	}
	conn, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: dst}).String()+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var cs []Cookie
	if isFirefox(browser) {
		cs, err = firefoxCookies(ctx, conn)
	} else {
		cs, err = chromiumCookies(ctx, conn)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the cookies of %s: %w", db, err)
	}
	return cs, nil
}

// firefoxCookies reads moz_cookies, outside containers (originAttributes
// ""). expiry is in seconds in older Firefox and in milliseconds since
// (Firefox 153 writes 1796376832405): told apart by magnitude.
func firefoxCookies(ctx context.Context, db *sql.DB) ([]Cookie, error) {
	rows, err := db.QueryContext(ctx, `SELECT host, name, value, path, expiry FROM moz_cookies WHERE originAttributes = '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Cookie
	for rows.Next() {
		var c Cookie
		var expiry sql.NullInt64
		if err := rows.Scan(&c.Host, &c.Name, &c.Value, &c.Path, &expiry); err != nil {
			return nil, err
		}
		if e := expiry.Int64; e > 1e11 {
			c.Expires = time.UnixMilli(e).UTC()
		} else if e > 0 {
			c.Expires = time.Unix(e, 0).UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// pick keeps the cookies q asks for, most specific path first (as
// browsers order the Cookie header).
func pick(all []Cookie, q Query) ([]Cookie, error) {
	host := strings.ToLower(strings.TrimSuffix(q.Domain, "."))
	var live []Cookie
	for _, c := range all {
		if matches(c.Host, host) && (c.Expires.IsZero() || c.Expires.After(q.Now)) {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("no unexpired cookie for %s: log in to it with this browser first (or set auth.profile to the profile you use)", q.Domain)
	}
	for _, n := range q.Names {
		if !containsCookie(live, n) {
			return nil, fmt.Errorf("no unexpired cookie named %q for %s: log in to it with this browser first", n, q.Domain)
		}
	}
	var got []Cookie
	for _, c := range live {
		if len(q.Names) == 0 || contains(q.Names, c.Name) {
			got = append(got, c)
		}
	}
	sort.SliceStable(got, func(i, j int) bool { return len(got[i].Path) > len(got[j].Path) })
	return got, nil
}

// matches reports whether a cookie stored for cookieHost is sent to host:
// a host-only cookie to that host, a domain cookie (".example.com") to the
// domain and every host under it.
func matches(cookieHost, host string) bool {
	ch := strings.ToLower(cookieHost)
	if d, ok := strings.CutPrefix(ch, "."); ok {
		return host == d || strings.HasSuffix(host, "."+d)
	}
	return ch == host
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsCookie(cs []Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Header renders cookies as the value of a Cookie request header.
func Header(cs []Cookie) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

// errKeyring is a value encrypted with a key from the desktop keyring.
var errKeyring = errors.New("encrypted with a key kept in the desktop keyring (\"v11\"), which hoard cannot read")
