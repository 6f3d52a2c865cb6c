package smsbackup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.ReadFile(t, filepath.Join("testdata", name))
}

const (
	smsFile   = "sms-20240301120000.xml"
	callsFile = "calls-20240301120005.xml"
)

func TestConformance(t *testing.T) {
	for name, golden := range map[string]string{smsFile: "testdata/sms.golden", callsFile: "testdata/calls.golden"} {
		t.Run(name, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "xml", Golden: golden,
				Sample: func(t testing.TB) []byte { return fixture(t, name) }})
		})
	}
}

func merge(t *testing.T, files map[string][]byte) *dal.Result {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		os.WriteFile(filepath.Join(dir, name), b, 0o600)
	}
	res := dectest.Merge(t, dir, dal.Spec{Source: "sms-backup", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	return res
}

// TestBackups: messages and calls read from a folder of the app's own
// files (their names hold the backup's date), with exact UTC times to the
// millisecond, keys, titles and texts.
func TestBackups(t *testing.T) {
	res := merge(t, map[string][]byte{smsFile: fixture(t, smsFile), callsFile: fixture(t, callsFile)})
	var got []string
	for _, m := range res.Items {
		got = append(got, strings.Join([]string{m.Kind, m.Key, m.Time.Format(time.RFC3339Nano), m.Title, strings.ReplaceAll(m.Text, "\n", `\n`)}, " | "))
	}
	want := []string{
		`sms | ["+15555550101","1262304000123","Happy new decade! Let's meet at Tom & Jo's <8pm>"] | 2010-01-01T00:00:00.123Z | Alice | Happy new decade! Let's meet at Tom & Jo's <8pm>`,
		`sms | ["+15555550101","1262304061000","Deal.\nSee you there."] | 2010-01-01T00:01:01Z | Alice | Deal.\nSee you there.`,
		`calls | ["+15555550101","1356998400000"] | 2013-01-01T00:00:00Z | Alice | +15555550101`,
		`sms | ["+306900000001","1404204045678","Καλημέρα! Τι κάνεις;"] | 2014-07-01T08:40:45.678Z | Νίκος | Καλημέρα! Τι κάνεις;`,
		`calls | ["+306900000001","1404204100250"] | 2014-07-01T08:41:40.25Z | Νίκος | +306900000001`,
		`sms | ["+966500000001","1577836800000","كل عام وأنتم بخير"] | 2020-01-01T00:00:00Z | +966500000001 | كل عام وأنتم بخير`,
		`sms | ["+8613800000001","1612137600999","春节快乐 😀🎉"] | 2021-02-01T00:00:00.999Z | 王芳 | 春节快乐 😀🎉`,
		`calls | ["+15555550102","1709280000000"] | 2024-03-01T08:00:00Z | Bob | +15555550102`,
		`calls | ["","1709281000000"] | 2024-03-01T08:16:40Z | (Unknown) | `,
		`calls | ["+15555550199","1709282000000"] | 2024-03-01T08:33:20Z | +15555550199 | +15555550199`,
		`calls | ["+15555550101","1709283000000"] | 2024-03-01T08:50:00Z | Alice | +15555550101`,
		`calls | ["+15555550103","1709284000000"] | 2024-03-01T09:06:40Z | Carol | +15555550103`,
		`sms | ["+15555550102","1709285100500","On my way 🚗💨"] | 2024-03-01T09:25:00.5Z | Bob | On my way 🚗💨`,
		`sms | ["+15555550102","1709285200000","draft: bring the "] | 2024-03-01T09:26:40Z | Bob | draft: bring the `,
		`sms | ["72404","1709286000000","Your code is 123456. Do not share it."] | 2024-03-01T09:40:00Z | 72404 | Your code is 123456. Do not share it.`,
		`mms | ["+15555550101~+15555550102","1709289912000"] | 2024-03-01T10:45:12Z | Alice, Bob | Look at this 🐈 😀`,
		`mms | ["+15555550101~+15555550102","1709290100000"] | 2024-03-01T10:48:20Z | Alice, Bob | Cute! Dinner at 8?\nI'll book.`,
		`sms | ["+15555550101","1709290200000","Sure 👍"] | 2024-03-01T10:50:00Z | Alice | Sure 👍`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMMS: an MMS keeps every attribute of its parts and addresses; an
// attachment's base64 becomes its size and SHA-256.
func TestMMS(t *testing.T) {
	p := dectest.WriteSnap(t, t.TempDir(), 0, "xml", fixture(t, smsFile))
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	var mms []map[string]any
	for _, rec := range r.Records {
		if rec.Kind == "mms" {
			var m map[string]any
			if err := json.Unmarshal([]byte(rec.Raw), &m); err != nil {
				t.Fatal(err)
			}
			mms = append(mms, m)
			if strings.Contains(rec.Raw, `"data"`) {
				t.Errorf("an mms record holds base64 data: %.200s", rec.Raw)
			}
		}
	}
	if len(mms) != 2 {
		t.Fatalf("%d mms", len(mms))
	}
	parts := mms[0]["parts"].([]any)
	img := parts[1].(map[string]any)
	sum := strings.Fields(string(fixture(t, "cat.png.sha256")))
	if len(parts) != 3 || img["ct"] != "image/png" || img["data_sha256"] != sum[0] || fmt.Sprint(img["data_bytes"]) != sum[1] ||
		img["name"] != "IMG_20240301_104512.png" || parts[0].(map[string]any)["cid"] != "<smil>" {
		t.Errorf("parts %v", parts)
	}
	if smil := parts[0].(map[string]any)["text"].(string); !strings.HasPrefix(smil, `<smil><head><layout><root-layout/><region id="Image"`) {
		t.Errorf("smil text %q", smil)
	}
	addrs := mms[0]["addrs"].([]any)
	if len(addrs) != 3 || addrs[0].(map[string]any)["type"] != "137" || addrs[2].(map[string]any)["address"] != "insert-address-token" {
		t.Errorf("addrs %v", addrs)
	}
	if mms[0]["m_id"] != "mms-20240301-0001@mmsc.example.net" || mms[0]["date_sent"] != "1709289910" || mms[1]["text_only"] != "1" {
		t.Errorf("attributes %v", mms[0])
	}
}

// TestRepair: the halves of an emoji become the emoji, whatever the
// chunks the input arrives in; what XML cannot hold becomes U+FFFD, and
// is counted; the rest passes unchanged.
func TestRepair(t *testing.T) {
	for _, c := range []struct {
		in, want string
		replaced int
	}{
		{`<a b="&#55357;&#56832;"/>`, `<a b="&#128512;"/>`, 0},
		{`<a b="&#xD83D;&#xDE00;x&#55356;&#57225;"/>`, `<a b="&#128512;x&#127881;"/>`, 0},
		{`<a b="&#55357; &#56832;"/>`, `<a b="&#xFFFD; &#xFFFD;"/>`, 2},
		{`<a b="&#56832;&#55357;"/>`, `<a b="&#xFFFD;&#xFFFD;"/>`, 2},
		{`<a b="&#1;&#9;&#10;&#xFFFF;&#65;"/>`, `<a b="&#xFFFD;&#9;&#10;&#xFFFD;&#65;"/>`, 2},
		{"<a b=\"x\x01y\x00\"/>", "<a b=\"x\uFFFDy\uFFFD\"/>", 2},
		{"<a b=\"\xff\xfe caf\xc3\xa9 \xe2\x82\"/>", "<a b=\"\uFFFD\uFFFD café \uFFFD\uFFFD\"/>", 4},
		{`<a b="&amp;#55357; &#; &#xZZ; &#99999999999;"/>`, `<a b="&amp;#55357; &#; &#xZZ; &#99999999999;"/>`, 0},
		{"plain ünïcödé 😀 text\r\n", "plain ünïcödé 😀 text\r\n", 0},
		{`&#55357;`, `&#xFFFD;`, 1},
	} {
		for name, wrap := range map[string]func(io.Reader) io.Reader{"whole": func(r io.Reader) io.Reader { return r },
			"byte by byte": iotest.OneByteReader, "half": iotest.HalfReader} {
			rr := newRepairReader(wrap(strings.NewReader(c.in)))
			out, err := io.ReadAll(rr)
			if err != nil || string(out) != c.want || rr.Replaced != c.replaced {
				t.Errorf("%s %q: %q (%d replaced, %v), want %q (%d)", name, c.in, out, rr.Replaced, err, c.want, c.replaced)
			}
		}
	}
}

// TestDamage: a bad part of a file is an error naming the file (and the
// line where the parser was), the items before it are read.
func TestDamage(t *testing.T) {
	good := fixture(t, smsFile)
	for _, c := range []struct {
		name, in string
		n        int
		err      string
	}{
		{"cut short", string(good[:len(good)*2/3]), 8, "XML syntax error"},
		{"another document", `<?xml version="1.0"?><rss><channel/></rss>`, 0, "the document is <rss>, not <smses> or <calls>: not an SMS Backup & Restore file"},
		{"empty", "", 0, "no <smses> or <calls> element: not an SMS Backup & Restore file"},
		{"bad date", `<smses><sms address="1" date="yesterday" body="x"/></smses>`, 1, `<sms> at line 1: date "yesterday" is not Java milliseconds: the item has no time`},
		{"bad base64", `<smses><mms address="1" date="1"><parts><part ct="image/jpeg" data="!!!notbase64"/></parts></mms></smses>`, 1, "<part> at line 1: data is not base64"},
		{"control characters", `<smses><sms address="1" date="1709290200000" body="bell&#7;"/></smses>`, 1,
			"1 characters that XML cannot hold (control characters, halves of emoji without their other half, bytes that are not UTF-8) were read as U+FFFD"},
		{"too deep", "<smses><mms date=\"1\">" + strings.Repeat("<x>", 20) + strings.Repeat("</x>", 20) + "</mms></smses>", 0, "elements nested too deeply for an MMS"},
		{"other elements", `<smses><note/><sms address="1" date="1" body="b"/></smses>`, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := dectest.WriteSnap(t, t.TempDir(), 0, "xml", []byte(c.in))
			r := dectest.Records(t, Decoder, p, dal.Spec{})
			if len(r.Records) != c.n {
				t.Errorf("%d records, want %d", len(r.Records), c.n)
			}
			dectest.OneError(t, r.Errs, c.err, p)
		})
	}
}

// TestLargeBackup: years of messages (20,000 SMS, 300 MMS with a 40 KB
// photo each: 24 MB) read whole, each once.
func TestLargeBackup(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"20300\">\n")
	photo := strings.Repeat("/9j/4AAQSkZJRgABAQEASABIAAD/", 40<<10/28)
	for i := range 20000 {
		fmt.Fprintf(&b, `  <sms protocol="0" address="+1555%07d" date="%d" type="%d" subject="null" body="message %d: ünïcödé &#55357;&#56832;&#10;line two" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="x" contact_name="Contact %d" />`+"\n",
			i%500, 1262304000000+int64(i)*7919311, 1+i%2, i, i%500)
		if i%66 == 0 && i/66 < 300 {
			fmt.Fprintf(&b, `  <mms date="%d" msg_box="1" address="+1555%07d" m_id="m%d"><parts><part seq="0" ct="image/jpeg" text="null" data="%s"/><part seq="0" ct="text/plain" text="photo %d"/></parts><addrs><addr address="+1555%07d" type="137" charset="106"/></addrs></mms>`+"\n",
				1262304000500+int64(i)*7919311, i%500, i, photo, i, i%500)
		}
	}
	b.WriteString("</smses>\n")
	res := merge(t, map[string][]byte{"sms-20240101000000.xml": b.Bytes()})
	count := map[string]int{}
	for _, m := range res.Items {
		count[m.Kind]++
	}
	if count["sms"] != 20000 || count["mms"] != 300 {
		t.Errorf("kinds %v", count)
	}
}

func TestDetect(t *testing.T) {
	home := t.TempDir()
	for _, f := range []string{"Downloads/sms-20240101120000.xml", "Downloads/sms-20240301120000.xml", "SMSBackupRestore/sms-20230101120000.xml", "Downloads/calls-20240301120005.xml"} {
		os.MkdirAll(filepath.Join(home, filepath.Dir(f)), 0o700)
		os.WriteFile(filepath.Join(home, f), []byte("<smses/>"), 0o600)
	}
	found := detect(source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }})
	if len(found) != 2 || found[0].Name != "sms-backup" || !strings.HasSuffix(found[0].Path, "Downloads/sms-20240301120000.xml") ||
		found[1].Name != "sms-backup-2" || !strings.HasSuffix(found[1].Path, "calls-20240301120005.xml") ||
		!strings.Contains(found[0].Comment, "newest of 3 backups") {
		t.Errorf("found %+v", found)
	}
}
