package hackernews

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	fake "github.com/hoard-dev/hoard/internal/fakeapi/hackernews"
)

// BenchmarkParsePage: one list page of 30 stories, as the exporter checks
// it and the decoder reads it.
func BenchmarkParsePage(b *testing.B) {
	srv := fake.New(0, 0, 30, 0, 0, 0)
	defer srv.Close()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/favorites?id="+fake.User, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	at, _ := url.Parse(req.URL.String())
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		p, err := parsePage(string(page), at, false)
		if err != nil || len(p.rows) != 30 {
			b.Fatal(err)
		}
	}
}
