package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hoard-dev/hoard/internal/journal"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/spf13/cobra"
)

func init() { register(newStatusCmd) }

type statusOpts struct {
	Root string
	JSON bool
}

func newStatusCmd(g *Globals) *cobra.Command {
	var o statusOpts
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each source's last run, last success, snapshots and their age",
		Long: `Reports, per source: the last attempt and its outcome, the last success, how
many snapshots exist, their total size and the age of the newest one.

Sources come from the config and from the directories found in the exports
root, so an archive made by arctee (with no journal at all) is reported from
its files. --root reads any exports directory without a config.`,
		Example: `  hoard status
  hoard status --json | jq '.[] | select(.outcome != "ok")'
  hoard status --root /mnt/backup/exports`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(g, o)
		},
	}
	cmd.Flags().StringVar(&o.Root, "root", "", "read this exports root instead of the config's")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON on stdout")
	return cmd
}

// sourceStatus is one row of status.
type sourceStatus struct {
	Source      string     `json:"source"`
	Configured  bool       `json:"configured"`
	LastAttempt *time.Time `json:"last_attempt,omitempty"`
	Outcome     string     `json:"outcome,omitempty"` // of the last attempt
	LastSuccess *time.Time `json:"last_success,omitempty"`
	Failures    int        `json:"consecutive_failures"`
	LastError   string     `json:"last_error,omitempty"`
	Snapshots   int        `json:"snapshots"`
	Bytes       int64      `json:"bytes"`
	Newest      *time.Time `json:"newest_snapshot,omitempty"`
	Undatable   []string   `json:"undatable_files,omitempty"`
}

func runStatus(g *Globals, o statusOpts) error {
	root, configured, err := statusRoot(g, o.Root)
	if err != nil {
		return err
	}
	rows, err := collectStatus(root, configured)
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(g.Stderr, "No sources yet: nothing configured and no directories in %s.\n", root)
		return nil
	}
	return printStatus(g.Stdout, rows, time.Now())
}

// statusRoot picks the root: --root, else the config's.
func statusRoot(g *Globals, root string) (string, []string, error) {
	if root != "" {
		abs, err := paths.Expand(root)
		return abs, nil, err
	}
	cfg, err := g.loadConfig()
	if err != nil {
		var ee *ExitError
		if errors.As(err, &ee) && errors.Is(ee.Err, errNoConfig) {
			ee.Err = fmt.Errorf("%w\n  To report on an existing exports directory without a config: hoard status --root DIR", ee.Err)
		}
		return "", nil, err
	}
	return cfg.Root, cfg.Order, nil
}

// collectStatus merges the journal and the files of every source.
func collectStatus(root string, configured []string) ([]sourceStatus, error) {
	store := snapshot.New(root)
	onDisk, err := store.Sources()
	if err != nil {
		return nil, err
	}
	var summaries map[string]*journal.Summary
	if state, err := paths.StateDir(); err == nil {
		entries, _, _ := journal.Open(state).ReadAll()
		summaries = journal.Summarize(entries)
	}
	isConf := map[string]bool{}
	names := append([]string(nil), configured...)
	for _, n := range configured {
		isConf[n] = true
	}
	extra := []string{}
	for _, n := range onDisk {
		if !isConf[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	rows := make([]sourceStatus, 0, len(names))
	for _, n := range names {
		row := sourceStatus{Source: n, Configured: isConf[n]}
		if err := row.fromFiles(store); err != nil {
			return nil, err
		}
		row.fromJournal(summaries[n])
		rows = append(rows, row)
	}
	return rows, nil
}

func (r *sourceStatus) fromFiles(store *snapshot.Store) error {
	l, err := store.List(r.Source)
	if err != nil {
		return err
	}
	r.Snapshots = len(l.Snapshots)
	for _, s := range l.Snapshots {
		r.Bytes += s.Size
	}
	if n := len(l.Snapshots); n > 0 {
		t := l.Snapshots[n-1].Time
		r.Newest = &t
	}
	for _, u := range l.Undatable {
		r.Undatable = append(r.Undatable, u.Path)
	}
	return nil
}

func (r *sourceStatus) fromJournal(s *journal.Summary) {
	if s == nil {
		return
	}
	if e := s.LastAttempt; e != nil {
		t := e.End
		r.LastAttempt, r.Outcome, r.LastError = &t, e.Outcome, e.Error
	}
	if e := s.LastSuccess; e != nil {
		t := e.End
		r.LastSuccess = &t
	}
	r.Failures = s.Failures
}

func printStatus(w io.Writer, rows []sourceStatus, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tLAST ATTEMPT\tOUTCOME\tLAST SUCCESS\tSNAPSHOTS\tSIZE\tNEWEST")
	for _, r := range rows {
		outcome := r.Outcome
		if outcome == "" {
			outcome = "-"
		}
		if r.Failures > 1 {
			outcome = fmt.Sprintf("%s (%dx)", outcome, r.Failures)
		}
		name := r.Source
		if !r.Configured {
			name += " (not configured)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", name, ago(r.LastAttempt, now), outcome,
			ago(r.LastSuccess, now), r.Snapshots, humanBytes(r.Bytes), ago(r.Newest, now))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.LastError != "" && r.Outcome != journal.OK {
			fmt.Fprintf(w, "%s: last error: %s\n", r.Source, firstLine(r.LastError))
		}
		if len(r.Undatable) > 0 {
			fmt.Fprintf(w, "%s: %d file(s) without a date in their name, not counted: %s\n", r.Source, len(r.Undatable), strings.Join(r.Undatable, ", "))
		}
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// ago renders a time as "3h ago" (or "-").
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
