// Package index keeps merged items in a SQLite file in hoard's cache
// directory so that queries do not re-read snapshots (cachew's job, done
// incrementally).
//
// The index is a cache: deleting it loses nothing, a corrupt file is
// removed and rebuilt, and a schema change rebuilds it. It runs in WAL mode
// so readers keep working while a refresh writes; a refresh decodes
// outside the write transaction, then applies its result only if no other
// process changed the source meanwhile, so two processes refreshing at
// once are safe.
package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"modernc.org/sqlite" // also the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// schemaVersion changes whenever the tables change; an index with another
// version is rebuilt from the snapshots.
const schemaVersion = 7

// Index is an open index. It is safe for concurrent use.
type Index struct {
	db   *sql.DB
	path string
	full atomic.Bool    // a write found the disk full: Close removes the files
	ckpt sync.WaitGroup // checkpoints under way (checkpointLater)
}

// Open opens the index at path, creating it (and its directory) if
// needed. A file that is not a usable index is removed and recreated.
func Open(ctx context.Context, path string) (*Index, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	x, err := open(ctx, path)
	if IsFull(err) {
		Remove(path) // a cache: leave nothing to keep the disk full
		return nil, fmt.Errorf("%w (%s)", err, fullAdvice)
	}
	if err == nil || !(IsCorrupt(err) || errors.Is(err, errOldSchema)) {
		return x, err
	}
	if err := Remove(path); err != nil {
		return nil, fmt.Errorf("index %s is damaged or outdated and cannot be removed: %w", path, err)
	}
	return open(ctx, path)
}

// errOldSchema says the file holds an index of another schema version. It
// is recreated rather than emptied, so that it gets the current page size.
var errOldSchema = errors.New("the index has another schema version")

func open(ctx context.Context, path string) (*Index, error) {
	// A small page cache and no memory mapping: a query reads each page
	// once, in order, and a refresh touches few, so neither gains from
	// keeping pages (see the figures in docs/benchmarks.md), while a
	// mapped or cached page counts in the process's memory.
	//
	// The write-ahead log is copied into the database by checkpointLater
	// after each write, not by the committing statement.
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(30000)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-2048)&_pragma=mmap_size(0)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	x := &Index{db: db, path: path}
	if err := x.setup(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	if err := x.schema(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	trace("opened")
	return x, nil
}

// pageSize is the page size of a new index file: a block of items (about
// 12 KB) fits in one page, so reading it follows no chain of overflow
// pages.
const pageSize = 16384

// setup gives a new file its page size, then puts it in WAL mode (both
// are kept in the file; the driver would otherwise apply journal_mode
// first, which fixes the page size at the default).
func (x *Index) setup(ctx context.Context) error {
	conn, err := x.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return err
	}
	// Free pages can be given back (see vacuum); like the page size, this
	// takes effect in a new file only.
	if _, err := conn.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA journal_mode = WAL")
	return err
}

// Remove deletes an index file with its WAL and shared-memory files.
func Remove(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// errDamaged marks an index whose SQLite file is sound but whose contents
// are not what hoard wrote (a bug, or bit rot on the disk). Like a corrupt
// file, such an index is deleted and built again (see IsCorrupt).
var errDamaged = errors.New("the index is damaged")

// damaged is an errDamaged error saying what is wrong.
func damaged(format string, args ...any) error {
	return fmt.Errorf("index: %s: %w", fmt.Sprintf(format, args...), errDamaged)
}

// IsCorrupt reports whether err says the database file is damaged or is
// not a database, or that its contents are not what hoard wrote: either
// way the index is to be deleted and built again.
func IsCorrupt(err error) bool {
	if errors.Is(err, errDamaged) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB
	}
	return err != nil && strings.Contains(err.Error(), "file is not a database")
}

// Path returns the index file's path.
func (x *Index) Path() string { return x.path }

