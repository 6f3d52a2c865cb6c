package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sensorDB writes a SQLite database like a sensor app's: n readings whose
// time is local text in a format no default reads.
func sensorDB(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{"CREATE TABLE readings (id INTEGER PRIMARY KEY, ts TEXT, celsius REAL)", "BEGIN"}
	for i := 1; i <= n; i++ {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO readings VALUES (%d, '%02d/11/2023 %02d:%02d', %d.5)", i, i%28+1, i/60%24, i%60, i%30))
	}
	for _, s := range append(stmts, "COMMIT") {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUnreadableTimesOncePerFile: 2,178 readings whose time cannot be
// read are one line of stderr with a count, the same through the index
// and without it; with time_format set they all have their times.
func TestUnreadableTimesOncePerFile(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := filepath.Join(root, "sensor")
	os.MkdirAll(dir, 0o755)
	sensorDB(t, filepath.Join(dir, "20240101T000000Z.db"), 2178)
	cfg := filepath.Join(root, "hoard.toml")
	write := func(extra string) {
		os.WriteFile(cfg, []byte(`root = "`+root+`"

[sources.sensor]
exporter = "file"
path = "/dev/null"
key = "id"
time = "ts"
`+extra+`
[sources.sensor.queries]
readings = "SELECT id, ts, celsius FROM readings"
`), 0o644)
	}
	write("")
	var stderrs []string
	for _, noCache := range []bool{false, false, true} {
		var out, errb bytes.Buffer
		g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
		err := runItems(context.Background(), g, readOpts{Sources: []string{"sensor"}, Format: "jsonl", NoCache: noCache})
		if exitCodeOf(err) != ExitFailure || strings.Count(out.String(), "\n") != 2178 {
			t.Fatalf("no-cache %v: %v, %d items", noCache, err, strings.Count(out.String(), "\n"))
		}
		stderrs = append(stderrs, errb.String())
	}
	want := filepath.Join(root, "sensor", "20240101T000000Z.db") + `: 2178 items (readings): time member "ts": not a time in any known format (set time_format); e.g. item 1 = "02/11/2023 00:01", item 2 = "03/11/2023 00:02", item 3 = "04/11/2023 00:03" and 2175 more`
	if lines := strings.Split(strings.TrimSpace(stderrs[0]), "\n"); len(lines) != 1 || lines[0] != "hoard: "+want {
		t.Errorf("stderr:\n%s\nwant its first line to be\nhoard: %s", stderrs[0], want)
	}
	if stderrs[0] != stderrs[1] || stderrs[0] != stderrs[2] {
		t.Errorf("cached, warm and uncached errors differ:\n%s\n%s\n%s", stderrs[0], stderrs[1], stderrs[2])
	}
	write(`time_format = "%d/%m/%Y %H:%M"` + "\ntime_zone = \"Europe/Berlin\"\n")
	var out, errb bytes.Buffer
	g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
	if err := runItems(context.Background(), g, readOpts{Sources: []string{"sensor"}, Format: "jsonl"}); err != nil ||
		!strings.Contains(out.String(), `{"source":"sensor","kind":"readings","key":"1","time":"2023-11-01T23:01:00Z"`) || strings.Count(out.String(), `"time":`) != 2178 {
		t.Errorf("with time_format: %v\n%s\n%s", err, out.String(), errb.String())
	}
}
