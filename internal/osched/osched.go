// Package osched renders hoard's schedules for the operating system's own
// schedulers, for people who prefer them to `hoard daemon`: user-level
// systemd service and timer units (Persistent=true, so missed runs are
// caught up), crontab lines, and launchd property lists. Either one unit
// per source (running `hoard run SOURCE` on the source's schedule) or one
// for the daemon.
//
// It only renders text; installing, the manifest and uninstalling are in
// install.go.
package osched

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/schedule"
	"github.com/robfig/cron/v3"
)

// Kinds of scheduler.
const (
	Systemd = "systemd"
	Cron    = "cron"
	Launchd = "launchd"
)

// Options say what to render.
type Options struct {
	Kind   string // Systemd, Cron or Launchd
	Daemon bool   // one unit for `hoard daemon` instead of one per source
	Hoard  string // absolute path of the hoard binary
	Config string // absolute path of the config file
	Home   string // the user's home directory
	// Dir is where unit files go: for systemd $XDG_CONFIG_HOME/systemd/user,
	// for launchd ~/Library/LaunchAgents; unused for cron.
	Dir     string
	CronLog string // where cron entries append their output (paths.Layout.CronLog)
}

// File is one file to install.
type File struct {
	Path    string
	Content string
}

// Plan is what an install writes and runs.
type Plan struct {
	Kind      string
	Files     []File
	CronLines []string   // lines of hoard's block in the user's crontab
	Enable    [][]string // commands that activate the files
	Disable   [][]string // commands that deactivate them before removal
}

// Render renders the plan for cfg.
func Render(cfg *config.Config, o Options) (Plan, error) {
	switch o.Kind {
	case Systemd:
		return renderSystemd(cfg, o)
	case Cron:
		return renderCron(cfg, o)
	case Launchd:
		return renderLaunchd(cfg, o)
	}
	return Plan{}, fmt.Errorf("unknown scheduler %q (systemd, cron or launchd)", o.Kind)
}

// timedSources returns the sources with a schedule, and an error naming
// those that have none (when_present ones need the daemon).
func timedSources(cfg *config.Config) ([]*config.Source, error) {
	var out []*config.Source
	var untimed []string
	for _, name := range cfg.Order {
		src := cfg.Sources[name]
		if src.Timing.Spec.IsZero() {
			untimed = append(untimed, name)
			continue
		}
		out = append(out, src)
	}
	if len(untimed) > 0 {
		return nil, fmt.Errorf("source(s) %s run only when a path appears (when_present), which only 'hoard daemon' watches: use --daemon", strings.Join(untimed, ", "))
	}
	if len(out) == 0 {
		return nil, errors.New("no sources are configured")
	}
	return out, nil
}

// fields is a cron schedule's fields as value lists; nil means "*".
type fields struct {
	minute, hour, dom, month, dow []int
	loc                           *time.Location
}

const starBit = 1 << 63

func bitsList(bits uint64, lo, hi int) []int {
	if bits&starBit != 0 {
		return nil
	}
	var out []int
	for v := lo; v <= hi; v++ {
		if bits&(1<<uint(v)) != 0 {
			out = append(out, v)
		}
	}
	return out
}

// cronFields returns a schedule as lists of values. An "every" interval is
// converted when it divides an hour or a day evenly. A schedule that
// restricts both the day of month and the day of week (which cron ORs and
// the others AND) is refused.
func cronFields(s schedule.Spec) (fields, error) {
	cs := s.Cron()
	if cs == nil {
		var err error
		if cs, err = everyAsCron(s); err != nil {
			return fields{}, err
		}
	}
	f := fields{
		minute: bitsList(cs.Minute, 0, 59), hour: bitsList(cs.Hour, 0, 23),
		dom: bitsList(cs.Dom, 1, 31), month: bitsList(cs.Month, 1, 12), dow: bitsList(cs.Dow, 0, 6),
		loc: cs.Location,
	}
	if f.dom != nil && f.dow != nil {
		return fields{}, fmt.Errorf("schedule %q restricts both the day of the month and the day of the week, which cron and systemd read differently: use --daemon or two sources", s)
	}
	return f, nil
}

// everyAsCron converts "every D" when D divides an hour or a day.
func everyAsCron(s schedule.Spec) (*cron.SpecSchedule, error) {
	d := s.Every()
	var expr string
	switch {
	case d%time.Minute != 0:
		return nil, fmt.Errorf("schedule %q is not in whole minutes, and cron's smallest unit is the minute: use --systemd (its timers count seconds), a cron expression, or --daemon", s)
	case d < time.Hour && time.Hour%d == 0:
		expr = fmt.Sprintf("*/%d * * * *", d/time.Minute)
	case d < 24*time.Hour && d%time.Hour == 0 && 24*time.Hour%d == 0:
		expr = fmt.Sprintf("0 */%d * * *", d/time.Hour)
	case d == 24*time.Hour:
		expr = "0 0 * * *"
	case d == 7*24*time.Hour:
		expr = "0 0 * * 0"
	}
	if expr == "" {
		return nil, fmt.Errorf("schedule %q is not a whole fraction of an hour or a day, which OS schedulers cannot express: use a cron expression or --daemon", s)
	}
	sched, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, err
	}
	return sched.(*cron.SpecSchedule), nil
}

// hoardArgs is the command line of a unit.
func hoardArgs(o Options, args ...string) []string {
	return append([]string{o.Hoard, "--config", o.Config}, args...)
}

func unitName(source string) string { return "hoard-" + source }

func joinInts(vals []int, sep string, format func(int) string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = format(v)
	}
	return strings.Join(parts, sep)
}
