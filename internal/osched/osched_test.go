package osched

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/schedule"
	"github.com/hoard-dev/hoard/internal/testtool"
)

func TestOnCalendar(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"@daily", "*-*-* 00:00:00"},
		{"@hourly", "*-*-* *:00:00"},
		{"@weekly", "Sun *-*-* 00:00:00"},
		{"@monthly", "*-*-01 00:00:00"},
		{"0 */6 * * *", "*-*-* 00,06,12,18:00:00"},
		{"30 9 * * 1-5", "Mon,Tue,Wed,Thu,Fri *-*-* 09:30:00"},
		{"15 3 1,15 jan,jul *", "*-01,07-01,15 03:15:00"},
		{"* * * * *", "*-*-* *:*:00"},
		{"every 15m", "*-*-* *:00,15,30,45:00"},
		{"every 6h", "*-*-* 00,06,12,18:00:00"},
		{"every 1d", "*-*-* 00:00:00"},
		{"CRON_TZ=Europe/Paris 0 3 * * *", "*-*-* 03:00:00 Europe/Paris"},
	}
	for _, tt := range tests {
		got, err := OnCalendar(schedule.MustParse(tt.spec))
		if err != nil || got != tt.want {
			t.Errorf("%q: %q, %v; want %q", tt.spec, got, err, tt.want)
		}
	}
	for _, bad := range []string{"every 7h", "every 90s", "every 45m", "every 3d", "0 0 1 * 1"} {
		if got, err := OnCalendar(schedule.MustParse(bad)); err == nil {
			t.Errorf("%q: %q, want an error", bad, got)
		}
	}
}

var elapseRE = regexp.MustCompile(`(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC`)

// systemd itself agrees with hoard on when the rendered calendar events
// fire (skipped where systemd-analyze is not installed).
func TestOnCalendarMatchesSystemd(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze not installed")
	}
	base := time.Date(2026, 3, 10, 14, 7, 0, 0, time.UTC)
	for _, spec := range []string{"@daily", "0 */6 * * *", "30 9 * * 1-5", "15 3 1,15 jan,jul *", "every 15m", "@weekly", "*/20 8-18 * * sat,sun"} {
		s := schedule.MustParse(spec)
		cal, err := OnCalendar(s)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("systemd-analyze", "calendar", "--iterations=6", "--base-time="+base.Format("2006-01-02 15:04:05")+" UTC", cal)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cal, err, out)
		}
		m := elapseRE.FindAllStringSubmatch(string(out), -1)
		if len(m) != 6 {
			t.Fatalf("%s: cannot read systemd's answer:\n%s", cal, out)
		}
		next := s.Next
		if s.Every() > 0 { // rendered aligned to the clock, as cron would
			cs, _ := everyAsCron(s)
			next = cs.Next
		}
		at := base
		for i, g := range m {
			at = next(at.In(time.UTC))
			if got := at.UTC().Format("2006-01-02 15:04:05"); got != g[1] {
				t.Errorf("%q (%s) firing %d: hoard %s, systemd %s", spec, cal, i+1, got, g[1])
				break
			}
		}
	}
}

