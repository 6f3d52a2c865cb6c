//go:build !linux

package command

import (
	"os"
	"syscall"
)

// setPipeSize is a no-op where pipes cannot be resized.
func setPipeSize(f *os.File, size int) {}

// childAttr puts the child in its own process group. Without Linux's
// Pdeathsig, a child outlives a hoard killed with SIGKILL.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// exitedChan never closes here: without waitid(WNOWAIT) hoard cannot see
// the exit before reaping, so it reads stdout until every holder closed it.
func exitedChan(pid int) <-chan struct{} { return make(chan struct{}) }
