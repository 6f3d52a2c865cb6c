// Command gen writes the synthetic source of the data access layer
// benchmark (see package synth):
//
//	go run ./bench/dal/gen -out /tmp/hoard-bench/saved -s 365 -w 5000 -g 200 [-zstd]
//	go run ./bench/dal/gen -out /tmp/hoard-bench/bash -bash 200000
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
	bash := flag.Int("bash", 0, "write instead one bash history of this many commands")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	write := func() error { return synth.Write(*out, *s, *w, *g, *useZstd) }
	if *bash > 0 {
		write = func() error { return synth.WriteBash(*out, *bash) }
	}
	if err := write(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
