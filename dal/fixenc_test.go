package dal

import (
	"testing"
)

func TestFixLatin1(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"name":"Sch\u00c3\u00b6n"}`, `{"name":"Schön"}`},                                             // Facebook's escapes
		{"{\"name\":\"Sch\u00c3\u00b6n\"}", `{"name":"Schön"}`},                                         // the same, written as UTF-8
		{`{"t":"\u00f0\u009f\u0098\u0080 ok","n":1}`, `{"t":"😀 ok","n":1}`},                             // an emoji, four bytes
		{`{"Gr\u00c3\u00bc\u00c3\u009fe":"x"}`, `{"Grüße":"x"}`},                                        // member names too
		{`{"a":"na\u00efve","b":"caf\u00e9"}`, `{"a":"na\u00efve","b":"caf\u00e9"}`},                    // real Latin-1 text: not UTF-8 bytes, kept
		{`{"a":"日本","b":"plain"}`, `{"a":"日本","b":"plain"}`},                                            // nothing to repair
		{`{"a":"\u00c3\u00b6 and \u65e5"}`, `{"a":"\u00c3\u00b6 and \u65e5"}`},                          // a character above U+00FF: not mojibake
		{`[{"a":"\u00c3\u00a9"},"\u00c3\u00a8",{"b":["\u00c3\u00a0"]}]`, `[{"a":"é"},"è",{"b":["à"]}]`}, // everywhere in the value
	} {
		if got := string(fixLatin1([]byte(c.in))); got != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
	in := []byte(`{"a":"plain"}`)
	if got := fixLatin1(in); &got[0] != &in[0] {
		t.Error("a record with nothing to repair is copied")
	}
}

// TestFixEncodingMerge: with fix_encoding the key, the envelope and the
// raw item are repaired, in every snapshot, so versions still merge.
func TestFixEncodingMerge(t *testing.T) {
	dir := t.TempDir()
	doc := `{"messages":[{"sender_name":"J\u00c3\u00bcrgen","timestamp_ms":1700000000123,"content":"Sch\u00c3\u00b6n \u00f0\u009f\u0098\u0080"}]}`
	writeSnap(t, dir, 0, "json", doc)
	writeSnap(t, dir, 1, "json", doc)
	res := mergeDir(t, dir, Spec{Items: []string{"messages"}, Key: []string{"sender_name", "timestamp_ms"}, Time: "timestamp_ms", Text: "content", FixEncoding: FixLatin1})
	if errs := res.Errors(); len(errs) > 0 || len(res.Items) != 1 {
		t.Fatalf("items %s errors %v", describeItems(res), errs)
	}
	it := res.Items[0]
	if it.Text != "Schön 😀" || it.Key != `["Jürgen",1700000000123]` || string(it.Raw) != `{"sender_name":"Jürgen","timestamp_ms":1700000000123,"content":"Schön 😀"}` ||
		it.FirstSeen.Equal(it.LastSeen) {
		t.Errorf("item %+v raw %s", it, it.Raw)
	}
	plain := mergeDir(t, dir, Spec{Items: []string{"messages"}, Text: "content"})
	if plain.Items[0].Text != "SchÃ¶n ð\u009f\u0098\u0080" {
		t.Errorf("without the repair the text is as written: %q", plain.Items[0].Text)
	}
}
