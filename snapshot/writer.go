package snapshot

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// tempPrefix starts the name of every file being written. Listing skips
// hidden files, so a temporary file is never taken for a snapshot.
const tempPrefix = ".hoard-tmp-"

// maxSeq bounds the search for a free name within one second.
const maxSeq = 999

// Namer returns the file name to use for collision sequence seq: 0 for the
// first try, then 1, 2, ... while names are taken. Names must sort in seq
// order.
type Namer func(seq int) string

// SeqSuffix is the text that marks collision sequence seq inside a name:
// "" for 0, else "_001", "_002", ... which sort after the plain name.
func SeqSuffix(seq int) string {
	if seq == 0 {
		return ""
	}
	return fmt.Sprintf("_%03d", seq)
}

// StampName returns the standard namer: <stamp>[_NNN][.ext][.codec].
func StampName(t time.Time, ext string, c Codec) Namer {
	stamp := FormatStamp(t)
	if ext != "" {
		ext = "." + ext
	}
	return func(seq int) string { return stamp + SeqSuffix(seq) + ext + c.Ext() }
}

// Result describes a committed snapshot.
type Result struct {
	Path        string // final path
	Bytes       int64  // uncompressed bytes written
	StoredBytes int64  // size of the file on disk
	SHA256      string // hex SHA-256 of the uncompressed bytes
}

// Pending is a snapshot being written. Bytes written to it stream through
// the compressor into a temporary file in the target directory; memory use
// does not grow with the size. Commit makes it durable under its final
// name; Abort (or a crash) leaves no file with a final name.
//
// A Pending is not safe for concurrent use. Exactly one of Commit or Abort
// should be called; Abort after Commit is a no-op, so "defer p.Abort()" is
// the intended pattern.
type Pending struct {
	dir   string
	namer Namer
	f     *os.File
	buf   *bufio.Writer
	comp  io.WriteCloser
	sum   hash.Hash
	pl    pipeline
	n     int64
	done  bool
	// sealed: the stream is complete (hashed, compressed, flushed);
	// sealErr is what sealing it returned.
	sealed  bool
	sealErr error
	// remote is set when dir is an s3:// address: f is then a spool file
	// on the local disk, uploaded by Commit.
	remote *mount
}

// Create starts a new snapshot in the store for source, named from t.
func (s *Store) Create(source string, t time.Time, ext string, c Codec) (*Pending, error) {
	dir, err := s.Dir(source)
	if err != nil {
		return nil, err
	}
	if err := ValidateExt(ext); err != nil {
		return nil, err
	}
	return Create(dir, StampName(t, ext, c), c)
}

// Create starts a new snapshot in dir, creating dir (mode 0700) if needed.
// Stale temporary files left in dir by killed writers are removed first.
//
// dir may be an s3:// address whose bucket is mounted: the snapshot is
// then written to a temporary file in the mount's spool directory, and
// Commit uploads it whole, under a name no object has (see Remote.Create).
func Create(dir string, namer Namer, c Codec) (*Pending, error) {
	tmpDir := dir
	var remote *mount
	if IsRemote(dir) {
		m, _, _, err := remoteOf(dir)
		if err != nil {
			return nil, err
		}
		remote, tmpDir = &m, m.spool
	}
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create snapshot directory: %w", err)
	}
	removeStaleTemps(tmpDir)
	f, err := os.CreateTemp(tmpDir, tempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("cannot create a file in %s: %w", tmpDir, err)
	}
	// The lock tells removeStaleTemps that a live writer owns the file.
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("cannot lock %s: %w", f.Name(), err)
	}
	p := &Pending{dir: dir, namer: namer, f: f, sum: sha256.New(), remote: remote}
	p.buf = bufio.NewWriterSize(f, 256<<10)
	if p.comp, err = newCompressor(p.buf, c); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	p.pl.start(p.sum, p.comp)
	return p, nil
}

// Write streams b into the snapshot.
func (p *Pending) Write(b []byte) (int, error) {
	if p.done || p.sealed {
		return 0, errors.New("snapshot: write after commit, abort or sum")
	}
	if err := p.pl.failed(); err != nil {
		return 0, fmt.Errorf("writing %s: %w", p.f.Name(), err)
	}
	p.pl.write(b)
	p.n += int64(len(b))
	return len(b), nil
}

// ReadFrom streams r into the snapshot until EOF, reading straight into the
// writer's buffers (io.Copy uses it).
func (p *Pending) ReadFrom(r io.Reader) (int64, error) {
	if p.done || p.sealed {
		return 0, errors.New("snapshot: write after commit, abort or sum")
	}
	n, err := p.pl.readFrom(r)
	p.n += n
	if err != nil {
		return n, fmt.Errorf("writing %s: %w", p.f.Name(), err)
	}
	return n, nil
}

// Written returns the number of uncompressed bytes written so far.
func (p *Pending) Written() int64 { return p.n }

// Sum ends the stream (nothing more may be written) and returns the
// SHA-256 (hex) and size of the uncompressed bytes, before Commit or
// Abort: a runner compares them with the newest snapshot's to skip a
// byte-identical one.
func (p *Pending) Sum() (sha256 string, n int64, err error) {
	if p.done {
		return "", 0, errors.New("snapshot: sum after commit or abort")
	}
	if err := p.seal(); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(p.sum.Sum(nil)), p.n, nil
}

