package snapshot

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Removing snapshots is for `hoard prune` alone: a snapshot is otherwise
// never changed or removed once written.

// Remove deletes a snapshot (a file, or an object in a mounted bucket)
// and, for a file, makes the removal durable (the directory is fsynced).
func Remove(path string) error {
	if IsRemote(path) {
		return removeRemote(path)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("fsync %s: %w", filepath.Dir(path), err)
	}
	return nil
}

// MoveTo moves a snapshot into the local directory dir (created with mode
// 0700), under its own name or, when that is taken, name.1, name.2, ...:
// nothing in dir is ever replaced. Within one file system the move is a
// rename, so the snapshot is at every moment in exactly one of the two
// places; across file systems, or from object storage, it is copied,
// fsynced, given its name in dir, and only then removed from where it
// was. It returns the new path.
func MoveTo(path, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	base := filepath.Base(path)
	if !IsRemote(path) {
		dst, err := claim(dir, base, func(dst string) error { return renameNoReplace(path, dst) })
		switch {
		case err == nil:
			if err := syncDir(filepath.Dir(path)); err != nil {
				return dst, fmt.Errorf("fsync %s: %w", filepath.Dir(path), err)
			}
			return dst, syncDir(dir)
		case !errors.Is(err, unix.EXDEV):
			return "", err
		}
	}
	return copyThenRemove(path, dir, base)
}

// claim calls place with dir/base, then dir/base.1, ... while the name is
// taken.
func claim(dir, base string, place func(dst string) error) (string, error) {
	for n := 0; n <= maxSeq; n++ {
		dst := filepath.Join(dir, base)
		if n > 0 {
			dst = fmt.Sprintf("%s.%d", dst, n)
		}
		err := place(dst)
		if err == nil {
			return dst, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("more than %d files named %s in %s", maxSeq, base, dir)
}

// copyThenRemove copies the stored bytes of path (compressed as they are)
// into dir durably, then removes path.
func copyThenRemove(path, dir, base string) (string, error) {
	in, err := openStored(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("copying %s to %s: %w", path, dir, err)
	}
	dst, err := claim(dir, base, func(dst string) error { return renameNoReplace(tmp.Name(), dst) })
	if err != nil {
		return "", err
	}
	if err := syncDir(dir); err != nil {
		return dst, err
	}
	return dst, Remove(path)
}

// openStored opens a snapshot's stored bytes, not decompressed.
func openStored(path string) (io.ReadCloser, error) {
	if !IsRemote(path) {
		return os.Open(path)
	}
	m, bucket, key, err := remoteOf(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := remoteCtx()
	body, err := m.remote.Open(ctx, bucket, key)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &cancelCloser{body, cancel}, nil
}

type cancelCloser struct {
	io.ReadCloser
	cancel func()
}

func (c *cancelCloser) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// Exists reports whether a snapshot file or object exists (for
// `hoard verify`, which reports the ones the journal expects and cannot
// find).
func Exists(path string) (bool, error) {
	if !IsRemote(path) {
		_, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return err == nil, err
	}
	l, err := listRemote(DirOf(path), false)
	if err != nil {
		return false, err
	}
	for _, s := range l.Snapshots {
		if s.Path == path {
			return true, nil
		}
	}
	for _, u := range l.Undatable {
		if u.Path == path {
			return true, nil
		}
	}
	return false, nil
}
