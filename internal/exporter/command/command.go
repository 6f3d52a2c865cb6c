package command

import (
	"bytes"
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

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/pathtmpl"
	"github.com/hoard-dev/hoard/secret"
)

// Kind is the "command" exporter kind.
var Kind = export.Kind{
	Name:      "command",
	NewParams: func() any { return &Params{} },
	New:       newCommand,
}

// Params are the keys of `exporter = "command"`.
type Params struct {
	// Command is the program and its arguments, run without a shell.
	// Placeholders: {secrets} (the secrets file's path), {source}.
	Command []string `toml:"command"`
}

// KillGrace is how long a child has to exit after the forwarded signal
// before its whole process group is killed.
var KillGrace = 5 * time.Second

// Command runs a program and captures its standard output: the arctee path.
// Its standard error passes through live. The program runs in its own
// process group; on timeout or interrupt the group gets SIGTERM (or the
// signal hoard received), then SIGKILL after KillGrace.
type Command struct {
	Args []string // program and arguments, placeholders not yet expanded
	Dir  string   // working directory; "" means hoard's
}

func newCommand(src export.Source) (export.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("command: parameters of type %T", src.Params)
	}
	if len(p.Command) == 0 || p.Command[0] == "" {
		return nil, errors.New(`missing key "command" (e.g. command = ["/path/to/exporter", "--secrets", "{secrets}"])`)
	}
	c := &Command{Args: p.Command}
	usesSecrets := false
	for _, a := range p.Command {
		if _, err := pathtmpl.Expand(a, commandVars(src.Name, "x")); err != nil {
			return nil, fmt.Errorf("command: %w", err)
		}
		usesSecrets = usesSecrets || pathtmpl.Uses(a, "secrets")
	}
	if usesSecrets && src.Secrets == "" {
		return nil, errors.New(`command uses {secrets} but the source sets no "secrets" file`)
	}
	return c, nil
}

func commandVars(source, secretsPath string) map[string]string {
	return map[string]string{"source": source, "secrets": secretsPath}
}

// CommandError is a command's failure: its exit status and the end of its
// standard error.
type CommandError struct {
	Path     string
	ExitCode int    // -1 when killed by a signal
	Signal   string // the signal that killed it, if any
	Stderr   string // last lines of standard error (redacted by the runner)
}

func (e *CommandError) Error() string {
	var b strings.Builder
	if e.Signal != "" {
		fmt.Fprintf(&b, "command %s was killed by %s", e.Path, e.Signal)
	} else {
		fmt.Fprintf(&b, "command %s exited with status %d", e.Path, e.ExitCode)
	}
	if e.Stderr != "" {
		fmt.Fprintf(&b, ": %s", e.Stderr)
	}
	return b.String()
}