func testConfig(t *testing.T, body string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"+body), app.Exporters.Params)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const twoSources = `
[sources.rtm]
exporter = "command"
command = ["x"]
schedule = "0 */6 * * *"
jitter = "5m"
[sources.my-zsh]
exporter = "file"
path = "/x"
`

func options(t *testing.T, kind string, daemon bool) Options {
	dir := t.TempDir()
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Kind: kind, Daemon: daemon, Hoard: bin, Config: "/home/me/.config/hoard/my hoard.toml",
		Home: "/home/me", Dir: filepath.Join(dir, "units"), CronLog: "/home/me/.local/state/hoard/cron.log"}
}

// Generated units pass systemd-analyze verify, with no warning at all.
func TestSystemdUnitsVerify(t *testing.T) {
	cfg := testConfig(t, twoSources)
	for _, daemon := range []bool{false, true} {
		o := options(t, Systemd, daemon)
		p, err := Render(cfg, o)
		if err != nil {
			t.Fatal(err)
		}
		want := 5 // two services, two timers, the OnFailure= template
		if daemon {
			want = 1
		}
		if len(p.Files) != want {
			t.Fatalf("daemon=%v: %d files", daemon, len(p.Files))
		}
		var paths []string
		for _, f := range p.Files {
			if err := writeFile(f); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, f.Path)
		}
		timer := p.Files[0].Content
		if !daemon {
			timer = p.Files[1].Content
			for _, w := range []string{"OnCalendar=*-*-* 00,06,12,18:00:00\n", "Persistent=true\n", "WantedBy=timers.target\n"} {
				if !strings.Contains(timer, w) {
					t.Errorf("timer lacks %q:\n%s", w, timer)
				}
			}
			if !strings.Contains(p.Files[0].Content, `ExecStart=`+o.Hoard+` --config "/home/me/.config/hoard/my hoard.toml" run rtm`) {
				t.Errorf("service:\n%s", p.Files[0].Content)
			}
		} else if !strings.Contains(timer, "KillMode=mixed") || !strings.Contains(timer, "ExecReload=/bin/kill -HUP $MAINPID") {
			t.Errorf("daemon service:\n%s", timer)
		}
		if _, err := exec.LookPath("systemd-analyze"); err != nil {
			t.Log("systemd-analyze not installed: units not verified")
			continue
		}
		cmd := exec.Command("systemd-analyze", append([]string{"verify"}, paths...)...)
		out, err := cmd.CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("daemon=%v: systemd-analyze verify: %v\n%s", daemon, err, out)
		}
	}
}

func TestSystemdRefusesWhenPresentPerSource(t *testing.T) {
	cfg := testConfig(t, "[sources.kobo]\nexporter = \"file\"\npath = \"/x\"\nwhen_present = \"/m\"\n")
	if _, err := Render(cfg, options(t, Systemd, false)); err == nil || !strings.Contains(err.Error(), "--daemon") {
		t.Errorf("err = %v", err)
	}
	if _, err := Render(cfg, options(t, Systemd, true)); err != nil {
		t.Errorf("daemon: %v", err)
	}
}

func TestCronLines(t *testing.T) {
	cfg := testConfig(t, twoSources)
	o := options(t, Cron, false)
	p, err := Render(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0 0,6,12,18 * * * '" + o.Hoard + "' '--config' '/home/me/.config/hoard/my hoard.toml' 'run' 'rtm' >> '/home/me/.local/state/hoard/cron.log' 2>&1",
		"0 0 * * * '" + o.Hoard + "' '--config' '/home/me/.config/hoard/my hoard.toml' 'run' 'my-zsh' >> '/home/me/.local/state/hoard/cron.log' 2>&1",
	}
	if strings.Join(p.CronLines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(p.CronLines, "\n"), strings.Join(want, "\n"))
	}
	d, _ := Render(cfg, options(t, Cron, true))
	if len(d.CronLines) != 1 || !strings.HasPrefix(d.CronLines[0], "*/15 * * * * ") || !strings.Contains(d.CronLines[0], "'daemon' '--once'") {
		t.Errorf("daemon lines %v", d.CronLines)
	}
	tz := testConfig(t, "[sources.a]\nexporter = \"file\"\npath = \"/x\"\nschedule = \"CRON_TZ=Asia/Tokyo 0 3 * * *\"\n")
	if _, err := Render(tz, o); err == nil {
		t.Error("a time zone was accepted for cron")
	}
	if q := shellQuote("it's 100%"); q != `'it'\''s 100\%'` {
		t.Errorf("quote %s", q)
	}
}

