package googletakeout

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// bigRecords writes a Records.json of n points, as Takeout writes it
// (the `timestamp` generation, Google's "key" : value printer).
func bigRecords(b *testing.B, n int) (string, int64) {
	var sb strings.Builder
	sb.WriteString("{\n  \"locations\" : [ ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "{\n    \"latitudeE7\" : %d,\n    \"longitudeE7\" : %d,\n    \"accuracy\" : %d,\n    \"activity\" : [ {\n      \"activity\" : [ {\n        \"type\" : \"STILL\",\n        \"confidence\" : 77\n      } ],\n      \"timestamp\" : \"%s\"\n    } ],\n    \"source\" : \"WIFI\",\n    \"deviceTag\" : 1978796627,\n    \"platformType\" : \"ANDROID\",\n    \"timestamp\" : \"%s\"\n  }",
			488583701+i%10000, 22944813-i%7777, 10+i%40, time.Unix(1500000000+int64(i)*60, 0).UTC().Format(time.RFC3339), time.Unix(1500000000+int64(i)*60, int64(i%1000)*1e6).UTC().Format(time.RFC3339Nano))
	}
	sb.WriteString(" ]\n}\n")
	return write(b, "json", sb.String())
}

// bigActivityPage writes an HTML My Activity page of n activities.
// It returns the page's path, size and number of activities.
func bigActivityPage(b *testing.B, n int) (string, int64, int) {
	page, err := os.ReadFile("testdata/en/Takeout/My Activity/YouTube/MyActivity.html")
	if err != nil {
		b.Fatal(err)
	}
	p := string(page)
	start := strings.Index(p, `<div class="outer-cell`)
	end := strings.LastIndex(p, `</div></body>`)
	cells := p[start:end]
	var sb strings.Builder
	sb.WriteString(p[:start])
	count := 0
	for i := 0; sb.Len() < n; i++ {
		sb.WriteString(strings.ReplaceAll(cells, "Never Gonna Give You Up", fmt.Sprintf("Video %d", i)))
		count += strings.Count(cells, `<div class="outer-cell`)
	}
	sb.WriteString(p[end:])
	path, size := write(b, "html", sb.String())
	return path, size, count
}

func write(b *testing.B, ext, data string) (string, int64) {
	path := filepath.Join(b.TempDir(), "20240101T000000Z."+ext)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, int64(len(data))
}

func records(b *testing.B, dec *dal.Decoder, path string, spec *dal.Spec) int {
	n := 0
	for _, err := range dec.Records(context.Background(), path, spec) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// BenchmarkRecords: 200,000 points (about 80 MB) through the decoder,
// and through the plain JSON decoder (items = "locations"), the bar.
func BenchmarkRecords(b *testing.B) {
	path, size := bigRecords(b, 200000)
	b.Run("google-takeout", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if n := records(b, Decoder, path, &dal.Spec{}); n != 200000 {
				b.Fatal(n)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if n := records(b, dal.JSON, path, &dal.Spec{Items: []string{"locations"}}); n != 200000 {
				b.Fatal(n)
			}
		}
	})
}

// BenchmarkActivityPage: an HTML My Activity page of about 64 MB.
func BenchmarkActivityPage(b *testing.B) {
	path, size, n := bigActivityPage(b, 64<<20)
	b.SetBytes(size)
	for b.Loop() {
		if got := records(b, Decoder, path, &dal.Spec{}); got != n {
			b.Fatalf("%d records, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n), "activities/op")
}
