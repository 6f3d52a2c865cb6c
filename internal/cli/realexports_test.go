package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
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

// copyTo copies a file into dir under name.
func copyTo(t *testing.T, src, dir, name string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readItems runs hoard items SOURCE on the config at cfg and returns the
// items as decoded JSON lines and stderr; it fails the test on an error.
func readItems(t *testing.T, cfg, source string, extra ...string) ([]map[string]any, string) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
	if err := runItems(context.Background(), g, readOpts{Sources: []string{source}, Format: "jsonl", NoCache: len(extra) > 0}); err != nil {
		t.Fatalf("%s: %v\n%s", source, err, errb.String())
	}
	var items []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		items = append(items, m)
	}
	return items, errb.String()
}

// TestNestedAndJSExports reads a Telegram-like full export (messages of
// every chat: chats.list[].messages; local times with time_zone) and a
// Twitter-like archive (JSON behind "window.YTD.tweets.part0 = ", times
// in Twitter's format), configured as a user would.
func TestNestedAndJSExports(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	copyTo(t, "testdata/real/telegram-result.json", filepath.Join(root, "telegram"), "20240101T000000Z.json")
	copyTo(t, "testdata/real/twitter-tweets.js", filepath.Join(root, "twitter"), "20240101T000000Z.js")
	copyTo(t, "testdata/real/twitter-tweets-part1.js", filepath.Join(root, "twitter"), "20240101T000000Z_001.js")
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte(`root = "`+root+`"

[sources.telegram]
exporter = "file"
path = "/dev/null"

[sources.telegram.kinds.messages]
items = "chats.list[].messages"
# message ids are per chat: with the sender and the time they are unique
key = ["from_id", "date_unixtime", "id"]
time = "date"
time_zone = "Europe/Berlin"

[sources.telegram.kinds.contacts]
items = "contacts.list"
key = "phone_number"
title = "first_name"

[sources.twitter]
exporter = "file"
path = "/dev/null"
key = "tweet.id_str"
time = "tweet.created_at"
text = "tweet.full_text"
`), 0o644)
	for _, noCache := range []bool{false, true} {
		extra := []string{}
		if noCache {
			extra = append(extra, "--no-cache")
		}
		items, _ := readItems(t, cfg, "telegram", extra...)
		if len(items) != 5 {
			t.Fatalf("telegram: %d items, want 4 messages (two with id 11, in two chats) and a contact: %v", len(items), items)
		}
		kinds := map[string]int{}
		for _, it := range items {
			kinds[it["kind"].(string)]++
			if it["kind"] != "messages" {
				continue
			}
			raw := it["raw"].(map[string]any)
			unix, _ := strconv.ParseInt(raw["date_unixtime"].(string), 10, 64)
			if want := time.Unix(unix, 0).UTC().Format(time.RFC3339); it["time"] != want {
				t.Errorf("message %v: time %v, want %s (its date_unixtime): time_zone not applied", raw["id"], it["time"], want)
			}
		}
		if kinds["messages"] != 4 || kinds["contacts"] != 1 || items[0]["title"] != "Jürgen" {
			t.Errorf("telegram kinds %v, first %v", kinds, items[0])
		}
		tw, _ := readItems(t, cfg, "twitter", extra...)
		if len(tw) != 3 || tw[0]["time"] != "2018-05-09T08:00:00Z" || tw[1]["time"] != "2019-11-11T10:22:58Z" || tw[2]["time"] != "2019-11-11T19:05:00Z" ||
			tw[1]["text"] != "Backups are a gift to your future self 💾 #data" || tw[1]["key"] != "1193851832447655936" {
			t.Errorf("twitter items %v", tw)
		}
	}
}

