package file

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
)

// copySQLite writes a consistent copy of the database at src to w.
//
// It first tries SQLite's online backup API from a read-only connection,
// which copies every page inside one read transaction: the copy is a state
// the database really had, even while another program writes to it. When
// the database is locked exclusively (Firefox holds places.sqlite that way
// while it runs), it falls back to copying the file with its -wal file and
// letting SQLite recover the copy. Either way the copy is switched to a
// self-contained rollback journal, must pass PRAGMA quick_check, and only
// then is streamed to w.
func copySQLite(ctx context.Context, src string, w io.Writer) error {
	tmp, err := os.MkdirTemp("", "hoard-sqlite-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dst := filepath.Join(tmp, "copy.sqlite")
	if err := CopySQLite(ctx, src, dst); err != nil {
		return err
	}
	f, err := os.Open(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, ctxReader{ctx, f})
	return err
}

// CopySQLite writes a consistent, self-contained copy of the database at
// src to the new file dst, as copySQLite does for an export; other
// packages read a live application's database (a browser's cookies)
// through such a copy.
func CopySQLite(ctx context.Context, src, dst string) error {
	var err error
	if err = backupSQLite(ctx, src, dst); err == nil {
		err = verifySQLite(ctx, dst)
	} else if isBusy(err) {
		// A raw copy races with the writer's checkpoints; a torn copy
		// fails the check, so try a few times.
		for try := 0; try < 3; try++ {
			os.Remove(dst)
			os.Remove(dst + "-wal")
			if err = rawCopySQLite(src, dst); err == nil {
				if err = verifySQLite(ctx, dst); err == nil {
					break
				}
			}
		}
	}
	if err != nil {
		return fmt.Errorf("cannot make a consistent copy of SQLite database %s: %w", src, err)
	}
	return nil
}

func sqliteURI(path string, params string) string {
	u := url.URL{Scheme: "file", Path: path}
	return u.String() + "?" + params
}

// backupSQLite runs the online backup from src to dst.
func backupSQLite(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", sqliteURI(src, "mode=ro&_pragma=busy_timeout(2000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver has no backup API")
		}
		bk, err := b.NewBackup(dst)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = bk.Step(-1); err != nil {
				bk.Finish()
				return err
			}
		}
		return bk.Finish()
	})
}

// rawCopySQLite copies the database file and its -wal file (if any) into
// dst and dst-wal; opening dst then replays the WAL into it.
func rawCopySQLite(src, dst string) error {
	if err := copyFile(src, dst); err != nil {
		return err
	}
	if _, err := os.Stat(src + "-wal"); err == nil {
		if err := copyFile(src+"-wal", dst+"-wal"); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// verifySQLite makes the copy self-contained (rollback journal, WAL folded
// in) and checks it.
func verifySQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", sqliteURI(path, "_pragma=busy_timeout(1000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return err
	}
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New("quick_check: " + res)
	}
	return nil
}

func isBusy(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "locked") || strings.Contains(msg, "busy")
}
