package zsh

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
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

// TestFixtures reads the histories zsh 5.9 wrote (testdata/*/zsh_history)
// and checks every entry against zsh's own reader (expected.json, from
// fc -R): continuation lines, entries ending in backslashes, a leading
// colon escaped in the plain format, metafied bytes, start times and
// durations.
func TestFixtures(t *testing.T) {
	for _, dir := range []string{"extended", "extended_time", "plain"} {
		t.Run(dir, func(t *testing.T) {
			data := dectest.ReadFile(t, filepath.Join("testdata", dir, "zsh_history"))
			p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", data)
			r := dectest.Records(t, Decoder, p, dal.Spec{})
			if len(r.Errs) > 0 {
				t.Fatal(r.Errs)
			}
			want := dectest.ExpectedLines(t, filepath.Join("testdata", dir, "expected.json"))
			for i := range max(len(want), len(r.Records)) {
				var exp struct {
					Start    *int64 `json:"start"`
					Duration *int64 `json:"duration"`
					Cmd      string `json:"cmd"`
				}
				var got struct {
					Command  string `json:"command"`
					Time     *int64 `json:"time"`
					Duration *int64 `json:"duration"`
				}
				if i < len(want) {
					dectest.Unmarshal(t, want[i], &exp)
				}
				if i < len(r.Records) {
					dectest.Unmarshal(t, []byte(r.Records[i].Raw), &got)
				}
				if got.Command != exp.Cmd || !sameInt(got.Time, exp.Start) || !sameInt(got.Duration, exp.Duration) {
					t.Errorf("entry %d: got %q time %v duration %v, zsh reads %q start %v duration %v", i+1,
						got.Command, show(got.Time), show(got.Duration), exp.Cmd, show(exp.Start), show(exp.Duration))
				}
			}
		})
	}
}

func sameInt(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10)
}

// TestContinuationRules: zsh's reader rules on small cases, the ones its
// writer produces and others it accepts.
func TestContinuationRules(t *testing.T) {
	for _, c := range []struct {
		lines []string // the file's lines
		want  string
	}{
		{[]string{`: 1:0;echo a \\`, `b`}, `{"command":"echo a \\\nb","time":1,"duration":0}`},                            // typed "\" then newline: one backslash dropped
		{[]string{`: 1:0;echo a \`, `b`}, `{"command":"echo a \nb","time":1,"duration":0}`},                               // one backslash: continued
		{[]string{`: 1:0;echo three\\\\`, `z`}, `{"command":"echo three\\\\\\\nz","time":1,"duration":0}`},                // four: continued too
		{[]string{`: 1:0;echo two\\ `}, `{"command":"echo two\\\\","time":1,"duration":0}`},                               // the writer's space, removed
		{[]string{`: 1:0;echo sp\  `}, `{"command":"echo sp\\ ","time":1,"duration":0}`},                                  // one space of two
		{[]string{`: 1:0;echo plain   `}, `{"command":"echo plain   ","time":1,"duration":0}`},                            // no backslash: spaces kept
		{[]string{`\: 17:0;x`}, `{"command":": 17:0;x"}`},                                                                 // plain format, escaped colon
		{[]string{`: 100:105;make`}, `{"command":"make","time":100,"duration":5}`},                                        // a finish time
		{[]string{`: 1:0;for i\`, `: 2:0;not a header`}, `{"command":"for i\n: 2:0;not a header","time":1,"duration":0}`}, // a header inside an entry is text
		{[]string{`: 1:0;tail\`}, `{"command":"tail\n","time":1,"duration":0}`},                                           // continued at the end: kept
	} {
		in := strings.Join(c.lines, "\n") + "\n"
		p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte(in))
		r := dectest.Records(t, Decoder, p, dal.Spec{})
		var got []string
		for _, rec := range r.Records {
			got = append(got, rec.Raw)
		}
		if strings.Join(got, "\n") != c.want || len(r.Errs) > 0 {
			t.Errorf("%q: got %s (errors %v), want %s", in, strings.Join(got, "\n"), r.Errs, c.want)
		}
	}
}

// TestInvalidUTF8: a command that is not UTF-8 is kept (U+FFFD for each
// bad byte) and reported by its first line.
func TestInvalidUTF8(t *testing.T) {
	p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte(": 1:0;ok\n: 2:0;echo caf\xe9\\\nx\n: 3:0;ls\n"))
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	if len(r.Records) != 3 || r.Records[1].Raw != `{"command":"echo caf`+"\uFFFD"+`\nx","time":2,"duration":0}` {
		t.Errorf("records %v", r.Records)
	}
	dectest.OneError(t, r.Errs, "line 2: invalid UTF-8 in the command", p)
}

func TestDetect(t *testing.T) {
	home := t.TempDir()
	for name, content := range map[string]string{".histfile": ": 1:0;ls\n", "custom_hist": ": 2:0;pwd\n", ".bash_history": "#1700000000\nls\n"} {
		os.WriteFile(filepath.Join(home, name), []byte(content), 0o600)
	}
	env := source.Env{Home: home, GOOS: "linux", Getenv: func(k string) string {
		return map[string]string{"HISTFILE": filepath.Join(home, "custom_hist")}[k]
	}}
	var got []string
	for _, f := range Source.Detect(env) {
		got = append(got, f.Name+"="+filepath.Base(f.Path))
	}
	if strings.Join(got, " ") != "zsh=custom_hist zsh-2=.histfile" {
		t.Errorf("found %v", got)
	}
	env.Getenv = func(k string) string { return map[string]string{"HISTFILE": filepath.Join(home, ".bash_history")}[k] }
	if f := Source.Detect(env); len(f) != 1 || filepath.Base(f[0].Path) != ".histfile" {
		t.Errorf("bash's $HISTFILE taken for zsh's: %v", f)
	}
}
