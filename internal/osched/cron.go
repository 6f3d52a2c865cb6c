package osched

import (
	"fmt"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/config"
)

// Markers around hoard's block in the user's crontab.
const (
	CronBegin = "# BEGIN hoard schedule (managed by 'hoard schedule install'; remove with 'hoard schedule uninstall')"
	CronEnd   = "# END hoard schedule"
)

// cronExpr renders a schedule as five crontab fields.
func cronExpr(src *config.Source) (string, error) {
	f, err := cronFields(src.Timing.Spec)
	if err != nil {
		return "", err
	}
	if f.loc != nil && f.loc != time.Local && f.loc.String() != "Local" {
		return "", fmt.Errorf("schedule %q names a time zone, which cron does not support: use --systemd or --daemon", src.Timing.Spec)
	}
	list := func(vals []int) string {
		if vals == nil {
			return "*"
		}
		return joinInts(vals, ",", func(v int) string { return fmt.Sprint(v) })
	}
	return strings.Join([]string{list(f.minute), list(f.hour), list(f.dom), list(f.month), list(f.dow)}, " "), nil
}

// shellQuote quotes one word for /bin/sh; cron also treats % specially.
func shellQuote(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	return strings.ReplaceAll(q, "%", `\%`)
}

func shellLine(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// renderCron renders crontab lines. Per source: `hoard run SOURCE` on its
// schedule (cron has no catch-up and no jitter). For the daemon:
// `hoard daemon --once` every 15 minutes, which runs what is due,
// catching up missed runs and retrying failures.
func renderCron(cfg *config.Config, o Options) (Plan, error) {
	p := Plan{Kind: Cron}
	log := shellQuote(o.CronLog)
	if o.Daemon {
		p.CronLines = []string{"*/15 * * * * " + shellLine(hoardArgs(o, "daemon", "--once")) + " >> " + log + " 2>&1"}
		return p, nil
	}
	srcs, err := timedSources(cfg)
	if err != nil {
		return Plan{}, err
	}
	for _, src := range srcs {
		expr, err := cronExpr(src)
		if err != nil {
			return Plan{}, fmt.Errorf("source %s: %w", src.Name, err)
		}
		p.CronLines = append(p.CronLines, expr+" "+shellLine(hoardArgs(o, "run", src.Name))+" >> "+log+" 2>&1")
	}
	return p, nil
}

// WithBlock returns crontab text with hoard's block replaced by lines (or
// removed when lines is empty), and the lines of the old block that were
// not in remove (the user's own edits inside the block are kept, outside
// it).
func WithBlock(crontab string, lines, remove []string) (string, []string) {
	var out, kept []string
	in := false
	for _, l := range strings.Split(strings.TrimRight(crontab, "\n"), "\n") {
		switch {
		case l == CronBegin:
			in = true
		case l == CronEnd && in:
			in = false
		case in:
			if !contains(remove, l) && strings.TrimSpace(l) != "" {
				kept = append(kept, l)
			}
		case l != "" || len(out) > 0:
			out = append(out, l)
		}
	}
	out = append(out, kept...)
	if len(lines) > 0 {
		out = append(out, CronBegin)
		out = append(out, lines...)
		out = append(out, CronEnd)
	}
	if len(out) == 0 {
		return "", kept
	}
	return strings.Join(out, "\n") + "\n", kept
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
