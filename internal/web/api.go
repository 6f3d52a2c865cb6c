package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/duration"
)

func writeJSONError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

// apiSource is one source in GET /api/sources: the fields of `hoard
// status --json` (with gaps checked) and, for a configured source, the
// doctor's report as `hoard doctor --json` gives it.
type apiSource struct {
	app.SourceStatus
	Doctor *app.Checkup `json:"doctor,omitempty"`
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	ovs, problems, err := s.overview(r.Context(), s.o.Now())
	if err == nil && len(problems) > 0 {
		err = fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	out := make([]apiSource, 0, len(ovs))
	for _, ov := range ovs {
		out = append(out, apiSource{SourceStatus: ov.Status, Doctor: ov.Checkup})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Server-Timing", serverTiming(r, time.Now()))
	w.Write(append(b, '\n'))
}

// itemsQuery reads the parameters of GET /api/items, named like the
// flags of `hoard query`: source, kind (repeated or comma-separated), q,
// after, before, within, limit, reverse.
func itemsQuery(r *http.Request, now time.Time) (sources, kinds []string, q dal.Query, err error) {
	v := r.URL.Query()
	for k := range v {
		switch k {
		case "source", "kind", "q", "after", "before", "within", "limit", "reverse":
		default:
			return nil, nil, q, fmt.Errorf("unknown parameter %q (parameters: source, kind, q, after, before, within, limit, reverse)", k)
		}
	}
	sources, kinds = splitParams(v["source"]), splitParams(v["kind"])
	q.Search = v.Get("q")
	if strings.TrimSpace(q.Search) != "" && dal.FTSQuery(q.Search) == "" {
		return nil, nil, q, fmt.Errorf("q=%q: no word to search for (words are letters and digits; word* matches a prefix)", q.Search)
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return nil, nil, q, fmt.Errorf("limit=%q: not a positive number", s)
		}
	}
	if s := v.Get("reverse"); s != "" {
		if q.Reverse, err = strconv.ParseBool(s); err != nil {
			return nil, nil, q, fmt.Errorf("reverse=%q: use true or false", s)
		}
	}
	if s := v.Get("within"); s != "" {
		if v.Get("after") != "" {
			return nil, nil, q, fmt.Errorf("use within or after, not both")
		}
		d, err := duration.Parse(s)
		if err != nil {
			return nil, nil, q, fmt.Errorf("within=%q: %v", s, err)
		}
		q.After = now.Add(-d)
	}
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"after", &q.After}, {"before", &q.Before}} {
		if s := v.Get(b.name); s != "" {
			if *b.dst, err = parseWhen(s); err != nil {
				return nil, nil, q, fmt.Errorf("%s=%q: %v", b.name, s, err)
			}
		}
	}
	return sources, kinds, q, nil
}

// parseWhen reads an absolute time as `hoard items --after` does: text
// without a zone is UTC.
func parseWhen(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006-01"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time (use 2024-05-01, 2024-05-01T12:00, or RFC 3339)", s)
}

// apiItems streams items as JSON lines, byte for byte what `hoard items
// --format jsonl` (or `hoard query`) prints for the same selection. The
// number of problems met reading the snapshots is in the Hoard-Problems
// header (their messages are in GET /api/sources); a failure after the
// first item cuts the connection, so that a client never takes a
// truncated stream for a whole one.
func (s *Server) apiItems(w http.ResponseWriter, r *http.Request) {
	sources, kinds, q, err := itemsQuery(r, s.o.Now())
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err)
		return
	}
	ts, err := s.o.App.Targets(sources)
	if err != nil {
		writeJSONError(w, http.StatusNotFound, err)
		return
	}
	limit := q.Limit
	if len(kinds) > 0 {
		q.Limit = 0 // the kinds are filtered here, then the limit applies
	}
	rd, err := s.reader().Read(r.Context(), ts, q)
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err)
		return
	}
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	h.Set("Hoard-Problems", strconv.Itoa(len(app.Dedupe(rd.Problems))))
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	n := 0
	for it, err := range app.FilterKinds(rd.Items, kinds) {
		if err != nil {
			if n == 0 {
				writeJSONError(w, http.StatusInternalServerError, err)
				return
			}
			bw.Flush()
			s.o.Log.Error("api/items: the read failed mid-way", "error", err)
			panic(http.ErrAbortHandler) // cut the connection: the stream is incomplete
		}
		buf = append(it.AppendJSON(buf[:0]), '\n')
		if _, err := bw.Write(buf); err != nil {
			return // the client went away
		}
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	bw.Flush()
}
