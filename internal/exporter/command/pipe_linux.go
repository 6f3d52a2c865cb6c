package command

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// setPipeSize enlarges a pipe's buffer; failure only costs speed.
func setPipeSize(f *os.File, size int) {
	unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, size)
}

// childAttr puts the child in its own process group and has the kernel
// kill it if hoard dies.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// exitedChan is closed when process pid has exited, without reaping it
// (cmd.Wait does that).
func exitedChan(pid int) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		var info unix.Siginfo
		unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		close(ch)
	}()
	return ch
}
