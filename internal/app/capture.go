package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/pathtmpl"
	"github.com/hoard-dev/hoard/snapshot"
)

// EscapeBraces keeps capture's command arguments verbatim: the command
// exporter expands placeholders, capture's arguments have none.
func EscapeBraces(args []string) []string {
	r := strings.NewReplacer("{", "{{", "}", "}}")
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// CaptureTarget names capture's snapshots from a path template
// ("/exports/rtm/{utcnow}.ical"). It implements export.Target.
type CaptureTarget struct {
	dir     string // the directory, expanded (it must not depend on the time)
	base    string // the file name template
	codec   snapshot.Codec
	vars    map[string]string
	stamped bool // base uses {utcnow}
}

// NewCaptureTarget checks the template, the compression and the target
// directory before anything runs.
func NewCaptureTarget(tmpl, compression string) (*CaptureTarget, error) {
	if strings.ContainsRune(tmpl, 0) {
		return nil, errors.New("PATH_TEMPLATE contains a NUL byte")
	}
	host, _ := os.Hostname()
	vars := map[string]string{"utcnow": snapshot.FormatStamp(time.Now()), "hostname": host, "platform": runtime.GOOS}
	for k, v := range vars {
		if v == "" || strings.ContainsAny(v, "/\x00") || v == "." || v == ".." {
			return nil, fmt.Errorf("placeholder {%s} would expand to %q, which is not usable in a path", k, v)
		}
	}
	if strings.HasPrefix(tmpl, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		tmpl = filepath.Join(home, tmpl[2:])
	}
	dirT, baseT := filepath.Split(tmpl)
	if baseT == "" {
		return nil, fmt.Errorf("PATH_TEMPLATE %q names a directory; end it with a file name such as {utcnow}.json", tmpl)
	}
	if pathtmpl.Uses(dirT, "utcnow") {
		return nil, errors.New("{utcnow} must be in the file name, not in a directory of PATH_TEMPLATE")
	}
	dir, err := pathtmpl.Expand(dirT, vars)
	if err != nil {
		return nil, err
	}
	if _, err := pathtmpl.Expand(baseT, vars); err != nil {
		return nil, err
	}
	t := &CaptureTarget{dir: filepath.Clean(dir), vars: vars, stamped: pathtmpl.Uses(baseT, "utcnow")}
	if t.base, t.codec, err = pickCodec(baseT, compression); err != nil {
		return nil, err
	}
	if t.dir == "" {
		t.dir = "."
	}
	return t, checkWritableDir(t.dir)
}

// pickCodec reconciles -c with the template's suffix.
func pickCodec(base, compression string) (string, snapshot.Codec, error) {
	fromName := snapshot.CodecOf(base)
	if compression == "" {
		if fromName == snapshot.Xz || fromName == snapshot.Bzip2 {
			return "", "", fmt.Errorf("hoard reads but does not write %s; use a .zst or .gz suffix", fromName)
		}
		return base, fromName, nil
	}
	c, err := snapshot.ParseCompression(compression)
	if err != nil {
		return "", "", err
	}
	switch {
	case fromName == c:
		return base, c, nil
	case fromName != snapshot.None:
		return "", "", fmt.Errorf("--compression %s conflicts with the template's suffix (%s)", compression, fromName)
	}
	return base + c.Ext(), c, nil
}

// checkWritableDir creates dir if needed and proves a file can be made in it.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot use target directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".hoard-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in target directory %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Dir is the directory the snapshots go to.
func (t *CaptureTarget) Dir() string { return t.dir }

// Create implements export.Target.
func (t *CaptureTarget) Create(at time.Time) (*snapshot.Pending, error) {
	vars := map[string]string{}
	for k, v := range t.vars {
		vars[k] = v
	}
	stamp := snapshot.FormatStamp(at)
	namer := func(seq int) string {
		vars["utcnow"] = stamp + snapshot.SeqSuffix(seq)
		name, _ := pathtmpl.Expand(t.base, vars) // checked in newCaptureTarget
		if seq > 0 && !t.stamped {
			name = insertSuffix(name, snapshot.SeqSuffix(seq))
		}
		return name
	}
	return snapshot.Create(t.dir, namer, t.codec)
}

// insertSuffix puts s before the first dot of name ("a.json" -> "a_001.json").
func insertSuffix(name, s string) string {
	if i := strings.IndexByte(name[1:], '.'); i >= 0 {
		return name[:i+1] + s + name[i+1:]
	}
	return name + s
}
