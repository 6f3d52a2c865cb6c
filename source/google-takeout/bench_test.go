package googletakeout

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// bigRecords writes a Records.json of n points, as Takeout writes it
// (the `timestamp` generation, Google's "key" : value printer).
func bigRecords(b *testing.B, n int) string {
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
	return dectest.WriteSnap(b, b.TempDir(), 0, "json", []byte(sb.String()))
}

// bigActivityPage writes an HTML My Activity page of n activities.
// It returns the page's path and number of activities.
func bigActivityPage(b *testing.B, n int) (string, int) {
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
	return dectest.WriteSnap(b, b.TempDir(), 0, "html", []byte(sb.String())), count
}

// BenchmarkRecords: 200,000 points (about 80 MB) through the decoder,
// and through the plain JSON decoder (items = "locations"), the bar.
func BenchmarkRecords(b *testing.B) {
	path := bigRecords(b, 200000)
	b.Run("google-takeout", func(b *testing.B) { dectest.Bench(b, Decoder, path, 200000) })
	b.Run("json", func(b *testing.B) {
		dectest.BenchSpec(b, dal.JSON, path, &dal.Spec{Items: []string{"locations"}}, 200000)
	})
}

// BenchmarkActivityPage: an HTML My Activity page of about 64 MB.
func BenchmarkActivityPage(b *testing.B) {
	path, n := bigActivityPage(b, 64<<20)
	dectest.Bench(b, Decoder, path, n)
	b.ReportMetric(float64(n), "activities/op")
}
