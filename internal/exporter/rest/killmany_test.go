package rest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/snapshot"
)

// TestSIGKILLRestRandomMoments kills `hoard run` of an incremental rest
// source with SIGKILL at random moments (50 times; HOARD_KILL_TRIALS sets
// how many), each followed by a complete run. After every kill the saved
// state is never ahead of the data (every item up to the bookmark is in a
// snapshot); after every following run no item is missing, and an item is
// saved twice only when a killed run had made its snapshot durable but
// not yet its state (the documented refetch); hoard items shows each item
// once.
func TestSIGKILLRestRandomMoments(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SIGKILL test needs Linux")
	}
	trials := 50
	if s := os.Getenv("HOARD_KILL_TRIALS"); s != "" {
		trials, _ = strconv.Atoi(s)
	}
	c := newCrashEnv(t)
	// Pages take a few ms each behind this proxy, so that kills land
	// during requests, between pages, around the commit and after it.
	target, _ := url.Parse(c.srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // killed clients: "context canceled"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(2+rand.IntN(8)) * time.Millisecond)
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	cfg, _ := os.ReadFile(c.config)
	os.WriteFile(c.config, bytes.Replace(cfg, []byte(c.srv.URL), []byte(proxy.URL), 1), 0o600)

	c.run()
	// Kills fall in [0, span): a little more than a run takes, measured
	// on the following runs as the test goes.
	start := time.Now()
	c.run()
	span := 3 * time.Since(start) / 2
	total := 23
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, kill moments in [0, %s)", seed, span)
	r := rand.New(rand.NewPCG(seed, 1))
	allowed := map[int]int{} // id -> times it may be saved
	var killedMid, committedNoState int
	for trial := range trials {
		n := 1 + r.IntN(12)
		c.srv.AddItems(n)
		total += n
		before := len(c.snapshots())
		oldState, _ := os.ReadFile(c.stateFile)
		cmd := c.cmd()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(r.Int64N(int64(span))))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err != nil {
			killedMid++
		}
		c.checkStateNotAhead(trial)
		snaps := c.snapshots()
		newState, _ := os.ReadFile(c.stateFile)
		if len(snaps) > before && bytes.Equal(oldState, newState) {
			// durable snapshot, state not written: the next run refetches
			committedNoState++
			for _, id := range c.ids(snaps[len(snaps)-1]) {
				allowed[id]++
			}
		}
		start := time.Now()
		c.run() // the following run
		span = (3*span + 3*time.Since(start)/2) / 4
		if miss := c.missing(total); len(miss) > 0 {
			t.Fatalf("trial %d: items missing after the kill and a full run: %v", trial, miss)
		}
		seen := map[int]int{}
		for _, p := range c.snapshots() {
			for _, id := range c.ids(p) {
				seen[id]++
			}
		}
		for id, k := range seen {
			if k > 1+allowed[id] {
				t.Fatalf("trial %d: item %d saved %d times (%d refetch allowed)", trial, id, k, allowed[id])
			}
		}
	}
	t.Logf("%d trials: %d runs killed before they ended, %d of them after the snapshot was durable and before the state was", trials, killedMid, committedNoState)
	out, err := c.items()
	if err != nil {
		t.Fatalf("hoard items: %v", err)
	}
	ids := map[int]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var it struct {
			Raw struct{ ID int } `json:"raw"`
		}
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("items line %q: %v", line, err)
		}
		ids[it.Raw.ID]++
	}
	for id := 1; id <= total; id++ {
		if ids[id] != 1 {
			t.Errorf("hoard items shows item %d %d times", id, ids[id])
		}
	}
}

// ids returns the ids of the items saved in one snapshot (duplicates that
// the snapshot marks as already saved left out).
func (c *crashEnv) ids(path string) []int {
	c.t.Helper()
	f, err := snapshot.Open(path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	var out []int
	for it, err := range rest.Items(f) {
		if err != nil {
			c.t.Fatalf("%s: %v", path, err)
		}
		var v struct{ ID int }
		json.Unmarshal(it.Raw, &v)
		out = append(out, v.ID)
	}
	return out
}

// checkStateNotAhead fails when the saved bookmark is past an item that
// no snapshot holds: the next run would skip that item for ever.
func (c *crashEnv) checkStateNotAhead(trial int) {
	c.t.Helper()
	b, err := os.ReadFile(c.stateFile)
	if err != nil {
		return // no state yet: nothing can be ahead
	}
	var st struct {
		Cursors map[string]string `json:"cursors"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		c.t.Fatalf("trial %d: the state file is not whole JSON: %v\n%s", trial, err, b)
	}
	cursor, err := time.Parse(time.RFC3339, st.Cursors["items"])
	if err != nil {
		c.t.Fatalf("trial %d: state %s", trial, b)
	}
	saved := map[int]bool{}
	for _, p := range c.snapshots() {
		for _, id := range c.ids(p) {
			saved[id] = true
		}
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // fakeapi: item id is updated id minutes after
	var ahead []int
	for id := 1; !base.Add(time.Duration(id) * time.Minute).After(cursor); id++ {
		if !saved[id] {
			ahead = append(ahead, id)
		}
	}
	if len(ahead) > 0 {
		sort.Ints(ahead)
		c.t.Fatalf("trial %d: the state (%s) is ahead of the data: items %v are in no snapshot", trial, cursor.Format(time.RFC3339), ahead)
	}
}

func (c *crashEnv) items() (string, error) {
	cmd := exec.Command(c.bin, "--config", c.config, "items", "feed", "--format", "jsonl")
	cmd.Env = append(c.env, "XDG_CACHE_HOME="+c.dir+"/cache")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%v: %s", err, errb.String())
	}
	return out.String(), nil
}
