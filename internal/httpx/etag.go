package httpx

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
)

// ETags remembers the ETag of each URL fetched with GET, so that the next
// run can send If-None-Match and get a 304 when nothing changed. URLs are
// stored as SHA-256 hashes, so a token inside a URL never lands in a state
// file. It is safe for concurrent use.
type ETags struct {
	mu sync.Mutex
	m  map[string]string
}

// NewETags returns a store holding saved (as returned by Map), which may be
// nil.
func NewETags(saved map[string]string) *ETags {
	m := make(map[string]string, len(saved))
	for k, v := range saved {
		m[k] = v
	}
	return &ETags{m: m}
}

// Map returns a copy of the stored ETags, for saving.
func (e *ETags) Map() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]string, len(e.m))
	for k, v := range e.m {
		out[k] = v
	}
	return out
}

// Get returns the ETag stored for URL u, or "".
func (e *ETags) Get(u string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[etagKey(u)]
}

// Set stores the ETag of URL u.
func (e *ETags) Set(u, tag string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[etagKey(u)] = tag
}

func etagKey(u string) string {
	h := sha256.Sum256([]byte(u))
	return hex.EncodeToString(h[:12])
}

func (c *Client) applyETag(r *http.Request) {
	e := c.o.ETags
	if e == nil || r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" {
		return
	}
	if tag := e.Get(r.URL.String()); tag != "" {
		r.Header.Set("If-None-Match", tag)
	}
}

func (c *Client) recordETag(req *http.Request, resp *Response) {
	e := c.o.ETags
	tag := resp.Header.Get("ETag")
	if e == nil || req.Method != http.MethodGet || tag == "" {
		return
	}
	e.Set(req.URL.String(), tag)
}