// TestTakeoutArchiveSource reads a Takeout-like zip (made by Info-ZIP's
// zip) as a configured source: kinds choose members by glob, through the
// index and without it; the member cut short is reported with the
// archive's and the member's names, the other members' items printed.
func TestTakeoutArchiveSource(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	copyTo(t, "../../dal/testdata/archive/takeout-20240315T101500Z-001.zip", filepath.Join(root, "takeout"), "20240315T101500Z.zip")
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte(`root = "`+root+`"

[sources.takeout]
exporter = "file"
path = "/dev/null"

[sources.takeout.kinds.activity]
members = "Takeout/My Activity/*/MyActivity.json"
key = ["header", "time", "title"]
time = "time"
url = "titleUrl"

[sources.takeout.kinds.chrome]
members = "**/BrowserHistory.json"
items = "Browser History"
key = ["url", "time_usec"]
time = "time_usec"
time_unit = "us"
`), 0o644)
	var outs, errs []string
	for _, noCache := range []bool{false, true} {
		var out, errb bytes.Buffer
		g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
		err := runItems(context.Background(), g, readOpts{Sources: []string{"takeout"}, Format: "jsonl", NoCache: noCache, Search: "zürich"})
		if exitCodeOf(err) != ExitFailure {
			t.Fatalf("%v", err)
		}
		outs, errs = append(outs, out.String()), append(errs, errb.String())
	}
	if outs[0] != outs[1] || errs[0] != errs[1] {
		t.Errorf("cached and uncached differ:\n%s%s\n%s%s", outs[0], errs[0], outs[1], errs[1])
	}
	if n := strings.Count(outs[0], "\n"); n != 2 || !strings.Contains(outs[0], `"time":"2020-06-27T09:29:59.000001Z"`) || !strings.Contains(outs[0], `"kind":"activity"`) {
		t.Errorf("search results:\n%s", outs[0])
	}
	want := `hoard: ` + filepath.Join(root, "takeout", "20240315T101500Z.zip") + `: member "Takeout/My Activity/Maps/MyActivity.json": line 1, byte 1: unexpected end of file inside the value starting here (truncated?) (in item 1 of items)`
	if strings.TrimSpace(errs[0]) != want {
		t.Errorf("stderr:\n%s\nwant\n%s", errs[0], want)
	}
}