// Export implements export.Exporter.
func (c *Command) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		v, err := pathtmpl.Expand(a, commandVars(env.Source, env.SecretsPath))
		if err != nil {
			return export.Permanent(err)
		}
		args[i] = v
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx) // not started: a cancelled export must fail
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = c.Dir
	tail := &tailBuffer{max: 2048}
	// The tail keeps redacted text: cut from raw text, its start could be
	// the end of a secret that redaction no longer recognises.
	tailRed := secret.NewWriter(tail, env.Redactor)
	cmd.Stderr = io.MultiWriter(env.Stderr, tailRed)
	cmd.Env = append(os.Environ(), secretEnv(env)...)
	cmd.SysProcAttr = childAttr()
	// stderr is a pipe os/exec copies; a background process holding it
	// must not block Wait forever (stdout has its own guard below).
	cmd.WaitDelay = StragglerGrace
	pr, pw, err := stdoutPipe()
	if err != nil {
		return err
	}
	defer pr.Close()
	cmd.Stdout = pw
	err = cmd.Start()
	pw.Close() // the child holds its own copy
	if err != nil {
		return export.Permanent(fmt.Errorf("cannot start %s: %w", args[0], err))
	}
	// kctx also ends when the output cannot be saved (a full disk): the
	// command is then stopped like a timed-out one, instead of being left
	// blocked writing to a pipe nobody reads while Wait waits for it.
	kctx, stopCommand := context.WithCancelCause(ctx)
	defer stopCommand(nil)
	stop := killOnDone(kctx, cmd.Process.Pid)
	copyErr := copyStdout(w, pr, cmd)
	if copyErr != nil {
		pr.Close() // a writer gets EPIPE (or SIGPIPE) at once
		stopCommand(copyErr)
	}
	err = cmd.Wait()
	stop()
	tailRed.Flush()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // only stderr was still held open; stdout is complete
	}
	if copyErr != nil && ctx.Err() == nil {
		// the command's own status (killed, EPIPE) follows from this
		return fmt.Errorf("saving the output of %s: %w", args[0], copyErr)
	}
	if err == nil && ctx.Err() != nil {
		// Cancelled, though the command finished first: the run is
		// abandoned all the same, so that no snapshot is committed.
		return fmt.Errorf("%s: %w", args[0], context.Cause(ctx))
	}
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ce := &CommandError{Path: args[0], ExitCode: ee.ExitCode(), Stderr: tail.lastLines(3)}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			ce.Signal = ws.Signal().String()
		}
		return ce
	}
	return fmt.Errorf("%s: %w", args[0], err)
}

// stdoutPipe makes the pipe for the child's stdout, enlarged to 1 MiB
// where the system allows it (fewer context switches on large exports).
func stdoutPipe() (*os.File, *os.File, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	setPipeSize(pw, 1<<20)
	return pr, pw, nil
}

// StragglerGrace is how long hoard keeps reading stdout after the command
// exited, for background processes it left holding the pipe. After that
// the output is declared incomplete.
var StragglerGrace = 30 * time.Second

// copyStdout copies the child's stdout into w until EOF. If the child has
// exited and the pipe is still open StragglerGrace later, the read is cut.
func copyStdout(w io.Writer, pr *os.File, cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, pr)
		done <- err
	}()
	exited := exitedChan(cmd.Process.Pid)
	select {
	case err := <-done:
		return err
	case <-exited:
	}
	t := time.NewTimer(StragglerGrace)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		pr.SetReadDeadline(time.Now())
		<-done
		return fmt.Errorf("the command exited but a process it started still held its output open after %s", StragglerGrace)
	}
}

// secretEnv returns HOARD_SECRET_<KEY>=value for each secret.
func secretEnv(env *export.Env) []string {
	var out []string
	for _, k := range env.Secrets.Keys() {
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r - 'a' + 'A'
			}
			if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				return r
			}
			return '_'
		}, k)
		out = append(out, "HOARD_SECRET_"+name+"="+env.Secrets[k])
	}
	return out
}

// killOnDone signals the process group pgid when ctx is done: first the
// signal hoard received (SIGTERM on timeout), then SIGKILL after KillGrace.
// The returned stop function must be called once the process was waited
// for; it also kills any of the group left behind after a cancellation.
func killOnDone(ctx context.Context, pgid int) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		sig := syscall.SIGTERM
		var se export.SignalError
		if errors.As(context.Cause(ctx), &se) {
			if s, ok := se.Signal.(syscall.Signal); ok {
				sig = s
			}
		}
		syscall.Kill(-pgid, sig)
		t := time.NewTimer(KillGrace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			syscall.Kill(-pgid, syscall.SIGKILL)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		if ctx.Err() != nil {
			syscall.Kill(-pgid, syscall.SIGKILL) // stragglers of a cancelled run
		}
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// lastLines returns up to n last non-empty lines, joined by " | ", with
// invalid UTF-8 replaced so messages stay printable.
func (t *tailBuffer) lastLines(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(bytes.ToValidUTF8(t.buf, []byte("?")))), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, " | "))
}
