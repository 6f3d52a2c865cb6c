// Command browsergen writes daily copies of a Firefox history database
// (places.sqlite, with Firefox 153's own schema from
// source/firefox/testdata/schema.sql) as a user's browsing would change it,
// for the prune benchmark:
//
//	go run ./bench/prune/browsergen -out /tmp/hoard-bench-prune/firefox -days 90 -mb 20 [-zstd]
//
// Day 0 holds a history of about MB megabytes (places with long URLs and
// unicode titles, several visits each, redirects chained by from_visit).
// Then each day either the user browses (a few hundred visits, most to
// pages seen before, some titles changed; visit counts, last visit dates
// and frecencies updated) or does not (a share -quiet of the days, in runs
// such as weekends and a holiday), when Firefox still rewrites frecencies
// on idle, so the file's bytes change while its visits do not. Every 30
// days the oldest visits expire, as Firefox's history expiration does.
// Each day's copy is made with VACUUM INTO (a self-contained database,
// as hoard's file exporter writes) and named by its day. Output is
// deterministic for a seed.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	_ "modernc.org/sqlite"
)

func main() {
	out := flag.String("out", "", "directory to write the daily copies into (created)")
	days := flag.Int("days", 90, "number of daily copies")
	mb := flag.Int("mb", 20, "approximate size of the database on day 0, in MB")
	quiet := flag.Float64("quiet", 0.25, "share of the days without browsing")
	useZstd := flag.Bool("zstd", false, "compress the copies (.sqlite.zst), as hoard's starter config does")
	schema := flag.String("schema", "source/firefox/testdata/schema.sql", "Firefox's schema")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "browsergen: -out is required")
		os.Exit(2)
	}
	if err := run(*out, *schema, *days, *mb, *quiet, *useZstd, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "browsergen:", err)
		os.Exit(1)
	}
}

type gen struct {
	db     *sql.DB
	r      *rand.Rand
	places int   // ids 1..places exist
	visits int64 // last visit id
	now    time.Time
}

var (
	hosts = []string{"en.wikipedia.org", "github.com", "news.ycombinator.com", "www.youtube.com", "docs.python.org", "stackoverflow.com", "www.reddit.com", "ja.wikipedia.org", "www.bbc.co.uk", "developer.mozilla.org", "pkg.go.dev", "www.openstreetmap.org", "zürich.example.ch", "mail.example.com", "www.amazon.de"}
	words = []string{"history", "Café", "naïve", "日本語", "データ", "emoji 🎉", "“quoted”", "Zürich", "Ελληνικά", "русский", "release notes", "how to", "SQLite WAL", "Go generics", "recipe", "weather", "map", "issue #1234", "pull request", "README"}
)

