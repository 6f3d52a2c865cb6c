package web

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
)

// overview is one source as the dashboard shows it: its status (from the
// journal and its files, as `hoard status` gives it) and, for a
// configured source, what a pass over its items found (the doctor's
// report, items per day), kept until its snapshots change.
type overview struct {
	Status  app.SourceStatus
	Checkup *app.Checkup
	Profile *sourceProfile
}

// overview reports on the sources named (all when none is). A source
// whose items cannot be read is reported among the problems, not as a
// failure of the page; its gaps mark it at risk as `hoard status --gaps`
// does.
func (s *Server) overview(ctx context.Context, now time.Time, names ...string) ([]overview, []string, error) {
	var problems []string // journal records that could not be read, then the sources'
	rows, err := s.o.App.Status(now, func(msg string) { problems = append(problems, msg) })
	if err != nil {
		return nil, nil, err
	}
	if len(names) > 0 {
		rows = slices.DeleteFunc(rows, func(r app.SourceStatus) bool { return !slices.Contains(names, r.Source) })
	}
	out := make([]overview, len(rows))
	for i, r := range rows {
		out[i].Status = r
		if !r.Configured {
			continue
		}
		ts, err := s.o.App.Targets([]string{r.Source})
		if err != nil {
			return nil, nil, err
		}
		p, err := s.profiles.get(ctx, s.reader(), ts[0], s.o.Location)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			problems = append(problems, fmt.Sprintf("%s: %v", r.Source, err))
			continue
		}
		out[i].Profile, out[i].Checkup = &p, &p.Checkup
		out[i].Status.MarkGaps(len(p.Checkup.Gaps))
	}
	return out, problems, nil
}
