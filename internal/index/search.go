package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// errNoSearch says that a source of a search has no search entries yet.
var errNoSearch = errors.New("a source has no search index yet")

// ensureSearch gives the named sources that have none their search
// entries, from their blocks, in one write transaction. A source's
// entries are written on its first search rather than when it is built:
// writing them costs more than the merge does (see docs/benchmarks.md),
// and many sources are never searched. From then on each refresh keeps
// them up to date; a rebuild drops them again.
func (x *Index) ensureSearch(ctx context.Context, sources []string) error {
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	built := false
	for _, name := range sources {
		var sid int64
		var fts bool
		err := tx.QueryRowContext(ctx, "SELECT id, fts FROM sources WHERE name = ?", name).Scan(&sid, &fts)
		if err != nil || fts {
			continue // not indexed (no items), or done meanwhile
		}
		trace("%s: writing the search index", name)
		if err := searchEntries(ctx, tx, name, sid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE sources SET fts = 1 WHERE id = ?", sid); err != nil {
			return err
		}
		built = true
	}
	if !built {
		return nil
	}
	// The entries were written in many statements, each a segment;
	// merging them now keeps later refreshes from paying for it a little
	// at a time.
	if _, err := tx.ExecContext(ctx, "INSERT INTO items_fts (items_fts) VALUES ('optimize')"); err != nil {
		return err
	}
	// 'optimize' leaves the pages of the segments it merged free (6 MB,
	// 6% of the file, on the benchmark source): give them back.
	if _, err := tx.ExecContext(ctx, "PRAGMA incremental_vacuum"); err != nil {
		return err
	}
	if err = tx.Commit(); err == nil {
		x.checkpointLater()
	}
	trace("search index written")
	return err
}

// searchEntries writes the search entries of every item of source sid,
// reading its blocks a group at a time.
func searchEntries(ctx context.Context, tx *sql.Tx, name string, sid int64) error {
	var rows []ftsRow
	last := int64(0)
	for {
		n := 0
		err := func() error {
			q, err := tx.QueryContext(ctx, "SELECT id, data FROM blocks WHERE source = ? AND id > ? ORDER BY id LIMIT 64", sid, last)
			if err != nil {
				return err
			}
			defer q.Close()
			for q.Next() {
				var data []byte
				if err := q.Scan(&last, &data); err != nil {
					return err
				}
				items, err := decodeBlock(data)
				if err != nil {
					return fmt.Errorf("block %d of %s: %w", last, name, err)
				}
				for i := range items {
					b := &items[i]
					rows = append(rows, ftsRow{sid<<32 | int64(b.id), b.text(0), b.text(1), b.text(2)})
				}
				n++
			}
			return q.Err()
		}()
		if err != nil {
			return err
		}
		if len(rows) >= ftsBatch || n == 0 {
			if err := insertFTS(ctx, tx, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
		if n == 0 {
			return nil
		}
	}
}