func (g *gen) title() string {
	var b strings.Builder
	for i := 0; i < 3+g.r.IntN(8); i++ {
		b.WriteString(words[g.r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

func (g *gen) url(id int) string {
	h := hosts[g.r.IntN(len(hosts))]
	return fmt.Sprintf("https://%s/%s/%d?q=%s&utm_source=feed&session=%x#section-%d", h,
		strings.ReplaceAll(words[g.r.IntN(len(words))], " ", "%20"), id, strings.ReplaceAll(g.title(), " ", "+"), g.r.Uint64(), g.r.IntN(20))
}

func run(out, schemaPath string, days, mb int, quiet float64, useZstd bool, seed uint64) error {
	schema, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	work := filepath.Join(out, ".work.sqlite")
	os.Remove(work)
	defer os.Remove(work)
	db, err := sql.Open("sqlite", work+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("PRAGMA page_size = 32768"); err != nil {
		return err
	}
	if _, err := db.Exec(stripComments(string(schema))); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	g := &gen{db: db, r: rand.New(rand.NewPCG(seed, 42)), now: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)}
	// Day 0: about mb megabytes of past history: 3,900 visits a megabyte,
	// 60% of them to pages visited before (about 2.6 visits a page).
	if err := g.browse(mb*3900, 0.6, g.now.AddDate(-2, 0, 0)); err != nil {
		return err
	}
	quietRun, browsing, idle := 0, 0, 0
	defer func() { fmt.Printf("browsergen: %d days: %d browsing, %d without browsing\n", days, browsing, idle) }()
	for d := 0; d < days; d++ {
		day := g.now.AddDate(0, 0, d)
		switch {
		case d == 0:
		case quietRun > 0:
			quietRun--
			fallthrough
		case g.r.Float64() < quiet/3:
			if quietRun == 0 && g.r.IntN(3) == 0 {
				quietRun = 1 + g.r.IntN(4) // a weekend, a holiday
			}
			idle++
			if err := g.idle(); err != nil {
				return err
			}
		default:
			browsing++
			if err := g.browse(150+g.r.IntN(350), 0.7, day); err != nil {
				return err
			}
		}
		if d > 0 && d%30 == 0 {
			if err := g.expire(0.02); err != nil {
				return err
			}
		}
		if err := g.copy(out, day, useZstd); err != nil {
			return err
		}
	}
	return nil
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		// sqlite_ tables are SQLite's own: it makes them when needed.
		if !strings.HasPrefix(t, "--") && !strings.HasPrefix(t, "CREATE TABLE sqlite_") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// browse adds n visits from time from onwards: a share revisit of known
// pages (some retitled), the rest new pages, a few through a redirect.
func (g *gen) browse(n int, revisit float64, from time.Time) error {
	tx, err := g.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t := from.UnixMicro()
	span := int64(14 * time.Hour / time.Microsecond)
	if n > 5000 { // the past: spread over two years
		span = int64(2 * 365 * 24 * time.Hour / time.Microsecond)
	}
	for i := 0; i < n; i++ {
		t += 1 + g.r.Int64N(2*span/int64(n))
		var place int
		if g.places > 0 && g.r.Float64() < revisit {
			place = 1 + g.r.IntN(g.places)
			if g.r.IntN(20) == 0 {
				if _, err := tx.Exec("UPDATE moz_places SET title = ? WHERE id = ?", g.title(), place); err != nil {
					return err
				}
			}
		} else {
			g.places++
			place = g.places
			u := g.url(place)
			if _, err := tx.Exec(`INSERT INTO moz_places (id, url, title, rev_host, visit_count, hidden, typed, frecency, last_visit_date, guid, url_hash, origin_id)
				VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, ?)`, place, u, g.title(), reverse(strings.SplitN(u[8:], "/", 2)[0])+".", g.r.IntN(3000), t,
				fmt.Sprintf("%012x", g.r.Uint64()>>16), g.r.Int64N(1<<47), 1+g.r.IntN(len(hosts))); err != nil {
				return err
			}
		}
		from := any(nil)
		vtype := 1
		if g.r.IntN(15) == 0 { // through a redirect: the source visit first
			g.visits++
			if _, err := tx.Exec("INSERT INTO moz_historyvisits (id, from_visit, place_id, visit_date, visit_type, source) VALUES (?, 0, ?, ?, 1, 0)", g.visits, place, t-3000); err != nil {
				return err
			}
			from, vtype = g.visits, 5+g.r.IntN(2)
		}
		g.visits++
		if _, err := tx.Exec("INSERT INTO moz_historyvisits (id, from_visit, place_id, visit_date, visit_type, source) VALUES (?, ?, ?, ?, ?, 0)", g.visits, from, place, t, vtype); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE moz_places SET visit_count = visit_count + 1, last_visit_date = ?, frecency = frecency + ? WHERE id = ?", t, 100+g.r.IntN(200), place); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// idle is a day without browsing: Firefox still recalculates frecencies
// (of a few percent of the places) and origin statistics.
func (g *gen) idle() error {
	_, err := g.db.Exec("UPDATE moz_places SET frecency = frecency * 9 / 10, recalc_frecency = 0 WHERE id % 37 = ?", g.r.IntN(37))
	if err == nil {
		_, err = g.db.Exec("UPDATE moz_origins SET frecency = frecency + 1")
	}
	return err
}

// expire removes the oldest share of the visits, and the places left
// without any, as Firefox's expiration does when the database grows.
func (g *gen) expire(share float64) error {
	var total int64
	if err := g.db.QueryRow("SELECT count(*) FROM moz_historyvisits").Scan(&total); err != nil {
		return err
	}
	_, err := g.db.Exec("DELETE FROM moz_historyvisits WHERE id IN (SELECT id FROM moz_historyvisits ORDER BY visit_date LIMIT ?)", int64(float64(total)*share))
	if err == nil {
		_, err = g.db.Exec("DELETE FROM moz_places WHERE id NOT IN (SELECT place_id FROM moz_historyvisits) AND foreign_count = 0")
	}
	return err
}

// copy writes the day's copy, as a self-contained database.
func (g *gen) copy(out string, day time.Time, useZstd bool) error {
	name := filepath.Join(out, day.Format("20060102T150405Z")+".sqlite")
	os.Remove(name)
	if _, err := g.db.Exec("VACUUM INTO ?", name); err != nil {
		return err
	}
	if !useZstd {
		return nil
	}
	defer os.Remove(name)
	in, err := os.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.Create(name + ".zst")
	if err != nil {
		return err
	}
	defer f.Close()
	zw, err := zstd.NewWriter(f)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, in); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
