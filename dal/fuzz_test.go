package dal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/hoard-dev/hoard/snapshot"
)

// fuzzFile writes data to the snapshot file of that extension in dir,
// replacing the previous input's. dir comes from f.TempDir, once per fuzzing
// process: a process runs one input at a time, and a directory per input
// would cost more than most decoders do.
func fuzzFile(t *testing.T, dir, ext string, data []byte) string {
	p := filepath.Join(dir, "20240101T000000Z."+ext)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzJSON: on a valid top-level array the decoder yields exactly its
// elements and no error; on invalid JSON it yields an error or a record
// that fails validation (which the merge reports); it never panics.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"a",{"b":[{}]},null]`, `{"saved":[{"id":1}]}`, `[{"a":"\"]"}]`, `[1`, `[{"a":1}}`, `  [ "x\\" , 2e5 ] `} {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "saved")
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, doc []byte, items string) {
		var spec Spec
		if items != "" {
			spec.Items = []string{items}
		}
		p := fuzzFile(t, dir, "json", doc)
		var recs [][]byte
		var errs []error
		for r, err := range JSON.Records(t.Context(), p, &spec) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			recs = append(recs, bytes.Clone(r.Raw))
		}
		var elems []json.RawMessage
		if items == "" && json.Unmarshal(doc, &elems) == nil {
			if len(errs) > 0 || len(recs) != len(elems) {
				t.Fatalf("valid array: %d records, errors %v; want %d elements", len(recs), errs, len(elems))
			}
			for i := range elems {
				if !bytes.Equal(recs[i], elems[i]) {
					t.Fatalf("element %d: %q, want %q", i, recs[i], elems[i])
				}
			}
		}
		if !json.Valid(doc) && len(errs) == 0 {
			for _, r := range recs {
				if !json.Valid(r) {
					return
				}
			}
			t.Fatalf("invalid document %q passed without an error", doc)
		}
	})
}

// FuzzJSONL: every record is one line's value; bad lines are errors.
func FuzzJSONL(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n[2]\n\"x\"\n3\n"))
	f.Add([]byte("{\"a\":\n}\n{"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		for r, err := range JSONL.Records(t.Context(), fuzzFile(t, dir, "jsonl", data), &Spec{}) {
			if err == nil && (bytes.IndexByte(r.Raw, '\n') >= 0 || len(r.Raw) == 0 || isSpace(r.Raw[0]) || isSpace(r.Raw[len(r.Raw)-1])) {
				t.Fatalf("record %q spans lines or has spaces", r.Raw)
			}
		}
	})
}

// FuzzTextDecoders: the CSV and XML decoders yield valid JSON objects
// whatever the input, and never panic. (The shell histories have their
// own target in source/all.)
func FuzzTextDecoders(f *testing.F) {
	f.Add([]byte("id,name\n1,\"a\"\"b\"\n2\n"))
	f.Add([]byte("<r><i a=\"1\"><t>x</t><t>y</t></i></r>"))
	f.Add([]byte("\x83\xff\x00\"\\"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		spec := Spec{Items: []string{"r.i"}}
		p := fuzzFile(t, dir, "txt", data)
		for _, dec := range []*Decoder{CSV, TSV, XML} {
			for r, err := range dec.Records(t.Context(), p, &spec) {
				if err == nil && (!json.Valid(r.Raw) || r.Raw[0] != '{') {
					t.Fatalf("%s: record %q is not a JSON object", dec.Name, r.Raw)
				}
			}
		}
	})
}

// FuzzKeyAndTime: key and time extraction never panic on any item.
func FuzzKeyAndTime(f *testing.F) {
	f.Add([]byte(`{"id":"a\u0041","t":"2024-01-01T00:00:00Z","d":{"id":[1,2]}}`), "id")
	f.Add([]byte(`{"t":1e300}`), "d.id")
	f.Fuzz(func(t *testing.T, raw []byte, key string) {
		for _, spec := range []Spec{{Key: []string{key}, Time: "t"}, {Key: []string{key, "t"}, Time: key}, {}} {
			k := newKeyer(&spec)
			k.appendKey(nil, "items", raw)
			var it Item
			newEnveloper(spec.ForKind("items")).fill(&it, raw, false)
		}
	})
}

// FuzzKnownVersions: merging with the known-version fast path gives the
// same items and errors as scanning every item.
func FuzzKnownVersions(f *testing.F) {
	f.Add([]byte(`[{"id":1,"a":"x"},{"id":2}]`), []byte(`[{"id":1,"a":"x"},{"id":2,"b":[1,{"c":"]"}]}]`))
	f.Add([]byte(`[{"id":1,"a":"x"}]`), []byte(`[{"id":1,"a":"x"}x]`))
	f.Add([]byte(`[{"id":"a\"b"}]`), []byte(`[{"id":"a\"b"},{"id":"a\"b"`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for i, doc := range [][]byte{a, b, a} {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("2024010%dT000000Z.json", i+1)), doc, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		l, err := snapshot.ListDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var outs []string
		for _, scanAll := range []bool{false, true} {
			spec := Spec{Key: []string{"id"}, Merge: Union}
			m := newMerger(&spec, l.Snapshots, Options{})
			m.scanAll = scanAll
			m.run(t.Context())
			items, invalid := m.finish(1)
			res := &Result{Spec: spec, Items: items, Files: m.files, Invalid: invalid, env: m.env}
			out := describeItems(res)
			for _, e := range res.Errors() {
				out += "\n" + e.Error()
			}
			outs = append(outs, out)
		}
		if outs[0] != outs[1] {
			t.Fatalf("fast path:\n%s\nscanning:\n%s", outs[0], outs[1])
		}
	})
}

// FuzzTextSpans: the spans of an item's envelope text give exactly the
// text that FillText gives, for the default member names and for nested
// paths.
func FuzzTextSpans(f *testing.F) {
	for _, s := range []string{`{"title":"a","url":"b","text":"c"}`, `{"name":"","subject":"x\"y","link":1,"href":"h","body":"\u00e9\n"}`,
		`{"a":{"b":"n\u0000ested"},"title":"t\\\\"}`, "{\"title\":\"bad \xff utf8\"}", `{"title":["x"],"text":{"a":"b"}}`, `[]`, `{"title":"x"`} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, nested bool) {
		spec := Spec{}
		if nested {
			spec.Title, spec.Text = "a.b", "title"
		}
		r := &Result{env: newEnvelopers(&spec)}
		it := Item{Kind: DefaultKind, Raw: raw}
		r.FillText(&it)
		spans := r.TextSpans(it.Kind, raw)
		for i, want := range []string{it.Title, it.URL, it.Text} {
			s := spans[i]
			got := ""
			if s.Len > 0 {
				if s.Off < 0 || s.Off+s.Len > len(raw) {
					t.Fatalf("field %d: span %+v outside %d bytes", i, s, len(raw))
				}
				got = Unquote(raw[s.Off : s.Off+s.Len])
			}
			if got != want {
				t.Fatalf("field %d of %q: span %+v gives %q, FillText %q", i, raw, s, got, want)
			}
		}
	})
}

// FuzzUnquoteValid: on valid UTF-8, UnquoteValid gives what Unquote gives.
func FuzzUnquoteValid(f *testing.F) {
	for _, s := range []string{`a\"b`, `\u00e9\n`, `\ud83d\ude00 \ud83d`, `\é\`, `x\u12`, "\\\xc3\xa9"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) {
			return
		}
		if got, want := UnquoteValid(b), Unquote(b); got != want {
			t.Fatalf("UnquoteValid(%q) = %q, Unquote %q", b, got, want)
		}
	})
}
