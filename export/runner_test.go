package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/snapshot"
)

// scripted is an exporter whose attempts follow a script.
type scripted struct {
	calls int
	steps []func(w io.Writer, env *Env) error
}

func (s *scripted) Export(ctx context.Context, w io.Writer, env *Env) error {
	step := s.steps[min(s.calls, len(s.steps)-1)]
	s.calls++
	return step(w, env)
}

func write(data string, state any, err error) func(io.Writer, *Env) error {
	return func(w io.Writer, env *Env) error {
		io.WriteString(w, data)
		if state != nil {
			env.State.Stage(state)
		}
		return err
	}
}

func TestRunnerRetriesAndKeepsOnlySuccess(t *testing.T) {
	root := t.TempDir()
	statePath := filepath.Join(t.TempDir(), "state.json")
	exp := &scripted{steps: []func(io.Writer, *Env) error{
		write("bad1", "cursor-1", errors.New("flake 1")),
		write("bad2", "cursor-2", errors.New("flake 2")),
		write("good", "cursor-3", nil),
	}}
	clk := clock.NewFake(time.Now())
	r := &Runner{Clock: clk}
	res := r.Run(context.Background(), Job{
		Source: "s", Exporter: exp, Attempts: 3, State: NewState(statePath),
		Target: StoreTarget{Store: snapshot.New(root), Source: "s", Ext: "txt"},
	})
	if res.Err != nil || res.Attempts != 3 || res.Snapshot == nil {
		t.Fatalf("result %+v", res)
	}
	l, _ := snapshot.New(root).List("s")
	if len(l.Snapshots) != 1 {
		t.Fatalf("%d snapshots", len(l.Snapshots))
	}
	if b, _ := os.ReadFile(l.Snapshots[0].Path); string(b) != "good" {
		t.Errorf("kept %q", b)
	}
	var cursor string
	if ok, err := NewState(statePath).Load(&cursor); !ok || err != nil || cursor != "cursor-3" {
		t.Errorf("state %q %v %v, want cursor-3", cursor, ok, err)
	}
	waits := clk.Sleeps()
	if len(waits) != 2 || waits[0] < time.Second || waits[0] > 1250*time.Millisecond || waits[1] < 2*time.Second || waits[1] > 2500*time.Millisecond {
		t.Errorf("waits %v, want ~1s then ~2s", waits)
	}
}

// A failed run leaves no snapshot and the state exactly as it was.
func TestRunnerFailureKeepsState(t *testing.T) {
	root := t.TempDir()
	statePath := filepath.Join(t.TempDir(), "state.json")
	NewState(statePath).Stage("old")
	st := NewState(statePath)
	st.Stage("old")
	st.commit()
	exp := &scripted{steps: []func(io.Writer, *Env) error{write("partial", "new", errors.New("broken"))}}
	clk := clock.NewFake(time.Now())
	res := (&Runner{Clock: clk}).Run(context.Background(), Job{
		Source: "s", Exporter: exp, Attempts: 2, State: NewState(statePath),
		Target: StoreTarget{Store: snapshot.New(root), Source: "s", Ext: "txt"},
	})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "broken") || exp.calls != 2 {
		t.Fatalf("result %+v after %d calls", res, exp.calls)
	}
	if l, _ := snapshot.New(root).List("s"); len(l.Snapshots) != 0 {
		t.Errorf("failed run left %v", l.Snapshots)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "s"))
	if len(entries) != 0 {
		t.Errorf("failed run left files %v", entries)
	}
	var cursor string
	if NewState(statePath).Load(&cursor); cursor != "old" {
		t.Errorf("state %q, want old", cursor)
	}
}

func TestRunnerPermanentErrorStopsRetrying(t *testing.T) {
	exp := &scripted{steps: []func(io.Writer, *Env) error{write("", nil, Permanent(errors.New("401 bad token")))}}
	clk := clock.NewFake(time.Now())
	res := (&Runner{Clock: clk}).Run(context.Background(), Job{
		Source: "s", Exporter: exp, Attempts: 5,
		Target: StoreTarget{Store: snapshot.New(t.TempDir()), Source: "s"},
	})
	if res.Err == nil || exp.calls != 1 || len(clk.Sleeps()) != 0 {
		t.Errorf("calls %d waits %v err %v", exp.calls, clk.Sleeps(), res.Err)
	}
}

func TestRunnerRedactsErrors(t *testing.T) {
	exp := &scripted{steps: []func(io.Writer, *Env) error{func(w io.Writer, env *Env) error {
		fmt.Fprintf(env.Stderr, "using %s\n", env.Secrets["token"])
		return fmt.Errorf("GET https://x/?token=%s: 500", env.Secrets["token"])
	}}}
	var stderr strings.Builder
	res := (&Runner{Stderr: &stderr}).Run(context.Background(), Job{
		Source: "s", Exporter: exp, Attempts: 1, Secrets: map[string]string{"token": "hunter2hunter2"},
		Target: StoreTarget{Store: snapshot.New(t.TempDir()), Source: "s"},
	})
	if strings.Contains(res.Err.Error(), "hunter2") || strings.Contains(stderr.String(), "hunter2") {
		t.Errorf("leak: %v / %q", res.Err, stderr.String())
	}
}

// An exporter that ignores cancellation still fails when its time is up.
func TestRunnerTimeout(t *testing.T) {
	exp := &scripted{steps: []func(io.Writer, *Env) error{func(w io.Writer, env *Env) error {
		time.Sleep(50 * time.Millisecond)
		return nil
	}}}
	res := (&Runner{}).Run(context.Background(), Job{
		Source: "s", Exporter: exp, Attempts: 1, Timeout: time.Millisecond,
		Target: StoreTarget{Store: snapshot.New(t.TempDir()), Source: "s"},
	})
	if !errors.Is(res.Err, ErrTimeout) {
		t.Errorf("err %v, want a timeout", res.Err)
	}
}

func TestBackoffBounds(t *testing.T) {
	for n := 1; n <= 12; n++ {
		base := min(time.Second<<(n-1), MaxBackoff)
		if n >= 7 {
			base = MaxBackoff
		}
		for i := 0; i < 100; i++ {
			if d := Backoff(n); d < base || d > base+base/4 {
				t.Fatalf("Backoff(%d) = %s, want in [%s, %s]", n, d, base, base+base/4)
			}
		}
	}
}

func TestCorruptStateIsAnError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(p, []byte("{not json"), 0o600)
	var v any
	if _, err := NewState(p).Load(&v); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v", err)
	}
}
