package twitter

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/source/internal/takeoutkit/kittest"
)

func TestConformance(t *testing.T) {
	kittest.Conformance(t, Decoder, []kittest.Sample{
		{Name: "archive-2019", Ext: "zip", Data: kittest.ArchiveOf("archive-2019")},
		{Name: "tweets", Ext: "js", Data: kittest.TestdataOf("archive-2024/data/tweets.js")},
		{Name: "direct-messages", Ext: "js", Data: kittest.TestdataOf("archive-2024/data/direct-messages.js")},
	})
}

// TestArchives: an archive of 2019 (files at the top, tweets unwrapped,
// direct_message) and one of 2024 (data/, {"tweet": ...}, tweets.js
// in two parts, deleted tweets, group conversations cut short): a
// tweet, like or message in both is one item in its newest version,
// with exact UTC times; the file cut short is named.
func TestArchives(t *testing.T) {
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "archive-2019")}, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "archive-2024")})
	got := kittest.Lines(res, "")
	want := []string{
		// likes have no time: first, in the order first seen
		"likes | 1190000000000000001 | - |  | The best way to predict the future is to invent it.",
		"likes | 1180000000000000002 | - |  | Ünïcödé everywhere: ½ ∞ ≠ 🤖",
		"likes | 1750000000000000003 | - |  | SQLite is not a toy database",
		"likes | 1740000000000000004 | - |  | ",
		"tweets | 1001122334455667788 | 2018-05-31T23:59:59Z |  | @alice yes, the WAL file stays next to the database",
		"tweets | 1087654321098765432 | 2019-01-22T07:05:01Z |  | Frühstück in Köln ☕🥐 — schön!",
		"tweets | 1193478612345678901 | 2019-11-11T10:22:58Z |  | Backing up my own data, finally. #selfhosting",
		"direct_messages | 1193478900000000000 | 2019-11-11T10:25:10.5Z |  | Hi Bob!",
		"direct_messages | 1193479000000000001 | 2019-11-11T10:30:00.123Z |  | Did you see my tweet? 😀",
		"tweets | 1500000000000000000 | 2022-03-05T06:00:00Z |  | A tweet in the second part of the file",
		"tweets | 1609459200000000001 | 2023-01-01T00:00:00Z |  | Happy new year 🎆 from a timezone that is not UTC (but Twitter writes UTC)",
		"tweets | 1650000000000000004 | 2023-04-23T08:00:00Z |  | deleting this later 🙈",
		"tweets | 1700000000000000002 | 2023-09-08T12:26:40Z |  | 東京は今日も暑い。#夏",
		"direct_messages | 1700000100000000002 | 2023-09-08T12:30:00Z |  | back in Tokyo 🗼",
		"tweets | 1760000000000000003 | 2024-02-21T10:15:30Z |  | Reading about \"archives as snapshots\" & <escaping> https://t.co/AbCdEf",
		"direct_messages | 1760000200000000003 | 2024-02-21T10:20:00Z |  | see https://t.co/XyZ",
		// a long post's whole text, from note-tweet.js
		"note_tweets | 1761000000000000001 | 2024-02-22T08:00:00Z |  | " + strings.Repeat("Backups are a practice, not a product. ", 9) + "Test your restores. 🧪",
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s", kittest.Diff(got, want))
	}
	for _, m := range res.Items {
		raw := string(m.Raw)
		switch m.Key {
		case "1193478612345678901": // in both: the 2024 version, unwrapped
			if !strings.HasPrefix(raw, `{`+"\n"+`    "edit_info"`) || !strings.Contains(raw, `"favorite_count" : "17"`) || m.FirstSeen.Equal(m.LastSeen) {
				t.Errorf("tweet in both archives: %s (first %v last %v)", raw, m.FirstSeen, m.LastSeen)
			}
		case "1650000000000000004":
			if !strings.Contains(raw, `"deleted_at" : "Sun Apr 23 09:30:00 +0000 2023"`) {
				t.Errorf("deleted tweet: %s", raw)
			}
		case "1193479000000000001":
			if !strings.HasPrefix(raw, `{"hoard":{"conversation_id":"123456789-987654321"},`) {
				t.Errorf("message: %s", raw)
			}
		}
	}
	errs := kittest.Errors(res)
	if len(errs) != 1 || !strings.Contains(errs[0], `20240102T120000Z.zip: member "data/direct-messages-group.js": line 1, byte 43: unexpected end of file inside the value starting here (truncated?) (in item 1 of items)`) {
		t.Errorf("errors %v", errs)
	}
}

// TestGroupMessages: a group conversation's messages, without the
// events that are not messages.
func TestGroupMessages(t *testing.T) {
	data := kittest.Testdata(t, "archive-2024/data/direct-messages-group.js")
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "js", Data: []byte(string(data) + `"Thanks!","mediaUrls":[],"senderId":"123456789","id":"1600000000000000900","createdAt":"2022-09-13T12:29:30.250Z"}}]}}]`)})
	got := kittest.Lines(res, "")
	want := []string{
		"direct_messages | 1600000000000000800 | 2022-09-13T12:27:00Z |  | Welcome to the group 🎉",
		"direct_messages | 1600000000000000900 | 2022-09-13T12:29:30.25Z |  | Thanks!",
	}
	if !slices.Equal(got, want) || len(res.Errors()) > 0 {
		t.Errorf("errors %v\n%s", res.Errors(), kittest.Diff(got, want))
	}
}

// TestOtherFiles: a data file no kind reads is an error when it is the
// whole snapshot, and skipped in an archive (account.js, the viewer's
// JavaScript).
func TestOtherFiles(t *testing.T) {
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "js", Data: kittest.Testdata(t, "archive-2024/data/account.js")})
	if errs := kittest.Errors(res); len(errs) != 1 || !strings.Contains(errs[0], `not a data file of an X (Twitter) archive`) {
		t.Errorf("account.js: %v", errs)
	}
}

func TestDetect(t *testing.T) {
	f := Source.Detect(kittest.Home(t, "Downloads/twitter-2024-03-01-0123456789abcdef.zip"))
	if len(f) != 1 || f[0].Name != "twitter" || !strings.Contains(f[0].Stanza, `watch = "~/Downloads/twitter-*.zip"`) {
		t.Errorf("%+v", f)
	}
}
