package dal

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func sqliteFile(t *testing.T, stmts ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "20240101T120000Z.db")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestQueryFallbacks: the first query whose tables and columns exist is
// used; a query that is wrong in any other way is reported at once, not
// skipped.
func TestQueryFallbacks(t *testing.T) {
	old := sqliteFile(t, "CREATE TABLE m (ts INTEGER, v REAL)", "INSERT INTO m VALUES (1, 2.5)")
	renamed := sqliteFile(t, "CREATE TABLE m (ts_ms INTEGER, v REAL)", "INSERT INTO m VALUES (3000, 4)")
	spec := Spec{Queries: map[string]string{"m": "SELECT ts_ms AS t, v FROM m"}, QueryFallbacks: map[string][]string{"m": {"SELECT ts * 1000 AS t, v FROM m"}}}
	for p, want := range map[string]string{old: `m {"t":1000,"v":2.5}`, renamed: `m {"t":3000,"v":4}`} {
		got, errs := records(t, "sqlite", p, spec)
		if strings.Join(got, "\n") != want || len(errs) > 0 {
			t.Errorf("%s: %v %v, want %s", filepath.Base(p), got, errs, want)
		}
	}
	spec.Queries["m"] = "SELEC oops"
	_, errs := records(t, "sqlite", old, spec)
	checkOneErr(t, errs, `query m: SQL logic error: near "SELEC": syntax error`, old)
	if fp := (Spec{Queries: map[string]string{"m": "a"}}).Fingerprint(); fp == (Spec{Queries: map[string]string{"m": "a"}, QueryFallbacks: map[string][]string{"m": {"b"}}}).Fingerprint() {
		t.Error("a fallback query does not change the fingerprint")
	}
}
