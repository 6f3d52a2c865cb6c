package export

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/snapshot"
)

// An output byte-identical to Job.Previous writes no file: the result is
// Unchanged with Previous as its snapshot, the observer is told, and the
// staged state is committed (its data is on disk, in Previous). A
// different output is a new snapshot; so is an identical one when the
// previous file no longer holds what was recorded (it is read back).
func TestRunnerUnchanged(t *testing.T) {
	root := t.TempDir()
	store := snapshot.New(root)
	statePath := filepath.Join(t.TempDir(), "state.json")
	target := StoreTarget{Store: store, Source: "s", Ext: "txt", Codec: snapshot.Zstd}
	data := strings.Repeat("line of history\n", 50_000)
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := &Runner{Clock: clk}
	run := func(out string, prev *snapshot.Result, obs Observer) Result {
		clk.Advance(time.Hour)
		r.Observer = obs
		return r.Run(context.Background(), Job{Source: "s", Attempts: 1, Target: target, State: NewState(statePath), Previous: prev,
			Exporter: &scripted{steps: []func(io.Writer, *Env) error{write(out, clk.Now().Format(time.RFC3339), nil)}}})
	}
	count := func() int {
		l, _ := store.List("s")
		return len(l.Snapshots)
	}
	first := run(data, nil, nil)
	if first.Err != nil || first.Unchanged || count() != 1 {
		t.Fatalf("first run %+v, %d snapshots", first, count())
	}
	obs := &recorder{}
	second := run(data, first.Snapshot, obs)
	if second.Err != nil || !second.Unchanged || second.Snapshot != first.Snapshot || count() != 1 {
		t.Fatalf("identical run: %+v, %d snapshots; want unchanged and no new file", second, count())
	}
	if !obs.unchanged {
		t.Error("the observer was not told the attempt was unchanged")
	}
	var cursor string
	if ok, _ := NewState(statePath).Load(&cursor); !ok || cursor != clk.Now().Format(time.RFC3339) {
		t.Errorf("state %q after an unchanged run, want the staged cursor committed", cursor)
	}
	if entries, _ := os.ReadDir(filepath.Join(root, "s")); len(entries) != 1 {
		t.Errorf("directory holds %d entries (a temporary file left?)", len(entries))
	}
	third := run(data+"one more\n", first.Snapshot, nil)
	if third.Err != nil || third.Unchanged || count() != 2 {
		t.Fatalf("changed output: %+v, %d snapshots; want a new snapshot", third, count())
	}
	// The previous file damaged (same size, other bytes): its recorded
	// digest no longer holds, so an identical output is written anew.
	b, _ := os.ReadFile(third.Snapshot.Path)
	os.WriteFile(third.Snapshot.Path, append([]byte{b[0] ^ 1}, b[1:]...), 0o600)
	fourth := run(data+"one more\n", third.Snapshot, nil)
	if fourth.Err != nil || fourth.Unchanged || count() != 3 {
		t.Fatalf("previous file damaged: %+v, %d snapshots; want a new snapshot", fourth, count())
	}
	// The same size but other bytes is not identical.
	fifth := run(strings.Replace(data, "line", "LINE", 1)+"one more\n", fourth.Snapshot, nil)
	if fifth.Err != nil || fifth.Unchanged || count() != 4 {
		t.Fatalf("same size, other bytes: %+v, %d snapshots", fifth, count())
	}
}

type recorder struct{ unchanged bool }

func (r *recorder) AttemptStarted(a *Attempt) {}
func (r *recorder) AttemptEnded(a *Attempt, res *snapshot.Result, err error) {
	r.unchanged = a.Unchanged()
}
func (r *recorder) Retrying(a *Attempt, wait time.Duration) {}
