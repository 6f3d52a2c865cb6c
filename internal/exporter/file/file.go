package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/paths"
)

// Kind is the "file" exporter kind.
var Kind = export.Kind{
	Name:      "file",
	NewParams: func() any { return &Params{} },
	New:       newFile,
}

// Params are the keys of `exporter = "file"`: path, or watch.
type Params struct {
	Path string `toml:"path"` // the file to snapshot; "~" is expanded
	// Watch is a glob of files to import, each new one once, as its own
	// snapshot ("~/Downloads/takeout-*.zip"); see Watcher.
	Watch string `toml:"watch"`
	// WatchSettle is how long a watched file must have been left
	// unchanged to be taken for complete (default DefaultSettle).
	WatchSettle *duration.Duration `toml:"watch_settle"`
}

// File snapshots a file from disk. A SQLite database (a browser's history,
// an app database copied off a phone, an e-reader's database) is copied
// with SQLite's online backup, so the copy is consistent even while another
// program writes the database, and the copy is checked to open before it
// is kept. Any other file is copied as it is.
type File struct {
	Path string
}

func newFile(src export.Source) (export.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("file: parameters of type %T", src.Params)
	}
	if p.Watch != "" {
		if p.Path != "" {
			return nil, errors.New(`give path (one file, snapshotted on every run) or watch (new files, each imported once), not both`)
		}
		return newWatcher(p)
	}
	if p.Path == "" {
		return nil, errors.New(`missing key "path" (the file to snapshot, e.g. path = "~/.bash_history"; or watch = "~/Downloads/takeout-*.zip" to import each new file once)`)
	}
	if !filepath.IsAbs(p.Path) && p.Path != "~" && !strings.HasPrefix(p.Path, "~/") {
		// It would be read from wherever hoard was started (cron and
		// systemd start it elsewhere than a shell does).
		return nil, fmt.Errorf("path = %q: give an absolute path, or one starting with ~/", p.Path)
	}
	path, err := paths.Expand(p.Path)
	if err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	return &File{Path: path}, nil
}

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// IsSQLite reports whether the file at path is a SQLite database.
func IsSQLite(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return bytes.Equal(head[:n], sqliteMagic), nil
}

// Export implements export.Exporter.
func (f *File) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	isDB, err := IsSQLite(f.Path)
	if err != nil {
		return export.Permanent(fmt.Errorf("cannot read %s: %w", f.Path, err))
	}
	if isDB {
		return copySQLite(ctx, f.Path, w)
	}
	in, err := os.Open(f.Path)
	if err != nil {
		return export.Permanent(err)
	}
	defer in.Close()
	_, err = io.Copy(w, ctxReader{ctx, in})
	return err
}

// ctxReader stops a copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
