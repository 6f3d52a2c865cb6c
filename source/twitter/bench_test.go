package twitter

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

// bigTweets writes a data/tweets.js of n tweets as the archive has
// written it since 2020 (the window.YTD prefix, each tweet wrapped in
// {"tweet": ...}, Twitter's "key" : value printer).
func bigTweets(b *testing.B, n int) (string, int64) {
	var sb strings.Builder
	sb.WriteString("window.YTD.tweets.part0 = [ ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		id := 1193478612345678901 + int64(i)
		fmt.Fprintf(&sb, "{\n  \"tweet\" : {\n    \"edit_info\" : {\n      \"initial\" : {\n        \"editTweetIds\" : [ \"%d\" ],\n        \"editableUntil\" : \"2023-01-01T00:00:00.000Z\",\n        \"editsRemaining\" : \"5\",\n        \"isEditEligible\" : false\n      }\n    },\n    \"retweeted\" : false,\n    \"source\" : \"<a href=\\\"https://mobile.twitter.com\\\" rel=\\\"nofollow\\\">Twitter Web App</a>\",\n    \"entities\" : {\n      \"hashtags\" : [ ],\n      \"symbols\" : [ ],\n      \"user_mentions\" : [ ],\n      \"urls\" : [ ]\n    },\n    \"display_text_range\" : [ \"0\", \"45\" ],\n    \"favorite_count\" : \"%d\",\n    \"id_str\" : \"%d\",\n    \"truncated\" : false,\n    \"retweet_count\" : \"0\",\n    \"id\" : \"%d\",\n    \"created_at\" : \"%s\",\n    \"favorited\" : false,\n    \"full_text\" : \"Tweet %d: backing up my own data, finally. Grüße 👋 #selfhosting\",\n    \"lang\" : \"en\"\n  }\n}",
			id, i%100, id, id, time.Unix(1500000000+int64(i)*600, 0).UTC().Format(time.RubyDate), i)
	}
	sb.WriteString(" ]")
	path := filepath.Join(b.TempDir(), "20240101T000000Z.js")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, int64(sb.Len())
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

// BenchmarkTweets: 100,000 tweets (about 80 MB) through the decoder, and
// through the plain JSON decoder (which skips the JavaScript prefix too),
// the bar.
func BenchmarkTweets(b *testing.B) {
	const n = 100000
	path, size := bigTweets(b, n)
	for _, c := range []struct {
		name string
		dec  *dal.Decoder
	}{{"twitter", Decoder}, {"json", dal.JSON}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if got := records(b, c.dec, path, &dal.Spec{}); got != n {
					b.Fatalf("%d records, want %d", got, n)
				}
			}
		})
	}
}
