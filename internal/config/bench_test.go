package config_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

// BenchmarkParse parses a config of ten sources with common schedules:
// what every command pays before it does anything. A schedule's gaps are
// computed once per process, so a command's cost is the first iteration:
// run it with -benchtime 1x, each run a new process (docs/benchmarks.md).
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("root = \"/data\"\n")
	for i, sched := range []string{"", "@daily", "@hourly", "0 */6 * * *", "30 9 * * 1-5", "every 6h", "@weekly", "*/15 * * * *", "@daily", ""} {
		fmt.Fprintf(&sb, "\n[sources.s%d]\nexporter = \"file\"\npath = \"/p/%d\"\nkey = \"id\"\n", i, i)
		if sched != "" {
			fmt.Fprintf(&sb, "schedule = %q\n", sched)
		}
	}
	data := []byte(sb.String())
	for b.Loop() {
		if _, err := config.Parse("hoard.toml", data, kinds.Params); err != nil {
			b.Fatal(err)
		}
	}
}
