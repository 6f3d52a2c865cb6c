package secret

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO (or any file that is not a regular file) as the secrets file is
// refused at once: reading it would block for ever, deaf to SIGTERM.
func TestLoadRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "secrets.toml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(p); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v", err)
		}
	case <-time.After(30 * time.Second):
		// unblock the reader so the test binary can exit
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("Load of a FIFO still blocked after 30s")
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}

// A symbolic link to a regular file of the user's is fine (dotfile
// managers make them); a secrets file owned by another user is refused.
func TestLoadOwner(t *testing.T) {
	dir := t.TempDir()
	p := write(t, "token = \"abcdef\"\n", 0o600)
	link := filepath.Join(dir, "link.toml")
	os.Symlink(p, link)
	if s, err := Load(link); err != nil || s["token"] != "abcdef" {
		t.Errorf("through a symlink: %v %v", s, err)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	if err := os.Chown(p, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "owned by") || strings.Contains(err.Error(), "abcdef") {
		t.Errorf("another user's file: %v", err)
	}
}
