package command

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

const splitSecret = "s3cr3t-VALUE-0123456789"

// The end of stderr quoted in a command's error is cut from redacted
// text: a cut inside a secret does not leave its tail in clear.
func TestCommandErrorTailRedacted(t *testing.T) {
	env := testEnv(io.Discard)
	env.Redactor.Add(splitSecret)
	script := `exec >&2; printf '%s' "$SECRET"; head -c 2040 /dev/zero | tr '\0' x; exit 3`
	c := &Command{Args: []string{"sh", "-c", script}}
	t.Setenv("SECRET", splitSecret)
	err := c.Export(context.Background(), io.Discard, env)
	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(ce.Stderr, splitSecret[len(splitSecret)-8:]) {
		t.Errorf("the tail holds the end of the secret: %q", ce.Stderr[:40])
	}
}
