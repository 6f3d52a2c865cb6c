package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/notify"
	"github.com/spf13/cobra"
)

// newScheduleFailedCmd is what the per-source systemd services run through
// OnFailure= (hoard-failed@SOURCE.service): hidden, not for people.
func newScheduleFailedCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:    "failed SOURCE",
		Short:  "Record and report a scheduled run of SOURCE that failed (run by systemd's OnFailure=)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScheduleFailed(cmd.Context(), g, args[0], os.Getenv)
		},
	}
}

// selfReported are the exit statuses of a 'hoard run' that recorded its
// run in the journal (and notified) itself: a failure, a locked source,
// an interruption.
var selfReported = []string{"1", "3", "130", "143"}

// runScheduleFailed handles the failure of the systemd unit of source.
// systemd (251 and newer) tells how the unit failed in MONITOR_* variables.
// A 'hoard run' that exited with a failure already recorded it and
// notified; any other end (killed, timed out, out of memory, a
// configuration error that stopped it before anything ran) is recorded
// in the journal here, so that 'hoard status' shows it and the source's
// failures count, and notified by the daemon's rules.
func runScheduleFailed(ctx context.Context, g *Globals, source string, getenv func(string) string) error {
	result, code, status := getenv("MONITOR_SERVICE_RESULT"), getenv("MONITOR_EXIT_CODE"), getenv("MONITOR_EXIT_STATUS")
	unit := getenv("MONITOR_UNIT")
	if unit == "" {
		unit = "hoard-" + source + ".service"
	}
	if result == "exit-code" && code == "exited" && slices.Contains(selfReported, status) {
		fmt.Fprintf(g.Stderr, "%s: the run recorded its failure itself (exit status %s)\n", source, status)
		return nil
	}
	why := unitFailure(result, code, status)
	entry := journal.Entry{Source: source, Start: time.Now().UTC(), End: time.Now().UTC(), Outcome: journal.Failed,
		Error: fmt.Sprintf("the scheduled run (%s) %s; see: journalctl --user -u %s", unit, why, unit)}
	if result == "timeout" {
		entry.Outcome = journal.TimedOut
	}
	fmt.Fprintf(g.Stderr, "%s: %s\n", source, entry.Error)
	a, loadErr := g.loadApp()
	layout, err := g.layout()
	if err != nil {
		return err
	}
	if err := (&journal.Journal{Path: layout.Journal()}).Append(entry); err != nil {
		return fmt.Errorf("recording the failure in the journal: %w", err)
	}
	log, err := g.newLogger(g.Stderr, logText, nil)
	if err != nil {
		return err
	}
	if loadErr == nil {
		if a.Config.Sources[source] == nil {
			return usageErr("no source %q in %s", source, a.Config.Path)
		}
		notifyRuns(a, []string{source}, log)
		return nil
	}
	// The config does not load (the failure may be that very mistake): the
	// notify command is read as leniently as possible.
	argv := lenientNotify(g, source)
	if len(argv) == 0 {
		return nil
	}
	entries, _, err := (&journal.Journal{Path: layout.Journal()}).ReadAll()
	if err != nil {
		return err
	}
	rec := health.FromJournal(entries)[source]
	st := health.Policy{FailingAfter: config.DaemonDefaults.FailingAfter}.Evaluate(rec, 0, -1, time.Now())
	n := notify.Open(layout.NotifyState(), log)
	defer n.Close()
	n.Update(argv, notify.Message{Source: source, Problems: st.Problems(), Time: time.Now().UTC(),
		Failures: rec.Failures, LastError: rec.LastError, Unknown: []string{health.AtRisk, health.Stale}})
	return nil
}

// unitFailure says how a unit failed, from systemd's MONITOR_* variables.
func unitFailure(result, code, status string) string {
	switch result {
	case "exit-code":
		if status == "2" {
			return "stopped before running anything: a configuration error (exit status 2)"
		}
		return "exited with status " + status
	case "signal":
		return "was killed by signal " + status
	case "core-dump":
		return "crashed (signal " + status + ", core dumped)"
	case "timeout":
		return "timed out: systemd stopped it"
	case "oom-kill":
		return "was killed: out of memory"
	case "watchdog":
		return "was stopped by systemd's watchdog"
	case "":
		return "failed (systemd did not say how: the MONITOR_* variables need systemd 251 or newer)"
	}
	return "failed (" + result + ")"
}

// lenientNotify reads the notify command of source from a config that
// does not load: the source's own notify, else the top-level one.
func lenientNotify(g *Globals, source string) []string {
	path, err := g.configPath()
	if err != nil {
		return nil
	}
	var shape struct {
		Notify  []string `toml:"notify"`
		Sources map[string]struct {
			Notify []string `toml:"notify"`
		} `toml:"sources"`
	}
	if _, err := toml.DecodeFile(path, &shape); err != nil {
		return nil
	}
	if n := shape.Sources[source].Notify; len(n) > 0 {
		return n
	}
	return shape.Notify
}
