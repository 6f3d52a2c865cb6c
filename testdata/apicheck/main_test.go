package main

import (
	"os"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/secret"
)

// An exporter and a decoder written outside hoard pass hoard's own
// conformance suites.
func TestConformance(t *testing.T) {
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return greeting{}, secret.Secrets{"greeting": "hi"}
		},
		Check: func(t *testing.T, out []byte) {},
	})
	golden := t.TempDir() + "/golden"
	os.WriteFile(golden, []byte("decoder jsonl version 1\nitems {\"a\":1}\nitems {\"a\":2}\nitems {\"a\":3}\n"), 0o644)
	dectest.Run(t, dectest.Case{Decoder: dal.JSONL, Ext: "jsonl", Golden: golden,
		Sample: func(testing.TB) []byte { return []byte("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n") }})
}