// checkpointLater copies what the write-ahead log holds into the
// database on another goroutine, while the caller goes on (reading what it
// wrote, say); Close waits for it. It is a passive checkpoint: readers
// and writers of other processes are neither stopped nor waited for (the
// frames it cannot copy now are copied by a later checkpoint, at the
// latest when the last connection to the file closes). A build's
// checkpoint copies its whole size again and syncs it to the disk: about
// 0.1 s on the benchmark source that a first query no longer waits for
// before printing.
func (x *Index) checkpointLater() {
	x.ckpt.Add(1)
	go func() {
		defer x.ckpt.Done()
		ctx := context.Background()
		conn, err := x.db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		trace("checkpointed")
	}()
}

// Close closes the index, once its checkpoints are done. After a write
// found the disk full, it removes the index with its WAL: SQLite cannot
// checkpoint the WAL on a full disk, so the file would stay, as large as
// the failed write made it, keeping the disk full; the index is only a
// cache.
func (x *Index) Close() error {
	x.ckpt.Wait()
	trace("closing")
	err := x.db.Close()
	trace("closed")
	if x.full.Load() {
		if rerr := Remove(x.path); err == nil {
			err = rerr
		}
	}
	return err
}

// IsFull reports whether err says the disk is full.
func IsFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || err != nil && strings.Contains(err.Error(), "database or disk is full")
}

const fullAdvice = "the disk holding the index is full: the index is removed to give the space back, and built again when there is room"

// noteFull marks the index for removal when err says the disk is full,
// and says so in the error.
func (x *Index) noteFull(err error) error {
	if !IsFull(err) {
		return err
	}
	x.full.Store(true)
	return fmt.Errorf("%w (%s)", err, fullAdvice)
}

// sources names each source (its id numbers its blocks, records and
// search entries); snapshots lists the indexed files. A source's items
// are in recs (one fixed-size record per item, in segments; keys holds
// the start of each record's key hash, all a refresh reads whole) and blocks
// (content in output order): see store.go. item_errors keeps the items'
// problems for Errors. items_fts indexes title, url and text; its rowid
// is the source's id << 32 | the item's local id.
var schema = []string{
	`CREATE TABLE sources (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL UNIQUE,
		fingerprint TEXT NOT NULL,
		gen INTEGER NOT NULL, -- counts refreshes (see preloaded)
		fts INTEGER NOT NULL DEFAULT 0 -- 1 once its items are in items_fts (see ensureSearch)
	)`,
	`CREATE TABLE snapshots (
		id INTEGER PRIMARY KEY,
		source TEXT NOT NULL,
		rank TEXT NOT NULL,
		path TEXT NOT NULL,
		size INTEGER NOT NULL,
		mtime_ns INTEGER NOT NULL,
		stamp_ns INTEGER NOT NULL,
		records INTEGER NOT NULL,
		errors TEXT NOT NULL,
		ranges TEXT NOT NULL,
		UNIQUE (source, rank)
	)`,
	`CREATE TABLE recs (
		source INTEGER NOT NULL,
		seg INTEGER NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (source, seg)
	)`,
	`CREATE TABLE keys (
		source INTEGER NOT NULL,
		seg INTEGER NOT NULL,
		data BLOB NOT NULL, -- the first 8 bytes of each record's key hash
		PRIMARY KEY (source, seg)
	)`,
	`CREATE TABLE blocks (
		id INTEGER PRIMARY KEY,
		source INTEGER NOT NULL,
		k BLOB NOT NULL, -- sortKey of the first item
		t_lo INTEGER, -- oldest and newest item time; NULL when no item has one
		t_hi INTEGER,
		n INTEGER NOT NULL,
		data BLOB NOT NULL
	)`,
	`CREATE INDEX blocks_order ON blocks (source, k)`,
	`CREATE TABLE item_errors (
		source INTEGER NOT NULL,
		id INTEGER NOT NULL,
		err TEXT NOT NULL,
		PRIMARY KEY (source, id)
	)`,
	`CREATE VIRTUAL TABLE items_fts USING fts5 (title, url, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`,
}

// schema creates the tables in a new file, or returns errOldSchema when
// the file holds another schema version.
func (x *Index) schema(ctx context.Context) error {
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v == schemaVersion {
		return tx.Commit()
	}
	if v != 0 {
		return errOldSchema
	}
	for _, s := range schema {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("creating the schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}
