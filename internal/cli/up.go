package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/web"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type upOpts struct {
	Root   string // exports root for a newly written config
	Once   bool   // one pass, then exit
	Daemon daemonOpts
	Web    webOpts // the web app served while up keeps running
	NoWeb  bool
}

func newUpCmd(g *Globals) *cobra.Command {
	var o upOpts
	cmd := &cobra.Command{
		Use:   "up",
		Short: "The main command: make a config if there is none, export every source, keep them current",
		Long: `On first use, writes a starter config with the local sources found on this
machine (saying where). Then exports every configured source, prints the
status table, and keeps running as 'hoard daemon' does: each source runs on
its schedule, missed runs are caught up, failures retried and reported.
Ctrl-C stops it (running exports get daemon.grace to finish). While it
runs it also serves the web app, as 'hoard serve' does (on 127.0.0.1:8383
unless --web or web.listen says otherwise; --no-web to not serve it), and
prints its address.

With --once, or when standard input is not a terminal (a script, CI), it
exits after the first pass, with the exit code of 'hoard run'. To keep
sources current unattended, use 'hoard daemon' or 'hoard schedule install'.`,
		Example: `  hoard up
  hoard up --once
  hoard up --config ./hoard.toml --listen 127.0.0.1:9780
  hoard up --web 127.0.0.1:9000
  hoard up --no-web`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUp(cmd.Context(), g, o)
		},
	}
	cmd.Flags().StringVar(&o.Root, "root", "~/exports", "exports root for a newly written config")
	cmd.Flags().BoolVar(&o.Once, "once", false, "export every source once, print the status and exit")
	o.Daemon.addFlags(cmd, logAuto)
	o.Web.addFlags(cmd, "web")
	cmd.Flags().BoolVar(&o.NoWeb, "no-web", false, "do not serve the web app")
	return cmd
}

func runUp(ctx context.Context, g *Globals, o upOpts) error {
	path, err := g.configPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(g.Stderr, "No config yet: writing a starter config.\n")
		if _, err := runInit(g, initOpts{Root: o.Root}); err != nil {
			return err
		}
	}
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	if len(a.Config.Order) == 0 {
		fmt.Fprintf(g.Stderr, "Nothing to export yet: %s configures no source.\n", a.Config.Path)
		printNextSteps(g.Stderr, a.Config.Path, false)
		return nil
	}
	if !o.Once && !readerIsTerminal(g.Stdin) {
		fmt.Fprintln(g.Stderr, "Standard input is not a terminal: exporting once and exiting (use 'hoard daemon' to keep running unattended, --once to silence this).")
		o.Once = true
	}
	if !o.Once {
		layout, err := g.layout()
		if err != nil {
			return err
		}
		running, err := daemonRunning(layout)
		if err != nil {
			return err
		}
		if running {
			fmt.Fprintln(g.Stderr, "A hoard daemon is already running and keeps the sources current: exporting once and exiting.")
			o.Once = true
		}
	}
	if o.Once {
		return upOnce(ctx, g, path, o.Daemon.LogFormat)
	}
	o.Daemon.RunAll = true
	webURL := ""
	if !o.NoWeb {
		url, stop := serveForUp(ctx, g, o.Web)
		defer stop()
		webURL = url
	}
	o.Daemon.OnPass = func() {
		fmt.Fprintln(g.Stdout)
		if err := runStatus(ctx, g, statusOpts{}); err != nil {
			fmt.Fprintln(g.Stderr, "hoard: status:", err)
		}
		printNextSteps(g.Stdout, path, true)
		fmt.Fprintln(g.Stdout, "\nhoard keeps running and exports each source on its schedule. Ctrl-C to stop.")
		if webURL != "" {
			fmt.Fprintf(g.Stdout, "The web app is at %s\n", webURL)
		}
	}
	return runDaemon(ctx, g, o.Daemon)
}

// serveForUp starts the web app beside the daemon and prints its
// address. A web app that cannot start is a warning, not a failure: the
// exports matter more. The returned function stops it.
func serveForUp(ctx context.Context, g *Globals, o webOpts) (string, func()) {
	a, err := g.loadApp()
	if err != nil {
		return "", func() {} // the daemon reports the config's mistakes
	}
	srv, ln, err := startWeb(g, a, o)
	if err != nil {
		fmt.Fprintf(g.Stderr, "hoard: warning: the web app is not served: %v\n", err)
		return "", func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := web.Serve(wctx, ln, srv); err != nil {
			fmt.Fprintf(g.Stderr, "hoard: the web app stopped: %v\n", err)
		}
	}()
	fmt.Fprintf(g.Stderr, "Serving the web app (read-only) at %s\n", srv.BaseURL())
	printLogin(g, srv)
	return srv.BaseURL() + "/", func() { cancel(); <-done }
}

// upOnce exports every source once, one after another, then prints the
// status table.
func upOnce(ctx context.Context, g *Globals, path, logFormat string) error {
	runErr := runRun(ctx, g, runOpts{LogFormat: logFormat})
	var ee *ExitError
	if runErr != nil && !(errors.As(runErr, &ee) && (ee.Code == ExitFailure || ee.Code == ExitLocked)) {
		return runErr // configuration errors: the status table would not help
	}
	fmt.Fprintln(g.Stdout)
	if err := runStatus(ctx, g, statusOpts{}); err != nil {
		return err
	}
	printNextSteps(g.Stdout, path, true)
	return runErr
}

// printNextSteps tells a newcomer what to do after 'hoard up': read what
// was saved, see what else hoard can export, add it. (The web app, where
// it is served, adds its address here.)
func printNextSteps(w io.Writer, config string, exported bool) {
	fmt.Fprintln(w, "\nWhat next:")
	if exported {
		fmt.Fprintln(w, "  hoard query --within 1w    what was saved from the last week (--search WORDS, --format table)")
	} else {
		fmt.Fprintln(w, "  hoard query --within 1w    once sources are configured: what was saved from the last week")
	}
	fmt.Fprintln(w, "  hoard sources              every built-in source: web APIs, takeouts, devices, and what each needs")
	fmt.Fprintf(w, "  hoard init --add NAME      add one of them to %s\n", config)
	fmt.Fprintf(w, "Documentation: %sdocs/guide.md\n", app.DocsURL)
}

// readerIsTerminal reports whether r is a terminal.
func readerIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
