package snapshot

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// renameat2NoReplace uses RENAME_NOREPLACE: one atomic step that fails
// with fs.ErrExist when newpath exists.
func renameat2NoReplace(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EEXIST) {
		return fs.ErrExist
	}
	return err
}
