package cli

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// readFixture makes an exports root with a "reddit" source (three
// snapshots, one item edited, one vanished) and a broken snapshot, plus a
// config and an empty cache directory.
func readFixture(t *testing.T) (*Globals, *bytes.Buffer, *bytes.Buffer, string) {
	t.Helper()
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := filepath.Join(root, "reddit")
	os.MkdirAll(dir, 0o755)
	files := map[string]string{
		"20240101T000000Z.json": `{"saved":[{"id":"a","created":"2023-12-30T10:00:00Z","title":"First, \"quoted\"","url":"https://a.example/"},{"id":"b","created":"2023-12-31T10:00:00Z","title":"Zürich café"}]}`,
		"20240102T000000Z.json": `{"saved":[{"id":"b","created":"2023-12-31T10:00:00Z","title":"Zürich café (edited)"},{"id":"c","created":"2024-01-01T09:00:00Z","body":"line one\nline two"}]}`,
		"20240103T000000Z.json": `{"saved":[{"id":"c","created":"2024-01-01T09:00:00Z","body":"line one\nline two"},{"id":"d"}]}`,
		"20240104T000000Z.json": `{"saved":[{"id":"e","created":"2024-01-02T00:00:00Z"`,
		"README":                "not a snapshot",
	}
	for name, content := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte(`root = "`+root+`"

[sources.reddit]
exporter = "file"
path = "/dev/null"
items = "saved"
key = "id"
time = "created"
`), 0o644)
	var out, errb bytes.Buffer
	// Tables show local times with the zone: a zone that is not UTC shows
	// the conversion (-5h) whatever the machine's TZ.
	est := time.FixedZone("EST", -5*3600)
	return &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb, Location: est}, &out, &errb, root
}

