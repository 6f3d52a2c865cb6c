package github

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/github"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

// bigGhexport writes a ghexport document of n events (indented, as
// ghexport writes) and returns its path and size.
func bigGhexport(b *testing.B, n int) (string, int64) {
	var sb strings.Builder
	sb.WriteString("{\n \"profile\": {\"login\": \"octo-cat\", \"id\": 1},\n \"events\": [\n")
	for i := range n {
		if i > 0 {
			sb.WriteString(",\n")
		}
		ev := map[string]any{"id": fmt.Sprint(40000000000 + i), "type": "PushEvent", "public": true, "created_at": "2025-06-01T00:00:00Z",
			"actor": map[string]any{"id": 1, "login": "octo-cat", "url": "https://api.github.com/users/octo-cat"},
			"repo":  map[string]any{"id": 2001, "name": "octo-cat/r001", "url": "https://api.github.com/repos/octo-cat/r001"},
			"payload": map[string]any{"push_id": i, "size": 1, "ref": "refs/heads/main", "head": "0123456789abcdef0123456789abcdef01234567",
				"commits": []map[string]any{{"sha": "0123456789abcdef0123456789abcdef01234567", "message": "Fix the thing ✓", "author": map[string]string{"name": "Octo Cät", "email": "o@example.com"}}}}}
		b, _ := json.MarshalIndent(ev, "  ", " ")
		sb.Write(b)
	}
	sb.WriteString("\n ]\n}\n")
	p := filepath.Join(b.TempDir(), "20240101T000000Z.json")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p, int64(sb.Len())
}

// BenchmarkGhexportRecords: the decoder's speed on a large ghexport
// archive (streamed item by item).
func BenchmarkGhexportRecords(b *testing.B) {
	p, _ := bigGhexport(b, 50000)
	dectest.Bench(b, Decoder, p, 50001)
}

// BenchmarkJSONRecords is the format decoder on the same file, for
// comparison.
func BenchmarkJSONRecords(b *testing.B) {
	p, size := bigGhexport(b, 50000)
	b.SetBytes(size)
	spec := &dal.Spec{Items: []string{"events"}}
	for b.Loop() {
		for _, err := range dal.JSON.Records(context.Background(), p, spec) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkExport: one run of the exporter against the fake, for an
// account with 5000 stars and 300 events (about 60 requests).
func BenchmarkExport(b *testing.B) {
	h := sourcetest.New(b, "")
	srv := fake.New(h.Clock, "", fake.Counts{Stars: 5000, Repos: 100, Gists: 10, Followers: 100, Following: 100, Events: 300, Issues: 50, Pulls: 50})
	defer srv.Close()
	ex, err := newExporter(export.Source{Params: &Params{BaseURL: srv.URL}}, hooksFor(h))
	if err != nil {
		b.Fatal(err)
	}
	var out countWriter
	for b.Loop() {
		env := exporttest.Env(secret.Secrets{"token": fake.Token}, os.Stderr)
		if err := ex.Export(context.Background(), &out, env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out)/float64(b.N), "bytes/run")
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
