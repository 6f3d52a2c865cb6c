package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Mask replaces secret values in redacted text.
const Mask = "[REDACTED]"

// minLen is the shortest value redacted: masking "1" or "ok" everywhere
// would garble output without protecting anything.
const minLen = 4

// Redactor replaces known secret values (and their URL-encoded forms) in
// text. The zero value redacts nothing. It is safe for concurrent use.
type Redactor struct {
	mu     sync.RWMutex
	values []string // longest first, so that a value containing another is masked whole
}

// Add registers values to redact, with the forms a value takes when it is
// sent or quoted back: URL-encoded (query and path, upper or lower case
// hex) and as a JSON string.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		for _, form := range forms(v) {
			r.addLocked(form)
		}
	}
	r.sortLocked()
}

// AddBasic registers the credentials of HTTP basic authentication: each
// part, and user:password base64-encoded as the Authorization header
// carries it (with and without padding), which a server may echo.
func (r *Redactor) AddBasic(user, password string) {
	pair := []byte(user + ":" + password)
	r.Add(user, password)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		r.addLocked(enc.EncodeToString(pair))
	}
	r.sortLocked()
}

// AddCookie registers a Cookie header value: the whole value and the value
// of each of its cookies, which a server may echo one at a time.
func (r *Redactor) AddCookie(header string) {
	vals := []string{header}
	for _, part := range strings.Split(header, ";") {
		if _, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			vals = append(vals, strings.Trim(v, `"`))
		}
	}
	r.Add(vals...)
}

// forms lists the encodings of v worth masking: as is, URL-encoded (query
// and path, upper or lower case hex), and inside a JSON string (with or
// without HTML escapes, with '/' escaped as PHP's json_encode does).
func forms(v string) []string {
	out := []string{v}
	for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		out = append(out, e, lowerHex(e))
	}
	j := jsonString(v, false)
	return append(out, j, jsonString(v, true), strings.ReplaceAll(j, "/", `\/`))
}

// jsonString returns v encoded as the inside of a JSON string.
func jsonString(v string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	enc.Encode(v)
	q := bytes.TrimSpace(b.Bytes())
	return string(q[1 : len(q)-1])
}

// lowerHex rewrites the %XX escapes of s in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

func (r *Redactor) addLocked(form string) {
	if len(form) >= minLen && !contains(r.values, form) {
		r.values = append(r.values, form)
	}
}

func (r *Redactor) sortLocked() {
	sort.SliceStable(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
}

// AddSecrets registers every value of s.
func (r *Redactor) AddSecrets(s Secrets) {
	for _, v := range s {
		r.Add(v)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// String returns s with every secret value masked.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Mask)
	}
	return s
}

// Bytes returns b with every secret value masked.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil {
		return b
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		b = bytes.ReplaceAll(b, []byte(v), []byte(Mask))
	}
	return b
}

// Prefix returns the start of b, redacted, for quoting: about n bytes of
// output. A secret that starts within the quoted part is masked whole
// even when it runs past it (cutting first and masking after would leave
// the start of such a secret in clear), and so is any part of a secret
// that overlaps another.
func (r *Redactor) Prefix(b []byte, n int) []byte {
	if r == nil {
		return b[:min(len(b), n)]
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	longest := 0
	if len(r.values) > 0 {
		longest = len(r.values[0])
	}
	for m := n; ; m *= 2 {
		// Bytes before m are quoted only when no secret covers them; any
		// occurrence covering one lies within b[:end].
		end := min(len(b), m+longest)
		covered := make([]bool, end)
		for _, v := range r.values {
			for off := 0; off < end; {
				k := bytes.Index(b[off:end], []byte(v))
				if k < 0 {
					break
				}
				for x := off + k; x < off+k+len(v); x++ {
					covered[x] = true
				}
				off += k + 1
			}
		}
		out := make([]byte, 0, n+len(Mask))
		i := 0
		for i < min(m, end) && len(out) < n {
			if !covered[i] {
				out = append(out, b[i])
				i++
				continue
			}
			out = append(out, Mask...)
			for i < end && covered[i] {
				i++
			}
		}
		if len(out) >= n || i >= len(b) || m >= len(b) {
			return out
		}
	}
}

// Cut returns how many leading bytes of b can be redacted and passed on
// without the rest: it keeps back a tail that may be the start of a
// secret completed by bytes still to come, and never splits a secret.
func (r *Redactor) Cut(b []byte) int {
	if r == nil {
		return len(b)
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.values) == 0 {
		return len(b)
	}
	p := max(0, len(b)-(len(r.values[0])-1))
	for moved := true; moved; {
		moved = false
		for _, v := range r.values {
			// an occurrence that straddles p: move p past it
			lo := max(0, p-len(v)+1)
			if k := bytes.Index(b[lo:min(len(b), p+len(v)-1)], []byte(v)); k >= 0 && lo+k < p {
				p, moved = lo+k+len(v), true
			}
		}
	}
	return p
}

// Error wraps err so that its message is redacted. It returns nil for nil.
func (r *Redactor) Error(err error) error {
	if err == nil || r == nil {
		return err
	}
	return &redactedError{msg: r.String(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
