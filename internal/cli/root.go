// Package cli holds hoard's commands, one file each: a constructor that
// wires flags (listed in NewRoot) and a plain runX function that tests
// call directly. The work itself is done by package app; a command only
// parses flags, formats output and chooses the exit code.
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
	"syscall"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/suggest"
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
	Verbose    bool   // -v: debug logs (every HTTP request, ...)
	Quiet      bool   // -q: failures only
	UTC        bool   // --utc: times in tables in UTC instead of local time
	// Location, when set, is the time zone of tables (tests); else the
	// local zone ($TZ, /etc/localtime), or UTC with --utc.
	Location *time.Location
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
}

// location is the time zone tables show times in.
func (g *Globals) location() *time.Location {
	switch {
	case g.UTC:
		return time.UTC
	case g.Location != nil:
		return g.Location
	}
	return time.Local
}

// commands are hoard's subcommands, in the order of `hoard --help`.
var commands = []func(*Globals) *cobra.Command{
	newUpCmd, newInitCmd, newRunCmd, newStatusCmd, newItemsCmd, newQueryCmd, newDoctorCmd,
	newSourcesCmd, newAuthCmd, newCaptureCmd, newImportCmd, newDaemonCmd, newScheduleCmd, newExportSQLiteCmd, newServeCmd, newManCmd,
}

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
		Version:       version.Info().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(g.Stdin)
	root.SetOut(g.Stdout)
	root.SetErr(g.Stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.ConfigPath, "config", "", "config file (default $HOARD_CONFIG, else $XDG_CONFIG_HOME/hoard/hoard.toml)")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "say more: debug logs, such as every HTTP request")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "say less: no progress or success lines, only failures")
	pf.BoolVar(&g.UTC, "utc", false, "show times in UTC instead of the local time zone")
	// --version without a shorthand: -v is --verbose, as in restic and rclone.
	root.Flags().Bool("version", false, "print the version and the commit hoard was built from")
	root.SetVersionTemplate("hoard version {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath())}
	})
	for _, c := range commands {
		root.AddCommand(c(g))
	}
	typeUsageErrors(root)
	return root
}

// typeUsageErrors makes every argument error of the tree an ExitUsage
// error: each command's Args check is wrapped, and a command with
// subcommands refuses an unknown one (with a suggestion) instead of
// falling back to cobra's untyped error or to its help.
func typeUsageErrors(c *cobra.Command) {
	if c.HasSubCommands() {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, append([]string{sub.Name()}, sub.Aliases...)...)
				}
			}
			hint := suggest.Hint(args[0], names)
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("unknown command %q for %q%s\nRun '%s --help' for usage", args[0], cmd.CommandPath(), hint, cmd.CommandPath())}
		}
		if c.RunE == nil && c.Run == nil {
			c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		}
	} else if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w\nRun '%s --help' for usage", err, cmd.CommandPath())}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		typeUsageErrors(sub)
	}
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
	var ce *app.ConfigError
	var ue *app.UsageError
	if errors.As(err, &ce) || errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitFailure
}
