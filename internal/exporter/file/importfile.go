package file

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/snapshot"
)

// StampFrom says where an imported file's stamp comes from.
type StampFrom string

// The stamps an import may take.
const (
	// FromName is the date in the file's name (takeout-20240315T101500Z-001.zip),
	// else its modification time.
	FromName StampFrom = "name"
	// FromMtime is the file's modification time (for a directory, its
	// newest file's).
	FromMtime StampFrom = "mtime"
	// FromArchive is the newest modification time of an archive's
	// members (zip, tar); for a directory, its newest file's.
	FromArchive StampFrom = "archive"
	// FromNow is the time of the import.
	FromNow StampFrom = "now"
)

// ParseStampFrom reads a --stamp-from value.
func ParseStampFrom(s string) (StampFrom, error) {
	switch f := StampFrom(s); f {
	case "", FromName:
		return FromName, nil
	case FromMtime, FromArchive, FromNow:
		return f, nil
	}
	return "", fmt.Errorf("%q: use name, mtime, archive or now", s)
}

// Import is one file or directory to store as a snapshot.
type Import struct {
	Path string // a file (stored as it is) or a directory (stored as a tar archive)
	// Stamp is the snapshot's time; zero: taken as From says.
	Stamp time.Time
	From  StampFrom
	// Codec compresses what is not compressed already (a zip, a .gz or
	// a .tgz is stored as it is).
	Codec snapshot.Codec
	Now   func() time.Time // the clock of FromNow; nil: time.Now
	// Check, when set, is called once the content is written and before
	// the snapshot is committed; an error aborts the import (a watched
	// file that changed while it was read is not complete).
	Check func() error
}

// Imported is what an import stored.
type Imported struct {
	snapshot.Result
	Original string    // the absolute path imported
	Stamp    time.Time // the snapshot's stamp
	// StampFrom says where the stamp came from: "given", "name",
	// "mtime", "archive" or "now".
	StampFrom string
	// Same is the path of a snapshot with the same stamp and content
	// that was there already: nothing was written.
	Same string
}

// alreadyCompressed are extensions of files that compressing again
// would not shrink.
var alreadyCompressed = map[string]bool{
	"zip": true, "tgz": true, "tbz2": true, "txz": true, "7z": true, "rar": true, "jar": true, "apk": true,
	"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "heic": true, "mp4": true, "mov": true,
	"mkv": true, "mp3": true, "m4a": true, "ogg": true, "opus": true, "pdf": true, "epub": true, "docx": true, "xlsx": true,
}

// ImportFile stores the file or directory of imp as a snapshot in dir (a
// source's directory), atomically and never replacing a file: a name
// already taken moves on to _001, _002, ... A file compressed with a
// codec hoard reads (.gz, .zst, .xz, .bz2) keeps it; a SQLite database is
// copied consistently, as the file exporter does; a directory becomes a
// tar archive of its regular files, read back in place by the archive
// decoder. When a snapshot with the same stamp and the same content is
// there already, nothing is written and Imported.Same names it: importing
// a file twice stores it once.
func ImportFile(ctx context.Context, dir string, imp Import) (Imported, error) {
	abs, err := filepath.Abs(imp.Path)
	if err != nil {
		return Imported{}, err
	}
	out := Imported{Original: abs}
	info, err := os.Stat(abs)
	if err != nil {
		return out, err
	}
	if !info.IsDir() && !info.Mode().IsRegular() {
		return out, fmt.Errorf("%s: not a regular file or a directory", abs)
	}
	if out.Stamp, out.StampFrom, err = stampOf(abs, info, imp); err != nil {
		return out, err
	}
	out.Stamp = out.Stamp.UTC().Truncate(time.Second) // stamps are seconds
	ext, stored, codec, err := storedAs(abs, info, imp.Codec)
	if err != nil {
		return out, err
	}
	namer := snapshot.StampName(out.Stamp, ext, stored)
	same, err := sameSnapshot(ctx, dir, out.Stamp, abs, info)
	if err != nil {
		return out, err
	}
	if same != "" {
		out.Same = same
		return out, nil
	}
	p, err := snapshot.Create(dir, namer, codec)
	if err != nil {
		return out, err
	}
	defer p.Abort()
	if err := writeContent(ctx, p, abs, info); err != nil {
		return out, err
	}
	if imp.Check != nil {
		if err := imp.Check(); err != nil {
			return out, err
		}
	}
	if out.Result, err = p.Commit(); err != nil {
		return out, err
	}
	return out, nil
}

// storedAs chooses the snapshot's extension and codec suffix (stored)
// and how the bytes are written (codec: hoard compresses with it).
func storedAs(path string, info fs.FileInfo, want snapshot.Codec) (ext string, stored, codec snapshot.Codec, err error) {
	if info.IsDir() {
		return "tar", want, want, nil
	}
	base, c := splitCodec(filepath.Base(path))
	if i := strings.LastIndexByte(base, '.'); i >= 0 && i+1 < len(base) {
		ext = strings.ToLower(base[i+1:])
	}
	if snapshot.ValidateExt(ext) != nil || len(ext) > 12 {
		ext = ""
	}
	if isDB, err := IsSQLite(path); err != nil {
		return "", "", "", err
	} else if isDB && c == snapshot.None && ext == "" {
		ext = "sqlite"
	}
	switch {
	case c != snapshot.None:
		return ext, c, snapshot.None, nil // compressed already: stored as it is
	case alreadyCompressed[ext]:
		return ext, snapshot.None, snapshot.None, nil
	}
	return ext, want, want, nil
}

