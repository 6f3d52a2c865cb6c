package metrics

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	success := time.Unix(1700000000, 500e6)
	r.Declare("idle", time.Time{}, 0)
	r.Run("rtm", "ok", 2*time.Second, 1234, success, 0)
	r.Run("rtm", "failed", 400*time.Millisecond, 0, time.Time{}, 1)
	r.Run("rtm", "timeout", 20*time.Minute, 0, time.Time{}, 2)
	r.Problems("rtm", []string{"failing"})
	r.Running("idle", true)
	r.ClockJump()
	r.Reload("failed")
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	b, _ := io.ReadAll(resp.Body)
	text := string(b)
	for _, want := range []string{
		`hoard_runs_total{source="rtm",outcome="ok"} 1`,
		`hoard_runs_total{source="rtm",outcome="timeout"} 1`,
		`hoard_run_failures_total{source="rtm"} 2`,
		`hoard_run_duration_seconds_bucket{source="rtm",le="1"} 1`,
		`hoard_run_duration_seconds_bucket{source="rtm",le="5"} 2`,
		`hoard_run_duration_seconds_bucket{source="rtm",le="900"} 2`,
		`hoard_run_duration_seconds_bucket{source="rtm",le="3600"} 3`,
		`hoard_run_duration_seconds_bucket{source="rtm",le="+Inf"} 3`,
		`hoard_run_duration_seconds_sum{source="rtm"} 1202.4`,
		`hoard_run_duration_seconds_count{source="rtm"} 3`,
		`hoard_bytes_total{source="rtm"} 1234`,
		`hoard_last_success_timestamp_seconds{source="rtm"} 1.7000000005e+09`,
		`hoard_last_success_timestamp_seconds{source="idle"} 0`,
		`hoard_consecutive_failures{source="rtm"} 2`,
		`hoard_running{source="idle"} 1`,
		`hoard_source_problem{source="rtm",problem="failing"} 1`,
		`hoard_source_problem{source="rtm",problem="stale"} 0`,
		`hoard_clock_jumps_total 1`,
		`hoard_config_reloads_total{result="failed"} 1`,
		"# TYPE hoard_run_duration_seconds histogram",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	// Every line is a comment or a well-formed sample.
	sample := regexp.MustCompile(`^[a-z_]+(\{[a-z_]+="(\\.|[^"\\])*"(,[a-z_]+="(\\.|[^"\\])*")*\})? [-+0-9.e]+$`)
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if !strings.HasPrefix(line, "# ") && !sample.MatchString(line) {
			t.Errorf("malformed line %q", line)
		}
	}
	r.Forget("idle")
	var sb strings.Builder
	r.WriteText(&sb)
	if strings.Contains(sb.String(), `"idle"`) {
		t.Error("forgotten source still exported")
	}
}

func TestLabelEscaping(t *testing.T) {
	if got := labels("source", "a\"b\\c\nd"); got != `{source="a\"b\\c\nd"}` {
		t.Errorf("got %s", got)
	}
}
