package telegram

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/internal/archivetest"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit/kittest"
)

func TestConformance(t *testing.T) {
	kittest.Conformance(t, Decoder, []kittest.Sample{
		{Name: "chat", Ext: "json", Data: kittest.TestdataOf("ChatExport_2021-06-01/result.json")},
		{Name: "account", Ext: "json", Data: kittest.TestdataOf("DataExport_2024-03-01/result.json")},
		// a folder stored by hoard import: a tar with the photos beside
		{Name: "folder", Ext: "tar", Data: func(t testing.TB) []byte {
			return archivetest.Tgz(t, append(archivetest.Prefix("ChatExport_2021-06-01", archivetest.Tree(t, "testdata/ChatExport_2021-06-01", nil)),
				archivetest.File{Name: "ChatExport_2021-06-01/photos/photo_1@01-05-2021_14-00-00.jpg", Data: []byte("\xff\xd8\xff\xe0 not really a jpeg")}))
		}},
	})
}

func read(t *testing.T, zone string, snaps ...kittest.Snap) *dal.Result {
	t.Helper()
	dir := t.TempDir()
	for i, s := range snaps {
		dectest.WriteSnap(t, dir, i, s.Ext, s.Data)
	}
	return dectest.Merge(t, dir, dal.Spec{Source: Name, Decoder: Decoder, TimeZone: zone})
}

// TestExports: a chat exported in 2020 (no date_unixtime: its times are
// read in the zone the config names), the same chat in 2021, and the
// whole account in 2024: a message in several exports is one item, keyed
// by its chat and id, its time exact; entities become searchable text;
// the \x escape Telegram writes is read; service messages, saved
// messages (a chat without a name), channels and chats left are read.
func TestExports(t *testing.T) {
	res := read(t, "Europe/Berlin",
		kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "ChatExport_2020-03-28/result.json")},
		kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "ChatExport_2021-06-01/result.json")},
		kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "DataExport_2024-03-01/result.json")})
	got := kittest.Lines(res, "")
	want := []string{
		"messages | [42424242,7] | 2019-01-01T00:00:00Z | Old flat share | Who took my cheese?",
		// 2020's export: local times, read in Europe/Berlin
		"messages | [123456789,101] | 2020-03-27T10:00:00Z | Алиса | Hallo aus 2020",
		"messages | [123456789,102] | 2020-03-28T10:00:00Z | Алиса | Grüße @alice",
		"messages | [123456789,1] | 2021-05-01T10:00:00Z | Алиса | Привет! 👋",
		"messages | [123456789,2] | 2021-05-01T10:01:02Z | Алиса | See https://telegram.org/faq and read it!",
		"messages | [123456789,3] | 2021-05-01T11:00:00Z | Алиса | line one\\nline two\twith a tab and a vertical\vtab",
		"messages | [123456789,4] | 2021-05-01T12:00:00Z | Алиса | ",
		"messages | [123456789,5] | 2021-06-01T00:00:00Z | Алиса | summer time in Berlin ☀",
		"messages | [1500600700,1] | 2023-01-01T00:00:00Z | Backup nerds 💾 | ",
		"messages | [1500600700,2] | 2023-01-01T00:01:00Z | Backup nerds 💾 | Welcome! Rule 1: 3-2-1.",
		"messages | [1500600700,3] | 2023-01-01T00:02:00Z | Backup nerds 💾 | Rule 2: test the restore",
		"messages | [1500600700,4] | 2023-01-02T00:00:00Z | Backup nerds 💾 | ",
		"messages | [111222333,1] | 2023-11-14T22:13:20Z |  | note to self: the key is in the drawer",
		"messages | [1500600700,5] | 2023-12-31T23:59:59Z | Backup nerds 💾 | the last second of 2023 in UTC",
		"messages | [1777888999,10] | 2024-03-01T08:00:00Z | hoard news | #release 1.0 is out",
		"messages | [123456789,6] | 2024-03-01T10:46:40Z | Алиса | still here in 2024?",
	}
	if !slices.Equal(got, want) || len(res.Errors()) > 0 {
		t.Errorf("errors %v\n%s", res.Errors(), kittest.Diff(got, want))
	}
	for _, m := range res.Items {
		if m.Key == "[123456789,3]" {
			if !strings.HasPrefix(string(m.Raw), `{"hoard":{"chat_id":123456789,"chat_name":"Алиса","chat_type":"personal_chat","time":"1619866800","text":"line one\nline two\twith a tab and a vertical\u000btab"},`) ||
				!strings.Contains(string(m.Raw), `"text": "line one\nline two\twith a tab and a vertical\u000Btab"`) {
				t.Errorf("raw %s", m.Raw)
			}
			if !m.FirstSeen.Equal(dectest.Day(1)) || !m.LastSeen.Equal(dectest.Day(2)) {
				t.Errorf("seen %v %v", m.FirstSeen, m.LastSeen)
			}
		}
	}
}

// TestEscapesAcrossReads: the \x repair holds whatever the reads' sizes.
func TestEscapesAcrossReads(t *testing.T) {
	in := `{"a":"x\x0By\\x","b":"\"\x1F"}`
	want := `{"a":"x\u000By\\x","b":"\"\u001F"}`
	for _, r := range []func([]byte) []byte{
		func(b []byte) []byte { return b },
		func(b []byte) []byte { out, _ := readAll(iotest.OneByteReader(bytes.NewReader(b))); return out },
	} {
		got, err := readAll(&escapes{r: bytes.NewReader(r([]byte(in)))})
		if err != nil || string(got) != want {
			t.Errorf("got %s %v, want %s", got, err, want)
		}
	}
	got, _ := readAll(&escapes{r: iotest.OneByteReader(bytes.NewReader([]byte(in)))})
	if string(got) != want {
		t.Errorf("one byte at a time: %s", got)
	}
}

func readAll(r interface{ Read([]byte) (int, error) }) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// TestTruncated: an export cut short keeps the messages before the cut
// and says where it ends.
func TestTruncated(t *testing.T) {
	data := kittest.Testdata(t, "DataExport_2024-03-01/result.json")
	cut := data[:bytes.Index(data, []byte("Rule 2"))]
	var n int
	var errs []string
	for rec, err := range Decoder.Records(context.Background(), dectest.WriteSnap(t, t.TempDir(), 0, "json", cut), &dal.Spec{}) {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if rec.Kind == "messages" {
			n++
		}
	}
	if n != 8 || len(errs) != 1 || !strings.Contains(errs[0], "after 8 messages: unexpected end of file (truncated?)") {
		t.Errorf("%d messages, errors %v", n, errs)
	}
}

func TestDetect(t *testing.T) {
	f := Source.Detect(kittest.Home(t, "Downloads/Telegram Desktop/ChatExport_2021-06-01/result.json", "Downloads/Telegram Desktop/DataExport_2024-03-01/result.json"))
	if len(f) != 1 || f[0].Name != "telegram" || !strings.Contains(f[0].Stanza, `watch = "~/Downloads/Telegram Desktop/*/result.json"`) || !strings.Contains(f[0].Comment, "(2 found)") {
		t.Errorf("%+v", f)
	}
}