func TestWithBlock(t *testing.T) {
	user := "MAILTO=me\n0 1 * * * backup\n"
	lines := []string{"0 0 * * * hoard run a"}
	installed, _ := WithBlock(user, lines, nil)
	want := user + CronBegin + "\n" + lines[0] + "\n" + CronEnd + "\n"
	if installed != want {
		t.Fatalf("installed:\n%s", installed)
	}
	again, _ := WithBlock(installed, []string{"5 0 * * * hoard run b"}, lines)
	if strings.Count(again, CronBegin) != 1 || strings.Contains(again, "run a") || !strings.Contains(again, "run b") {
		t.Errorf("replaced:\n%s", again)
	}
	edited := strings.Replace(installed, CronEnd, "9 9 * * * mine\n"+CronEnd, 1)
	removed, kept := WithBlock(edited, nil, lines)
	if removed != user+"9 9 * * * mine\n" || len(kept) != 1 {
		t.Errorf("removed %q kept %v", removed, kept)
	}
	if empty, _ := WithBlock(CronBegin+"\n"+lines[0]+"\n"+CronEnd+"\n", nil, lines); empty != "" {
		t.Errorf("empty crontab left %q", empty)
	}
}

// The plists are well-formed XML with the expected calendar entries.
func TestLaunchdPlist(t *testing.T) {
	cfg := testConfig(t, twoSources+"[sources.work]\nexporter = \"file\"\npath = \"/x\"\nschedule = \"*/15 9-17 * * 1-5\"\n")
	p, err := Render(cfg, options(t, Launchd, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 3 || !strings.HasSuffix(p.Files[0].Path, "dev.hoard.rtm.plist") {
		t.Fatalf("files %v", p.Files)
	}
	for i, want := range []int{4, 1, 4 * 9 * 5} {
		text := p.Files[i].Content
		if n := strings.Count(text, "<dict><key>"); n != want {
			t.Errorf("%s: %d calendar entries, want %d", p.Files[i].Path, n, want)
		}
		dec := xml.NewDecoder(strings.NewReader(text))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v\n%s", p.Files[i].Path, err, text)
			}
		}
	}
	if !strings.Contains(p.Files[0].Content, "<string>/home/me/.config/hoard/my hoard.toml</string>") {
		t.Errorf("args:\n%s", p.Files[0].Content)
	}
	d, err := Render(cfg, options(t, Launchd, true))
	if err != nil || len(d.Files) != 1 || !strings.Contains(d.Files[0].Content, "<key>KeepAlive</key>") {
		t.Errorf("daemon plist: %v %v", err, d.Files)
	}
}

// fakeExec keeps a crontab in memory and records other commands.
type fakeExec struct {
	crontab *string
	ran     []string
	fail    bool
}

func (f *fakeExec) run(argv []string, stdin string) (string, error) {
	switch strings.Join(argv, " ") {
	case "crontab -l":
		if f.crontab == nil {
			return "no crontab for me\n", errors.New("exit status 1")
		}
		return *f.crontab, nil
	case "crontab -":
		f.crontab = &stdin
		return "", nil
	}
	f.ran = append(f.ran, strings.Join(argv, " "))
	if f.fail {
		return "Failed to connect to bus", errors.New("exit status 1")
	}
	return "", nil
}

