package sqlschema

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func open(t *testing.T, stmts ...string) *sql.DB {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestSchema(t *testing.T) {
	db := open(t, `CREATE TABLE a (x INTEGER, "odd ""name""" TEXT)`, `CREATE VIEW v AS SELECT x FROM a`)
	s, err := Read(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has("a", "x", `odd "name"`) || !s.Has("v", "x") || s.Has("a", "y") || s.Has("b") {
		t.Errorf("schema %v", s)
	}
	cols := []Column{{Name: "x", Expr: "a.x"}, {Name: "y", Expr: "a.y", Needs: "a.y"}, {Name: `q"`, Expr: "1"}, {Name: "x", Expr: "2"}}
	if got := s.Select(cols); got != "a.x AS \"x\",\n  1 AS \"q\"\"\"" {
		t.Errorf("select %q", got)
	}
	if _, err := Read(func() context.Context { c, cancel := context.WithCancel(context.Background()); cancel(); return c }(), db); err == nil {
		t.Error("a cancelled context read the schema")
	}
}

func TestMilliRFC3339(t *testing.T) {
	db := open(t, "CREATE TABLE t (ms)", "INSERT INTO t VALUES (1704067200123), (1704067200000), (0), (NULL), (-5), ('1704067200123'), (253402300799999)")
	rows, err := db.Query("SELECT " + MilliRFC3339("ms") + " FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []any
	for rows.Next() {
		var v sql.NullString
		rows.Scan(&v)
		if v.Valid {
			got = append(got, v.String)
		} else {
			got = append(got, nil)
		}
	}
	want := []any{"2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00.000Z", nil, nil, nil, nil, "9999-12-31T23:59:59.999Z"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
}
