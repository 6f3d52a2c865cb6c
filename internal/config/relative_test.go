package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

// Relative paths in hoard.toml are relative to the file, not to the
// directory hoard happens to start in (cron and systemd start it
// elsewhere).
func TestRelativePathsFollowTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "conf", "hoard.toml")
	os.MkdirAll(filepath.Dir(cfgPath), 0o700)
	os.WriteFile(cfgPath, []byte(`root = "relative/dir"
[sources.a]
exporter = "command"
command = ["true"]
secrets = "secrets/a.toml"
when_present = "../mnt/phone"
`), 0o600)
	t.Chdir(t.TempDir()) // somewhere else entirely
	c, err := config.Load(cfgPath, kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "conf", "relative", "dir"); c.Root != want {
		t.Errorf("root %s, want %s", c.Root, want)
	}
	if want := filepath.Join(dir, "conf", "secrets", "a.toml"); c.Sources["a"].Secrets != want {
		t.Errorf("secrets %s, want %s", c.Sources["a"].Secrets, want)
	}
	if want := filepath.Join(dir, "mnt", "phone"); c.Sources["a"].WhenPresent != want {
		t.Errorf("when_present %s, want %s", c.Sources["a"].WhenPresent, want)
	}
}

// A file source's path cannot be resolved against the config (the
// exporter does not know where it is): a relative one is refused rather
// than read from wherever hoard was started.
func TestRelativeFilePathRefused(t *testing.T) {
	_, err := config.Parse("/etc/hoard.toml", []byte("root = \"/data\"\n[sources.h]\nexporter = \"file\"\npath = \"history.txt\"\n"), kinds.Params)
	if err == nil {
		c, _ := config.Parse("/etc/hoard.toml", []byte("root = \"/data\"\n[sources.h]\nexporter = \"file\"\npath = \"history.txt\"\n"), kinds.Params)
		_, err = kinds.New(c.Sources["h"].Source)
	}
	if err == nil || !strings.Contains(err.Error(), "history.txt") || !strings.Contains(err.Error(), "absolute") {
		t.Errorf("error %v, want a relative path refused", err)
	}
}
