// Package synth writes the synthetic source of the data access layer
// benchmark: S daily snapshots, each holding the newest W items (about 800
// bytes of JSON each, with unicode and escapes, newest first, under a
// "saved" key) of a stream that grows by G items a day, with 1% of the
// items in the window edited each day. Output is deterministic.
package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

type item struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	CreatedUTC  int64  `json:"created_utc"`
	Subreddit   string `json:"subreddit"`
	Author      string `json:"author"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Permalink   string `json:"permalink"`
	Score       int    `json:"score"`
	NumComments int    `json:"num_comments"`
	Edited      int64  `json:"edited"`
	Over18      bool   `json:"over_18"`
	Selftext    string `json:"selftext"`
	Flair       any    `json:"link_flair_text"`
}

var words = []string{"data", "export", "naïve", "café", "日本語", "データ", "emoji 🎉", "\"quoted\"", "back\\slash", "tab\there",
	"line\nbreak", "<html>", "&amp;", "liberation", "synthetic", "snapshot", "Zürich", "Ελληνικά", "русский", "merge"}

func text(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

func newItem(n, w int, start time.Time) *item {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	id := fmt.Sprintf("t3_%07x", n)
	return &item{
		ID: id, Name: id, CreatedUTC: start.Unix() + int64(n-w)*432, Subreddit: "r/" + words[r.IntN(len(words))],
		Author: fmt.Sprintf("user_%d", r.IntN(5000)), Title: text(r, 60),
		URL:       fmt.Sprintf("https://example.com/r/%d/comments/%s/?utm=a&b=%d", r.IntN(100), id, n),
		Permalink: "/r/x/comments/" + id, Score: r.IntN(10000), NumComments: r.IntN(500),
		Selftext: text(r, 420),
	}
}

// Write generates the source into out (created if needed): s daily
// snapshots of the newest w items of a stream growing by g items a day,
// as .json files, or .json.zst with useZstd.
func Write(out string, s, w, g int, useZstd bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	start := time.Date(2024, 1, 1, 6, 0, 0, 0, time.UTC)
	var stream [][]byte // rendered current version of every item, oldest first
	for n := range w {
		stream = append(stream, render(newItem(n, w, start)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for d := range s {
		day := start.AddDate(0, 0, d)
		if d > 0 {
			for range g {
				stream = append(stream, render(newItem(len(stream), w, start)))
			}
			edit(r, stream, w, day)
		}
		if err := write(out, day, stream[max(0, len(stream)-w):], useZstd); err != nil {
			return err
		}
	}
	return nil
}

// edit changes 1% of the window's items.
func edit(r *rand.Rand, stream [][]byte, w int, day time.Time) {
	lo := max(0, len(stream)-w)
	for range max(1, w/100) {
		i := lo + r.IntN(len(stream)-lo)
		var it item
		if err := json.Unmarshal(stream[i], &it); err != nil {
			panic(err)
		}
		it.Score += 1 + r.IntN(10)
		it.Edited = day.Unix()
		stream[i] = render(&it)
	}
}

func render(it *item) []byte {
	b, err := json.Marshal(it)
	if err != nil {
		panic(err)
	}
	return b
}

func write(dir string, day time.Time, window [][]byte, useZstd bool) error {
	name := day.Format("20060102T150405Z") + ".json"
	if useZstd {
		name += ".zst"
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	var dst io.Writer = f
	var zw *zstd.Encoder
	if useZstd {
		if zw, err = zstd.NewWriter(f); err != nil {
			return err
		}
		dst = zw
	}
	bw := bufio.NewWriterSize(dst, 1<<20)
	bw.WriteString("{\"kind\": \"Listing\", \"saved\": [\n")
	for i := len(window) - 1; i >= 0; i-- { // newest first
		bw.Write(window[i])
		if i > 0 {
			bw.WriteString(",\n")
		}
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return f.Close()
}

// WriteBash writes a bash history of n commands with timestamps
// (HISTTIMEFORMAT set: "#<unix seconds>" before each command), about 58
// bytes a command with its timestamp line (200,000 make 11.9 MB), as one
// snapshot in out: a small real source of many small items.
func WriteBash(out string, n int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(out, "20240301T000000Z.txt"))
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(3, 4))
	cmds := []string{"git status", "git commit -am", "ls -la", "cd ~/src/project", "make test", "go test ./...", "vim main.go",
		"grep -rn TODO .", "docker ps", "ssh build-host", "python3 -m http.server", "curl -s https://example.com/api/v1/items",
		"kubectl get pods -n", "tar xzf release.tar.gz", "find . -name '*.go'", "htop", "du -sh *", "journalctl -u hoard"}
	t := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := range n {
		t += 1 + int64(r.IntN(600))
		fmt.Fprintf(bw, "#%d\n%s %s %d >> /tmp/out.log\n", t, cmds[r.IntN(len(cmds))], words[r.IntN(len(words))], i)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
