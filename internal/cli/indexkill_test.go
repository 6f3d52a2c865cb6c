package cli_test

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/bench/dal/synth"
)

// TestIndexSurvivesSIGKILL: a hoard command killed with SIGKILL at a
// random point of an index refresh (a first build, an incremental
// refresh of one or a few new snapshots, a rebuild after a settings
// change, the writing of the search index on a first search, the
// checkpoint after any of them) leaves an index that the next command
// either uses correctly or rebuilds: it prints, byte for byte, what
// --no-cache prints, with nothing on stderr.
func TestIndexSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a synthetic source and kills hoard 24 times")
	}
	e := newEnv(t)
	all := t.TempDir()
	if err := synth.Write(all, 32, 1500, 150, false); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(all)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range ents {
		files = append(files, f.Name())
	}
	sort.Strings(files)
	dir := filepath.Join(e.home, "exports", "saved")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	linked := 0
	link := func(n int) {
		for ; n > 0 && linked < len(files); n-- {
			if err := os.Link(filepath.Join(all, files[linked]), filepath.Join(dir, files[linked])); err != nil {
				t.Fatal(err)
			}
			linked++
		}
	}
	config := func(title string) {
		e.writeConfig("[sources.saved]\nexporter = \"file\"\npath = \"/dev/null\"\nitems = \"saved\"\nkey = \"id\"\ntime = \"created_utc\"\n" + title)
	}
	config("")
	link(16)
	index := filepath.Join(e.home, ".cache", "hoard", "index.sqlite")
	items := []string{"items", "saved", "--format", "jsonl"}
	search := []string{"query", "--search", "café", "--format", "jsonl"}

	// An unkilled first build, to spread the kills over its length.
	start := time.Now()
	if _, errs, code := e.run(items...); code != 0 || errs != "" {
		t.Fatalf("first build: exit %d, %s", code, errs)
	}
	span := time.Since(start) + 50*time.Millisecond
	rng := rand.New(rand.NewPCG(17, uint64(time.Now().UnixNano())))
	killed := 0
	title := ""
	for round := range 24 {
		what := ""
		switch round % 6 {
		case 0:
			link(1)
			what = "one new snapshot"
		case 1:
			link(2)
			what = "two new snapshots, then a first search"
			for _, p := range []string{index, index + "-wal", index + "-shm"} {
				os.Remove(p) // the search index is written on a first search only
			}
			if _, errs, code := e.run(items...); code != 0 || errs != "" {
				t.Fatalf("round %d: rebuild: exit %d, %s", round, code, errs)
			}
		case 2:
			if title == "" {
				title = "title = \"title\"\n"
			} else {
				title = ""
			}
			config(title)
			what = "settings changed: a rebuild"
		case 3:
			for _, p := range []string{index, index + "-wal", index + "-shm"} {
				os.Remove(p)
			}
			what = "no index: a first build"
		case 4:
			link(1)
			what = "one new snapshot, with a search index to keep up to date"
		case 5:
			what = "nothing new"
		}
		args := items
		if round%6 == 1 || round%6 == 4 {
			args = search
		}
		c := e.cmd(args...)
		c.Stdout, c.Stderr = io.Discard, io.Discard
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		d := span // a build's length; an incremental refresh is shorter
		if round%6 == 0 || round%6 >= 4 {
			d = span / 3
		}
		delay := time.Duration(rng.Int64N(int64(d)))
		time.Sleep(delay)
		c.Process.Kill()
		if err := c.Wait(); err != nil && strings.Contains(err.Error(), "killed") {
			killed++
		}
		for _, q := range [][]string{items, search} {
			got, gotErr, code := e.run(q...)
			want, wantErr, wantCode := e.run(append(q, "--no-cache")...)
			if code != 0 || gotErr != "" || got != want || wantCode != 0 || wantErr != "" {
				t.Fatalf("round %d (%s, killed after %v), then %s: exit %d (uncached %d), stderr %q (uncached %q), output equal: %v",
					round, what, delay, strings.Join(q, " "), code, wantCode, gotErr, wantErr, got == want)
			}
		}
	}
	t.Logf("%d of 24 commands killed before they ended (delays up to %v)", killed, span)
	if killed < 4 {
		t.Errorf("only %d commands were killed before they ended", killed)
	}
}
