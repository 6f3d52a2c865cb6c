// Package sqliteout writes merged items to a tidy SQLite database for
// Datasette or sqlite3 (hoard export-sqlite). It is an output format, not
// the index.
package sqliteout

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

var notIdent = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// TableName is the export table of a source and kind: "reddit_saved",
// "firefox_visits", with other characters replaced by '_'.
func TableName(source, kind string) string {
	return notIdent.ReplaceAllString(source+"_"+kind, "_")
}

// Export writes items to a new SQLite file at path: one table per source
// and kind (see TableName) with the columns key, time, title, url, text,
// first_seen, last_seen (RFC 3339 text) and raw (the item's JSON, usable
// with SQLite's JSON functions). The file is written beside path and
// renamed into place, so a failed export leaves nothing behind; an
// existing file is replaced only when overwrite is set.
func Export(ctx context.Context, path string, items iter.Seq2[dal.Item, error], overwrite bool) error {
	if _, err := os.Stat(path); err == nil && !overwrite {
		return fmt.Errorf("%s exists (use --force to replace it)", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := writeExport(ctx, tmp.Name(), items); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

func writeExport(ctx context.Context, path string, items iter.Seq2[dal.Item, error]) error {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for it, err := range items {
		if err != nil {
			return err
		}
		name := TableName(it.Source, it.Kind)
		st := stmts[name]
		if st == nil {
			if st, err = createTable(ctx, tx, name); err != nil {
				return err
			}
			stmts[name] = st
		}
		if _, err := st.ExecContext(ctx, it.Key, textTime(it.Time), it.Title, it.URL, it.Text,
			textTime(it.FirstSeen), textTime(it.LastSeen), string(it.Raw)); err != nil {
			return fmt.Errorf("table %s, key %s: %w", name, it.Key, err)
		}
	}
	return tx.Commit()
}

func createTable(ctx context.Context, tx *sql.Tx, name string) (*sql.Stmt, error) {
	q := fmt.Sprintf(`CREATE TABLE "%s" (key TEXT PRIMARY KEY, time TEXT, title TEXT, url TEXT, text TEXT,
		first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, raw TEXT NOT NULL)`, name)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE INDEX "%s_time" ON "%s" (time)`, name, name)); err != nil {
		return nil, err
	}
	return tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO "%s" VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, name))
}

// textTime is RFC 3339 text in UTC, or NULL for the zero time.
func textTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}
