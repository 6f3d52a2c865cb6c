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

func etagKey(u string) string {
	h := sha256.Sum256([]byte(u))
	return hex.EncodeToString(h[:12])
}

func (c *Client) applyETag(r *http.Request) {
	e := c.o.ETags
	if e == nil || r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" {
		return
	}
	e.mu.Lock()
	tag := e.m[etagKey(r.URL.String())]
	e.mu.Unlock()
	if tag != "" {
		r.Header.Set("If-None-Match", tag)
	}
}

func (c *Client) recordETag(req *http.Request, resp *Response) {
	e := c.o.ETags
	tag := resp.Header.Get("ETag")
	if e == nil || req.Method != http.MethodGet || tag == "" {
		return
	}
	e.mu.Lock()
	e.m[etagKey(req.URL.String())] = tag
	e.mu.Unlock()
}
