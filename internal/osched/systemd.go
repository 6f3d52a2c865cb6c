package osched

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/schedule"
)

var weekdays = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// OnCalendar renders a schedule as a systemd calendar event.
func OnCalendar(s schedule.Spec) (string, error) {
	f, err := cronFields(s)
	if err != nil {
		return "", err
	}
	two := func(v int) string { return fmt.Sprintf("%02d", v) }
	list := func(vals []int) string {
		if vals == nil {
			return "*"
		}
		return joinInts(vals, ",", two)
	}
	var b strings.Builder
	if f.dow != nil {
		b.WriteString(joinInts(f.dow, ",", func(v int) string { return weekdays[v] }) + " ")
	}
	fmt.Fprintf(&b, "*-%s-%s %s:%s:00", list(f.month), list(f.dom), list(f.hour), list(f.minute))
	if f.loc != nil && f.loc != time.Local && f.loc.String() != "Local" {
		b.WriteString(" " + f.loc.String())
	}
	return b.String(), nil
}

// systemdQuote quotes one ExecStart argument.
func systemdQuote(arg string) string {
	if arg != "" && !strings.ContainsAny(arg, " \t\"'\\$%;") {
		return arg
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `$$`, `%`, `%%`)
	return `"` + r.Replace(arg) + `"`
}

func execLine(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = systemdQuote(a)
	}
	return strings.Join(q, " ")
}

// stopTimeout leaves the daemon its grace period plus the exporters' kill
// grace before systemd kills everything.
func stopTimeout(cfg *config.Config) int {
	return int((cfg.Daemon.Grace + 15*time.Second).Seconds())
}

// timerTriggers renders a schedule as the [Timer] lines that start the
// unit. A cron schedule, or an "every" interval that divides an hour or a
// day in whole minutes, is a calendar event (Persistent=true then runs a
// missed one at the next boot or wake); an interval in seconds that
// divides a minute is a calendar event to the second; any other interval
// ("every 7h", "every 90s") runs that long after the previous run, as the
// daemon does, on the monotonic clock (not caught up after a power-off:
// Persistent= only applies to calendar events).
func timerTriggers(s schedule.Spec) (string, error) {
	d := s.Every()
	accuracy := ""
	if d > 0 && d < 10*time.Minute {
		// Timers are coalesced to within AccuracySec (default 1min).
		accuracy = "AccuracySec=1s\n"
	}
	if d > 0 && d < time.Minute && d%time.Second == 0 && time.Minute%d == 0 {
		var secs []int
		for v := 0; v < 60; v += int(d / time.Second) {
			secs = append(secs, v)
		}
		cal := "*-*-* *:*:" + joinInts(secs, ",", func(v int) string { return fmt.Sprintf("%02d", v) })
		return "OnCalendar=" + cal + "\n" + accuracy + persistentNote, nil
	}
	cal, err := OnCalendar(s)
	if err == nil {
		return "OnCalendar=" + cal + "\n" + accuracy + persistentNote, nil
	}
	if d <= 0 || d%time.Second != 0 {
		return "", err
	}
	secs := strconv.FormatInt(int64(d/time.Second), 10)
	return "# Every " + s.Every().String() + " after the previous run (it divides neither an hour nor a day,\n" +
		"# so it cannot be a calendar event): not caught up after a power-off.\n" +
		"OnActiveSec=" + secs + "\nOnUnitActiveSec=" + secs + "\n" + accuracy, nil
}

const persistentNote = `# Runs missed while the machine was off or asleep are run at the next boot or wake.
Persistent=true
`

// failedUnit is the template unit that the per-source services name in
// OnFailure=: 'hoard schedule failed SOURCE' records and reports a run
// that failed without hoard saying so itself (killed, timed out, a
// configuration error).
const failedUnit = "hoard-failed@.service"

func failedService(o Options) string {
	return generated + `[Unit]
Description=hoard: report the failed scheduled export of %i

[Service]
Type=oneshot
ExecStart=` + execLine(hoardArgs(o, "schedule", "failed")) + ` %i
`
}

func renderSystemd(cfg *config.Config, o Options) (Plan, error) {
	p := Plan{Kind: Systemd}
	reload := []string{"systemctl", "--user", "daemon-reload"}
	if o.Daemon {
		path := filepath.Join(o.Dir, "hoard.service")
		p.Files = append(p.Files, File{Path: path, Content: daemonService(cfg, o)})
		p.Enable = [][]string{reload, {"systemctl", "--user", "enable", "--now", "hoard.service"}}
		p.Disable = [][]string{{"systemctl", "--user", "disable", "--now", "hoard.service"}}
		return p, nil
	}
	srcs, err := timedSources(cfg)
	if err != nil {
		return Plan{}, err
	}
	enable := []string{"systemctl", "--user", "enable", "--now"}
	disable := []string{"systemctl", "--user", "disable", "--now"}
	for _, src := range srcs {
		triggers, err := timerTriggers(src.Timing.Spec)
		if err != nil {
			return Plan{}, fmt.Errorf("source %s: %w", src.Name, err)
		}
		unit := unitName(src.Name)
		p.Files = append(p.Files,
			File{Path: filepath.Join(o.Dir, unit+".service"), Content: sourceService(src, o)},
			File{Path: filepath.Join(o.Dir, unit+".timer"), Content: sourceTimer(src, triggers)})
		enable = append(enable, unit+".timer")
		disable = append(disable, unit+".timer")
	}
	p.Files = append(p.Files, File{Path: filepath.Join(o.Dir, failedUnit), Content: failedService(o)})
	p.Enable = [][]string{reload, enable}
	p.Disable = [][]string{disable}
	return p, nil
}

const generated = "# Generated by 'hoard schedule install'; 'hoard schedule uninstall' removes it.\n"

func sourceService(src *config.Source, o Options) string {
	return generated + `[Unit]
Description=hoard: export ` + src.Name + `
# A run that fails without hoard reporting it (killed, timed out, a
# configuration error) is recorded in the journal and notified.
OnFailure=hoard-failed@` + src.Name + `.service

[Service]
Type=oneshot
ExecStart=` + execLine(hoardArgs(o, "run", src.Name)) + `
# SIGTERM goes to hoard alone, which stops its exporter's process group
# cleanly; no partial snapshot is ever kept.
KillMode=mixed
Nice=10
IOSchedulingClass=idle
`
}

func sourceTimer(src *config.Source, triggers string) string {
	return generated + `[Unit]
Description=hoard: export ` + src.Name + ` (schedule "` + src.Timing.Spec.String() + `")

[Timer]
` + triggers + `RandomizedDelaySec=` + strconv.Itoa(int(max(src.Timing.Jitter, time.Second).Seconds())) + `
FixedRandomDelay=true

[Install]
WantedBy=timers.target
`
}

func daemonService(cfg *config.Config, o Options) string {
	return generated + `[Unit]
Description=hoard daemon: keeps every exported source current

[Service]
Type=simple
ExecStart=` + execLine(hoardArgs(o, "daemon")) + `
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=30
# SIGTERM goes to hoard alone: it lets running exports finish within
# daemon.grace, then stops them; no partial snapshot is ever kept.
KillMode=mixed
TimeoutStopSec=` + strconv.Itoa(stopTimeout(cfg)) + `
SuccessExitStatus=130 143
Nice=10

[Install]
WantedBy=default.target
`
}