// Commit flushes, fsyncs, and gives the file its final name without ever
// replacing an existing file (a taken name moves on to the next collision
// sequence), then fsyncs the directory. After Commit returns nil the
// snapshot survives a crash.
func (p *Pending) Commit() (Result, error) {
	if p.done {
		return Result{}, errors.New("snapshot: commit after commit or abort")
	}
	if p.remote != nil {
		return p.commitRemote()
	}
	if err := p.flush(); err != nil {
		p.Abort()
		return Result{}, err
	}
	final, err := p.claimName()
	if err != nil {
		p.Abort()
		return Result{}, err
	}
	p.done = true
	info, statErr := p.f.Stat()
	p.f.Close()
	if err := syncDir(p.dir); err != nil {
		return Result{}, fmt.Errorf("fsync %s: %w", p.dir, err)
	}
	res := Result{Path: final, Bytes: p.n, SHA256: hex.EncodeToString(p.sum.Sum(nil))}
	if statErr == nil {
		res.StoredBytes = info.Size()
	}
	return res, nil
}

// seal completes the stream once: the last block hashed, the compressed
// stream closed, the buffer flushed to the file.
func (p *Pending) seal() error {
	if p.sealed {
		return p.sealErr
	}
	p.sealed = true
	switch {
	case p.pl.finish() != nil:
		p.sealErr = fmt.Errorf("writing %s: %w", p.f.Name(), p.pl.failed())
	default:
		if err := p.comp.Close(); err != nil {
			p.sealErr = fmt.Errorf("compressing %s: %w", p.f.Name(), err)
		} else if err := p.buf.Flush(); err != nil {
			p.sealErr = fmt.Errorf("writing %s: %w", p.f.Name(), err)
		}
	}
	return p.sealErr
}

func (p *Pending) flush() error {
	if err := p.seal(); err != nil {
		return err
	}
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", p.f.Name(), err)
	}
	return nil
}

// commitRemote uploads the spool file under the first name that no
// object has, then removes it. After it returns nil the object is stored
// (an S3 PUT is durable once it succeeds).
func (p *Pending) commitRemote() (Result, error) {
	defer p.Abort() // removes the spool file
	if err := p.seal(); err != nil {
		return Result{}, err
	}
	info, err := p.f.Stat()
	if err != nil {
		return Result{}, err
	}
	size := info.Size()
	if size > MaxRemoteSize {
		return Result{}, fmt.Errorf("snapshot of %d bytes in %s: %w", size, p.dir, errRemoteTooLarge)
	}
	bucket, key, err := SplitRemote(p.dir)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := remoteCtx()
	defer cancel()
	for seq := 0; seq <= maxSeq; seq++ {
		name := p.namer(seq)
		if name == "" || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, ".") {
			return Result{}, fmt.Errorf("invalid snapshot file name %q", name)
		}
		objKey := strings.TrimPrefix(key+"/"+name, "/")
		err := p.remote.remote.Create(ctx, bucket, objKey, io.NewSectionReader(p.f, 0, size), size)
		if err == nil {
			res := Result{Path: remoteAddr(bucket, objKey), Bytes: p.n, StoredBytes: size, SHA256: hex.EncodeToString(p.sum.Sum(nil))}
			return res, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return Result{}, fmt.Errorf("cannot store the snapshot: %w", err)
		}
	}
	return Result{}, fmt.Errorf("more than %d snapshots named %q in one second", maxSeq, p.namer(0))
}

// claimName moves the temporary file to the first free final name.
func (p *Pending) claimName() (string, error) {
	for seq := 0; seq <= maxSeq; seq++ {
		name := p.namer(seq)
		if name == "" || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, ".") {
			return "", fmt.Errorf("invalid snapshot file name %q", name)
		}
		final := filepath.Join(p.dir, name)
		err := renameNoReplace(p.f.Name(), final)
		if err == nil {
			return final, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("cannot name snapshot %s: %w", final, err)
		}
	}
	return "", fmt.Errorf("more than %d snapshots named %q in one second", maxSeq, p.namer(0))
}

// Abort discards the snapshot: the temporary file is removed and nothing
// with a final name is left. It is safe to call more than once and after
// Commit (then it does nothing).
func (p *Pending) Abort() error {
	if p.done {
		return nil
	}
	p.done = true
	p.pl.finish()
	if !p.sealed {
		p.comp.Close()
	}
	p.f.Close()
	return os.Remove(p.f.Name())
}

// renameNoReplace renames oldpath to newpath and fails with fs.ErrExist if
// newpath exists. It never replaces a file.
func renameNoReplace(oldpath, newpath string) error {
	err := renameat2NoReplace(oldpath, newpath)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// The file system cannot rename without replacing: a hard link fails
	// when the target exists, then the temporary name is dropped.
	if err := os.Link(oldpath, newpath); err != nil {
		return err
	}
	return os.Remove(oldpath)
}

// syncDir fsyncs a directory so that a rename in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) {
		return err
	}
	return nil
}

// removeStaleTemps deletes temporary files whose writer is gone. A live
// writer holds an exclusive flock on its file, which the kernel releases
// when the process dies, however it dies.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			os.Remove(m)
		}
		f.Close()
	}
}