func exitCodeOf(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestItemsGolden checks each output format against testdata, and that the
// cached, warm and uncached reads print the same bytes and errors.
func TestItemsGolden(t *testing.T) {
	for _, format := range []string{"jsonl", "csv", "table"} {
		t.Run(format, func(t *testing.T) {
			g, out, errb, root := readFixture(t)
			var outs, errs []string
			for _, noCache := range []bool{false, false, true} {
				out.Reset()
				errb.Reset()
				err := runItems(context.Background(), g, readOpts{Sources: []string{"reddit"}, Format: format, NoCache: noCache})
				if exitCodeOf(err) != ExitFailure {
					t.Fatalf("exit %v, want 1 (a broken snapshot)", err)
				}
				outs = append(outs, out.String())
				errs = append(errs, strings.ReplaceAll(errb.String(), root, "ROOT"))
			}
			if outs[0] != outs[1] || outs[0] != outs[2] || errs[0] != errs[1] || errs[0] != errs[2] {
				t.Fatalf("cold, warm and uncached differ:\n%q\n%q\n%q\n%q\n%q\n%q", outs[0], outs[1], outs[2], errs[0], errs[1], errs[2])
			}
			golden(t, "items."+format, outs[0])
			golden(t, "items.stderr", errs[0])
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(p, []byte(got), 0o644)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestQueryFilters(t *testing.T) {
	g, out, _, _ := readFixture(t)
	now := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		o    readOpts
		keys string
	}{
		{readOpts{}, "d a b c"},
		{readOpts{Reverse: true, Limit: 2}, "c b"},
		{readOpts{After: "2023-12-31", Before: "2024-01-01T09:00"}, "b"},
		{readOpts{Within: "2d", Now: now}, "b c"},
		{readOpts{Search: "zurich"}, ""},
		{readOpts{Search: "zürich CAFÉ"}, "b"},
		{readOpts{Search: "line"}, "c"},
	} {
		for _, noCache := range []bool{false, true} {
			out.Reset()
			o := tt.o
			o.Format, o.NoCache = "csv", noCache
			runQuery(context.Background(), g, o)
			var keys []string
			for _, line := range strings.Split(out.String(), "\n")[1:] {
				if f := strings.Split(line, ","); len(f) > 3 && f[0] == "reddit" {
					keys = append(keys, f[2])
				}
			}
			if got := strings.Join(keys, " "); got != tt.keys {
				t.Errorf("%+v no-cache=%v: keys %q, want %q", tt.o, noCache, got, tt.keys)
			}
		}
	}
}

func TestItemsUsage(t *testing.T) {
	g, _, _, _ := readFixture(t)
	for _, tt := range []struct {
		o    readOpts
		want string
	}{
		{readOpts{Sources: []string{"nope"}}, `no source "nope"`},
		{readOpts{Within: "2 weeks"}, "--within"},
		{readOpts{Within: "2w", After: "2024-01-01"}, "not both"},
		{readOpts{Before: "yesterday"}, "--before"},
		{readOpts{Format: "xml"}, "--format"},
		{readOpts{Sources: []string{"reddit"}, Spec: spec("id")}, "go with --dir"},
		{readOpts{Dir: "/x", Spec: specMerge("all")}, "merge"},
		{readOpts{Dir: "/x", Spec: dal.Spec{Key: []string{".id"}}}, `--key: invalid path ".id"`},
		{readOpts{Dir: "/x", Spec: dal.Spec{Title: "a..b"}}, `--title: invalid path "a..b"`},
		{readOpts{Dir: "/x", Spec: dal.Spec{URL: "u[].x"}}, `--url: path "u[].x"`},
		{readOpts{Dir: "/x", Spec: dal.Spec{Text: "."}}, `--text: invalid path "."`},
		{readOpts{Dir: "/x", Spec: dal.Spec{TimeUnit: "h"}}, `--time-unit "h": use s, ms, us, 100ns or ns`},
		{readOpts{Dir: "/x", Spec: dal.Spec{TimeZone: "Mars"}}, `--time-zone "Mars"`},
		{readOpts{Dir: "/x", Spec: dal.Spec{TimeFormat: "%Q"}}, `--time-format "%Q": unknown strftime directive`},
		{readOpts{Dir: "/x", Spec: dal.Spec{Members: []string{"a/[b"}}}, `--members "a/[b": invalid pattern`},
		{readOpts{Dir: "/x", Spec: dal.Spec{FixEncoding: "utf16"}}, `--fix-encoding "utf16"`},
		{readOpts{Sources: []string{"reddit"}, Spec: dal.Spec{Text: "body"}}, "--title, --url, --text"},
		{readOpts{Search: "* !!!"}, `--search "* !!!": no word to search for`},
	} {
		err := runItems(context.Background(), g, tt.o)
		if exitCodeOf(err) != ExitUsage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want usage error with %q", tt.o, err, tt.want)
		}
	}
}

func TestItemsDir(t *testing.T) {
	g, out, errb, root := readFixture(t)
	o := readOpts{Dir: filepath.Join(root, "reddit"), Format: "jsonl"}
	o.Spec.Key, o.Spec.Items, o.Spec.Merge = []string{"id"}, []string{"saved"}, "latest"
	err := runItems(context.Background(), g, o)
	if exitCodeOf(err) != ExitFailure || strings.Count(out.String(), "\n") != 0 || !strings.Contains(errb.String(), "20240104T000000Z.json: line 1, byte 10: unexpected end of file") {
		t.Errorf("latest of a dir whose newest file is truncated: %v\n%s\n%s", err, out, errb)
	}
	out.Reset()
	errb.Reset()
	o.Spec.Merge = ""
	os.Remove(filepath.Join(root, "reddit", "20240104T000000Z.json"))
	os.Remove(filepath.Join(root, "reddit", "README"))
	if err := runItems(context.Background(), g, o); err != nil || strings.Count(out.String(), "\n") != 4 || !strings.Contains(out.String(), `"source":"reddit"`) {
		t.Errorf("union: %v\n%s\n%s", err, out, errb)
	}
}

func TestItemsDirSQLiteQuery(t *testing.T) {
	g, out, errb, _ := readFixture(t)
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "20240101T000000Z.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CREATE TABLE m (ts INTEGER, v REAL)", "INSERT INTO m VALUES (1700000000, 20.5), (1700000060, 21)"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	q, err := parseQueries([]string{"measurements=SELECT ts, v FROM m"})
	if err != nil {
		t.Fatal(err)
	}
	o := readOpts{Dir: dir, Format: "csv"}
	o.Spec.Key, o.Spec.Time = []string{"ts"}, "ts"
	o.Spec.Queries, o.Spec.QueryFallbacks = app.SplitQueries(q)
	if err := runItems(context.Background(), g, o); err != nil || strings.Count(out.String(), "measurements,") != 2 || !strings.Contains(out.String(), `{""ts"":1700000060,""v"":21}`) {
		t.Errorf("%v\n%s\n%s", err, out, errb)
	}
	if _, err := parseQueries([]string{"nosql"}); exitCodeOf(err) != ExitUsage {
		t.Errorf("bad --query: %v", err)
	}
}

// --utc shows table times in UTC, saying so, whatever the local zone.
func TestTableTimesUTC(t *testing.T) {
	g, out, _, _ := readFixture(t)
	g.UTC = true
	runItems(context.Background(), g, readOpts{Sources: []string{"reddit"}, Format: "table"})
	if !strings.Contains(out.String(), "2023-12-30 10:00 UTC  reddit  First") {
		t.Errorf("--utc table:\n%s", out)
	}
	g, out, _, _ = readFixture(t)
	runItems(context.Background(), g, readOpts{Sources: []string{"reddit"}, Format: "table"})
	if !strings.Contains(out.String(), "2023-12-30 05:00 EST  reddit  First") {
		t.Errorf("local table:\n%s", out)
	}
}
