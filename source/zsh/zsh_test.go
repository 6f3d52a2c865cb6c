package zsh

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

const sample = ": 1700000000:3;make test\n: 1700000010:0;echo 'a\\\nb'\n: 1700000020:0;echo \xe6\x83\xb7\xa5\n"

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "txt", Golden: "testdata/golden.txt",
		Sample: func(testing.TB) []byte { return []byte(sample) }})
}

func TestDecoder(t *testing.T) {
	for _, tt := range []struct {
		content, wantErr string
		want             []string
	}{
		{": 1700000000:3;make test\n: 1700000010:0;echo 'a\\\nb'\nplain\n: broken;x\n", "line 5: malformed extended history line", []string{
			`{"command":"make test","time":1700000000,"duration":3}`, `{"command":"echo 'a\nb'","time":1700000010,"duration":0}`,
			`{"command":"plain"}`, `{"command":": broken;x"}`}},
		{": 1700000000:0;echo \xe6\x83\xb7\xa5\n", "", []string{`{"command":"echo 日","time":1700000000,"duration":0}`}},
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
		dectest.OneError(t, r.Errs, tt.wantErr, p)
	}
}

// TestMergeKeepsEveryCommand: HISTSIZE=2 drops the oldest command from
// the second snapshot; the union keeps it, each command once.
func TestMergeKeepsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "txt", []byte(": 1700000000:0;ls\n: 1700000001:0;pwd\n"))
	dectest.WriteSnap(t, dir, 1, "txt", []byte(": 1700000001:0;pwd\n: 1700000002:0;ls\n"))
	res := dectest.Merge(t, dir, dal.Spec{Source: "zsh-2", Decoder: Decoder})
	if len(res.Items) != 3 || res.Items[2].Text != "ls" || res.Items[0].Key != `[1700000000,"ls"]` {
		t.Errorf("got %+v", res.Items)
	}
}
