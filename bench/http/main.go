// Command httpbench measures the HTTP export engine against a local server.
//
//	go run ./bench/http rps [-n 20000] [-body 1024] [-rounds 3]
//	    requests/s at concurrency 1: the httpx client against a bare
//	    net/http loop (same transport settings, same server, same body).
//	go run ./bench/http mem [-items 1000000] [-per-page 100] [-key id] [-out FILE]
//	    peak memory of the rest exporter exporting -items items across
//	    items/per-page pages to a file (cursor pagination).
//
// The server runs in the same process, so both sides of a comparison pay
// for it equally. bench/http/run.sh runs both with the documented figures.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/secret"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: httpbench rps|mem [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "rps":
		err = rps(os.Args[2:])
	case "mem":
		err = mem(os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

// ---- rps ----------------------------------------------------------------

func rps(args []string) error {
	fs := flag.NewFlagSet("rps", flag.ExitOnError)
	n := fs.Int("n", 20000, "requests per measurement")
	size := fs.Int("body", 1024, "response body bytes")
	rounds := fs.Int("rounds", 3, "alternating rounds; the best of each side is reported")
	fs.Parse(args)
	body := []byte(`{"items":[` + strings.Repeat(`{"id":1234567,"t":"x"},`, *size/23) + `{}]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()

	bare := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	engine := httpx.New(httpx.Options{Transport: http.DefaultTransport.(*http.Transport).Clone()})
	bareLoop := func() error { return loop(*n, func() error { return bareGet(bare, srv.URL) }) }
	engineLoop := func() error { return loop(*n, func() error { return engineGet(engine, srv.URL) }) }
	if err := loop(500, func() error { return bareGet(bare, srv.URL) }); err != nil { // warm-up
		return err
	}
	if err := loop(500, func() error { return engineGet(engine, srv.URL) }); err != nil {
		return err
	}
	var bestBare, bestEngine float64
	for r := 0; r < *rounds; r++ {
		b, err := measure(*n, bareLoop)
		if err != nil {
			return err
		}
		e, err := measure(*n, engineLoop)
		if err != nil {
			return err
		}
		fmt.Printf("round %d: bare %.0f req/s, httpx %.0f req/s (%.3fx)\n", r+1, b, e, e/b)
		bestBare, bestEngine = max(bestBare, b), max(bestEngine, e)
	}
	fmt.Printf("best: bare net/http %.0f req/s, httpx %.0f req/s, ratio %.3f (body %d bytes, %d requests, concurrency 1, GOMAXPROCS %d)\n",
		bestBare, bestEngine, bestEngine/bestBare, len(body), *n, runtime.GOMAXPROCS(0))
	return nil
}

func loop(n int, f func() error) error {
	for i := 0; i < n; i++ {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func measure(n int, f func() error) (float64, error) {
	start := time.Now()
	if err := f(); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// bareGet is what an exporter without the engine would do.
func bareGet(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func engineGet(c *httpx.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req, nil)
	if err != nil {
		return err
	}
	if resp.Status != 200 {
		return fmt.Errorf("status %d", resp.Status)
	}
	return nil
}

// ---- mem ----------------------------------------------------------------

func mem(args []string) error {
	fs := flag.NewFlagSet("mem", flag.ExitOnError)
	items := fs.Int("items", 1_000_000, "items to export")
	perPage := fs.Int("per-page", 100, "items per page")
	out := fs.String("out", "", "snapshot file (default: a temporary file, removed)")
	key := fs.String("key", "", "item key path for in-run dedupe (e.g. id); empty: none")
	fs.Parse(args)
	srv := httptest.NewServer(pages(*items, *perPage))
	defer srv.Close()

	path := *out
	if path == "" {
		f, err := os.CreateTemp("", "httpbench-*.jsonl")
		if err != nil {
			return err
		}
		f.Close()
		path = f.Name()
		defer os.Remove(path)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()

	var prog counter
	peak := samplePeak()
	start := time.Now()
	if err := exportAll(srv.URL, *key, f, &prog); err != nil {
		return err
	}
	elapsed := time.Since(start)
	heap := peak()
	info, _ := f.Stat()
	fmt.Printf("exported %d items in %d pages (%.1f MB) in %.1fs: peak Go heap in use %.1f MB, peak RSS (VmHWM) %s\n",
		prog.items.Load(), prog.pages.Load(), float64(info.Size())/1e6, elapsed.Seconds(), float64(heap)/1e6, vmHWM())
	return nil
}

// pages serves n items, perPage a page, with a body cursor.
func pages(n, perPage int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		end := min(start+perPage, n)
		bw := bufio.NewWriter(w)
		bw.WriteString(`{"items":[`)
		for i := start; i < end; i++ {
			if i > start {
				bw.WriteByte(',')
			}
			fmt.Fprintf(bw, `{"id":%d,"updated":"2025-01-01T00:00:00Z","title":"item number %d","tags":["a","b"]}`, i, i)
		}
		bw.WriteString(`]`)
		if end < n {
			fmt.Fprintf(bw, `,"next":"%d"`, end)
		}
		bw.WriteString(`}`)
		bw.Flush()
	})
}

func exportAll(baseURL, key string, w io.Writer, prog *counter) error {
	p := &rest.Params{BaseURL: baseURL, Endpoints: []rest.EndpointParams{{
		Name: "items", Path: "/", Items: "items", Key: key,
		Pagination: rest.PaginationParams{Type: "cursor", Cursor: "next", Param: "cursor"},
	}}}
	ex, err := rest.New(export.Source{Name: "bench", Exporter: "rest", Params: p})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	env := &export.Env{Source: "bench", Redactor: &secret.Redactor{}, Stderr: os.Stderr,
		Log: slog.New(slog.DiscardHandler), State: export.NewState(""), Progress: prog}
	if err := ex.Export(context.Background(), bw, env); err != nil {
		return err
	}
	return bw.Flush()
}

type counter struct{ pages, items atomic.Int64 }

func (c *counter) Add(pages, items int64) { c.pages.Add(pages); c.items.Add(items) }

// samplePeak samples the heap in use every 10 ms until the returned
// function is called, which returns the peak.
func samplePeak() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return peak.Load()
	}
}

func vmHWM() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
