// Command gen writes N bytes of JSON-lines text shaped like a real export
// (ids, titles, urls, unicode, escapes) to stdout, deterministically. It
// feeds the capture benchmark; see bench/capture/run.sh.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

var words = strings.Fields(`data liberation export personal history bookmark saved comment
	highlight note über café naïve 東京 Zürich emoji 🎉 quote "escaped" back\slash tab	newline
	archive sync mirror silo takeout reddit github hypothesis kobo firefox zsh rtm`)

func main() {
	size := flag.Int64("bytes", 1<<30, "bytes to write")
	flag.Parse()
	// Records are serialised as they are written, as an exporter would: the
	// generator does work per byte and holds almost nothing in memory.
	w := bufio.NewWriterSize(os.Stdout, 256<<10)
	r := rand.New(rand.NewPCG(1, 2))
	var line []byte
	for id, left := 0, *size; left > 0; id++ {
		line = fmt.Appendf(line[:0], `{"id":%d,"created":%d,"title":%q,"url":"https://example.com/%s/%d","score":%d,"text":%q}`+"\n",
			id, 1500000000+r.IntN(300000000), phrase(r, 6), words[r.IntN(len(words))], r.IntN(1e9), r.IntN(5000), phrase(r, 60))
		n := min(left, int64(len(line)))
		if _, err := w.Write(line[:n]); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		left -= n
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func phrase(r *rand.Rand, n int) string {
	p := make([]string, 1+r.IntN(n))
	for i := range p {
		p[i] = words[r.IntN(len(words))]
	}
	return strings.Join(p, " ")
}
