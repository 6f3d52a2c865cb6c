package apisource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
)

var legacy = &Legacy{Name: "testexport", Array: "events", Members: map[string]Member{
	"profile": {}, "events": {}, "starred": {Wrap: WrapIn("repo")}, "saves": {Kind: "saved"},
}}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func collect(seq func(func(dal.Record, error) bool)) (recs, errs []string) {
	for rec, err := range seq {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		recs = append(recs, rec.Kind+" "+string(rec.Raw))
	}
	return recs, errs
}

func TestLegacyDocuments(t *testing.T) {
	records := Records(legacy)
	other := Records(&Legacy{Name: "other", Members: map[string]Member{"x": {}}})
	for _, tc := range []struct {
		name, doc string
		want      []string
		err       string
	}{
		{"object, indented, every member shape", "{\n \"profile\": {\"login\": \"octo\",\n  \"id\": 1},\n \"events\": [\n  {\"id\": \"1\", \"type\": \"PushEvent\"},\n  {\"id\": \"2\"}\n ],\n \"starred\": [{\"id\": 7, \"name\": \"日本\"}],\n \"saves\": null,\n \"extra\": [{\"x\": 1}],\n \"count\": 3\n}\n",
			[]string{`profile {"login":"octo","id":1}`, `events {"id":"1","type":"PushEvent"}`, `events {"id":"2"}`, `starred {"repo":{"id":7,"name":"日本"}}`, `extra {"x":1}`}, ""},
		{"renamed member", `{"saves":[{"id":"a"}]}`, []string{`saved {"id":"a"}`}, ""},
		{"older format: a top-level array", `[{"id":"1"},{"id":"2"}]`, []string{`events {"id":"1"}`, `events {"id":"2"}`}, ""},
		{"truncated", `{"events":[{"id":"1"},{"id":"2"`, []string{`events {"id":"1"}`}, "line 1, byte 22: unexpected end of file inside the value starting here (truncated?) (in item 2 of events)"},
		{"not this exporter's", `{"rows":[{"id":1}]}`, nil, `not a testexport document: its members are "rows"; expected some of "events", "profile", "saves", "starred"`},
		{"an item that is not an object", `{"events":[1]}`, nil, `item 1 of events: not a JSON object`},
		{"garbage", "\x00\xff{", nil, "line 1, byte 0: expected a JSON object or array"},
		{"empty", "", nil, "empty file"},
		{"trailing data", `{"events":[]} {`, nil, "after the end of the document"},
		{"an empty top-level array: nothing yet", ` [] `, nil, ""},
		{"an empty object", `{}`, nil, "not a testexport document: its members are (none)"},
		{"a member with an empty name is skipped", `{"events":[],"":[{"id":1}]}`, nil, ""},
		{"a top-level array of another exporter", `[{"id":1}]`, nil, "not a other document: a top-level array, which other does not write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, "20240101T000000Z.json", tc.doc)
			read := records
			if strings.Contains(tc.name, "another exporter") {
				read = other
			}
			recs, errs := collect(read(context.Background(), p, &dal.Spec{}))
			if strings.Join(recs, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(recs, "\n"), strings.Join(tc.want, "\n"))
			}
			switch {
			case tc.err == "" && len(errs) > 0:
				t.Errorf("errors %v", errs)
			case tc.err != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.err) || !strings.HasPrefix(errs[0], p+": ")):
				t.Errorf("errors %v, want one naming the file and containing %q", errs, tc.err)
			}
		})
	}
}

func TestRestSnapshotsAndSniff(t *testing.T) {
	line := `{"endpoint":"events","page":1,"url":"u","status":200,"fetched_at":"2026-01-01T00:00:00Z","style":"synthetic","items":"","key":"id","body":[{"id":"1"},{"id":"2"}]}`
	p := write(t, "20240101T000000Z.jsonl", "\n"+line+"\n")
	if rest, err := Sniff(context.Background(), p); !rest || err != nil {
		t.Fatalf("Sniff = %v, %v", rest, err)
	}
	recs, errs := collect(Records(nil)(context.Background(), p, &dal.Spec{}))
	if strings.Join(recs, " ") != `events {"id":"1"} events {"id":"2"}` || len(errs) > 0 {
		t.Fatalf("records %v errors %v", recs, errs)
	}
	doc := write(t, "20240101T000000Z.json", `{"events":[]}`)
	if _, errs := collect(Records(nil)(context.Background(), doc, &dal.Spec{})); len(errs) != 1 || !strings.Contains(errs[0], "not a rest snapshot") {
		t.Fatalf("errors %v", errs)
	}
}

func TestLegacyStopsAndCancels(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"events":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d}`, i)
	}
	b.WriteString("]}")
	p := write(t, "20240101T000000Z.json", b.String())
	n := 0
	for range Records(legacy)(context.Background(), p, &dal.Spec{}) {
		if n++; n == 3 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	recs, errs := collect(Records(legacy)(ctx, p, &dal.Spec{}))
	if n != 3 || len(recs) >= 2000 || len(errs) != 1 || !strings.Contains(errs[0], "context canceled") {
		t.Fatalf("stopped after %d; cancelled: %d records, errors %v", n, len(recs), errs)
	}
}

func TestCompact(t *testing.T) {
	for in, want := range map[string]string{
		"{\n  \"a\": [1, 2],\n  \"b c\": \"x y\\\" z\\\\\"\n}": `{"a":[1,2],"b c":"x y\" z\\"}`,
		`{"s":"\\\\\" ","t":"\t"}`:                             `{"s":"\\\\\" ","t":"\t"}`,
		`[ "日本 語" , true ]`:                                    `["日本 語",true]`,
	} {
		if got := string(compact(nil, []byte(in))); got != want {
			t.Errorf("compact(%q) = %q, want %q", in, got, want)
		}
	}
}
