package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/schedule"
)

func TestScheduleKeys(t *testing.T) {
	text := `root = "/r"
notify = ["notify-send", "hoard"]

[daemon]
concurrency = 2
grace = "5s"
failing_after = 2
retry = ["1m", "2m"]
tick = "10s"
poll = "1s"
listen = "127.0.0.1:9780"

[sources.plain]
exporter = "file"
path = "/x"

[sources.six]
exporter = "file"
path = "/x"
schedule = "0 */6 * * *"
jitter = "0s"
notify = ["mail", "me"]

[sources.kobo]
exporter = "file"
path = "/media/KOBOeReader/.kobo/KoboReader.sqlite"
when_present = "/media/KOBOeReader"
`
	c, err := config.Parse("hoard.toml", []byte(text), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	d := c.Daemon
	if d.Concurrency != 2 || d.Grace != 5*time.Second || d.FailingAfter != 2 || d.Tick != 10*time.Second ||
		d.Poll != time.Second || d.Listen != "127.0.0.1:9780" || len(d.Backoff) != 2 || d.Backoff[1] != 2*time.Minute {
		t.Errorf("daemon = %+v", d)
	}
	plain, six, kobo := c.Sources["plain"], c.Sources["six"], c.Sources["kobo"]
	if plain.Timing.Spec.String() != schedule.Default || plain.Timing.Jitter != schedule.Jitter("plain", schedule.MaxDefaultJitter) {
		t.Errorf("plain timing %+v", plain.Timing)
	}
	if len(plain.Timing.Backoff) != 2 {
		t.Errorf("sources do not get the daemon's retry ladder: %v", plain.Timing.Backoff)
	}
	if six.Timing.Spec.Interval() != 6*time.Hour || six.Timing.Jitter != 0 {
		t.Errorf("six timing %+v", six.Timing)
	}
	if !kobo.Timing.Spec.IsZero() || kobo.WhenPresent != "/media/KOBOeReader" {
		t.Errorf("kobo: %+v", kobo.Schedule)
	}
	if got := c.NotifyCommand(six); strings.Join(got, " ") != "mail me" {
		t.Errorf("six notify %v", got)
	}
	if got := c.NotifyCommand(plain); strings.Join(got, " ") != "notify-send hoard" {
		t.Errorf("plain notify %v", got)
	}
}

func TestScheduleDefaults(t *testing.T) {
	c, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if c.Daemon.Concurrency != config.DaemonDefaults.Concurrency || c.Daemon.Grace != config.DaemonDefaults.Grace || c.Notify != nil {
		t.Errorf("defaults: %+v %v", c.Daemon, c.Notify)
	}
}

func TestScheduleErrors(t *testing.T) {
	src := "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\n"
	tests := []struct {
		name, text string
		want       []string
	}{
		{"bad cron", src + "schedule = \"0 25 * * *\"\n", []string{"hoard.toml:5", "[sources.a]", "schedule", "0 25 * * *"}},
		{"bad interval", src + "schedule = \"every often\"\n", []string{"hoard.toml:5", `cannot read "often" as a duration`}},
		{"negative jitter", src + "jitter = \"-1m\"\n", []string{"hoard.toml:5", `key "sources.a.jitter": cannot read "-1m" as a duration`}},
		{"jitter without schedule", src + "when_present = \"/m\"\njitter = \"1m\"\n", []string{"jitter needs a schedule"}},
		{"empty notify", src + "notify = []\n", []string{"hoard.toml:5", "notify:"}},
		{"notify not a list", src + "notify = \"mail\"\n", []string{"hoard.toml:5", `key "sources.a.notify": expected an array of strings, got the string "mail" (a list: notify = ["mail"])`}},
		{"empty top notify", "root = \"/r\"\nnotify = [\"\"]\n", []string{"hoard.toml:2", "notify:"}},
		{"unknown daemon key", "root = \"/r\"\n[daemon]\nconcurency = 3\n", []string{"hoard.toml:3", `"daemon.concurency"`}},
		{"zero concurrency", "root = \"/r\"\n[daemon]\n\nconcurrency = 0\n", []string{"hoard.toml:4", "daemon.concurrency = 0"}},
		{"bad grace", "root = \"/r\"\n[daemon]\ngrace = \"-1s\"\n", []string{"hoard.toml:3", `key "daemon.grace": cannot read "-1s"`}},
		{"zero grace", "root = \"/r\"\n[daemon]\ngrace = \"0s\"\n", []string{"hoard.toml:3", "daemon.grace must be positive"}},
		{"bad retry", "root = \"/r\"\n[daemon]\nretry = [\"5m\", \"0s\"]\n", []string{"hoard.toml:3", "daemon.retry"}},
		{"unknown schedule key", src + "scheduel = \"@daily\"\n", []string{"hoard.toml:5", `"sources.a.scheduel"`}},
	}
	for _, tt := range tests {
		_, err := config.Parse("hoard.toml", []byte(tt.text), kinds.Params)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

func TestRetryEmptyMeansNone(t *testing.T) {
	c, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n[daemon]\nretry = []\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\n"), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Daemon.Backoff) != 0 || len(c.Sources["a"].Timing.Backoff) != 0 {
		t.Errorf("backoff %v / %v", c.Daemon.Backoff, c.Sources["a"].Timing.Backoff)
	}
}
