package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/hoard-dev/hoard/internal/atomicfile"
)

// DefaultListen is the address the web app listens on when none is given.
const DefaultListen = "127.0.0.1:8383"

// IsLoopback reports whether a listen address only accepts connections
// from this machine: its host is a loopback address, or "localhost" and
// every address it resolves to is one.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w (use HOST:PORT, e.g. %s)", addr, err, DefaultListen)
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback(), nil
	}
	if host == "" {
		return false, nil // every interface
	}
	if host != "localhost" {
		return false, nil
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return false, nil
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false, nil
		}
	}
	return true, nil
}

// CheckListen refuses to serve a non-loopback address without a token:
// the web app shows a person's whole history.
func CheckListen(addr string, haveToken bool) error {
	lo, err := IsLoopback(addr)
	if err != nil {
		return err
	}
	if !lo && !haveToken {
		return fmt.Errorf("listen address %s accepts connections from other machines: give --token-file FILE (or web.token_file) so that only holders of the token see the data", addr)
	}
	return nil
}

// minTokenLen is the shortest token accepted from a token file.
const minTokenLen = 16

// LoadToken reads the token in path (its first line, spaces trimmed). A
// missing file is created with a new random token, mode 0600; a file that
// group or others can read is refused, as is a token shorter than 16
// characters. It reports whether the file was created.
func LoadToken(path string) (string, bool, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		tok := randomText(32)
		if err := os.MkdirAll(dirOf(path), 0o700); err != nil {
			return "", false, fmt.Errorf("token file: %w", err)
		}
		if err := atomicfile.Write(path, []byte(tok+"\n"), 0o600); err != nil {
			return "", false, fmt.Errorf("token file: %w", err)
		}
		return tok, true, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("token file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return "", false, fmt.Errorf("token file %s has mode %04o, readable by other users; fix it with: chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("token file: %w", err)
	}
	tok, _, _ := strings.Cut(string(data), "\n")
	tok = strings.TrimSpace(tok)
	if len(tok) < minTokenLen {
		return "", false, fmt.Errorf("token file %s: the token on its first line has %d characters; use at least %d (a new file is written with a random one when none exists)", path, len(tok), minTokenLen)
	}
	return tok, false, nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return "."
}

// randomText returns n random bytes as URL-safe text.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hostCheck admits requests whose Host header names this server, which
// stops DNS rebinding: a page of another site whose name was made to
// resolve to 127.0.0.1 sends its own name as Host.
type hostCheck struct {
	port  string
	names map[string]bool // host names and addresses, lower case, without port
}

// newHostCheck admits, on the listener's port: the listen host; for a
// loopback address, localhost, 127.0.0.1 and ::1; for an address of
// every interface, each interface's address and the machine's name; and
// the extra names (--allow-host).
func newHostCheck(ln net.Addr, listen string, extra []string) *hostCheck {
	h := &hostCheck{names: map[string]bool{}}
	host, _, _ := net.SplitHostPort(listen)
	if ta, ok := ln.(*net.TCPAddr); ok {
		h.port = fmt.Sprint(ta.Port)
		if host == "" || ta.IP.IsUnspecified() {
			host = ""
		}
	}
	add := func(n string) { h.names[strings.ToLower(strings.Trim(n, "[]"))] = true }
	if host != "" {
		add(host)
	}
	ip := net.ParseIP(host)
	if host == "localhost" || (ip != nil && ip.IsLoopback()) {
		add("localhost")
		add("127.0.0.1")
		add("::1")
	}
	if host == "" || (ip != nil && ip.IsUnspecified()) {
		add("localhost")
		add("127.0.0.1")
		add("::1")
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					add(n.IP.String())
				}
			}
		}
		if name, err := os.Hostname(); err == nil {
			add(name)
		}
	}
	for _, n := range extra {
		add(n)
	}
	return h
}

// allowed reports whether a Host header names this server.
func (h *hostCheck) allowed(hostHeader string) bool {
	host, port, err := net.SplitHostPort(hostHeader)
	if err != nil {
		host, port = hostHeader, "80"
	}
	return port == h.port && h.names[strings.ToLower(strings.Trim(host, "[]"))]
}

// auth holds the token, if any, and the sessions of browsers that logged
// in: a one-time login code (printed on start) or the token typed into
// the login form sets a cookie holding the session secret.
type auth struct {
	token   string // "" means no authentication
	session string // the cookie value of a logged-in browser

	mu   sync.Mutex
	code string // the one-time login code; "" once used
}

const (
	sessionCookie = "hoard_session"
	loginPath     = "/login"
)

func newAuth(token string) *auth {
	if token == "" {
		return &auth{}
	}
	return &auth{token: token, session: randomText(32), code: randomText(24)}
}

// authorized reports whether a request carries the token (as
// "Authorization: Bearer TOKEN") or the session cookie.
func (a *auth) authorized(r *http.Request) bool {
	if a.token == "" {
		return true
	}
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && equal(strings.TrimSpace(v), a.token) {
		return true
	}
	if c, err := r.Cookie(sessionCookie); err == nil && equal(c.Value, a.session) {
		return true
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// useCode reports whether code is the one-time login code, and spends it.
func (a *auth) useCode(code string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.code == "" || !equal(code, a.code) {
		return false
	}
	a.code = ""
	return true
}

// LoginCode returns the one-time login code ("" when there is no token or
// it was used).
func (a *auth) loginCode() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.code
}

func (a *auth) setCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: a.session, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}
