// Package snapshot is hoard's on-disk contract. Every export is an immutable
// file ROOT/<source>/<stamp>.<ext>[.zst|.gz], stamp being UTC
// YYYYMMDDTHHMMSSZ, written atomically and never overwritten. Everything that
// touches an exports root goes through this package.
//
// Listing also understands the names that existing archives use
// (20200102T170015Z, 20200102170015, 2020-01-02T17:00:15Z, 20200102, with a
// prefix such as "browser-"), and reading is transparent for zstd, gzip, xz
// and bzip2 files.
package snapshot

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Snapshot describes one stored export file.
type Snapshot struct {
	Path  string    // full path of the file (or s3:// address)
	Name  string    // base name
	Host  string    // the subdirectory it is in, for a per-host source listed with ListTree; "" otherwise
	Time  time.Time // UTC time from the name
	Seq   int       // collision sequence within one second (0 for the first)
	Ext   string    // extension without codec suffix, e.g. "json" (may be "")
	Codec Codec     // compression, from the name
	Size  int64     // size on disk in bytes
	Mtime time.Time // modification time on disk
}

// Undatable is a file in a source directory whose name holds no date. It is
// reported rather than silently dropped.
type Undatable struct {
	Path string
	Err  error
}

// Listing is the content of one source directory.
type Listing struct {
	Snapshots []Snapshot  // in time order (time, then sequence, then name)
	Undatable []Undatable // files that could not be dated, by name
}

// Store is an exports root. The zero value is not usable; use New.
// A Store holds no open files and is safe for concurrent use.
type Store struct {
	root string
}

// New returns the store at root, a directory or an s3:// address (whose
// bucket is mounted, see Mount). It does not create the directory.
func New(root string) *Store { return &Store{root: CleanPath(root)} }

// Root returns the exports root directory.
func (s *Store) Root() string { return s.root }

var sourceNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// ValidateSourceName reports whether name can be a source directory: letters,
// digits, '.', '_' and '-', starting with a letter or digit, so that it can
// never name a path outside the root.
func ValidateSourceName(name string) error {
	if !sourceNameRE.MatchString(name) || strings.Contains(name, "..") {
		return fmt.Errorf("invalid source name %q: use letters, digits, '.', '_' and '-', starting with a letter or digit (no '/', '..' or NUL)", name)
	}
	return nil
}

// ValidateExt reports whether ext can be a snapshot extension ("json",
// "tar.gz" is not allowed since codecs are chosen separately).
func ValidateExt(ext string) error {
	if ext == "" {
		return nil
	}
	if !regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`).MatchString(ext) || len(ext) > 32 {
		return fmt.Errorf("invalid extension %q: use letters, digits, '-', '_' and inner dots, e.g. \"json\" or \"ical\"", ext)
	}
	return nil
}

// Dir returns the directory of a source, after validating its name.
func (s *Store) Dir(source string) (string, error) {
	if err := ValidateSourceName(source); err != nil {
		return "", err
	}
	return Join(s.root, source), nil
}

// Sources returns the names of the source directories that exist in the
// root, sorted. A missing root is not an error: it has no sources.
func (s *Store) Sources() ([]string, error) {
	if IsRemote(s.root) {
		return remoteSources(s.root)
	}
	entries, err := os.ReadDir(s.root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && ValidateSourceName(e.Name()) == nil {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// List returns the snapshots of one source in time order. A source with no
// directory yet has an empty listing.
func (s *Store) List(source string) (Listing, error) {
	dir, err := s.Dir(source)
	if err != nil {
		return Listing{}, err
	}
	l, err := ListDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Listing{}, nil
	}
	return l, err
}

// ListSource returns the snapshots of one source in time order, with
// those of its host subdirectories when perHost (see ListTree).
func (s *Store) ListSource(source string, perHost bool) (Listing, error) {
	if !perHost {
		return s.List(source)
	}
	dir, err := s.Dir(source)
	if err != nil {
		return Listing{}, err
	}
	l, err := ListTree(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Listing{}, nil
	}
	return l, err
}

// ListTree lists the snapshots of a per-host source: those in dir and
// those in each of its subdirectories (one per machine, ROOT/<source>/<host>/,
// Snapshot.Host naming it), as one list in time order. Snapshots of
// different hosts with the same stamp are ordered by host, so the order is
// the same on every machine. Hidden files and directories are skipped.
func ListTree(dir string) (Listing, error) {
	if IsRemote(dir) {
		return listRemote(dir, true)
	}
	l, err := ListDir(dir)
	if err != nil {
		return l, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Listing{}, err
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		sub, err := ListDir(filepath.Join(dir, e.Name()))
		if err != nil {
			l.Undatable = append(l.Undatable, Undatable{Path: filepath.Join(dir, e.Name()), Err: err})
			continue
		}
		for i := range sub.Snapshots {
			sub.Snapshots[i].Host = e.Name()
		}
		l.Snapshots = append(l.Snapshots, sub.Snapshots...)
		l.Undatable = append(l.Undatable, sub.Undatable...)
	}
	sortSnapshots(l.Snapshots)
	return l, nil
}

// ListDir lists any directory of snapshots, e.g. one made by arctee. Hidden
// files (temporary files among them) and subdirectories are skipped. A
// symbolic link to a file is listed with the file's size and time; a
// broken link is reported as undatable.
func ListDir(dir string) (Listing, error) {
	if IsRemote(dir) {
		return listRemote(dir, false)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Listing{}, err
	}
	var l Listing
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, name)
		info, err := e.Info()
		if err == nil && info.Mode()&os.ModeSymlink != 0 {
			if info, err = os.Stat(path); err == nil && info.IsDir() {
				continue
			}
		}
		if err != nil {
			l.Undatable = append(l.Undatable, Undatable{Path: path, Err: err})
			continue
		}
		if !info.Mode().IsRegular() {
			continue
		}
		pn, err := parseName(name)
		if err != nil {
			l.Undatable = append(l.Undatable, Undatable{Path: path, Err: err})
			continue
		}
		l.Snapshots = append(l.Snapshots, Snapshot{
			Path: path, Name: name, Time: pn.Time, Seq: pn.Seq, Ext: pn.Ext,
			Codec: pn.Codec, Size: info.Size(), Mtime: info.ModTime(),
		})
	}
	sortSnapshots(l.Snapshots)
	return l, nil
}

func sortSnapshots(s []Snapshot) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Host != b.Host { // the same name in two hosts' directories
			return a.Host < b.Host
		}
		return a.Path < b.Path
	})
}

// Open opens a snapshot for reading its uncompressed content. The caller
// closes the result, which closes the file too. Errors name the file.
func Open(path string) (io.ReadCloser, error) {
	if IsRemote(path) {
		return openRemote(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	d, err := NewDecompressor(f, CodecOf(path))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &fileReader{d: d, f: f, path: path}, nil
}

// fileReader closes both the decompressor and the file, and names the file
// in read errors.
type fileReader struct {
	d    io.ReadCloser
	f    *os.File
	path string
}

func (r *fileReader) Read(p []byte) (int, error) {
	n, err := r.d.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", r.path, err)
	}
	return n, err
}

func (r *fileReader) Close() error {
	err := r.d.Close()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}