// execSQL makes a SQLite database at path with stmts.
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestSchemaChangingSensor: a sensor app moved its readings from
// measurements(timestamp s, value) to readings(ts_ms, celsius, sensor);
// one kind lists a query per schema, the first that fits each snapshot is
// used, and the union spans both versions. A database that fits neither
// is an error saying why each query failed.
func TestSchemaChangingSensor(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := filepath.Join(root, "sensor")
	os.MkdirAll(dir, 0o755)
	execSQL(t, filepath.Join(dir, "20240101T000000Z.db"),
		"CREATE TABLE measurements (timestamp INTEGER, value REAL)",
		"INSERT INTO measurements VALUES (1700000000, 20.5), (1700000060, 20.75)")
	execSQL(t, filepath.Join(dir, "20240201T000000Z.db"),
		"CREATE TABLE readings (ts_ms INTEGER, celsius REAL, sensor TEXT)",
		"INSERT INTO readings VALUES (1700000060000, 20.75, NULL), (1700000120250, 21, 'kitchen')")
	execSQL(t, filepath.Join(dir, "20240301T000000Z.db"), "CREATE TABLE other (x)")
	cfg := filepath.Join(root, "hoard.toml")
	os.WriteFile(cfg, []byte(`root = "`+root+`"

[sources.sensor]
exporter = "file"
path = "/dev/null"
key = "t"
time = "t"
time_unit = "ms"

[sources.sensor.queries]
readings = [
  "SELECT ts_ms AS t, celsius, sensor FROM readings",
  "SELECT timestamp * 1000 AS t, value AS celsius, NULL AS sensor FROM measurements",
]
`), 0o644)
	var out, errb bytes.Buffer
	g := &Globals{ConfigPath: cfg, Stdout: &out, Stderr: &errb}
	err := runItems(context.Background(), g, readOpts{Sources: []string{"sensor"}, Format: "csv"})
	if exitCodeOf(err) != ExitFailure {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{`readings,1700000000000,2023-11-14T22:13:20Z`, `readings,1700000060000,2023-11-14T22:14:20Z`, `readings,1700000120250,2023-11-14T22:15:20.25Z`, `""sensor"":""kitchen""`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 4 {
		t.Errorf("%d lines, want a header and 3 readings:\n%s", n, got)
	}
	want := `20240301T000000Z.db: query readings: none of the 2 queries fits this database (query 1: SQL logic error: no such table: readings (1); query 2: SQL logic error: no such table: measurements (1))`
	if !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %s\nwant %s", errb.String(), want)
	}
}

// TestDirParity: with --dir, --text makes an SMS body searchable (SMS
// Backup & Restore keeps it in an attribute no default names), and the
// advice in read errors names flags, not config keys.
func TestDirParity(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sms-20240101120000.xml"), []byte(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2" backup_set="a1" backup_date="1704110400000" type="full">
  <sms protocol="0" address="+491700000000" date="1704067200123" type="1" subject="null" body="Treffen wir uns am Bahnhof? 🚉" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="1704067199000" sub_id="1" readable_date="01.01.2024 01:00:00" contact_name="Jürgen" />
  <sms protocol="0" address="+491700000000" date="1704067260456" type="2" subject="null" body="Ja, um 8" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="01.01.2024 01:01:00" contact_name="Jürgen" />
</smses>
`), 0o644)
	var out, errb bytes.Buffer
	g := &Globals{Stdout: &out, Stderr: &errb}
	o := readOpts{Dir: dir, Format: "jsonl", Search: "bahnhof"}
	o.Spec = dal.Spec{Items: []string{"smses.sms"}, Key: []string{"@date"}, Time: "@date", TimeUnit: "ms", Text: "@body", Title: "@contact_name"}
	if err := runItems(context.Background(), g, o); err != nil || strings.Count(out.String(), "\n") != 1 ||
		!strings.Contains(out.String(), `"time":"2024-01-01T00:00:00.123Z","title":"Jürgen","text":"Treffen wir uns am Bahnhof? 🚉"`) {
		t.Errorf("--text: %v\n%s%s", err, out.String(), errb.String())
	}

	// the same through the command line's flags
	var stdout, stderr bytes.Buffer
	code := Main([]string{"items", "--dir", dir, "--items", "smses.sms", "--key", "@date", "--time", "@date", "--time-unit", "ms",
		"--text", "@body", "--title", "@contact_name", "--url", "@address", "--search", "bahnhof", "--format", "jsonl"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || stdout.String() != strings.Replace(out.String(), `"title":"Jürgen",`, `"title":"Jürgen","url":"+491700000000",`, 1) {
		t.Errorf("flags: exit %d\n%s%s\nwant\n%s", code, stdout.String(), stderr.String(), out.String())
	}
	stdout.Reset()
	if code := Main([]string{"items", "--dir", dir, "--time-zone", "Nowhere/Land"}, strings.NewReader(""), &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), `--time-zone "Nowhere/Land"`) {
		t.Errorf("a bad --time-zone: exit %d %s", code, stderr.String())
	}

	dbDir := t.TempDir()
	execSQL(t, filepath.Join(dbDir, "20240101T000000Z.db"), "CREATE TABLE t (x)")
	for _, c := range []struct {
		dir  string
		spec dal.Spec
		want string
	}{
		{dbDir, dal.Spec{}, "a SQLite snapshot needs queries: give --query KIND=SQL, one per kind"},
		{dir, dal.Spec{Key: []string{"@date"}}, "an XML snapshot needs --items naming the item elements"},
	} {
		out.Reset()
		errb.Reset()
		err := runItems(context.Background(), g, readOpts{Dir: c.dir, Format: "jsonl", Spec: c.spec})
		if exitCodeOf(err) != ExitFailure || !strings.Contains(errb.String(), c.want) || strings.Contains(errb.String(), "sources.NAME") || strings.Contains(errb.String(), "items = [") {
			t.Errorf("%v\n%s\nwant %q", err, errb.String(), c.want)
		}
	}
}
