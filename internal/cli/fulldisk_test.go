package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/testfs"
)

// capture onto a full exports root (no timeout by default) fails at once
// with the disk's error instead of waiting for ever.
func TestCaptureFullDisk(t *testing.T) {
	root := testfs.Tmpfs(t, 5<<20)
	var out, errb bytes.Buffer
	g := &Globals{Stdout: &out, Stderr: &errb}
	done := make(chan error, 1)
	go func() {
		done <- runCapture(context.Background(), g, captureOpts{
			Template: filepath.Join(root, "big", "{utcnow}.txt"),
			Command:  []string{"head", "-c", "50000000", "/dev/zero"},
			Retries:  1,
		})
	}()
	select {
	case err := <-done:
		if exitCodeOf(err) != ExitFailure || !strings.Contains(errb.String()+err.Error(), "no space left on device") {
			t.Errorf("exit %d (%v), stderr %q: want a failure saying no space left on device", exitCodeOf(err), err, errb.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("capture onto a full disk still running after 60s (hung)")
	}
}
