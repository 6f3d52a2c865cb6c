package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/bench/dal/synth"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/paths"
)

// benchServer is the web app over the data access layer's benchmark
// source: $HOARD_BENCH_DIR (made by bench/dal/gen: 77,800 items in 365
// snapshots), else a small one made for this run; the index is built
// before the timer starts.
func benchServer(b *testing.B) *Server {
	b.Helper()
	src := os.Getenv("HOARD_BENCH_DIR")
	if src == "" {
		src = b.TempDir()
		if err := synth.Write(src, 30, 2000, 100, false); err != nil {
			b.Fatal(err)
		}
	}
	home := b.TempDir()
	root := filepath.Join(home, "exports")
	os.MkdirAll(root, 0o700)
	abs, _ := filepath.Abs(src)
	if err := os.Symlink(abs, filepath.Join(root, "saved")); err != nil {
		b.Fatal(err)
	}
	cfg := filepath.Join(home, "hoard.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("root = %q\n[sources.saved]\nexporter = \"file\"\npath = \"/dev/null\"\nitems = \"saved\"\nkey = \"id\"\ntime = \"created_utc\"\n", root)), 0o600)
	a, err := app.Load(cfg, paths.Layout{State: filepath.Join(home, "state"), Cache: filepath.Join(home, "cache")})
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{App: a, Addr: &netAddrTCP, Listen: "127.0.0.1:8383", Location: time.UTC,
		Now: func() time.Time { return time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	s.Warm(context.Background()) // builds the index and the dashboard's profile
	return s
}

var netAddrTCP = *(&netAddr{"127.0.0.1", 8383}).tcp()

func serve(b *testing.B, s *Server, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "http://127.0.0.1:8383"+path, nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
	}
	return w
}

// BenchmarkPages is the server time of the pages the issue names: a page
// of 50 items (the first, and one deep in the source), a timeline day, a
// search with 10 hits (of 77,800 items), the dashboard, and the API.
func BenchmarkPages(b *testing.B) {
	s := benchServer(b)
	// A cursor about half way through the source: follow Next a few
	// times from a page in the middle of the time range.
	next := regexp.MustCompile(`<a rel="next" href="([^"]+)">`)
	mid := serve(b, s, "/sources/saved?to=2024-07-01").Body.String()
	deep := "/sources/saved"
	if m := next.FindStringSubmatch(mid); m != nil {
		deep = htmlUnescape(m[1])
	}
	for _, p := range []struct{ name, path string }{
		{"dashboard", "/"},
		{"source-first-page", "/sources/saved"},
		{"source-deep-page", deep},
		{"timeline-day", "/timeline?day=2024-06-15"},
		{"search-10-hits", "/search?q=" + url.QueryEscape("6543*")},
		{"item", itemPath(b, s)},
		{"api-items-50", "/api/items?source=saved&limit=50&reverse=true"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, s, p.path)
			}
		})
	}
}

func itemPath(b *testing.B, s *Server) string {
	m := regexp.MustCompile(`<a class="desc" href="([^"]+)">`).FindStringSubmatch(serve(b, s, "/sources/saved").Body.String())
	if m == nil {
		b.Fatal("no item on the first page")
	}
	return htmlUnescape(m[1])
}
