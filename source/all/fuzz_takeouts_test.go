package all

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source/facebook"
	googletakeout "github.com/hoard-dev/hoard/source/google-takeout"
	"github.com/hoard-dev/hoard/source/instagram"
	"github.com/hoard-dev/hoard/source/telegram"
	"github.com/hoard-dev/hoard/source/twitter"
)

// FuzzTakeoutDecoders: the decoders of the takeouts and archives read
// any bytes, as a file of the export and as a member of a zip, without
// panicking; every record is an object, and from valid JSON a valid one
// (the merge validates what it keeps: the decoders do not check every
// version of every item).
func FuzzTakeoutDecoders(f *testing.F) {
	for _, s := range []string{
		`[{"header":"Search","title":"x","time":"2024-01-01T00:00:00Z"}]`,
		`{"locations":[{"timestampMs":"1","latitudeE7":1,"longitudeE7":2}]}`,
		`{"timelineObjects":[{"placeVisit":{"duration":{"startTimestamp":"x"}}}]}`,
		`<div class="outer-cell"><div class="content-cell mdl-typography--body-1">a<br>Jan 5, 2021, 8:00:00 AM PDT</div></div>`,
		`window.YTD.direct_messages.part0 = [{"dmConversation":{"conversationId":"1","messages":[{"messageCreate":{"id":"2"}}]}}]`,
		`{"participants":[{"name":"a"}],"messages":[{"timestamp_ms":1,"content":"\u00c3\u00b6"}],"thread_path":"inbox/x"}`,
		`{"likes_media_likes":[{"title":"a","string_list_data":[{"timestamp":1}]}]}`,
		`[["2019-01-01T00:00:00+00:00","a"]]`,
		`{"name":"a","type":"personal_chat","id":1,"messages":[{"id":1,"date_unixtime":"1","text":["a",{"type":"link","text":"b"}]}]}`,
		`{"chats":{"list":[{"id":1,"messages":[{"text":"\x0B"}]}]}}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	decoders := []*dal.Decoder{googletakeout.Decoder, twitter.Decoder, facebook.Decoder, instagram.Decoder, telegram.Decoder}
	f.Fuzz(func(t *testing.T, data []byte) {
		plain := filepath.Join(dir, "20240101T000000Z.json")
		if err := os.WriteFile(plain, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		for _, name := range []string{"Takeout/My Activity/Search/MyActivity.json", "data/tweets.js", "messages/inbox/a_1/message_1.json", "likes/liked_posts.json", "result.json", "a.html"} {
			w, _ := zw.Create(name)
			w.Write(data)
		}
		zw.Close()
		archive := filepath.Join(dir, "20240101T000000Z.zip")
		if err := os.WriteFile(archive, zb.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		valid := json.Valid(data)
		for _, d := range decoders {
			for _, p := range []string{plain, archive} {
				for r, err := range d.Records(t.Context(), p, &dal.Spec{}) {
					if err == nil && (r.Raw[0] != '{' || valid && !json.Valid(r.Raw)) {
						t.Fatalf("%s: record %q is not a JSON object", d.Name, r.Raw)
					}
				}
			}
		}
	})
}
