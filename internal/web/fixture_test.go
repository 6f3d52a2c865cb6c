package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
	_ "modernc.org/sqlite"
)

// Hostile text that exported data may hold. None of it may ever run or
// become a link: the pages escape it, and only http(s) URLs are links.
var (
	xssTitles = []string{
		`<script>window.__pwned = "title"</script>`,
		`<img src=x onerror="window.__pwned='img'">`,
		`"><svg onload="window.__pwned='svg'">`,
		`</title><script>window.__pwned='closing'</script>`,
		`{{.Title}} ${alert(1)} {{template "x"}}`,
	}
	xssURLs = []string{
		`javascript:window.__pwned='js-url'`,
		` JaVaScRiPt:window.__pwned='js-url-case'`,
		`data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0nZGF0YSc8L3NjcmlwdD4=`,
		`vbscript:msgbox(1)`,
		"java\tscript:window.__pwned='tab'",
		`https://example.com/"><script>window.__pwned='attr'</script>`,
	}
)

// fixtureNow is the fixture's "now": the items are from the weeks before.
var fixtureNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// fixture is a home with configured sources exported for real (the file
// and firefox exporters through app.Runner, with a journal), and the web
// app serving it on a real HTTP server.
type fixture struct {
	t    *testing.T
	home string
	app  *app.App
	srv  *Server
	ts   *httptest.Server
	URL  string
}

