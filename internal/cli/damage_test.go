package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/paths"
)

// TestDamagedIndex: an index whose SQLite file is sound but whose contents
// are not what hoard wrote is built again, never trusted: damage found
// by a refresh is mended within the command; damage found while items
// are printed fails that command, which deletes the index, and the next
// command prints everything.
func TestDamagedIndex(t *testing.T) {
	g, out, errb, root := readFixture(t)
	read := func(noCache bool) (string, error) {
		out.Reset()
		errb.Reset()
		err := runItems(context.Background(), g, readOpts{Sources: []string{"reddit"}, Format: "jsonl", NoCache: noCache})
		return out.String(), err
	}
	want, _ := read(true)
	if got, _ := read(false); got != want {
		t.Fatalf("cached output differs from uncached")
	}
	layout, err := paths.DefaultLayout()
	if err != nil {
		t.Fatal(err)
	}
	path := layout.Index()
	damage := func(stmt string) {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}

	// Found while printing: this command fails, the next one works.
	damage("UPDATE blocks SET data = x'02'")
	_, err = read(false)
	if err == nil || !strings.Contains(err.Error(), "the index is damaged") || !strings.Contains(err.Error(), "the next command builds it again") {
		t.Fatalf("reading damaged blocks: error %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the damaged index is still there (%v)", err)
	}
	if got, _ := read(false); got != want {
		t.Errorf("after the damaged index was deleted:\n%s\nwant\n%s", got, want)
	}

	// Found by a refresh (a new snapshot makes it read the records): the
	// index is rebuilt within the command.
	damage("UPDATE recs SET data = x'0102'")
	os.WriteFile(filepath.Join(root, "reddit", "20240105T000000Z.json"), []byte(`{"saved":[{"id":"f","created":"2024-01-04T00:00:00Z"}]}`), 0o644)
	want, _ = read(true)
	got, err := read(false)
	if got != want || exitCodeOf(err) != ExitFailure || strings.Contains(errb.String(), "damaged") {
		t.Errorf("refresh over damaged records: exit %v, stderr %q, output\n%s\nwant\n%s", err, errb.String(), got, want)
	}

	// doctor rebuilds it too, rather than only reading the snapshots.
	damage("UPDATE recs SET data = x'0102'")
	os.WriteFile(filepath.Join(root, "reddit", "20240106T000000Z.json"), []byte(`{"saved":[{"id":"g","created":"2024-01-05T00:00:00Z"}]}`), 0o644)
	out.Reset()
	if err := runDoctor(context.Background(), g, doctorOpts{}); exitCodeOf(err) != ExitFailure || !strings.Contains(out.String(), "6 snapshots, 6 items") {
		t.Errorf("doctor over damaged records: exit %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM recs WHERE data = x'0102'").Scan(&n); err != nil || n != 0 {
		t.Errorf("after doctor: %d damaged record segments (%v)", n, err)
	}
}
