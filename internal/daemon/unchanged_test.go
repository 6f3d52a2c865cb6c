package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/metrics"
)

// A run whose output was identical to the newest snapshot (no new file)
// is a success for the daemon: no retry ladder, never failing, never
// stale however long the data stays the same, and counted in the
// metrics as "unchanged" with no bytes saved.
func TestUnchangedRunsAreSuccesses(t *testing.T) {
	cfg := parse(t, source("stable", `schedule = "every 6h"`))
	m := metrics.New()
	h := newHarness(t, cfg, map[string]health.Record{"stable": ok(t0.Add(-7 * time.Hour))}, func(o *Options) { o.Metrics = m })
	h.run.outcome = func(string) string { return "unchanged" }
	want(t, "catch-up", h.step(1), "stable")
	for day := 0; day < 12; day++ { // three days of unchanged runs, every 6 hours
		h.clock.Advance(5 * time.Minute)
		want(t, "no retry after an unchanged run", h.step(0))
		h.clock.Advance(6*time.Hour - 5*time.Minute)
		want(t, "next firing", h.step(1), "stable")
		h.d.evaluate(h.clock.Now())
		e := h.d.sources["stable"]
		if e.status.Failing || e.status.Stale || e.rec.Failures != 0 || !e.rec.LastSuccess.Equal(h.clock.Now()) {
			t.Fatalf("after unchanged run %d: status %+v, record %+v", day, e.status, e.rec)
		}
	}
	var sb strings.Builder
	m.WriteText(&sb)
	if !strings.Contains(sb.String(), `hoard_runs_total{source="stable",outcome="unchanged"} 13`) {
		t.Errorf("metrics lack 13 unchanged runs:\n%s", sb.String())
	}
	if !strings.Contains(h.logged(), "export unchanged") {
		t.Errorf("log does not say the export was unchanged:\n%s", h.logged())
	}
}
