package cli

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/notify"
)

// reporterMode is what progress output shows under -q.
func (g *Globals) reporterMode() reporterMode {
	if g.Quiet {
		return showErrorOnly
	}
	return showAll
}

// dryRunEntry is the --dry-run --json form of one source.
type dryRunEntry struct {
	Source   string  `json:"source"`
	Exporter string  `json:"exporter"`
	SavesTo  string  `json:"saves_to"` // ROOT/<source>/<stamp>.<ext>[.zst]
	Schedule string  `json:"schedule,omitempty"`
	Secrets  string  `json:"secrets,omitempty"`
	Attempts int     `json:"attempts"`
	Timeout  float64 `json:"timeout_seconds"`
	Notify   bool    `json:"notify"`
}

// printDryRun says what `hoard run` would do for names (their exporters
// and secrets already checked), and runs nothing.
func printDryRun(g *Globals, a *app.App, names []string, asJSON bool) error {
	entries := make([]dryRunEntry, 0, len(names))
	for _, name := range names {
		src := a.Config.Sources[name]
		ext := a.Extension(name)
		if ext != "" {
			ext = "." + ext
		}
		entries = append(entries, dryRunEntry{
			Source: name, Exporter: src.Exporter,
			SavesTo:  filepath.Join(a.Config.Root, name, "<YYYYMMDDTHHMMSSZ>"+ext+src.Compression.Ext()),
			Schedule: src.Timing.Spec.String(), Secrets: src.Secrets,
			Attempts: src.Retries, Timeout: src.AttemptTimeout().Seconds(),
			Notify: len(a.Config.NotifyCommand(src)) > 0,
		})
	}
	if asJSON {
		enc := json.NewEncoder(g.Stdout)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tEXPORTER\tSAVES TO\tATTEMPTS\tTIMEOUT\tSECRETS")
	for _, e := range entries {
		secrets := "-"
		if e.Secrets != "" {
			secrets = e.Secrets + " (ok)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", e.Source, e.Exporter, e.SavesTo, e.Attempts, time.Duration(e.Timeout*float64(time.Second)), secrets)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !g.Quiet {
		fmt.Fprintf(g.Stderr, "Dry run: the config and secrets of %d source(s) are valid; nothing was run.\n", len(entries))
	}
	return nil
}

// notifyRuns tells each source's notify command (if any) about the
// sources just run, as the daemon does: a message when a source starts
// failing, goes stale or recovers, judged from the journal by the
// daemon's rules, with the daemon's notification state, so that a change
// is notified once whichever of them sees it first. Gaps are not checked
// here (that reads every snapshot): a source keeps its at-risk state.
func notifyRuns(a *app.App, names []string, log *slog.Logger) {
	any := false
	for _, n := range names {
		any = any || len(a.Config.NotifyCommand(a.Config.Sources[n])) > 0
	}
	if !any {
		return
	}
	entries, _, err := (&journal.Journal{Path: a.Layout.Journal()}).ReadAll()
	if err != nil {
		log.Error("notifications not sent: reading the journal failed", "error", err)
		return
	}
	records := health.FromJournal(entries)
	notifier := notify.Open(a.Layout.NotifyState(), log)
	defer notifier.Close() // waits for the commands to finish
	policy := health.Policy{FailingAfter: a.Config.Daemon.FailingAfter}
	now := time.Now()
	for _, name := range names {
		src := a.Config.Sources[name]
		rec := records[name]
		st := policy.Evaluate(rec, src.Timing.Spec.Interval(), -1, now)
		msg := notify.Message{Source: name, Problems: st.Problems(), Time: now.UTC(),
			Failures: rec.Failures, LastError: rec.LastError, Unknown: []string{health.AtRisk}}
		if t := rec.LastSuccess; !t.IsZero() {
			msg.LastSuccess = &t
		}
		if t := rec.LastAttempt; !t.IsZero() {
			msg.LastAttempt = &t
		}
		notifier.Update(a.Config.NotifyCommand(src), msg)
	}
}
