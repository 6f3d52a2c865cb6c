package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/pathtmpl"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/spf13/cobra"
)

func init() { register(newCaptureCmd) }

type captureOpts struct {
	Template    string
	Command     []string
	Compression string
	Retries     int
	Timeout     time.Duration
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
	f.DurationVar(&o.Timeout, "timeout", 0, "kill the command's process group after this long per attempt (e.g. 10m; 0 = no limit)")
	return cmd
}

// runCapture validates everything, then runs the command.
func runCapture(ctx context.Context, g *Globals, o captureOpts) error {
	if o.Retries < 1 {
		return usageErr("--retries %d: it is the total number of attempts and must be at least 1", o.Retries)
	}
	target, err := newCaptureTarget(o.Template, o.Compression)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	rep := newReporter(g.Stderr, true)
	defer rep.Close()
	r := &export.Runner{Stderr: rep, Observer: rep}
	res := r.Run(ctx, export.Job{
		Source: filepath.Base(target.dir), Exporter: &export.Command{Args: escapeBraces(o.Command)},
		Target: target, Attempts: o.Retries, Timeout: o.Timeout,
	})
	if res.Err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("capture failed after %d attempt(s): %w", res.Attempts, res.Err)}
	}
	return nil
}

// escapeBraces keeps capture's command arguments verbatim: the command
// exporter expands placeholders, capture's arguments have none.
func escapeBraces(args []string) []string {
	r := strings.NewReplacer("{", "{{", "}", "}}")
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// captureTarget names capture's snapshots from a path template.
type captureTarget struct {
	dir     string // the directory, expanded (it must not depend on the time)
	base    string // the file name template
	codec   snapshot.Codec
	vars    map[string]string
	stamped bool // base uses {utcnow}
}

// newCaptureTarget checks the template, the compression and the target
// directory before anything runs.
func newCaptureTarget(tmpl, compression string) (*captureTarget, error) {
	if strings.ContainsRune(tmpl, 0) {
		return nil, errors.New("PATH_TEMPLATE contains a NUL byte")
	}
	host, _ := os.Hostname()
	vars := map[string]string{"utcnow": snapshot.FormatStamp(time.Now()), "hostname": host, "platform": runtime.GOOS}
	for k, v := range vars {
		if v == "" || strings.ContainsAny(v, "/\x00") || v == "." || v == ".." {
			return nil, fmt.Errorf("placeholder {%s} would expand to %q, which is not usable in a path", k, v)
		}
	}
	if strings.HasPrefix(tmpl, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		tmpl = filepath.Join(home, tmpl[2:])
	}
	dirT, baseT := filepath.Split(tmpl)
	if baseT == "" {
		return nil, fmt.Errorf("PATH_TEMPLATE %q names a directory; end it with a file name such as {utcnow}.json", tmpl)
	}
	if pathtmpl.Uses(dirT, "utcnow") {
		return nil, errors.New("{utcnow} must be in the file name, not in a directory of PATH_TEMPLATE")
	}
	dir, err := pathtmpl.Expand(dirT, vars)
	if err != nil {
		return nil, err
	}
	if _, err := pathtmpl.Expand(baseT, vars); err != nil {
		return nil, err
	}
	t := &captureTarget{dir: filepath.Clean(dir), vars: vars, stamped: pathtmpl.Uses(baseT, "utcnow")}
	if t.base, t.codec, err = pickCodec(baseT, compression); err != nil {
		return nil, err
	}
	if t.dir == "" {
		t.dir = "."
	}
	return t, checkWritableDir(t.dir)
}

// pickCodec reconciles -c with the template's suffix.
func pickCodec(base, compression string) (string, snapshot.Codec, error) {
	fromName := snapshot.CodecOf(base)
	if compression == "" {
		if fromName == snapshot.Xz || fromName == snapshot.Bzip2 {
			return "", "", fmt.Errorf("hoard reads but does not write %s; use a .zst or .gz suffix", fromName)
		}
		return base, fromName, nil
	}
	c, err := snapshot.ParseCompression(compression)
	if err != nil {
		return "", "", err
	}
	switch {
	case fromName == c:
		return base, c, nil
	case fromName != snapshot.None:
		return "", "", fmt.Errorf("--compression %s conflicts with the template's suffix (%s)", compression, fromName)
	}
	return base + c.Ext(), c, nil
}

// checkWritableDir creates dir if needed and proves a file can be made in it.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot use target directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".hoard-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in target directory %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Create implements export.Target.
func (t *captureTarget) Create(at time.Time) (*snapshot.Pending, error) {
	vars := map[string]string{}
	for k, v := range t.vars {
		vars[k] = v
	}
	stamp := snapshot.FormatStamp(at)
	namer := func(seq int) string {
		vars["utcnow"] = stamp + snapshot.SeqSuffix(seq)
		name, _ := pathtmpl.Expand(t.base, vars) // checked in newCaptureTarget
		if seq > 0 && !t.stamped {
			name = insertSuffix(name, snapshot.SeqSuffix(seq))
		}
		return name
	}
	return snapshot.Create(t.dir, namer, t.codec)
}

// insertSuffix puts s before the first dot of name ("a.json" -> "a_001.json").
func insertSuffix(name, s string) string {
	if i := strings.IndexByte(name[1:], '.'); i >= 0 {
		return name[:i+1] + s + name[i+1:]
	}
	return name + s
}
