package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDoctor(t *testing.T) {
	g, out, _, root := readFixture(t)
	// Day 5 does not overlap day 3: a gap between 2024-01-01 09:00 and 2024-02-01.
	os.WriteFile(filepath.Join(root, "reddit", "20240205T000000Z.json"), []byte(`{"saved":[{"id":"z","created":"2024-02-01T00:00:00Z"}]}`), 0o644)
	var reports []string
	for _, noCache := range []bool{false, true} {
		out.Reset()
		err := runDoctor(context.Background(), g, doctorOpts{NoCache: noCache})
		if exitCodeOf(err) != ExitFailure {
			t.Fatalf("exit %v, want 1", err)
		}
		reports = append(reports, strings.ReplaceAll(out.String(), root, "ROOT"))
	}
	if reports[0] != reports[1] {
		t.Errorf("cached and uncached reports differ:\n%s\n%s", reports[0], reports[1])
	}
	golden(t, "doctor.txt", reports[0])

	// gaps = false silences the gap, not the rest.
	cfgText, _ := os.ReadFile(g.ConfigPath)
	os.WriteFile(g.ConfigPath, append(cfgText, "gaps = false\n"...), 0o644)
	out.Reset()
	if err := runDoctor(context.Background(), g, doctorOpts{}); exitCodeOf(err) != ExitFailure || strings.Contains(out.String(), "gap (") || !strings.Contains(out.String(), "error: ") {
		t.Errorf("gaps = false: %v\n%s", err, out)
	}

	// A healthy source exits 0.
	os.Remove(filepath.Join(root, "reddit", "20240104T000000Z.json"))
	os.Remove(filepath.Join(root, "reddit", "20240205T000000Z.json"))
	os.Remove(filepath.Join(root, "reddit", "README"))
	out.Reset()
	if err := runDoctor(context.Background(), g, doctorOpts{Sources: []string{"reddit"}}); err != nil || !strings.HasPrefix(out.String(), "reddit: ok\n  3 snapshots, 4 items, from 2023-12-30 05:00 EST to 2024-01-01 04:00 EST\n") {
		t.Errorf("healthy: %v\n%s", err, out)
	}
}

func TestExportSQLite(t *testing.T) {
	g, _, errb, root := readFixture(t)
	file := filepath.Join(t.TempDir(), "out.db")
	err := runExportSQLite(context.Background(), g, exportSQLiteOpts{File: file})
	if exitCodeOf(err) != ExitFailure || !strings.Contains(errb.String(), "wrote 4 items") {
		t.Fatalf("%v\n%s", err, errb)
	}
	db, err := sql.Open("sqlite", file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var title string
	if err := db.QueryRow(`SELECT count(*), max(raw ->> '$.title') FROM reddit_saved`).Scan(&n, &title); err != nil || n != 4 || title != "Zürich café (edited)" {
		t.Errorf("count %d title %q err %v", n, title, err)
	}
	if err := runExportSQLite(context.Background(), g, exportSQLiteOpts{File: file}); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwrite without --force: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 2 || entries[0].Name() != "out.db" || entries[1].Name() != "out.metadata.json" {
		t.Errorf("files: %v, want out.db and its metadata only", entries)
	}
	_ = root
}
