package dectest

import (
	"flag"
	"testing"
)

// A package that tests import must not claim a flag name their own test
// binary may define: -update is the common one for golden files, and a
// second flag.Bool("update", ...) in the importing test panics at start.
func TestFlagNamespaced(t *testing.T) {
	if f := flag.Lookup("update"); f != nil {
		t.Fatalf("dectest defines -%s; a test importing it could not define its own -update", f.Name)
	}
	if flag.Lookup("dectest.update") == nil {
		t.Fatal("no -dectest.update flag")
	}
}
