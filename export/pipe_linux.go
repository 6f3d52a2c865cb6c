package export

import (
	"os"

	"golang.org/x/sys/unix"
)

// setPipeSize enlarges a pipe's buffer; failure only costs speed.
func setPipeSize(f *os.File, size int) {
	unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, size)
}
