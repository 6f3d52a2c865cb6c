package all

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/hoard-dev/hoard/source/bluesky"
	"github.com/hoard-dev/hoard/source/github"
	"github.com/hoard-dev/hoard/source/hackernews"
	"github.com/hoard-dev/hoard/source/hypothesis"
	"github.com/hoard-dev/hoard/source/mastodon"
	"github.com/hoard-dev/hoard/source/reddit"
)

// FuzzAPIDecoders: the web sources' decoders (rest snapshots, the legacy
// documents of ghexport, rexport and hypexport, Hacker News's saved
// pages) never panic, whatever the input; their records are objects, and
// read through the merge every item is valid JSON (a legacy document's
// items are found by scanning, as the JSON decoder's are, and an invalid
// one is an error of the merge, not an item).
func FuzzAPIDecoders(f *testing.F) {
	f.Add([]byte(`{"profile":{"id":1},"starred":[{"id":2}],"saved":[{"name":"t3_x"}],"annotations":[{"id":"a"}]}`))
	f.Add([]byte(`[{"id":"1","type":"PushEvent"}]`))
	f.Add([]byte(`{"endpoint":"saved","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"data.children","body":{"data":{"children":[{"kind":"t3","data":{}}]}}}` + "\n"))
	f.Add([]byte(`{"endpoint":"favorites","page":1,"url":"https://news.ycombinator.com/favorites?id=a","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"full","items":"","body":"<table id=\"hnmain\"><tr class=\"athing\" id=\"1\"><td><span class=\"titleline\"><a href=\"x\">t</a></span></td></tr><tr><td class=\"subtext\"><span class=\"age\" title=\"2024-01-01T00:00:00\"></span></td></tr></table>"}` + "\n"))
	f.Add([]byte("{\"multireddits\":[{\"path\":\"/m\"}],\"x\":[1,{}],\"inbox\":null}"))
	dir := f.TempDir()
	decoders := []*dal.Decoder{github.Decoder, reddit.Decoder, hypothesis.Decoder, mastodon.Decoder, bluesky.Decoder, hackernews.Decoder}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "20240101T000000Z.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		snaps, err := snapshot.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range decoders {
			for r, err := range d.Records(t.Context(), p, &dal.Spec{}) {
				if err == nil && (len(r.Raw) == 0 || r.Raw[0] != '{') {
					t.Fatalf("%s: record %q is not an object", d.Name, r.Raw)
				}
			}
			res, err := dal.Merge(t.Context(), dal.Spec{Source: "s", Decoder: d}, snaps.Snapshots, dal.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range res.Items {
				if !json.Valid(it.Raw) {
					t.Fatalf("%s: item %q is not valid JSON", d.Name, it.Raw)
				}
			}
		}
	})
}
