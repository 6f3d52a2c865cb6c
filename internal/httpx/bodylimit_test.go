package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// A response whose Content-Length is over the limit is refused before
// its body is read (it used to be read up to the limit, 256 MiB by
// default, about 600 MB of memory, and then refused).
func TestContentLengthOverLimitRefusedUnread(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10737418240") // 10 GiB
		w.WriteHeader(http.StatusOK)
		chunk := make([]byte, 1<<20)
		for {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil || sent.Load() > 1<<30 {
				return
			}
		}
	}))
	defer srv.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := New(Options{MaxAttempts: 3})
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/big", nil)
	_, err := c.Do(req, nil)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "larger than") || !strings.Contains(err.Error(), "10737418240") {
		t.Errorf("error %v, want the Content-Length refused", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("%d MB allocated to refuse the response", alloc>>20)
	}
	srv.CloseClientConnections()
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the server could send %d MB of a body that was refused", n>>20)
	}
}
