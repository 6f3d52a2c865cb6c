package smsbackup

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/dal"
)

// FuzzRepair: whatever the input and however it is chunked, the repaired
// text is UTF-8 holding only characters XML allows, references included;
// repairing it again changes nothing.
func FuzzRepair(f *testing.F) {
	for _, s := range []string{`<a b="&#55357;&#56832;"/>`, "&#xD83D;&#1;\x00\xff", "&#55357;", "caf\xc3\xa9 &#10;&amp;#1;"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newRepairReader(bytes.NewReader(in))
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		bytewise, _ := io.ReadAll(newRepairReader(iotest.OneByteReader(bytes.NewReader(in))))
		if !bytes.Equal(out, bytewise) {
			t.Fatalf("chunking changed the output: %q vs %q", out, bytewise)
		}
		if !utf8.Valid(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		for i, c := range string(out) {
			if !xmlChar(c) {
				t.Fatalf("character %U at %d", c, i)
			}
		}
		for i := range out {
			if n, v, ok := charRef(out[i:]); ok && (!xmlChar(rune(v))) {
				t.Fatalf("reference %q to %U left", out[i:i+n], v)
			}
		}
		again := newRepairReader(bytes.NewReader(out))
		twice, _ := io.ReadAll(again)
		if !bytes.Equal(out, twice) || again.Replaced != 0 {
			t.Fatalf("not idempotent: %q -> %q (%d)", out, twice, again.Replaced)
		}
	})
}

// FuzzDecoder: records are JSON objects whatever the file holds.
func FuzzDecoder(f *testing.F) {
	good, _ := os.ReadFile(filepath.Join("testdata", smsFile))
	f.Add(good)
	f.Add([]byte(`<calls><call number="1" date="1"/></calls>`))
	f.Add([]byte(`<smses><mms date="x"><parts><part ct="text/plain" text="&#55357;" data="AAAA"/></parts></mms></smses>`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(dir, "20240101T000000Z.xml")
		if err := os.WriteFile(p, in, 0o600); err != nil {
			t.Fatal(err)
		}
		for rec, err := range Decoder.Records(t.Context(), p, &dal.Spec{}) {
			if err == nil && (!json.Valid(rec.Raw) || rec.Raw[0] != '{') {
				t.Fatalf("record %q is not a JSON object", rec.Raw)
			}
		}
	})
}
