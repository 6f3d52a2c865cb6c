package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/exporter/command"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/snapshot"
)

const good = `root = "/data/exports"

[sources.rtm]
exporter = "command"
command = ["/soft/export/rememberthemilk.py", "--secrets", "{secrets}"]
extension = "ical"
compression = "zstd"
retries = 3
timeout = "10m"
secrets = "/home/me/.config/hoard/secrets/rtm.toml"

[sources.firefox]
exporter = "file"
path = "/home/me/.mozilla/firefox/abcd.default/places.sqlite"
`

func TestParseGood(t *testing.T) {
	c, err := config.Parse("hoard.toml", []byte(good), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if c.Root != "/data/exports" || strings.Join(c.Order, ",") != "rtm,firefox" {
		t.Errorf("root %q order %v", c.Root, c.Order)
	}
	rtm := c.Sources["rtm"]
	if rtm.Retries != 3 || rtm.Timeout != 10*time.Minute || rtm.Compression != snapshot.Zstd || rtm.Extension != "ical" || rtm.Line != 3 {
		t.Errorf("rtm = %+v", rtm)
	}
	if p := rtm.Params.(*command.Params); len(p.Command) != 3 {
		t.Errorf("command %v", p.Command)
	}
	ff := c.Sources["firefox"]
	if ff.Retries != 1 || ff.AttemptTimeout() != export.DefaultTimeout || ff.Params.(*file.Params).Path == "" {
		t.Errorf("firefox = %+v", ff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // substrings of the error
	}{
		{"unknown key", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\nretires = 3\n",
			[]string{"hoard.toml:5", `"sources.a.retires"`}},
		{"unknown nested key", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\n[sources.a.extra.deeper]\nk = 1\n",
			[]string{"hoard.toml:5", `unknown key "sources.a.extra"`}},
		{"unknown top-level key", "root = \"/r\"\nroots = \"/y\"\n", []string{"hoard.toml:2", `"roots"`}},
		{"wrong type", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\nretries = \"three\"\n",
			[]string{"hoard.toml:5", `key "sources.a.retries": expected an integer, got the string "three"`}},
		{"missing exporter", "root = \"/r\"\n\n[sources.a]\npath = \"/x\"\n", []string{"hoard.toml:3", `missing key "exporter"`}},
		{"unknown exporter", "root = \"/r\"\n[sources.a]\nexporter = \"ftp\"\n", []string{`unknown exporter "ftp"`}},
		{"missing root", "[sources.a]\nexporter = \"file\"\npath = \"/x\"\n", []string{`missing key "root"`}},
		{"bad retries", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\nretries = 0\n", []string{"retries = 0", "at least 1"}},
		{"bad timeout", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\ntimeout = \"soon\"\n", []string{"hoard.toml:5", `cannot read "soon" as a duration`}},
		{"bad compression", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\ncompression = \"lzma\"\n", []string{`unknown compression "lzma"`}},
		{"traversal name", "root = \"/r\"\n[sources.\"../etc\"]\nexporter = \"file\"\npath = \"/x\"\n", []string{"invalid source name"}},
		{"bad extension", "root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\nextension = \"../x\"\n", []string{"invalid extension"}},
		{"syntax", "root = \"/r\n", []string{"hoard.toml:1:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("hoard.toml", []byte(tt.text), kinds.Params)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// Keys inside an unknown table are not reported one by one.
func TestUnknownTableReportedOnce(t *testing.T) {
	_, err := config.Parse("h.toml", []byte("root = \"/r\"\n[sources.a]\nexporter = \"file\"\npath = \"/x\"\n[sources.a.typo]\nk = 1\nj = 2\n"), kinds.Params)
	if err == nil || strings.Count(err.Error(), "unknown key") != 1 || !strings.Contains(err.Error(), `"sources.a.typo"`) {
		t.Errorf("error %v", err)
	}
}

// Exporter-level validation happens when the exporter is built.
func TestCommandValidation(t *testing.T) {
	for text, want := range map[string]string{
		"[sources.a]\nexporter = \"command\"\n":                                            `missing key "command"`,
		"[sources.a]\nexporter = \"command\"\ncommand = [\"x\", \"{secret}\"]\n":           "unknown placeholder {secret}",
		"[sources.a]\nexporter = \"command\"\ncommand = [\"x\", \"--s\", \"{secrets}\"]\n": `no "secrets" file`,
		"[sources.a]\nexporter = \"file\"\n":                                               `missing key "path"`,
	} {
		c, err := config.Parse("h.toml", []byte("root = \"/r\"\n"+text), kinds.Params)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kinds.New(c.Sources["a"].Source); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}
