package index

import (
	"fmt"
	"os"
	"time"
)

// With HOARD_INDEX_TRACE set, the index writes the time of each step of
// a refresh or a query to stderr, in milliseconds since the process
// started (about: since this package was initialised). The figures in the
// commit messages and docs/benchmarks.md's phase timings come from it.
var (
	traceOn    = os.Getenv("HOARD_INDEX_TRACE") != ""
	traceStart = time.Now()
)

func trace(format string, args ...any) {
	if traceOn {
		fmt.Fprintf(os.Stderr, "index %8.1f ms: %s\n", float64(time.Since(traceStart).Microseconds())/1000, fmt.Sprintf(format, args...))
	}
}
