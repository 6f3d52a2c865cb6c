// Package lock provides per-source run locks: an exclusive flock on a file
// in hoard's state directory. The kernel releases it when the holder dies,
// however it dies, so a killed run never leaves a stale lock.
package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ErrLocked is returned by TryAcquire when another process holds the lock.
var ErrLocked = errors.New("locked by another run")

// Lock is a held lock. Release it exactly once.
type Lock struct{ f *os.File }

// HeldError says who holds a lock.
type HeldError struct {
	Path string
	PID  int // 0 when unknown
}

func (e *HeldError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("another hoard run (pid %d) holds %s", e.PID, e.Path)
	}
	return "another hoard run holds " + e.Path
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *HeldError) Is(target error) bool { return target == ErrLocked }

// TryAcquire takes the lock at path without waiting. When another process
// holds it, the error is a *HeldError (errors.Is ErrLocked).
func TryAcquire(path string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &HeldError{Path: path, PID: readPID(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Record the holder for the message another run will print.
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// Acquire waits until the lock is free or ctx is done, polling every poll.
func Acquire(ctx context.Context, path string, poll time.Duration) (*Lock, error) {
	for {
		l, err := TryAcquire(path)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// Release frees the lock.
func (l *Lock) Release() error {
	return l.f.Close()
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
