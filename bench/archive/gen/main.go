// Command gen writes the archive benchmark's input: a zip of JSON
// members, each a top-level array of distinct items shaped like a
// takeout's activity records (ids, RFC 3339 times, titles, URLs, text),
// deflated. The content is deterministic for a given size.
//
//	gen -out FILE.zip [-size 1GiB] [-members 64]
package main

import (
	"archive/zip"
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
)

func main() {
	out := flag.String("out", "", "the zip to write")
	size := flag.Int64("size", 1<<30, "uncompressed bytes of JSON in all")
	members := flag.Int("members", 64, "number of JSON members")
	flag.Parse()
	if *out == "" {
		log.Fatal("-out FILE.zip is required")
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 5) })
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("sqlite wal backup archive takeout zürich café 日本語 search watched visited location history export merge index stream member json time")
	per := *size / int64(*members)
	id := 0
	t0 := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	var line []byte
	for m := range *members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("Takeout/My Activity/Product %02d/MyActivity.json", m), Method: zip.Deflate, Modified: t0})
		if err != nil {
			log.Fatal(err)
		}
		var n int64
		io.WriteString(w, "[")
		for first := true; n < per; first = false {
			id++
			var title, text strings.Builder
			for range 3 + rng.IntN(5) {
				title.WriteString(words[rng.IntN(len(words))] + " ")
			}
			for range 20 + rng.IntN(40) {
				text.WriteString(words[rng.IntN(len(words))] + " ")
			}
			at := t0.Add(time.Duration(id) * 97 * time.Second).Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
			line = fmt.Appendf(line[:0], `{"header":"Product %02d","id":%d,"title":%q,"titleUrl":"https://example.org/%d?q=%s","time":%q,"details":[{"name":"%s"}],"text":%q}`,
				m, id, strings.TrimSpace(title.String()), id, words[rng.IntN(len(words))], at.Format(time.RFC3339Nano), words[rng.IntN(len(words))], strings.TrimSpace(text.String()))
			if !first {
				w.Write([]byte(",\n"))
				n += 2
			}
			w.Write(line)
			n += int64(len(line))
		}
		io.WriteString(w, "]\n")
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d members, %d items\n", *out, *members, id)
}
