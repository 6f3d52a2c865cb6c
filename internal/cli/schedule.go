package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/hoard-dev/hoard/internal/osched"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/spf13/cobra"
)

type scheduleOpts struct {
	Kind     string // osched.Systemd, Cron or Launchd; "" picks one
	Daemon   bool
	Print    bool
	NoEnable bool
}

func newScheduleCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Install or remove OS scheduler entries (systemd, cron, launchd) that run hoard",
		Long: `For people who prefer their OS scheduler to 'hoard daemon': install writes
user-level systemd service and timer units (Persistent=true: runs missed while
the machine was off are caught up), crontab lines, or launchd agents, one per
source on the source's schedule, or one for the daemon (--daemon).
systemd timers count seconds ("every 2s"); cron's smallest unit is the
minute. A per-source systemd service that fails without hoard reporting it
(killed, timed out, a configuration error) is recorded in the journal and
notified through OnFailure=.
uninstall removes exactly what install wrote (a manifest is kept in the state
directory); a file edited since is left in place, with a warning.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newScheduleInstallCmd(g), newScheduleUninstallCmd(g), newScheduleFailedCmd(g))
	return cmd
}

func newScheduleInstallCmd(g *Globals) *cobra.Command {
	var o scheduleOpts
	var systemd, cron, launchd bool
	cmd := &cobra.Command{
		Use:   "install [--systemd|--cron|--launchd] [--daemon] [--print]",
		Short: "Write OS scheduler entries that run each source on its schedule (or the daemon)",
		Long: `Writes the entries and activates them (systemctl --user enable --now, or
launchctl load). Without a flag, systemd is used where systemctl exists, launchd
on macOS, cron elsewhere. Installing again replaces the previous install.

