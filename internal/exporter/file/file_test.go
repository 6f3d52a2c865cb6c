package file

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hoard-dev/hoard/export"
)

// openDB opens a writable database in WAL mode, as browsers keep theirs.
func openDB(t *testing.T, path string, pragmas string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// checkCopy writes the exported bytes to a file and checks that it opens
// and that every transaction is whole (rows come in pairs).
func checkCopy(t *testing.T, data []byte) int {
	t.Helper()
	p := filepath.Join(t.TempDir(), "copy.sqlite")
	os.WriteFile(p, data, 0o600)
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM visits").Scan(&n); err != nil {
		t.Fatalf("copy does not open: %v", err)
	}
	if n%2 != 0 {
		t.Fatalf("copy holds %d rows: a torn transaction", n)
	}
	return n
}

func TestFileCopiesSQLiteWhileWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.sqlite")
	db := openDB(t, path, "")
	if _, err := db.Exec("CREATE TABLE visits(id INTEGER PRIMARY KEY, url TEXT, pad BLOB)"); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the "browser": transactions of two rows each
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			tx, _ := db.Begin()
			tx.Exec("INSERT INTO visits(url, pad) VALUES (?, randomblob(3000))", i)
			tx.Exec("INSERT INTO visits(url, pad) VALUES (?, randomblob(3000))", i)
			tx.Commit()
		}
	}()
	f := &File{Path: path}
	last := -1
	for i := 0; i < 10; i++ {
		var buf bytes.Buffer
		if err := f.Export(context.Background(), &buf, nil); err != nil {
			t.Fatal(err)
		}
		n := checkCopy(t, buf.Bytes())
		if n < last {
			t.Errorf("copy %d has %d rows, fewer than the one before (%d)", i, n, last)
		}
		last = n
	}
	stop.Store(true)
	wg.Wait()
	if last <= 0 {
		t.Errorf("the writer never got a row in (%d)", last)
	}
}

// A database held with an exclusive lock (as Firefox holds places.sqlite)
// is still copied, through the raw-copy fallback.
func TestFileCopiesExclusivelyLockedSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "places.sqlite")
	db := openDB(t, path, "&_pragma=locking_mode(EXCLUSIVE)")
	for _, q := range []string{
		"CREATE TABLE visits(id INTEGER PRIMARY KEY, url TEXT)",
		"INSERT INTO visits(url) VALUES ('a'), ('b')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := (&File{Path: path}).Export(context.Background(), &buf, nil); err != nil {
		t.Fatal(err)
	}
	if n := checkCopy(t, buf.Bytes()); n != 2 {
		t.Errorf("copy has %d rows, want 2", n)
	}
}

func TestFileCopiesPlainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".bash_history")
	os.WriteFile(path, []byte("ls\n\xffraw\n"), 0o600)
	var buf bytes.Buffer
	if err := (&File{Path: path}).Export(context.Background(), &buf, nil); err != nil || buf.String() != "ls\n\xffraw\n" {
		t.Errorf("%q %v", buf.String(), err)
	}
	if err := (&File{Path: path + ".missing"}).Export(context.Background(), &buf, nil); err == nil || !export.IsPermanent(err) {
		t.Errorf("missing file: %v", err)
	}
}