// splitCodec splits a codec suffix off a file name.
func splitCodec(name string) (string, snapshot.Codec) {
	c := snapshot.CodecOf(name)
	if c == snapshot.None {
		return name, c
	}
	return name[:strings.LastIndexByte(name, '.')], c
}

// stampOf finds the stamp of an import.
func stampOf(path string, info fs.FileInfo, imp Import) (time.Time, string, error) {
	if !imp.Stamp.IsZero() {
		return imp.Stamp.UTC(), "given", nil
	}
	switch imp.From {
	case FromNow:
		now := time.Now
		if imp.Now != nil {
			now = imp.Now
		}
		return now().UTC(), string(FromNow), nil
	case FromArchive:
		t, err := newestMember(path, info)
		if err != nil {
			return time.Time{}, "", err
		}
		return t, string(FromArchive), nil
	case FromMtime:
		t, err := newestMember(path, info)
		if info.IsDir() {
			return t, string(FromMtime), err
		}
		return info.ModTime().UTC(), string(FromMtime), nil
	}
	if t, ok := snapshot.StampOf(filepath.Base(path)); ok {
		return t, string(FromName), nil
	}
	if info.IsDir() {
		t, err := newestMember(path, info)
		return t, string(FromMtime), err
	}
	return info.ModTime().UTC(), string(FromMtime), nil
}

// newestMember returns the newest modification time among an archive's
// members or a directory's files, to the second.
func newestMember(path string, info fs.FileInfo) (time.Time, error) {
	var newest time.Time
	see := func(t time.Time) {
		if t.After(newest) {
			newest = t
		}
	}
	switch {
	case info.IsDir():
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				fi, err := d.Info()
				if err != nil {
					return err
				}
				see(fi.ModTime())
			}
			return nil
		})
		if err != nil {
			return time.Time{}, err
		}
	default:
		if err := archiveTimes(path, see); err != nil {
			return time.Time{}, fmt.Errorf("%s: --stamp-from archive: %w", path, err)
		}
	}
	if newest.IsZero() {
		return time.Time{}, fmt.Errorf("%s: no member with a modification time to stamp the snapshot with", path)
	}
	return newest.UTC().Truncate(time.Second), nil
}

// archiveTimes calls see with the time of every member of a zip or tar
// archive (a tar compressed with a codec hoard reads too).
func archiveTimes(path string, see func(time.Time)) error {
	if zr, err := zip.OpenReader(path); err == nil {
		defer zr.Close()
		for _, f := range zr.File {
			if !f.Mode().IsDir() {
				see(f.Modified)
			}
		}
		return nil
	}
	rc, err := snapshot.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	var r io.Reader = br
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) { // a .tgz
		gz, err := snapshot.NewDecompressor(br, snapshot.Gzip)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a zip or tar archive: %w", err)
		}
		if h.Typeflag == tar.TypeReg || h.Typeflag == '\x00' {
			see(h.ModTime)
		}
	}
}

// writeContent writes the file (a SQLite database consistently copied)
// or the directory as a tar archive.
func writeContent(ctx context.Context, w io.Writer, path string, info fs.FileInfo) error {
	if info.IsDir() {
		return writeTar(ctx, w, path)
	}
	if isDB, err := IsSQLite(path); err != nil {
		return err
	} else if isDB {
		return copySQLite(ctx, path, w)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, ctxReader{ctx, f})
	return err
}

// writeTar writes the regular files and directories under root as a tar
// archive, names relative to root, in name order. Symbolic links and
// other special files are left out.
func writeTar(ctx context.Context, w io.Writer, root string) error {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && (d.IsDir() || d.Type().IsRegular()) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	tw := tar.NewWriter(w)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		h.Uname, h.Gname = "", ""
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.CopyN(tw, ctxReader{ctx, f}, info.Size())
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w (did it change while it was imported?)", p, err)
			}
		}
	}
	return tw.Close()
}

// sameSnapshot returns a snapshot of dir with the given stamp whose
// content is that of the import, if there is one: the uncompressed bytes
// of both are compared by SHA-256. Only snapshots with that stamp are
// read, so most imports read nothing.
func sameSnapshot(ctx context.Context, dir string, stamp time.Time, path string, info fs.FileInfo) (string, error) {
	l, err := snapshot.ListDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var want string
	for _, s := range l.Snapshots {
		if !s.Time.Equal(stamp) {
			continue
		}
		if want == "" {
			if want, err = contentHash(ctx, path, info); err != nil {
				return "", err
			}
		}
		have, err := fileHash(s.Path)
		if err != nil {
			continue // an unreadable snapshot is not the same
		}
		if have == want {
			return s.Path, nil
		}
	}
	return "", nil
}

// contentHash is the SHA-256 of what the import would store, uncompressed
// (for a database, its consistent copy).
func contentHash(ctx context.Context, path string, info fs.FileInfo) (string, error) {
	if !info.IsDir() && snapshot.CodecOf(path) != snapshot.None {
		return fileHash(path)
	}
	h := sha256.New()
	if err := writeContent(ctx, h, path, info); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileHash is the SHA-256 of a file's uncompressed bytes.
func fileHash(path string) (string, error) {
	rc, err := snapshot.Open(path)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
