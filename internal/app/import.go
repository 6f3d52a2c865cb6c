package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/snapshot"
)

// Import stores files as snapshots of a source that need not be
// configured (hoard import): under the source's lock, each through
// file.ImportFile (atomic, never replacing a file, the same content with
// the same stamp stored once), each stored snapshot recorded in the
// journal with the file it came from.
func (r *Runner) Import(ctx context.Context, source string, imp file.Import) (file.Imported, error) {
	dir, err := r.Store.Dir(source)
	if err != nil {
		return file.Imported{}, &UsageError{err}
	}
	l, err := r.acquire(ctx, source)
	if err != nil {
		return file.Imported{}, err
	}
	defer l.Release()
	return r.importOne(ctx, source, dir, imp)
}

// importOne imports one file (the lock is held) and records it.
func (r *Runner) importOne(ctx context.Context, source, dir string, imp file.Import) (file.Imported, error) {
	start := time.Now()
	res, err := file.ImportFile(ctx, dir, imp)
	if res.Same != "" && err == nil {
		return res, nil // nothing written, nothing to record
	}
	e := journal.Entry{Source: source, Start: start.UTC(), End: time.Now().UTC(), Outcome: journal.OK, Attempts: 1, Original: res.Original}
	if err != nil {
		e.Outcome, e.Error = Outcome(export.Result{Err: err}), err.Error()
	} else {
		e.Path, e.Bytes, e.StoredBytes, e.SHA256 = res.Path, res.Bytes, res.StoredBytes, res.SHA256
	}
	if r.Journal != nil {
		if jerr := r.Journal.Append(e); jerr != nil && err == nil {
			err = fmt.Errorf("%s is stored as %s, but the journal could not record it: %w", res.Original, res.Path, jerr)
		}
	}
	return res, err
}

// watch runs a watch source: every new complete file matching its
// pattern is imported as its own snapshot, stamped from its name or else
// its modification time, and remembered in the source's watch state
// (written after each stored snapshot, so a file is never imported
// twice). The result holds the last snapshot stored; one journal line
// records a run that found nothing new.
func (r *Runner) watch(ctx context.Context, src export.Source, w *file.Watcher) export.Result {
	res := export.Result{Start: time.Now(), Attempts: 1}
	dir, err := r.Store.Dir(src.Name)
	if err != nil {
		res.End, res.Err = time.Now(), err
		return res
	}
	statePath := r.Layout.Watched(src.Name)
	st, err := loadWatchState(statePath)
	if err != nil {
		res.End, res.Err = time.Now(), err
		return res
	}
	pending, _, err := w.Candidates(st, time.Now())
	if err != nil {
		res.End, res.Err = time.Now(), err
		return res
	}
	var errs []error
	stored := 0
	for _, p := range pending {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		check := func() error {
			if !file.Unchanged(p) {
				return fmt.Errorf("%s changed while it was imported (still downloading?): nothing is stored; it is imported once it is left alone", p.Path)
			}
			return nil
		}
		imp, err := r.importOne(ctx, src.Name, dir, file.Import{Path: p.Path, From: file.FromName, Codec: src.Compression, Check: check})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		at := imp.Path
		if imp.Same != "" {
			at = imp.Same
		} else {
			stored++
			res.Snapshot = &snapshot.Result{Path: imp.Path, Bytes: imp.Bytes, StoredBytes: imp.StoredBytes, SHA256: imp.SHA256}
		}
		st.Imported = append(st.Imported, file.Seen{Path: p.Path, Size: p.Info.Size(), Mtime: p.Info.ModTime(), SHA256: imp.SHA256, Snapshot: at})
		if err := saveWatchState(statePath, st); err != nil {
			errs = append(errs, fmt.Errorf("%s is stored as %s, but the watch state %s could not be saved (it will be found identical next time): %w", p.Path, at, statePath, err))
		}
	}
	res.End, res.Err = time.Now(), errors.Join(errs...)
	if stored == 0 && r.Journal != nil {
		// the run happened: record it, so that status does not take the
		// source for never run
		e := journal.Entry{Source: src.Name, Start: res.Start.UTC(), End: res.End.UTC(), Outcome: Outcome(res), Attempts: 1}
		if res.Err != nil {
			e.Error = res.Err.Error()
		}
		r.Journal.Append(e)
	}
	return res
}

func loadWatchState(path string) (*file.WatchState, error) {
	st := &file.WatchState{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("watch state %s is corrupt (%v); move it away to import every matching file again (identical content is stored once)", path, err)
	}
	return st, nil
}

func saveWatchState(path string, st *file.WatchState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o600)
}
