// Package testtool lets a test use a program from outside Go (git,
// python3, script, groff) the way CI requires: on a developer's machine
// without it the test is skipped, saying what to install; in CI (where
// .ci/run sets HOARD_CI=1 after installing every such program) a missing
// one fails the test, so that no check is silently skipped there.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of each program, or skips (fails in CI) when one
// is not installed. why says what the test checks with them.
func Need(t testing.TB, why string, programs ...string) []string {
	t.Helper()
	paths := make([]string, len(programs))
	for i, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			if os.Getenv("HOARD_CI") != "" {
				t.Fatalf("%s is not installed, which CI must have (.ci/run installs it): %s", p, why)
			}
			t.Skipf("%s is not installed: not checked here: %s", p, why)
		}
		paths[i] = path
	}
	return paths
}

// Have reports whether program is installed, for a check that is one part
// of a test: on a developer's machine without it the test logs that the
// check was not made and goes on; in CI a missing one fails the test.
func Have(t testing.TB, why, program string) (string, bool) {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path, true
	}
	if os.Getenv("HOARD_CI") != "" {
		t.Fatalf("%s is not installed, which CI must have (.ci/run installs it): %s", program, why)
	}
	t.Logf("%s is not installed: not checked here: %s", program, why)
	return "", false
}
