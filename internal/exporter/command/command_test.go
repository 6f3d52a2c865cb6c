package command

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/export"

	"github.com/hoard-dev/hoard/secret"
)

func testEnv(stderr io.Writer) *export.Env {
	return &export.Env{Source: "t", Redactor: &secret.Redactor{}, Stderr: stderr, Log: slog.New(slog.DiscardHandler), State: export.NewState(""), Progress: export.NopProgress{}}
}

func withStragglerGrace(t *testing.T, d time.Duration) {
	old := StragglerGrace
	StragglerGrace = d
	t.Cleanup(func() { StragglerGrace = old })
}

// A background process left holding stdout makes the output incomplete:
// the attempt fails instead of hanging or saving a truncated export.
func TestCommandStdoutStraggler(t *testing.T) {
	withStragglerGrace(t, 300*time.Millisecond)
	var out bytes.Buffer
	c := &Command{Args: []string{"sh", "-c", "echo first; (sleep 3; echo late) &"}}
	err := c.Export(context.Background(), &out, testEnv(io.Discard))
	if err == nil || !strings.Contains(err.Error(), "held its output open") {
		t.Errorf("err %v, want the straggler reported", err)
	}
}

// A background process holding only stderr does not make the export fail.
func TestCommandStderrStraggler(t *testing.T) {
	withStragglerGrace(t, 300*time.Millisecond)
	var out bytes.Buffer
	c := &Command{Args: []string{"sh", "-c", "echo data; sleep 3 >/dev/null &"}}
	if err := c.Export(context.Background(), &out, testEnv(io.Discard)); err != nil || out.String() != "data\n" {
		t.Errorf("err %v, out %q", err, out.String())
	}
}

func TestCommandExitStatusAndStderrTail(t *testing.T) {
	var out, stderr bytes.Buffer
	c := &Command{Args: []string{"sh", "-c", "echo one >&2; echo two >&2; echo three >&2; echo four >&2; exit 9"}}
	err := c.Export(context.Background(), &out, testEnv(&stderr))
	ce, ok := err.(*CommandError)
	if !ok || ce.ExitCode != 9 || ce.Stderr != "two | three | four" {
		t.Fatalf("err %#v", err)
	}
	if stderr.String() != "one\ntwo\nthree\nfour\n" {
		t.Errorf("stderr passed through as %q", stderr.String())
	}
}

func TestCommandMissingProgramIsPermanent(t *testing.T) {
	c := &Command{Args: []string{"/nonexistent/exporter"}}
	if err := c.Export(context.Background(), io.Discard, testEnv(io.Discard)); !export.IsPermanent(err) {
		t.Errorf("err %v, want permanent", err)
	}
}
