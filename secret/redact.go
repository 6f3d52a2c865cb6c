package secret

import (
	"bytes"
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

// Add registers values to redact.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if len(form) >= minLen && !contains(r.values, form) {
				r.values = append(r.values, form)
			}
		}
	}
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
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
