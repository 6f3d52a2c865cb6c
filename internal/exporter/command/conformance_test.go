package command_test

import (
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/command"
	"github.com/hoard-dev/hoard/secret"
)

func TestCommandConformance(t *testing.T) {
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return &command.Command{Args: []string{"sh", "-c", `printf '%s\n' "$HOARD_SECRET_GREETING"; printf '\377'`}},
				secret.Secrets{"greeting": "hello there"}
		},
		Check: func(t *testing.T, out []byte) {
			if string(out) != "hello there\n\xff" {
				t.Errorf("output %q", out)
			}
		},
		Slow: func(t *testing.T) export.Exporter {
			return &command.Command{Args: []string{"sh", "-c", "while :; do echo line; sleep 0.01; done"}}
		},
	})
}
