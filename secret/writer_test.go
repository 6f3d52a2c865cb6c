package secret

import (
	"bytes"
	"strings"
	"testing"
)

const splitSecret = "s3cr3t-VALUE-0123456789"

// A line longer than maxLine is passed on in pieces, never cutting a
// secret in two (each half would escape redaction).
func TestRedactingWriterLongLineKeepsSecretWhole(t *testing.T) {
	var out bytes.Buffer
	red := &Redactor{}
	red.Add(splitSecret)
	w := NewWriter(&out, red)
	w.Write([]byte(strings.Repeat("x", maxLine-1) + splitSecret[:8]))
	w.Write([]byte(splitSecret[8:] + " end\n"))
	w.Flush()
	if strings.Contains(out.String(), splitSecret[:6]) || strings.Contains(out.String(), splitSecret[10:]) || !strings.HasSuffix(out.String(), "[REDACTED] end\n") {
		t.Errorf("output ends %q", out.String()[max(0, out.Len()-60):])
	}
}
