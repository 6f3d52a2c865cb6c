package bash

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

const sample = "ls\n#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000060\ngit status\n#1700000061\necho 'ünïcödé 日本'\n"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "txt", Golden: "testdata/golden.txt",
		Sample: func(testing.TB) []byte { return []byte(sample) }})
}

func TestDecoder(t *testing.T) {
	for _, tt := range []struct {
		content string
		want    []string
	}{
		{"ls\n\ncd /tmp\n", []string{`{"command":"ls"}`, `{"command":"cd /tmp"}`}},
		{"old\n#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000060\ngit status", []string{
			`{"command":"old"}`, `{"command":"for i in 1 2; do\n  echo $i\ndone","time":1700000000}`, `{"command":"git status","time":1700000060}`}},
	} {
		p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte(tt.content))
		r := dectest.Records(t, Decoder, p, dal.Spec{})
		var got []string
		for _, rec := range r.Records {
			got = append(got, rec.Raw)
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		dectest.OneError(t, r.Errs, "", p)
	}
}

// A command longer than the spec's maximum item size is an error naming
// the file and line; the other commands are read.
func TestMaxItemSize(t *testing.T) {
	big := strings.Repeat("z", 3<<20)
	p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte("ls\necho "+big+"\npwd\n"))
	r := dectest.Records(t, Decoder, p, dal.Spec{MaxItemSize: 1 << 20})
	if len(r.Records) != 2 || len(r.Errs) != 1 || !strings.Contains(r.Errs[0].Error(), p) ||
		!strings.Contains(r.Errs[0].Error(), "line 2") || !strings.Contains(r.Errs[0].Error(), "1 MiB") {
		t.Errorf("%d records, errors %v", len(r.Records), r.Errs)
	}
}