func TestInstallUninstallSystemd(t *testing.T) {
	cfg := testConfig(t, twoSources)
	o := options(t, Systemd, false)
	state := t.TempDir()
	fx := &fakeExec{}
	in := &Installer{Manifest: filepath.Join(state, "schedule-manifest.json"), Exec: fx.run, Activate: true}
	p, _ := Render(cfg, o)
	other := filepath.Join(o.Dir, "mine.service") // the user's own unit
	writeFile(File{Path: other, Content: "x"})
	if w, err := in.Install(p, false); err != nil || len(w) != 0 {
		t.Fatalf("install: %v %v", w, err)
	}
	if len(fx.ran) != 2 || fx.ran[1] != "systemctl --user enable --now hoard-rtm.timer hoard-my-zsh.timer" {
		t.Errorf("ran %v", fx.ran)
	}
	for _, f := range p.Files {
		if b, err := os.ReadFile(f.Path); err != nil || string(b) != f.Content {
			t.Errorf("%s: %v", f.Path, err)
		}
	}
	// Reinstalling replaces the previous install.
	if _, err := in.Install(p, false); err != nil {
		t.Fatalf("reinstall: %v", err)
	}
	// A unit edited by hand is left in place; the rest is removed.
	os.WriteFile(p.Files[0].Path, []byte("edited"), 0o644)
	fx.fail = true
	w, err := in.Uninstall()
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 3 || !strings.Contains(strings.Join(w, "\n"), "edited since it was installed") || !strings.Contains(strings.Join(w, "\n"), "Failed to connect to bus") {
		t.Errorf("warnings %v", w)
	}
	left, _ := filepath.Glob(filepath.Join(o.Dir, "*"))
	if strings.Join(left, " ") != p.Files[0].Path+" "+other && strings.Join(left, " ") != other+" "+p.Files[0].Path {
		t.Errorf("left %v", left)
	}
	if _, err := in.Uninstall(); err == nil || !strings.Contains(err.Error(), "nothing to uninstall") {
		t.Errorf("second uninstall: %v", err)
	}
}

func TestInstallRefusesForeignFile(t *testing.T) {
	cfg := testConfig(t, twoSources)
	o := options(t, Systemd, false)
	p, _ := Render(cfg, o)
	writeFile(File{Path: p.Files[1].Path, Content: "someone else's"})
	in := &Installer{Manifest: filepath.Join(t.TempDir(), "schedule-manifest.json"), Exec: (&fakeExec{}).run}
	if _, err := in.Install(p, false); err == nil || !strings.Contains(err.Error(), "not installed by hoard") {
		t.Errorf("err = %v", err)
	}
	if b, _ := os.ReadFile(p.Files[1].Path); string(b) != "someone else's" {
		t.Error("foreign file overwritten")
	}
}

func TestInstallUninstallCron(t *testing.T) {
	cfg := testConfig(t, twoSources)
	user := "MAILTO=me\n0 1 * * * backup\n"
	fx := &fakeExec{crontab: &user}
	in := &Installer{Manifest: filepath.Join(t.TempDir(), "schedule-manifest.json"), Exec: fx.run}
	p, _ := Render(cfg, options(t, Cron, false))
	if _, err := in.Install(p, false); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(*fx.crontab))
	n := 0
	for sc.Scan() {
		n++
	}
	if n != 6 || !strings.HasPrefix(*fx.crontab, user) {
		t.Errorf("crontab:\n%s", *fx.crontab)
	}
	if _, err := in.Uninstall(); err != nil {
		t.Fatal(err)
	}
	if *fx.crontab != user {
		t.Errorf("after uninstall:\n%q", *fx.crontab)
	}
}

