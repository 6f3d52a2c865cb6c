// Package metrics keeps the daemon's per-source counters and serves them
// in the Prometheus text exposition format (version 0.0.4) at /metrics.
//
// The format is written by hand rather than with prometheus/client_golang:
// hoard needs a dozen series with fixed labels, which is ~150 lines here
// against ~10 MB of binary and a large dependency tree there.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Buckets are the upper bounds of the run duration histogram, in seconds.
var Buckets = []float64{1, 5, 15, 60, 300, 900, 3600}

// Registry holds the metrics. Its methods are safe for concurrent use; the
// zero value is not usable, call New.
type Registry struct {
	mu      sync.Mutex
	sources map[string]*source
	jumps   int
	reloads map[string]int // "ok", "failed"
}

type source struct {
	runs        map[string]int // by outcome
	bytes       int64
	durCount    int
	durSum      float64
	durBuckets  []int // cumulative counts per Buckets
	lastSuccess time.Time
	failures    int
	running     bool
	problems    map[string]bool
}

// Problem names exported as gauges, always present so that alerts can
// test them.
var problemNames = []string{"failing", "stale", "at-risk"}

// New returns an empty registry.
func New() *Registry {
	return &Registry{sources: map[string]*source{}, reloads: map[string]int{}}
}

func (r *Registry) get(name string) *source {
	s := r.sources[name]
	if s == nil {
		s = &source{runs: map[string]int{}, durBuckets: make([]int, len(Buckets)), problems: map[string]bool{}}
		r.sources[name] = s
	}
	return s
}

// Declare makes a source's series exist before its first run.
func (r *Registry) Declare(name string, lastSuccess time.Time, failures int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	s.lastSuccess, s.failures = lastSuccess, failures
}

// Forget removes a source that is no longer configured.
func (r *Registry) Forget(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sources, name)
}

// Running records whether a source is being exported.
func (r *Registry) Running(name string, on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.get(name).running = on
}

// Run records a finished run: its outcome (a journal outcome), how long it
// took, the uncompressed bytes saved (0 unless ok) and, on success, when.
func (r *Registry) Run(name, outcome string, took time.Duration, bytes int64, success time.Time, failures int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	s.runs[outcome]++
	s.bytes += bytes
	s.failures = failures
	if !success.IsZero() {
		s.lastSuccess = success
	}
	sec := took.Seconds()
	s.durCount++
	s.durSum += sec
	for i, b := range Buckets {
		if sec <= b {
			s.durBuckets[i]++
		}
	}
}

// Problems records a source's current problems.
func (r *Registry) Problems(name string, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	clear(s.problems)
	for _, p := range problems {
		s.problems[p] = true
	}
}

// ClockJump counts a detected wall-clock jump.
func (r *Registry) ClockJump() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jumps++
}

// Reload counts a config reload by result ("ok" or "failed").
func (r *Registry) Reload(result string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reloads[result]++
}

// WriteText writes every metric in the text exposition format.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	bw := bufio.NewWriter(w)
	names := make([]string, 0, len(r.sources))
	for n := range r.sources {
		names = append(names, n)
	}
	sort.Strings(names)
	e := &expo{w: bw}
	e.family("hoard_runs_total", "counter", "Finished runs by outcome (ok, unchanged, failed, timeout, interrupted, locked).")
	for _, n := range names {
		s := r.sources[n]
		for _, o := range sortedKeys(s.runs) {
			e.sample("hoard_runs_total", labels("source", n, "outcome", o), float64(s.runs[o]))
		}
	}
	e.family("hoard_run_failures_total", "counter", "Runs that did not succeed (failed or timed out).")
	for _, n := range names {
		s := r.sources[n]
		e.sample("hoard_run_failures_total", labels("source", n), float64(s.runs["failed"]+s.runs["timeout"]))
	}
	e.family("hoard_run_duration_seconds", "histogram", "Duration of runs, all attempts included.")
	for _, n := range names {
		s := r.sources[n]
		for i, b := range Buckets {
			e.sample("hoard_run_duration_seconds_bucket", labels("source", n, "le", formatFloat(b)), float64(s.durBuckets[i]))
		}
		e.sample("hoard_run_duration_seconds_bucket", labels("source", n, "le", "+Inf"), float64(s.durCount))
		e.sample("hoard_run_duration_seconds_sum", labels("source", n), s.durSum)
		e.sample("hoard_run_duration_seconds_count", labels("source", n), float64(s.durCount))
	}
	e.family("hoard_bytes_total", "counter", "Uncompressed bytes saved in snapshots.")
	for _, n := range names {
		e.sample("hoard_bytes_total", labels("source", n), float64(r.sources[n].bytes))
	}
	e.family("hoard_last_success_timestamp_seconds", "gauge", "Unix time of the last successful run; 0 if none.")
	for _, n := range names {
		t := r.sources[n].lastSuccess
		v := 0.0
		if !t.IsZero() {
			v = float64(t.UnixMilli()) / 1000
		}
		e.sample("hoard_last_success_timestamp_seconds", labels("source", n), v)
	}
	e.family("hoard_consecutive_failures", "gauge", "Failed runs since the last success.")
	for _, n := range names {
		e.sample("hoard_consecutive_failures", labels("source", n), float64(r.sources[n].failures))
	}
	e.family("hoard_running", "gauge", "1 while the source is being exported.")
	for _, n := range names {
		e.sample("hoard_running", labels("source", n), b2f(r.sources[n].running))
	}
	e.family("hoard_source_problem", "gauge", "1 when the source has the problem (failing, stale, at-risk).")
	for _, n := range names {
		for _, p := range problemNames {
			e.sample("hoard_source_problem", labels("source", n, "problem", p), b2f(r.sources[n].problems[p]))
		}
	}
	e.family("hoard_clock_jumps_total", "counter", "Wall-clock jumps seen (sleep and wake, clock changes).")
	e.sample("hoard_clock_jumps_total", "", float64(r.jumps))
	e.family("hoard_config_reloads_total", "counter", "Config reloads (SIGHUP) by result.")
	for _, res := range []string{"ok", "failed"} {
		e.sample("hoard_config_reloads_total", labels("result", res), float64(r.reloads[res]))
	}
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

// Handler serves WriteText.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WriteText(w)
	})
}

type expo struct {
	w   *bufio.Writer
	err error
}

func (e *expo) family(name, typ, help string) {
	e.printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func (e *expo) sample(name, labels string, v float64) {
	e.printf("%s%s %s\n", name, labels, formatFloat(v))
}

func (e *expo) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// labels renders {k="v",...} with values escaped as the format requires.
func labels(kv ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(kv[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