Per-source entries run 'hoard run SOURCE' on the source's schedule; sources that
use when_present need the daemon (--daemon). With --cron --daemon, the line runs
'hoard daemon --once' every 15 minutes, which catches up and retries.`,
		Example: `  hoard schedule install --print            # show what would be installed
  hoard schedule install --systemd
  hoard schedule install --systemd --daemon   # one service running hoard daemon
  hoard schedule install --cron`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 0
			for _, k := range []struct {
				on   bool
				kind string
			}{{systemd, osched.Systemd}, {cron, osched.Cron}, {launchd, osched.Launchd}} {
				if k.on {
					o.Kind = k.kind
					n++
				}
			}
			if n > 1 {
				return usageErr("choose one of --systemd, --cron, --launchd")
			}
			return runScheduleInstall(g, o)
		},
	}
	cmd.Flags().BoolVar(&systemd, "systemd", false, "user-level systemd service and timer units")
	cmd.Flags().BoolVar(&cron, "cron", false, "lines in your crontab")
	cmd.Flags().BoolVar(&launchd, "launchd", false, "launchd agents (macOS)")
	cmd.Flags().BoolVar(&o.Daemon, "daemon", false, "one entry that runs hoard daemon instead of one per source")
	cmd.Flags().BoolVar(&o.Print, "print", false, "print the entries instead of installing them")
	cmd.Flags().BoolVar(&o.NoEnable, "no-enable", false, "write the files but do not run systemctl/launchctl")
	return cmd
}

func newScheduleUninstallCmd(g *Globals) *cobra.Command {
	var noEnable bool
	cmd := &cobra.Command{
		Use:     "uninstall",
		Aliases: []string{"remove", "rm"},
		Short:   "Remove exactly the entries that 'hoard schedule install' wrote",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScheduleUninstall(g, noEnable)
		},
	}
	cmd.Flags().BoolVar(&noEnable, "no-enable", false, "do not run systemctl/launchctl to deactivate")
	return cmd
}

func runScheduleInstall(g *Globals, o scheduleOpts) error {
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	cfg := a.Config
	opt, err := schedulerOptions(g, o)
	if err != nil {
		return err
	}
	plan, err := osched.Render(cfg, opt)
	if err != nil {
		return usageErr("%v", err)
	}
	if o.Print {
		printPlan(g, plan)
		return nil
	}
	layout, err := g.layout()
	if err != nil {
		return err
	}
	in := &osched.Installer{Manifest: layout.ScheduleManifest(), Exec: execWithStdin, Activate: !o.NoEnable}
	warnings, err := in.Install(plan, o.Daemon)
	printScheduleWarnings(g, warnings)
	if err != nil {
		return err
	}
	for _, f := range plan.Files {
		fmt.Fprintf(g.Stderr, "Installed %s\n", f.Path)
	}
	if len(plan.CronLines) > 0 {
		fmt.Fprintf(g.Stderr, "Installed %d line(s) in your crontab.\n", len(plan.CronLines))
	}
	fmt.Fprintln(g.Stderr, "Remove with: hoard schedule uninstall")
	return nil
}

func runScheduleUninstall(g *Globals, noEnable bool) error {
	layout, err := g.layout()
	if err != nil {
		return err
	}
	in := &osched.Installer{Manifest: layout.ScheduleManifest(), Exec: execWithStdin, Activate: !noEnable}
	m, err := in.Installed()
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	warnings, err := in.Uninstall()
	printScheduleWarnings(g, warnings)
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		fmt.Fprintf(g.Stderr, "Removed %s\n", f.Path)
	}
	if len(m.CronLines) > 0 {
		fmt.Fprintf(g.Stderr, "Removed %d line(s) from your crontab.\n", len(m.CronLines))
	}
	return nil
}

// schedulerOptions fills the paths an install needs.
func schedulerOptions(g *Globals, o scheduleOpts) (osched.Options, error) {
	var opt osched.Options
	home, err := paths.Home()
	if err != nil {
		return opt, err
	}
	layout, err := g.layout()
	if err != nil {
		return opt, err
	}
	cfgPath, err := g.configPath()
	if err != nil {
		return opt, err
	}
	bin, err := hoardExecutable()
	if err != nil && !o.Print {
		return opt, err
	}
	opt = osched.Options{Kind: o.Kind, Daemon: o.Daemon, Hoard: bin, Config: cfgPath, Home: home, CronLog: layout.CronLog()}
	if opt.Kind == "" {
		opt.Kind = defaultScheduler()
	}
	switch opt.Kind {
	case osched.Systemd:
		cfgHome := os.Getenv("XDG_CONFIG_HOME")
		if !filepath.IsAbs(cfgHome) {
			cfgHome = filepath.Join(home, ".config")
		}
		opt.Dir = filepath.Join(cfgHome, "systemd", "user")
	case osched.Launchd:
		opt.Dir = filepath.Join(home, "Library", "LaunchAgents")
	}
	return opt, nil
}

func defaultScheduler() string {
	if runtime.GOOS == "darwin" {
		return osched.Launchd
	}
	if _, err := exec.LookPath("systemctl"); err == nil {
		return osched.Systemd
	}
	return osched.Cron
}

// hoardExecutable returns this binary's path, refusing a temporary one
// (go run) that would vanish.
func hoardExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", err
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return exe, usageErr("hoard is running from a temporary build (%s, from 'go run'); install it first (go install ./cmd/hoard) and run the installed binary", exe)
	}
	return exe, nil
}

func printPlan(g *Globals, p osched.Plan) {
	for _, f := range p.Files {
		fmt.Fprintf(g.Stdout, "# ---- %s\n%s\n", f.Path, f.Content)
	}
	if len(p.CronLines) > 0 {
		fmt.Fprintf(g.Stdout, "%s\n%s\n%s\n", osched.CronBegin, strings.Join(p.CronLines, "\n"), osched.CronEnd)
	}
	for _, c := range p.Enable {
		fmt.Fprintf(g.Stdout, "# then: %s\n", strings.Join(c, " "))
	}
}

func printScheduleWarnings(g *Globals, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(g.Stderr, "hoard: warning:", w)
	}
}

// execWithStdin runs argv with stdin and returns its combined output.
func execWithStdin(argv []string, stdin string) (string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
