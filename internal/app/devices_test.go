package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/source"
)

// sourceFixture returns a built-in source's test file: a .sql script is
// run into a new SQLite database.
func sourceFixture(t *testing.T, pkg, name string) []byte {
	t.Helper()
	path := filepath.Join("..", "..", "source", pkg, "testdata", name)
	if strings.HasSuffix(name, ".sql") {
		return dectest.SQLiteScript(t, path)
	}
	return dectest.ReadFile(t, path)
}

func put(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// when formats an item's time as the index and the CLI do.
func when(it dal.Item) string { return it.Time.Format(time.RFC3339Nano) }

// TestDeviceSourcesEndToEnd: the files of every phone-app and device
// source are put where each looks (a mounted Kobo, Kindle and Garmin, SMS
// Backup & Restore files and a decrypted msgstore.db in ~/Downloads);
// detection writes the starter config as hoard init does; each source is
// run by the app's runner and read back, through the index and without
// it, with its keys and exact UTC times.
func TestDeviceSourcesEndToEnd(t *testing.T) {
	home := t.TempDir()
	media := filepath.Join(home, "media", "me")
	put(t, filepath.Join(media, "KOBOeReader", ".kobo", "KoboReader.sqlite"), sourceFixture(t, "kobo", "KoboReader-fw4.sql"))
	put(t, filepath.Join(media, "Kindle", "documents", "My Clippings.txt"), sourceFixture(t, "kindle", "My Clippings.txt"))
	put(t, filepath.Join(media, "GARMIN", "Garmin", "GPX", "Current", "Current.gpx"), sourceFixture(t, "gpx", "garmin-etrex-current.gpx"))
	put(t, filepath.Join(home, "Downloads", "sms-20240301120000.xml"), sourceFixture(t, "sms-backup", "sms-20240301120000.xml"))
	put(t, filepath.Join(home, "Downloads", "calls-20240301120005.xml"), sourceFixture(t, "sms-backup", "calls-20240301120005.xml"))
	put(t, filepath.Join(home, "Downloads", "msgstore.db"), sourceFixture(t, "whatsapp", "msgstore-2024.sql"))
	bm := filepath.Join(home, "phone", "bluemaestro.db")
	put(t, bm, sourceFixture(t, "bluemaestro", "tempo-utility.sql"))

	env := source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }, Mounts: []string{media}}
	a := detectAndLoad(t, env, "kobo kindle sms-backup sms-backup-2 whatsapp garmin", func(text string) string {
		// The user names the Kindle's and the phone's zones, and adds the
		// BlueMaestro database they copied.
		text = strings.Replace(text, `# time_zone = "Europe/Berlin"`, `time_zone = "Europe/Berlin"`, 1)
		return text + "\n[sources.bluemaestro]\nexporter = \"bluemaestro\"\npath = \"" + bm + "\"\ntime_zone = \"Europe/London\"\n"
	})

	// The mounted devices are exported when they appear, and only then.
	for name, dir := range map[string]string{"kobo": "KOBOeReader", "kindle": "Kindle", "garmin": "GARMIN"} {
		src := a.Config.Sources[name]
		if src.WhenPresent != filepath.Join(media, dir) || !src.Timing.Spec.IsZero() {
			t.Errorf("%s: when_present %q, schedule %v", name, src.WhenPresent, src.Timing.Spec)
		}
	}

	for _, c := range []struct {
		source string
		counts map[string]int
		items  []wantItem
	}{
		{"kobo", map[string]int{"highlights": 5, "annotations": 2, "bookmarks": 1, "books": 4}, []wantItem{
			{"highlights", "5b1c3e2a-0001-4d8e-9a51-7f2b8c9d0e11", "2024-02-10T21:33:05Z", "The Left Hand of Darkness"},
			{"books", "file:///mnt/onboard/Murakami, Haruki/ノルウェイの森.epub", "2025-01-05T22:41:07Z", "ノルウェイの森"},
		}},
		{"kindle", map[string]int{"highlights": 13, "notes": 4, "bookmarks": 4, "clips": 1}, []wantItem{
			// 22:00 on the Kindle's clock in Berlin (CET) is 21:00 UTC
			{"highlights", "07f277f2016f8756", "2012-03-07T21:00:00Z", "The Hitchhiker's Guide to the Galaxy"},
		}},
		{"sms-backup", map[string]int{"sms": 9, "mms": 2}, []wantItem{
			{"sms", `["+15555550101","1262304000123","Happy new decade! Let's meet at Tom & Jo's <8pm>"]`, "2010-01-01T00:00:00.123Z", "Alice"},
			{"mms", `["+15555550101~+15555550102","1709289912000"]`, "2024-03-01T10:45:12Z", "Alice, Bob"},
		}},
		{"sms-backup-2", map[string]int{"calls": 7}, []wantItem{
			{"calls", `["+306900000001","1404204100250"]`, "2014-07-01T08:41:40.25Z", "Νίκος"},
		}},
		{"whatsapp", map[string]int{"messages": 10}, []wantItem{
			{"messages", `["819012345678@s.whatsapp.net",0,"3EB0F1F2F3F4F5F6F7F8"]`, "2024-05-29T16:26:40.001Z", "819012345678@s.whatsapp.net"},
		}},
		{"garmin", map[string]int{"tracks": 2, "points": 50, "waypoints": 2, "routes": 1}, []wantItem{
			{"tracks", "2024-12-31T23:50:00Z", "2024-12-31T23:50:00Z", "Silvester 🎆"},
		}},
		{"bluemaestro", map[string]int{"readings": 9}, []wantItem{
			// the old app's 23:58 in London in summer (BST) is 22:58 UTC
			{"readings", `["FFE5A2C3","2018-07-29T23:58:00"]`, "2018-07-29T22:58:00Z", "FFE5A2C3"},
		}},
	} {
		t.Run(c.source, func(t *testing.T) {
			checkItems(t, runAndRead(t, a, c.source), c.source, c.counts, c.items)
		})
	}
}

