// Command gen writes the synthetic source of the data access layer
// benchmark (see package synth):
//
//	go run ./bench/dal/gen -out /tmp/hoard-bench/saved -s 365 -w 5000 -g 200 [-zstd]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/hoard-dev/hoard/bench/dal/synth"
)

func main() {
	out := flag.String("out", "", "directory to write (created)")
	s := flag.Int("s", 365, "number of daily snapshots")
	w := flag.Int("w", 5000, "items per snapshot (newest)")
	g := flag.Int("g", 200, "new items per day")
	useZstd := flag.Bool("zstd", false, "write .json.zst files")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	if err := synth.Write(*out, *s, *w, *g, *useZstd); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
