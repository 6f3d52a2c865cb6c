package rest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"encoding/json"

	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/snapshot"
)

// crashEnv runs the real hoard binary on a rest source against a fake
// API with an ascending incremental feed.
type crashEnv struct {
	t         *testing.T
	bin, dir  string
	config    string
	root      string
	stateFile string
	env       []string
	srv       *fakeapi.Server
}

func newCrashEnv(t *testing.T) *crashEnv {
	if testing.Short() {
		t.Skip("builds the hoard binary")
	}
	dir := t.TempDir()
	c := &crashEnv{t: t, dir: dir, bin: filepath.Join(dir, "hoard"), root: filepath.Join(dir, "exports")}
	build := exec.Command("go", "build", "-o", c.bin, "./cmd/hoard")
	build.Dir = filepath.Join("..", "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	c.srv = fakeapi.New(fakeapi.Keyset, 23, 5, "")
	t.Cleanup(c.srv.Close)
	c.config = filepath.Join(dir, "hoard.toml")
	cfg := fmt.Sprintf(`root = %q

[sources.feed]
exporter = "rest"
base_url = %q

[[sources.feed.endpoints]]
name = "items"
path = "/items"
items = "items"
key = "id"
style = "incremental"
[sources.feed.endpoints.pagination]
type = "keyset"
field = "updated"
param = "search_after"
[sources.feed.endpoints.incremental]
cursor_field = "updated"
param = "search_after"
order = "ascending"
`, c.root, c.srv.URL)
	if err := os.WriteFile(c.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	c.stateFile = filepath.Join(state, "hoard", "state", "feed.json")
	c.env = append(os.Environ(), "HOME="+dir, "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+filepath.Join(dir, "cfg"))
	return c
}

func (c *crashEnv) cmd() *exec.Cmd {
	cmd := exec.Command(c.bin, "--config", c.config, "run", "feed")
	cmd.Env = c.env
	return cmd
}

func (c *crashEnv) run() {
	c.t.Helper()
	if out, err := c.cmd().CombinedOutput(); err != nil {
		c.t.Fatalf("hoard run: %v\n%s", err, out)
	}
}

func (c *crashEnv) snapshots() []string {
	c.t.Helper()
	l, err := snapshot.New(c.root).List("feed")
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, s := range l.Snapshots {
		out = append(out, s.Path)
	}
	return out
}

// missing returns the ids 1..n found in no snapshot.
func (c *crashEnv) missing(n int) []int {
	c.t.Helper()
	seen := map[int]bool{}
	for _, path := range c.snapshots() {
		f, err := snapshot.Open(path)
		if err != nil {
			c.t.Fatal(err)
		}
		for it, err := range rest.Items(f) {
			if err != nil {
				c.t.Fatal(err)
			}
			var v struct{ ID int }
			json.Unmarshal(it.Raw, &v)
			seen[v.ID] = true
		}
		f.Close()
	}
	var miss []int
	for id := 1; id <= n; id++ {
		if !seen[id] {
			miss = append(miss, id)
		}
	}
	return miss
}

// TestStateLostAfterDurableSnapshot reproduces on disk what a SIGKILL
// between the durable snapshot and the state write leaves: the new
// snapshot, the old state. The rerun must miss no item.
func TestStateLostAfterDurableSnapshot(t *testing.T) {
	c := newCrashEnv(t)
	c.run()
	old, err := os.ReadFile(c.stateFile)
	if err != nil {
		t.Fatalf("no state after the first run: %v", err)
	}
	c.srv.AddItems(7)
	c.run()
	if err := os.WriteFile(c.stateFile, old, 0o600); err != nil { // the state write "never happened"
		t.Fatal(err)
	}
	c.srv.AddItems(5)
	c.run()
	if miss := c.missing(35); len(miss) > 0 {
		t.Fatalf("items missing after the rerun: %v", miss)
	}
}

// TestSIGKILLAroundSnapshotCommit sends a real SIGKILL to hoard run as soon
// as its snapshot appears, wherever that lands (before the state write or
// after it), then reruns: no item may be missing.
func TestSIGKILLAroundSnapshotCommit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SIGKILL test needs Linux")
	}
	c := newCrashEnv(t)
	c.run()
	total := 23
	for trial := range 3 {
		c.srv.AddItems(4)
		total += 4
		before := len(c.snapshots())
		oldState, _ := os.ReadFile(c.stateFile)
		cmd := c.cmd()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killWhenSnapshotAppears(t, c, cmd, before)
		newState, _ := os.ReadFile(c.stateFile)
		t.Logf("trial %d: snapshots %d -> %d, state written: %v", trial, before, len(c.snapshots()), string(oldState) != string(newState))
	}
	c.srv.AddItems(2)
	total += 2
	c.run()
	if miss := c.missing(total); len(miss) > 0 {
		t.Fatalf("items missing after SIGKILL and rerun: %v", miss)
	}
}

// killWhenSnapshotAppears polls for a new snapshot and SIGKILLs the
// process the moment it sees one (or when the process has exited).
func killWhenSnapshotAppears(t *testing.T, c *crashEnv, cmd *exec.Cmd, before int) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			cmd.Process.Kill()
			t.Fatal("hoard run did not finish")
		default:
		}
		if len(c.snapshots()) > before {
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return
		}
	}
}