// TestTimeZoneMistake: a misspelt time_zone of a device source stops the
// config from loading, naming its line; a right one reaches the spec
// and changes its fingerprint (times read in another zone are not kept
// in the index).
func TestTimeZoneMistake(t *testing.T) {
	_, err := load(t, "root = \"/r\"\n[sources.kindle]\nexporter = \"kindle\"\npath = \"/k/My Clippings.txt\"\ntime_zone = \"Europe/Berln\"\n")
	if err == nil || !strings.Contains(err.Error(), "hoard.toml:5:") || !strings.Contains(err.Error(), `time_zone = "Europe/Berln"`) {
		t.Errorf("error %v", err)
	}
	a, err := load(t, "root = \"/r\"\n[sources.kindle]\nexporter = \"kindle\"\npath = \"/k/My Clippings.txt\"\ntime_zone = \"Asia/Tokyo\"\n[sources.k2]\nexporter = \"kindle\"\npath = \"/k/2.txt\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if z := a.Spec("kindle").TimeZone; z != "Asia/Tokyo" || a.Spec("k2").TimeZone != "" {
		t.Errorf("zones %q, %q", z, a.Spec("k2").TimeZone)
	}
	if a.Spec("kindle").Fingerprint() == a.Spec("k2").Fingerprint() {
		t.Error("the zone does not change the fingerprint: the index would keep times read in another zone")
	}
}

// TestAddDetectedDevice: init --add proposes a device found on this
// machine once; a source whose parameters embed the file exporter's
// (kindle's, with time_zone) counts as configured at its path.
func TestAddDetectedDevice(t *testing.T) {
	home := t.TempDir()
	media := filepath.Join(home, "media")
	clippings := filepath.Join(media, "Kindle", "documents", "My Clippings.txt")
	put(t, clippings, sourceFixture(t, "kindle", "My Clippings.txt"))
	found := app.Sources.Detect(source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }, Mounts: []string{media}})
	kindle := app.Sources.Lookup("kindle")
	a, err := load(t, "root = \"/r\"\n")
	if err != nil {
		t.Fatal(err)
	}
	name, stanza, detected := app.AddStanza(kindle, a.Config, found)
	if name != "kindle" || !detected || !strings.Contains(stanza, clippings) {
		t.Fatalf("first add: %s %v\n%s", name, detected, stanza)
	}
	a, err = load(t, "root = \"/r\"\n"+stanza)
	if err != nil {
		t.Fatal(err)
	}
	name, stanza, detected = app.AddStanza(kindle, a.Config, found)
	if name != "kindle-2" || detected || !strings.Contains(stanza, "/media/me/Kindle/documents/My Clippings.txt") {
		t.Errorf("second add: %s %v\n%s", name, detected, stanza)
	}
}

// TestFileSourceNamedLikeADevice: a file source named after a device or
// phone-app source holds that source's files, and is read with its
// decoder, as the starter config's commented Kobo example is.
func TestFileSourceNamedLikeADevice(t *testing.T) {
	a, err := load(t, "root = \"/r\"\n[sources.kobo]\nexporter = \"file\"\npath = \"/media/KOBOeReader/.kobo/KoboReader.sqlite\"\n[sources.whatsapp]\nexporter = \"file\"\npath = \"/p/msgstore.db\"\n")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]*dal.Decoder{"kobo": app.Sources.Decoder("kobo"), "whatsapp": app.Sources.Decoder("whatsapp")} {
		if got := a.Spec(name).Decoder; got != want || got == nil {
			t.Errorf("%s read with %v", name, got)
		}
	}
}
