//go:build !linux

package snapshot

import "errors"

// renameat2NoReplace is not available: the caller falls back to link.
func renameat2NoReplace(oldpath, newpath string) error {
	return errors.New("renameat2 not supported")
}
