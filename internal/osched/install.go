package osched

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/atomicfile"
)

// Manifest records what an install wrote, so that uninstall removes
// exactly that and nothing else.
type Manifest struct {
	Kind      string         `json:"kind"`
	Daemon    bool           `json:"daemon"`
	Installed time.Time      `json:"installed"`
	Files     []ManifestFile `json:"files,omitempty"`
	CronLines []string       `json:"cron_lines,omitempty"`
	Disable   [][]string     `json:"disable,omitempty"` // commands run before removal
	Reload    [][]string     `json:"reload,omitempty"`  // commands run after removal
}

// ManifestFile is one installed file and the hash of what was written.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Exec runs a command with stdin and returns its combined output.
type Exec func(argv []string, stdin string) (string, error)

// Installer installs and uninstalls plans.
type Installer struct {
	Manifest string // the manifest file (paths.Layout.ScheduleManifest)
	Exec     Exec
	Activate bool // run the plan's enable/disable commands (systemctl, launchctl)
}

// Install replaces any previous install (removed as Uninstall does), writes
// the plan's files and crontab block, saves the manifest, then activates.
// Activation failures are returned as warnings: the files stay installed
// and the manifest saved, so uninstall still works.
func (in *Installer) Install(p Plan, daemon bool) (warnings []string, err error) {
	if _, err := in.load(); err == nil {
		w, err := in.Uninstall()
		warnings = append(warnings, w...)
		if err != nil {
			return warnings, fmt.Errorf("removing the previous install: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	m := Manifest{Kind: p.Kind, Daemon: daemon, Installed: time.Now().UTC(), CronLines: p.CronLines, Disable: p.Disable}
	if p.Kind == Systemd {
		m.Reload = [][]string{{"systemctl", "--user", "daemon-reload"}}
	}
	for _, f := range p.Files {
		if _, err := os.Stat(f.Path); err == nil {
			return warnings, fmt.Errorf("%s exists and was not installed by hoard; remove it or move it away first", f.Path)
		}
	}
	for _, f := range p.Files {
		if err := writeFile(f); err != nil {
			in.save(m) // what was written so far can still be uninstalled
			return warnings, err
		}
		m.Files = append(m.Files, ManifestFile{Path: f.Path, SHA256: hash(f.Content)})
	}
	if len(p.CronLines) > 0 {
		if err := in.editCrontab(p.CronLines, nil); err != nil {
			in.save(m)
			return warnings, err
		}
	}
	if err := in.save(m); err != nil {
		return warnings, err
	}
	if in.Activate {
		warnings = append(warnings, in.run(p.Enable)...)
	}
	return warnings, nil
}

// Uninstall deactivates and removes what the manifest lists: files whose
// content is unchanged (a file edited since is left in place, with a
// warning) and hoard's crontab lines. It removes the manifest last.
func (in *Installer) Uninstall() (warnings []string, err error) {
	m, err := in.load()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("nothing to uninstall: no schedule was installed by hoard (no " + in.Manifest + ")")
	}
	if err != nil {
		return nil, err
	}
	if in.Activate {
		warnings = append(warnings, in.run(m.Disable)...)
	}
	for _, f := range m.Files {
		b, err := os.ReadFile(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return warnings, err
		case hash(string(b)) != f.SHA256:
			warnings = append(warnings, f.Path+" was edited since it was installed: left in place")
		default:
			if err := os.Remove(f.Path); err != nil {
				return warnings, err
			}
		}
	}
	if len(m.CronLines) > 0 {
		kept, err := in.removeCron(m.CronLines)
		if err != nil {
			return warnings, err
		}
		for _, k := range kept {
			warnings = append(warnings, "crontab line added by hand inside hoard's block, kept: "+k)
		}
	}
	if in.Activate {
		warnings = append(warnings, in.run(m.Reload)...)
	}
	return warnings, os.Remove(in.Manifest)
}

// Installed returns the current manifest, if any.
func (in *Installer) Installed() (Manifest, error) { return in.load() }

func (in *Installer) run(cmds [][]string) []string {
	var warnings []string
	for _, c := range cmds {
		if out, err := in.Exec(c, ""); err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: %v %s (run it yourself once the problem is fixed)", strings.Join(c, " "), err, strings.TrimSpace(out)))
		}
	}
	return warnings
}

func (in *Installer) readCrontab() (string, error) {
	out, err := in.Exec([]string{"crontab", "-l"}, "")
	if err != nil {
		if strings.Contains(out, "no crontab") {
			return "", nil
		}
		return "", fmt.Errorf("crontab -l: %v %s", err, strings.TrimSpace(out))
	}
	return out, nil
}

func (in *Installer) editCrontab(lines, remove []string) error {
	cur, err := in.readCrontab()
	if err != nil {
		return err
	}
	next, _ := WithBlock(cur, lines, remove)
	return in.writeCrontab(next)
}

func (in *Installer) removeCron(lines []string) ([]string, error) {
	cur, err := in.readCrontab()
	if err != nil {
		return nil, err
	}
	next, kept := WithBlock(cur, nil, lines)
	return kept, in.writeCrontab(next)
}

func (in *Installer) writeCrontab(text string) error {
	if out, err := in.Exec([]string{"crontab", "-"}, text); err != nil {
		return fmt.Errorf("crontab -: %v %s", err, strings.TrimSpace(out))
	}
	return nil
}

func (in *Installer) load() (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(in.Manifest)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: damaged: %w", in.Manifest, err)
	}
	return m, nil
}

func (in *Installer) save(m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(File{Path: in.Manifest, Content: string(b) + "\n"})
}

// writeFile writes atomically: temp file, fsync, rename.
func writeFile(f File) error {
	return atomicfile.Write(f.Path, []byte(f.Content), 0o644)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
