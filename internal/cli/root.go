// Package cli holds hoard's commands, one file each. Every command is a
// constructor registered with register (from an init function) plus a plain
// runX function that tests call directly.
//
// Exit codes (documented in `hoard --help`):
//
//	0  success
//	1  failure: an export, a read or a check failed (details on stderr)
//	2  usage or configuration error: nothing was run
//	3  another run of the source holds its lock
//	130/143  interrupted by SIGINT/SIGTERM
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/version"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitLocked      = 3
	ExitInterrupted = 130
)

// ExitError carries an exit code up to Main. Its message (if any) is
// printed once on stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// usageErr returns an error that exits with ExitUsage.
func usageErr(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Globals are the settings and streams shared by every command.
type Globals struct {
	ConfigPath string // --config
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
}

var constructors []func(*Globals) *cobra.Command

// register adds a command constructor; call it from an init function.
func register(c func(*Globals) *cobra.Command) { constructors = append(constructors, c) }

// NewRoot builds the command tree.
func NewRoot(g *Globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "hoard",
		Short: "Export, keep and read back your personal data",
		Long: `hoard fetches your data from services, apps and devices, stores every export as
an immutable timestamped file under ROOT/<source>/, and reads the files back
as one merged history.

Exit codes: 0 success, 1 failure, 2 usage or configuration error,
3 the source is locked by another run, 130/143 interrupted.`,
		Example: `  hoard up                      # first run: write a starter config, export everything
  hoard capture '/exports/rtm/{utcnow}.ical' -c zstd -- ./export-rtm.py
  hoard run firefox             # export one configured source now
  hoard status --json`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(g.Stdin)
	root.SetOut(g.Stdout)
	root.SetErr(g.Stderr)
	root.PersistentFlags().StringVar(&g.ConfigPath, "config", "", "config file (default $HOARD_CONFIG, else $XDG_CONFIG_HOME/hoard/hoard.toml)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	for _, c := range constructors {
		root.AddCommand(c(g))
	}
	return root
}

// Main runs hoard with args and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &Globals{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	root := NewRoot(g)
	root.SetArgs(args)
	ctx, stop := signalContext()
	defer stop()
	err := root.ExecuteContext(ctx)
	var se export.SignalError
	if errors.As(context.Cause(ctx), &se) {
		if err != nil {
			fmt.Fprintln(stderr, "hoard:", err)
		}
		if s, ok := se.Signal.(syscall.Signal); ok {
			return 128 + int(s)
		}
		return ExitInterrupted
	}
	return exitCode(err, stderr)
}

// signalContext returns a context cancelled on SIGINT or SIGTERM, with an
// export.SignalError cause so that exporters forward the same signal to
// their children.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		if s, ok := <-ch; ok {
			cancel(export.SignalError{Signal: s})
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(stderr, "hoard:", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintln(stderr, "hoard:", err)
	if isUsage(err) {
		return ExitUsage
	}
	return ExitFailure
}

// isUsage recognises cobra's own argument errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