// Intervals in seconds: systemd timers count them (to the second, with
// AccuracySec=1s, or after the previous run when no calendar event can
// express them); launchd has StartInterval; cron has no seconds and says
// so.
func TestIntervalsInSeconds(t *testing.T) {
	cases := []struct {
		spec  string
		timer []string
	}{
		{"every 2s", []string{"OnCalendar=*-*-* *:*:00,02,04,06,08,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,46,48,50,52,54,56,58\n", "AccuracySec=1s\n", "Persistent=true\n"}},
		{"every 15s", []string{"OnCalendar=*-*-* *:*:00,15,30,45\n", "AccuracySec=1s\n"}},
		{"every 90s", []string{"OnActiveSec=90\n", "OnUnitActiveSec=90\n", "AccuracySec=1s\n"}},
		{"every 7h", []string{"OnActiveSec=25200\n", "OnUnitActiveSec=25200\n"}},
		{"every 15m", []string{"OnCalendar=*-*-* *:00,15,30,45:00\n", "Persistent=true\n"}},
		{"every 5m", []string{"OnCalendar=*-*-* *:00,05,10,15,20,25,30,35,40,45,50,55:00\n", "AccuracySec=1s\n"}},
	}
	for _, c := range cases {
		cfg := testConfig(t, "[sources.s]\nexporter = \"file\"\npath = \"/x\"\nschedule = \""+c.spec+"\"\n")
		o := options(t, Systemd, false)
		p, err := Render(cfg, o)
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		timer := p.Files[1].Content
		for _, w := range c.timer {
			if !strings.Contains(timer, w) {
				t.Errorf("%s: timer lacks %q:\n%s", c.spec, w, timer)
			}
		}
		if strings.Contains(c.spec, "7h") && (strings.Contains(timer, "Persistent=") || strings.Contains(timer, "AccuracySec")) {
			t.Errorf("%s: a monotonic timer with Persistent= or a fine accuracy:\n%s", c.spec, timer)
		}
		verifyUnits(t, p)
		if _, err := Render(cfg, options(t, Cron, false)); strings.HasSuffix(c.spec, "s") && (err == nil || !strings.Contains(err.Error(), "cron's smallest unit is the minute") || !strings.Contains(err.Error(), "--systemd")) {
			t.Errorf("%s: cron: %v", c.spec, err)
		}
		lp, err := Render(cfg, options(t, Launchd, false))
		if strings.Contains(c.spec, "90s") && (err != nil || !strings.Contains(lp.Files[0].Content, "<key>StartInterval</key>\n\t<integer>90</integer>")) {
			t.Errorf("%s: launchd: %v %v", c.spec, err, lp)
		}
	}
}

// systemd agrees that "every 2s" fires every two seconds.
func TestSecondsCalendarMatchesSystemd(t *testing.T) {
	testtool.Need(t, "systemd reads the calendar events hoard writes", "systemd-analyze")
	triggers, err := timerTriggers(schedule.MustParse("every 2s"))
	if err != nil {
		t.Fatal(err)
	}
	cal := strings.TrimPrefix(strings.Split(triggers, "\n")[0], "OnCalendar=")
	cmd := exec.Command("systemd-analyze", "calendar", "--iterations=5", "--base-time=2026-03-10 14:07:59 UTC", cal)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cal, err, out)
	}
	var got []string
	for _, m := range elapseRE.FindAllStringSubmatch(string(out), -1) {
		got = append(got, m[1][len(m[1])-2:])
	}
	if strings.Join(got, " ") != "00 02 04 06 08" {
		t.Errorf("systemd fires at seconds %v:\n%s", got, out)
	}
}

// Per-source services name the OnFailure= template, which runs 'hoard
// schedule failed SOURCE' with the same binary and config.
func TestOnFailureUnit(t *testing.T) {
	cfg := testConfig(t, twoSources)
	o := options(t, Systemd, false)
	p, err := Render(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Files[0].Content, "OnFailure=hoard-failed@rtm.service\n") {
		t.Errorf("service:\n%s", p.Files[0].Content)
	}
	last := p.Files[len(p.Files)-1]
	if filepath.Base(last.Path) != "hoard-failed@.service" ||
		!strings.Contains(last.Content, `ExecStart=`+o.Hoard+` --config "/home/me/.config/hoard/my hoard.toml" schedule failed %i`) {
		t.Errorf("%s:\n%s", last.Path, last.Content)
	}
	dp, _ := Render(cfg, options(t, Systemd, true))
	if strings.Contains(dp.Files[0].Content, "OnFailure") {
		t.Error("the daemon's unit restarts on failure; it needs no OnFailure=")
	}
}

// verifyUnits writes a plan's units and runs systemd-analyze verify on
// them (when installed): no error, no warning.
func verifyUnits(t *testing.T, p Plan) {
	t.Helper()
	var paths []string
	for _, f := range p.Files {
		if err := writeFile(f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.Path, "@.service") {
			paths = append(paths, f.Path)
		}
	}
	if _, ok := testtool.Have(t, "systemd verifies the units hoard writes", "systemd-analyze"); !ok {
		return
	}
	out, err := exec.Command("systemd-analyze", append([]string{"verify"}, paths...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
