package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/exporter/command"
	"github.com/hoard-dev/hoard/internal/pathtmpl"
	"github.com/spf13/cobra"
)

type captureOpts struct {
	Template    string
	Command     []string
	Compression string
	Retries     int
	Timeout     time.Duration
	// AllowUndated accepts a template without {utcnow}, whose files
	// hoard's reader cannot date.
	AllowUndated bool
}

func newCaptureCmd(g *Globals) *cobra.Command {
	var o captureOpts
	cmd := &cobra.Command{
		Use:   "capture PATH_TEMPLATE [flags] -- COMMAND [ARGS...]",
		Short: "Run a command and save its output as a snapshot (a drop-in for arctee)",
		Long: `Runs COMMAND (no shell; arguments after -- reach it verbatim) and streams its
standard output, compressed on the fly, into a new file named by PATH_TEMPLATE.
Its standard error passes through live. The file appears under its final name
only when the command succeeded, after fsync: a failed, killed or interrupted
attempt leaves nothing behind. An existing file is never overwritten; a second
snapshot in the same second gets a _001 suffix.

Placeholders in PATH_TEMPLATE:
  {utcnow}    the start time, UTC, as 20200102T170015Z
  {hostname}  this machine's host name
  {platform}  the operating system, e.g. linux
  {{ and }}   literal braces

The file name must hold {utcnow}: hoard (like arctee's readers) dates each
snapshot by the stamp in its name, and merges them in that order. A fixed
name (out.json, then out_001.json, ...) is refused unless --allow-undated
is given; hoard status and hoard doctor then list those files as undatable.

Compression is taken from -c, else from the template's suffix (.zst, .gz);
with -c and no suffix, the suffix is added.

Exit codes: 0 saved, 1 the command failed on every attempt, 2 usage error
(nothing was run), 130/143 interrupted.`,
		Example: `  hoard capture '/exports/rtm/{utcnow}.ical' -c zstd -r 3 -- ./rememberthemilk.py --secrets secrets.py
  hoard capture '~/exports/github-{hostname}/{utcnow}.json.gz' -- gh api /user/starred --paginate`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash != 1 || len(args) < 2 {
				return usageErr("usage: hoard capture PATH_TEMPLATE [flags] -- COMMAND [ARGS...]")
			}
			o.Template, o.Command = args[0], args[1:]
			return runCapture(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Compression, "compression", "c", "", "zstd, gzip or none (default: from the template's suffix, else none)")
	f.IntVarP(&o.Retries, "retries", "r", 1, "total attempts (1 = no retry); backoff 1s, 2s, 4s ... up to 60s")
	cmd.RegisterFlagCompletionFunc("compression", fixedCompletions("zstd", "gzip", "none"))
	f.Var(duration.Value{D: &o.Timeout}, "timeout", "kill the command's process group after this long per attempt (e.g. 10m, 2h; 0 = no limit)")
	f.BoolVar(&o.AllowUndated, "allow-undated", false, "accept a PATH_TEMPLATE without {utcnow} (its files cannot be dated when read back)")
	return cmd
}

// runCapture validates everything, then runs the command.
func runCapture(ctx context.Context, g *Globals, o captureOpts) error {
	if o.Retries < 1 {
		return usageErr("--retries %d: it is the total number of attempts and must be at least 1", o.Retries)
	}
	if !o.AllowUndated && !pathtmpl.Uses(o.Template, "utcnow") {
		return usageErr("PATH_TEMPLATE %q has no {utcnow}: hoard dates snapshots by the stamp in their name, so these files could not be dated or merged in order when read back.\n"+
			"  Put {utcnow} in the file name (e.g. '%s'), or pass --allow-undated to keep the name as it is.", o.Template, suggestStamped(o.Template))
	}
	target, err := app.NewCaptureTarget(o.Template, o.Compression)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	mode := showOnTTY
	if g.Quiet {
		mode = showErrorOnly
	}
	rep := newReporter(g.Stderr, mode)
	defer rep.Close()
	r := &export.Runner{Stderr: rep, Observer: rep}
	res := r.Run(ctx, export.Job{
		Source: filepath.Base(target.Dir()), Exporter: &command.Command{Args: app.EscapeBraces(o.Command)},
		Target: target, Attempts: o.Retries, Timeout: o.Timeout,
	})
	if res.Err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("capture failed after %d attempt(s): %w", res.Attempts, res.Err)}
	}
	return nil
}

// suggestStamped puts {utcnow} into a template's file name: out.json
// becomes out-{utcnow}.json.
func suggestStamped(tmpl string) string {
	dir, base := filepath.Split(tmpl)
	if base == "" {
		return tmpl + "{utcnow}.json"
	}
	name, ext, _ := strings.Cut(base, ".")
	if ext != "" {
		ext = "." + ext
	}
	if name == "" {
		return dir + "{utcnow}" + ext
	}
	return dir + name + "-{utcnow}" + ext
}
