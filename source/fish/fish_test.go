package fish

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

const sample = "- cmd: echo a\\nb \\\\ c\n  when: 1700000000\n  paths:\n    - /tmp\n- cmd: ls\n  when: 1700000001\n- cmd: echo 日本\n  when: 1700000002\n"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "txt", Golden: "testdata/golden.txt",
		Sample: func(testing.TB) []byte { return []byte(sample) }})
}

func TestDecoder(t *testing.T) {
	content := "- cmd: echo a\\nb \\\\ c\n  when: 1700000000\n  paths:\n    - /tmp\n- cmd: ls\n  when: 1700000001\nbogus\n"
	want := []string{`{"command":"echo a\nb \\ c","time":1700000000,"paths":["/tmp"]}`, `{"command":"ls","time":1700000001}`}
	p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte(content))
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	var got []string
	for _, rec := range r.Records {
		got = append(got, rec.Raw)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	dectest.OneError(t, r.Errs, "line 7: unexpected line", p)
}
