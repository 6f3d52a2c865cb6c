package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hoard-dev/hoard/internal/pathtmpl"
)

// after_run: a command run after runs that saved new snapshots, such as a
// backup of the exports root (after_run = ["restic", "backup", "{root}"]).

// Hook is an expanded after_run command and what it is told.
type Hook struct {
	Argv   []string
	Root   string
	Host   string
	Notify []string // the config's top-level notify command, told of failures
}

// AfterRun returns the config's after_run command with its placeholders
// ({root}, {host}) expanded; ok is false when there is none.
func (a *App) AfterRun() (Hook, bool) {
	if len(a.Config.AfterRun) == 0 {
		return Hook{}, false
	}
	h := Hook{Root: a.Config.Root, Host: a.Config.Host, Notify: a.Config.Notify}
	vars := map[string]string{"root": h.Root, "host": h.Host}
	for _, arg := range a.Config.AfterRun {
		v, err := pathtmpl.Expand(arg, vars)
		if err != nil { // checked when the config was loaded
			v = arg
		}
		h.Argv = append(h.Argv, v)
	}
	return h, true
}

// HookGrace is how long the command has to exit after SIGTERM (hoard
// stopping) before its process group is killed.
const HookGrace = 10 * time.Second

// Run runs the command to completion, in its own process group, with its
// output on out and HOARD_ROOT, HOARD_HOST and HOARD_SOURCES (the
// sources that saved new snapshots, comma-separated) in its environment.
// When ctx ends, the group gets SIGTERM, then SIGKILL after HookGrace.
func (h Hook) Run(ctx context.Context, sources []string, out io.Writer) error {
	cmd := exec.CommandContext(ctx, h.Argv[0], h.Argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "HOARD_ROOT="+h.Root, "HOARD_HOST="+h.Host, "HOARD_SOURCES="+strings.Join(sources, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = HookGrace
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever it left running
	}
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("after_run %s: interrupted (%v) after %s", h.Argv[0], context.Cause(ctx), time.Since(start).Round(time.Millisecond))
		}
		return fmt.Errorf("after_run %s failed after %s: %w", h.Argv[0], time.Since(start).Round(time.Millisecond), err)
	}
	return nil
}

// HookRunner runs a hook in the background for the daemon: one run at a
// time; sources that save snapshots while it runs are gathered for one
// more run once it ends. Safe for concurrent use.
type HookRunner struct {
	// Result is told each run's outcome (nil error: success).
	Result func(h Hook, err error)
	Out    io.Writer

	mu      sync.Mutex
	running bool
	pending []string
	next    Hook
	idle    *sync.Cond
	lastErr error
}

// Trigger asks for a run of h, told that source saved a new snapshot.
func (r *HookRunner) Trigger(ctx context.Context, h Hook, source string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.idle == nil {
		r.idle = sync.NewCond(&r.mu)
	}
	if !contains(r.pending, source) {
		r.pending = append(r.pending, source)
	}
	r.next = h
	if !r.running {
		r.running = true
		go r.loop(ctx)
	}
}

func (r *HookRunner) loop(ctx context.Context) {
	for {
		r.mu.Lock()
		if len(r.pending) == 0 || ctx.Err() != nil {
			r.running = false
			r.pending = nil
			r.idle.Broadcast()
			r.mu.Unlock()
			return
		}
		sources, h := r.pending, r.next
		r.pending = nil
		r.mu.Unlock()
		err := h.Run(ctx, sources, r.Out)
		r.mu.Lock()
		r.lastErr = err
		r.mu.Unlock()
		if r.Result != nil {
			r.Result(h, err)
		}
	}
}

// Wait waits until no run is going or queued, and returns the last run's
// error.
func (r *HookRunner) Wait() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.running {
		r.idle.Wait()
	}
	return r.lastErr
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ErrHook is wrapped by the error of a run whose exports succeeded and
// whose after_run command failed.
var ErrHook = errors.New("after_run failed")
