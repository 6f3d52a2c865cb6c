package dal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestJSONDecoder(t *testing.T) {
	tests := []struct {
		name    string
		items   []string
		doc     string
		want    []string
		wantErr string // substring of the only error, "" for none
	}{
		{"array", nil, `[{"id":1},{"id":2}]`, []string{`items {"id":1}`, `items {"id":2}`}, ""},
		{"empty array", nil, ` [ ] `, nil, ""},
		{"path", []string{"saved"}, `{"x":[1,{"a":"]"}],"saved":[{"id":"a\"b"}, 3]}`, []string{`saved {"id":"a\"b"}`, `saved 3`}, ""},
		{"nested path", []string{"data.children"}, `{"data":{"after":null,"children":[{"d":{"id":1}}]}}`, []string{`data.children {"d":{"id":1}}`}, ""},
		{"two kinds", []string{"b", "a"}, `{"a":[1],"b":[2]}`, []string{`a 1`, `b 2`}, ""},
		{"truncated", nil, `[{"id":1},{"id":2},{"id":`, []string{`items {"id":1}`, `items {"id":2}`}, "line 1, byte 19: unexpected end of file"},
		{"garbage after", nil, `[{"id":1}] xx`, []string{`items {"id":1}`}, "after the end of the document"},
		{"missing comma", nil, "[{\"id\":1}\n{\"id\":2}]", []string{`items {"id":1}`}, "line 2, byte 10: expected ',' or ']'"},
		{"mismatched", nil, `[{"id":1],{"id":2}]`, nil, `unexpected ']'`},
		{"object without items", nil, `{"saved":[],"n":1}`, nil, `arrays at: "saved"`},
		{"missing collection", []string{"saved"}, `{"other":[]}`, nil, `no item collection saved`},
		{"not an array", []string{"saved"}, `{"saved":{"a":1}}`, nil, `expected an array of items, found an object`},
		{"empty file", nil, ``, nil, `empty file`},
		// paths through arrays
		{"through an array", []string{"chats.list[].messages"}, `{"chats":{"about":"x","list":[{"id":1,"messages":[{"m":1},{"m":2}]},{"id":2,"messages":[]},{"id":3,"messages":[{"m":3}]}]}}`,
			[]string{`chats.list[].messages {"m":1}`, `chats.list[].messages {"m":2}`, `chats.list[].messages {"m":3}`}, ""},
		{"through two arrays", []string{"a[].b[].c"}, `{"a":[{"b":[{"c":[1]},{"c":[2,3]}]},{"b":[]},{"x":1}]}`, []string{`a[].b[].c 1`, `a[].b[].c 2`, `a[].b[].c 3`}, ""},
		{"array of arrays", []string{"pages[]"}, `{"pages":[[1,2],[],[3]]}`, []string{`pages[] 1`, `pages[] 2`, `pages[] 3`}, ""},
		{"empty list is found", []string{"chats.list[].messages"}, `{"chats":{"list":[]}}`, nil, ""},
		{"through an array, and beside it", []string{"chats.list[].messages", "contacts.list"}, `{"contacts":{"list":[{"c":1}]},"chats":{"list":[{"messages":[{"m":1}]}]}}`,
			[]string{`contacts.list {"c":1}`, `chats.list[].messages {"m":1}`}, ""},
		{"not an array where [] is", []string{"chats.list[].messages"}, `{"chats":{"list":{"messages":[1]}}}`, nil, `no item collection chats.list[].messages`},
		// JSON behind a JavaScript assignment (Twitter/X archives)
		{"js prefix", nil, "window.YTD.tweets.part0 = [ {\"tweet\":{\"id_str\":\"1\"}}, {\"tweet\":{\"id_str\":\"2\"}} ]", []string{`items {"tweet":{"id_str":"1"}}`, `items {"tweet":{"id_str":"2"}}`}, ""},
		{"js var and semicolon", nil, "var data=[1,2];\n", []string{`items 1`, `items 2`}, ""},
		{"js index", []string{"a"}, `window["YTD"].x = {"a":[3]}`, []string{`a 3`}, ""},
		{"not js", nil, `windows = `, nil, `nothing after the JavaScript assignment`},
		{"a literal is no prefix", nil, `true`, nil, `expected a top-level array of items, found 't'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeSnap(t, t.TempDir(), 0, "json", tt.doc)
			got, errs := records(t, "json", p, Spec{Items: tt.items})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			checkOneErr(t, errs, tt.wantErr, p)
		})
	}
}

func checkOneErr(t *testing.T, errs []error, want, path string) {
	t.Helper()
	if want == "" {
		if len(errs) > 0 {
			t.Errorf("unexpected errors: %v", errs)
		}
		return
	}
	if len(errs) != 1 {
		t.Fatalf("got %d errors %v, want one containing %q", len(errs), errs, want)
	}
	msg := errs[0].Error()
	if !strings.Contains(msg, want) || !strings.HasPrefix(msg, path+": ") {
		t.Errorf("error %q should start with the file name and contain %q", msg, want)
	}
}

// TestJSONLargeValues crosses chunk boundaries: items larger than the
// read buffer, and a huge skipped member.
func TestJSONLargeValues(t *testing.T) {
	big := strings.Repeat(`x\"`, chunkSize) // 3 MiB string with escapes
	doc := `{"skip":[` + strings.Repeat(`{"a":"`+strings.Repeat("y", 1000)+`"},`, 20000) + `1],"saved":[{"id":1,"s":"` + big + `"},{"id":2}]}`
	p := writeSnap(t, t.TempDir(), 0, "json", doc)
	got, errs := records(t, "json", p, Spec{Items: []string{"saved"}})
	if len(errs) > 0 || len(got) != 2 || !strings.HasSuffix(got[1], `{"id":2}`) || len(got[0]) != len(`saved {"id":1,"s":"`+big+`"}`) {
		t.Fatalf("got %d records, errors %v", len(got), errs)
	}
}

func TestJSONCompressed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "20240101T000000Z.json.zst")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := zstd.NewWriter(f)
	zw.Write([]byte(`[{"id":1}]`))
	zw.Close()
	f.Close()
	got, errs := records(t, "json", p, Spec{})
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("got %v, %v", got, errs)
	}
	// A corrupt compressed file is an error naming it.
	os.WriteFile(p, []byte("not zstd at all"), 0o644)
	_, errs = records(t, "json", p, Spec{})
	checkOneErr(t, errs, "magic number mismatch", p)
	if strings.Count(errs[0].Error(), p) != 1 {
		t.Errorf("the path should appear once: %v", errs[0])
	}
}

