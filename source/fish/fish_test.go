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

// TestFixture reads the history fish 3.6 wrote and checks every entry
// against fish's own view (expected.json). fish shows a command run twice
// once, at its latest time; the decoder keeps every run (the merge keys
// them by time), so the check drops earlier runs first.
func TestFixture(t *testing.T) {
	data := dectest.ReadFile(t, "testdata/fish_history")
	p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", data)
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	if len(r.Errs) > 0 {
		t.Fatal(r.Errs)
	}
	want := dectest.ExpectedLines(t, "testdata/expected.json")
	last := map[string]int{}
	for i, rec := range r.Records {
		var c struct{ Command string }
		dectest.Unmarshal(t, []byte(rec.Raw), &c)
		last[c.Command] = i
	}
	var runs []dectest.Record
	for i, rec := range r.Records {
		var c struct{ Command string }
		dectest.Unmarshal(t, []byte(rec.Raw), &c)
		if last[c.Command] == i {
			runs = append(runs, rec)
		}
	}
	if len(runs) != len(r.Records)-1 {
		t.Errorf("%d records, %d distinct: want the one repeated command twice", len(r.Records), len(runs))
	}
	r.Records = runs
	for i := range max(len(want), len(r.Records)) {
		var exp struct {
			When int64  `json:"when"`
			Cmd  string `json:"cmd"`
		}
		var got struct {
			Command string `json:"command"`
			Time    int64  `json:"time"`
		}
		if i < len(want) {
			dectest.Unmarshal(t, want[i], &exp)
		}
		if i < len(r.Records) {
			dectest.Unmarshal(t, []byte(r.Records[i].Raw), &got)
		}
		if got.Command != exp.Cmd || got.Time != exp.When {
			t.Errorf("entry %d: got %q %d, fish has %q %d", i+1, got.Command, got.Time, exp.Cmd, exp.When)
		}
	}
}
