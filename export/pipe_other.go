//go:build !linux

package export

import "os"

// setPipeSize is a no-op where pipes cannot be resized.
func setPipeSize(f *os.File, size int) {}