type fixtureOpts struct {
	token string
	tiles string
	loc   *time.Location
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	home := t.TempDir()
	data := filepath.Join(home, "data")
	os.MkdirAll(data, 0o700)
	f := &fixture{t: t, home: home}
	writeNotes(t, filepath.Join(data, "notes.json"), 0)
	writePlaces(t, filepath.Join(data, "places.sqlite"))
	writeTrack(t, filepath.Join(data, "track.gpx"))
	writeHistory(t, filepath.Join(data, "bash_history"), 0)
	copyFile(t, filepath.Join("testdata", "geo", "strava.json"), filepath.Join(data, "strava.json"))
	cfg := fmt.Sprintf(`root = %q

[sources.notes]
exporter = "file"
path = %q
extension = "json"
items = ["notes", "links"]
key = "id"
time = "created"
title = "title"
url = "link"
text = "body"

[sources.firefox]
exporter = "firefox"
path = %q

[sources.hikes]
exporter = "file"
path = %q
extension = "gpx"
decoder = "xml"
items = ["gpx.trk", "gpx.wpt"]

[sources.hikes.kinds."gpx.trk"]
time = "trkseg.0.trkpt.0.time"

[sources.strava]
exporter = "file"
path = %q
extension = "json"
key = "id"
time = "start_date"
title = "name"

[sources.shell]
exporter = "bash"
path = %q

[sources.broken]
exporter = "command"
command = ["sh", "-c", "echo 'the service said no' >&2; exit 3"]
`, filepath.Join(home, "exports"), filepath.Join(data, "notes.json"), filepath.Join(data, "places.sqlite"),
		filepath.Join(data, "track.gpx"), filepath.Join(data, "strava.json"), filepath.Join(data, "bash_history"))
	if o.tiles != "" {
		cfg += fmt.Sprintf("\n[web]\ntiles = %q\ntiles_attribution = \"© test tiles\"\n", o.tiles)
	}
	cfgPath := filepath.Join(home, "hoard.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	layout := paths.Layout{State: filepath.Join(home, "state"), Cache: filepath.Join(home, "cache")}
	a, err := app.Load(cfgPath, layout)
	if err != nil {
		t.Fatal(err)
	}
	f.app = a
	// The exports happen at fixed times before fixtureNow (a fake clock):
	// the shell history first in June, then the rest in November, the
	// notes twice, with a week between.
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	f.run("shell", at("2026-06-01T05:00:00Z"))
	f.run("notes", at("2026-11-04T06:00:00Z"))
	for i, name := range []string{"firefox", "hikes", "strava", "broken"} {
		f.run(name, at("2026-11-19T06:00:00Z").Add(time.Duration(i)*time.Minute))
	}
	// Second exports: notes gains an item, edits one and leaves a week
	// with nothing in between (a gap); the shell history lost its older
	// half to HISTSIZE, and three weeks were never exported (a gap).
	writeNotes(t, filepath.Join(data, "notes.json"), 1)
	f.run("notes", at("2026-11-14T06:00:00Z"))
	writeHistory(t, filepath.Join(data, "bash_history"), 1)
	f.run("shell", at("2026-11-19T05:00:00Z"))
	f.ts = httptest.NewUnstartedServer(nil)
	loc := o.loc
	if loc == nil {
		loc = time.UTC
	}
	srv, err := New(Options{App: a, Addr: f.ts.Listener.Addr(), Listen: f.ts.Listener.Addr().String(), Token: o.token,
		Tiles: a.Config.Web.Tiles, TilesAttribution: a.Config.Web.TilesAttribution,
		Location: loc, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts.Config.Handler = srv
	f.ts.Start()
	t.Cleanup(f.ts.Close)
	f.URL = f.ts.URL
	return f
}

// run exports a source once, as `hoard run` does, at a time.
func (f *fixture) run(name string, at time.Time) {
	f.t.Helper()
	exp, err := f.app.Exporter(name)
	if err != nil {
		f.t.Fatal(err)
	}
	r := &app.Runner{Runner: &export.Runner{Stderr: &strings.Builder{}, Clock: clock.NewFake(at)}, Store: snapshot.New(f.app.Config.Root),
		Layout: f.app.Layout, Journal: &journal.Journal{Path: f.app.Layout.Journal()}}
	res := r.Run(context.Background(), f.app.Config.Sources[name].Source, f.app.Extension(name), exp)
	if (res.Err != nil) != (name == "broken") {
		f.t.Fatalf("run %s: %v", name, res.Err)
	}
}

// get fetches a path and returns the status and body.
func (f *fixture) get(path string, header ...string) (int, http.Header, string) {
	f.t.Helper()
	req, _ := http.NewRequest("GET", f.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		f.t.Fatalf("%s: reading the body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, b.String()
}

// notes: version 0 has notes of 2026-11-01..03 and links with hostile
// URLs; version 1 adds notes of 2026-11-12..13 (no overlap: a gap) and
// edits one.
func writeNotes(t *testing.T, path string, version int) {
	t.Helper()
	var notes, links []map[string]any
	day := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	add := func(id string, at time.Time, title, body, link string) {
		notes = append(notes, map[string]any{"id": id, "created": at.Format(time.RFC3339), "title": title, "body": body, "link": link})
	}
	if version == 0 {
		for i, title := range xssTitles {
			add(fmt.Sprintf("x%d", i), day.Add(time.Duration(i)*time.Hour), title, "body of "+title+` <b onmouseover="window.__pwned='body'">bold</b>`, "https://example.com/note/"+fmt.Sprint(i))
		}
		add("zurich", day.Add(30*time.Hour), "Zürich café notes", "Grüezi from Zürich: the café by the lake. Lorem ipsum dolor sit amet.", "https://example.org/zürich?a=1&b=2")
		add("multi", day.Add(40*time.Hour), "Line one\nline two", "a\nmulti-line\n\ttext", "")
		for i := 0; i < 60; i++ { // enough for several pages
			add(fmt.Sprintf("n%02d", i), day.Add(48*time.Hour+time.Duration(i)*time.Minute), fmt.Sprintf("Note %02d about sqlite", i), "paging test", "")
		}
	} else {
		later := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
		add("zurich", later, "Zürich café notes (edited)", "Grüezi from Zürich, edited.", "https://example.org/zürich?a=1&b=2")
		add("late", later.Add(26*time.Hour), "A later note", "after the gap", "")
	}
	for i, u := range xssURLs {
		links = append(links, map[string]any{"id": fmt.Sprintf("u%d", i), "created": day.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"title": "link " + fmt.Sprint(i), "link": u})
	}
	b, err := json.MarshalIndent(map[string]any{"notes": notes, "links": links}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writePlaces writes a Firefox places.sqlite with Firefox's own schema
// and visits whose titles and URLs are hostile.
func writePlaces(t *testing.T, path string) {
	t.Helper()
	schema, err := os.ReadFile(filepath.Join("..", "..", "source", "firefox", "testdata", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range strings.Split(string(schema), ";\n") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" || strings.HasPrefix(stmt, "--") || strings.Contains(stmt, "sqlite_sequence") || strings.Contains(stmt, "sqlite_stat") {
			continue // SQLite's own tables, made by SQLite
		}
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("schema: %v: %s", err, stmt)
		}
	}
	at := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	visits := []struct{ url, title string }{
		{"https://www.sqlite.org/wal.html", "Write-Ahead Logging"},
		{"https://de.wikipedia.org/wiki/Z%C3%BCrich", "Zürich – Wikipedia"},
		{"https://example.com/emoji", "Emoji 😀🎉 party"},
	}
	for i, u := range xssURLs {
		visits = append(visits, struct{ url, title string }{u, xssTitles[i%len(xssTitles)]})
	}
	for i, v := range visits {
		id := i + 1
		if _, err := db.Exec("INSERT INTO moz_places (id, url, title, visit_count, guid) VALUES (?, ?, ?, 1, ?)", id, v.url, v.title, fmt.Sprintf("guid%07d", id)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO moz_historyvisits (id, from_visit, place_id, visit_date, visit_type) VALUES (?, 0, ?, ?, 1)", id, id, at.Add(time.Duration(i)*time.Minute).UnixMicro()); err != nil {
			t.Fatal(err)
		}
	}
}

// writeHistory writes a bash history with timestamps (HISTTIMEFORMAT
// set): some commands a day, fewer at weekends, from January to
// mid-November 2026. Part 0 ends on 2026-06-01, part 1 starts on
// 2026-06-21: the three weeks between are in no snapshot.
func writeHistory(t *testing.T, path string, part int) {
	t.Helper()
	commands := []string{"git status", "git log --oneline | head", "go test ./...", "make -j4", "ls -la", "cd ~/src/hoard",
		"vim README.md", "ssh backup.home.arpa", "hoard status", "hoard run firefox", "curl -s https://example.com | head",
		"docker ps", "grep -rn TODO .", "python3 -m http.server 8000", "htop", "rsync -a ~/exports/ backup:/srv/exports/",
		"for f in *.json; do jq length \"$f\"; done", "sqlite3 places.sqlite 'select count(*) from moz_places'"}
	var b strings.Builder
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	seed := uint64(42)
	next := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	for d := start; d.Before(time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		n := 4 + next(14)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n = next(5)
		}
		inPart := d.Before(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		if !inPart && (part == 0 || d.Before(time.Date(2026, 6, 21, 0, 0, 0, 0, time.UTC))) || inPart && part == 1 {
			continue
		}
		for i := 0; i < n; i++ {
			at := d.Add(8*time.Hour + time.Duration(next(12*3600))*time.Second)
			fmt.Fprintf(&b, "#%d\n%s\n", at.Unix(), commands[next(len(commands))])
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeTrack writes a GPX file as a watch writes it: a morning loop of
// 120 points in two segments around the Zürich lake shore, and a
// waypoint.
func writeTrack(t *testing.T, path string) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="Garmin Connect">
  <metadata><name>Uetliberg &amp; lake loop</name><time>2026-11-08T07:00:00Z</time></metadata>
  <wpt lat="47.349542" lon="8.491616"><ele>869</ele><name>Uto Kulm</name></wpt>
  <trk><name>Uetliberg &amp; lake loop</name><type>hiking</type>
`)
	at := time.Date(2026, 11, 8, 7, 0, 0, 0, time.UTC)
	lat, lon, heading := 47.3780, 8.5402, 4.0 // from the station, south-west
	seed := uint64(7)
	rnd := func() float64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return float64(seed>>11) / (1 << 53)
	}
	for seg := 0; seg < 2; seg++ {
		b.WriteString("    <trkseg>\n")
		for i := 0; i < 160; i++ {
			// Walk about 40 m a minute, turning a little; the second
			// segment (after a rest at the top) heads back.
			heading += (rnd() - 0.5) * 0.5
			if seg == 1 && i == 0 {
				heading += 3.14159265
			}
			lat += 0.00036 * cos(heading)
			lon += 0.00053 * sin(heading)
			fmt.Fprintf(&b, "      <trkpt lat=\"%.6f\" lon=\"%.6f\"><ele>%.1f</ele><time>%s</time></trkpt>\n", lat, lon, 410+3*float64(i), at.Format(time.RFC3339))
			at = at.Add(time.Minute)
		}
		b.WriteString("    </trkseg>\n")
		at = at.Add(20 * time.Minute)
	}
	b.WriteString("  </trk>\n</gpx>\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func sin(x float64) float64 { return math.Sin(x) }
func cos(x float64) float64 { return math.Cos(x) }
