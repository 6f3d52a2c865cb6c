package apisource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

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
	for _, tc := range []struct {
		name, doc string
		want      []string
		err       string
	}{
		{"object, indented, every member shape", "{\n \"profile\": {\"login\": \"octo\",\n  \"id\": 1},\n \"events\": [\n  {\"id\": \"1\", \"type\": \"PushEvent\"},\n  {\"id\": \"2\"}\n ],\n \"starred\": [{\"id\": 7, \"name\": \"日本\"}],\n \"saves\": null,\n \"extra\": [{\"x\": 1}],\n \"count\": 3\n}\n",
			[]string{`profile {"login":"octo","id":1}`, `events {"id":"1","type":"PushEvent"}`, `events {"id":"2"}`, `starred {"repo":{"id":7,"name":"日本"}}`, `extra {"x":1}`}, ""},
		{"renamed member", `{"saves":[{"id":"a"}]}`, []string{`saved {"id":"a"}`}, ""},
		{"older format: a top-level array", `[{"id":"1"},{"id":"2"}]`, []string{`events {"id":"1"}`, `events {"id":"2"}`}, ""},
		{"truncated", `{"events":[{"id":"1"},{"id":"2"`, []string{`events {"id":"1"}`}, "unexpected end of file in item 2 of member \"events\" (truncated?)"},
		{"not this exporter's", `{"rows":[{"id":1}]}`, nil, `not a testexport document: its members are "rows"; expected some of "events", "profile", "saves", "starred"`},
		{"an item that is not an object", `{"events":[1]}`, nil, `item 1 of member "events" is not a JSON object`},
		{"garbage", "\x00\xff{", nil, "byte"},
		{"empty", "", nil, "empty file"},
		{"trailing data", `{"events":[]} {`, nil, "unexpected data after the document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, "20240101T000000Z.json", tc.doc)
			recs, errs := collect(records(context.Background(), p, &dal.Spec{}))
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

// A reader that returns one byte at a time leaves the decoder's buffer
// empty after many keys, so the value is read without looking ahead: the
// records are the same.
func TestLegacyWithoutLookahead(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"profile": {"id": -1},`)
	for i := range 40 {
		fmt.Fprintf(&b, `%q: [{"id":%d}], "profile": {"id":%d},`, strings.Repeat("k", i+1), i, i)
	}
	b.WriteString(`"events": [{"id":"last"}]}`)
	var want, got []string
	legacy.read(context.Background(), "x", strings.NewReader(b.String()), func(r dal.Record, err error) bool {
		want = append(want, fmt.Sprint(r.Kind, string(r.Raw), err))
		return true
	})
	legacy.read(context.Background(), "x", iotest.OneByteReader(strings.NewReader(b.String())), func(r dal.Record, err error) bool {
		got = append(got, fmt.Sprint(r.Kind, string(r.Raw), err))
		return true
	})
	if len(want) != 82 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%d records; one byte at a time:\n%s\nbuffered:\n%s", len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
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
