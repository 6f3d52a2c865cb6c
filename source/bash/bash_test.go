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