func TestJSONLDecoder(t *testing.T) {
	p := writeSnap(t, t.TempDir(), 0, "jsonl", "{\"id\":1}\n\n{\"id\":2} x\n{\"id\":\n  3 \n{\"id\":4}")
	got, errs := records(t, "jsonl", p, Spec{})
	want := "items {\"id\":1}\nitems 3\nitems {\"id\":4}"
	if strings.Join(got, "\n") != want {
		t.Errorf("got %q", got)
	}
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "line 3: unexpected") || !strings.Contains(errs[1].Error(), "line 4: unexpected end of line") {
		t.Errorf("errors %v", errs)
	}
}

// TestSkipBoundedMemory: skipping a member much larger than the buffer
// does not grow the buffer to hold it.
func TestSkipBoundedMemory(t *testing.T) {
	doc := `{"skip":[` + strings.Repeat(`{"a":"`+strings.Repeat("y", 1000)+`","b":[1,2,{"c":"]"}]},`, 10000) + `1],"saved":[{"id":1}]}`
	s := newStream(strings.NewReader(doc), "mem")
	if err := s.expect('{', ""); err != nil {
		t.Fatal(err)
	}
	if raw, err := s.value(); err != nil || string(raw) != `"skip"` {
		t.Fatal(raw, err)
	}
	if err := s.expect(':', ""); err != nil {
		t.Fatal(err)
	}
	if err := s.skip(); err != nil {
		t.Fatal(err)
	}
	if cap(s.buf) > 2*chunkSize {
		t.Errorf("buffer grew to %d bytes to skip a %d-byte value", cap(s.buf), len(doc))
	}
	if c, _ := s.peek(); c != ',' {
		t.Errorf("after the skip: %q", c)
	}
}

// TestKindItems: a kind whose settings name an items path reads it under
// its own name, with its own key and time.
func TestKindItems(t *testing.T) {
	dir := t.TempDir()
	writeSnap(t, dir, 0, "json", `{"chats":{"list":[{"id":7,"messages":[{"id":1,"date":"2019-08-04T12:58:16","text":"hi"}]}]},"contacts":{"list":[{"phone":"+1","first_name":"Ann"}]}}`)
	res := mergeDir(t, dir, Spec{Kinds: map[string]KindSpec{
		"messages": {Items: "chats.list[].messages", Key: []string{"id"}, Time: "date", TimeZone: "Europe/Berlin"},
		"contacts": {Items: "contacts.list", Key: []string{"phone"}, Title: "first_name"},
	}})
	if errs := res.Errors(); len(errs) > 0 || len(res.Items) != 2 {
		t.Fatalf("items %s errors %v", describeItems(res), errs)
	}
	c, m := res.Items[0], res.Items[1]
	if c.Kind != "contacts" || c.Key != "+1" || c.Title != "Ann" || m.Kind != "messages" || m.Key != "1" || m.Time.Format(time.RFC3339) != "2019-08-04T10:58:16Z" || m.Text != "hi" {
		t.Errorf("items %s", describeItems(res))
	}
	if err := (Spec{Kinds: map[string]KindSpec{"m": {Items: "a..b"}}}).Validate(); err == nil || !strings.HasPrefix(err.Error(), `kinds.m.items: invalid path "a..b"`) {
		t.Errorf("a bad kind items path: %v", err)
	}
}
