package twitter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// bigTweets writes a data/tweets.js of n tweets as the archive has
// written it since 2020 (the window.YTD prefix, each tweet wrapped in
// {"tweet": ...}, Twitter's "key" : value printer).
func bigTweets(b *testing.B, n int) string {
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
	return dectest.WriteSnap(b, b.TempDir(), 0, "js", []byte(sb.String()))
}

// BenchmarkTweets: 100,000 tweets (about 80 MB) through the decoder, and
// through the plain JSON decoder (which skips the JavaScript prefix too),
// the bar.
func BenchmarkTweets(b *testing.B) {
	const n = 100000
	path := bigTweets(b, n)
	b.Run("twitter", func(b *testing.B) { dectest.Bench(b, Decoder, path, n) })
	b.Run("json", func(b *testing.B) { dectest.Bench(b, dal.JSON, path, n) })
}
