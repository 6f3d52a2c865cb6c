// Package googletakeout is the built-in source for Google Takeout
// (takeout.google.com): the archive Google mails a link to, in one or
// several parts (takeout-20240101T000000Z-001.zip, -002.zip, or .tgz),
// read in place, or one of its files on its own, or the Timeline.json a
// phone exports since Google Maps moved the timeline onto the device.
//
// Takeout names its folders and files in the account's language ("My
// Activity" is "Meine Aktivitäten", Chrome's BrowserHistory.json is
// "Verlauf.json" in German), and its formats changed over the years, so
// the decoder tells each file by what it holds, not by its name:
//
//   - My Activity, and YouTube's watch and search history: a JSON array
//     of activities ({"header", "title", "titleUrl", "time", ...}), or
//     the HTML page Takeout writes by default, read into the same members;
//     an activity whose link is a YouTube video is of kind youtube_watch,
//     a YouTube search youtube_search, any other activity;
//   - Location History's Records.json ({"locations": [...]}, with
//     timestampMs until 2022 and timestamp since): kind location;
//   - Semantic Location History (one file per month, {"timelineObjects":
//     [...]}): kinds place_visits and activity_segments;
//   - the on-device Timeline export ({"semanticSegments": [...]}, or an
//     array of segments from iOS): kinds timeline_visits,
//     timeline_activities, timeline_paths and timeline_memories;
//   - Chrome's history ({"Browser History": [...]}): kind chrome.
//
// Other files of a takeout are not read. Items without an id of their own
// are keyed by what identifies them (see Decoder); where a format changed
// how it writes a time, the decoder adds that time in one form under
// "hoard", so that the same item from an old and a new takeout is one
// item.
package googletakeout

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// Name is the source's name, its exporter kind and its decoder's name.
const Name = "google-takeout"

// activityKey identifies an activity: Takeout gives none an id. The time
// is taken to the second (hoard.second), which is all the HTML pages
// write, so that an activity read from an HTML takeout and from a JSON one
// is one item.
var activityKey = []string{"header", "title", "hoard.second"}

// Decoder reads Takeout snapshots: a whole takeout (zip or tar, as
// Google made it or as hoard import stored a folder), or one file of it.
var Decoder = &dal.Decoder{
	Name: Name, Version: 1,
	Kinds: map[string]dal.KindSpec{
		"activity":       {Key: activityKey, Time: "time", Title: "title", URL: "titleUrl", Text: "subtitles.0.name"},
		"youtube_watch":  {Key: activityKey, Time: "time", Title: "title", URL: "titleUrl", Text: "subtitles.0.name"},
		"youtube_search": {Key: activityKey, Time: "time", Title: "title", URL: "titleUrl"},
		"location": {Key: []string{"hoard.time", "latitudeE7", "longitudeE7"}, Time: "hoard.time",
			Title: "hoard.point", Text: "source"},
		"place_visits": {Key: []string{"hoard.start", "placeVisit.location.placeId", "placeVisit.location.latitudeE7", "placeVisit.location.longitudeE7"},
			Time: "hoard.start", Title: "placeVisit.location.name", Text: "placeVisit.location.address"},
		"activity_segments": {Key: []string{"hoard.start", "hoard.end", "activitySegment.activityType"},
			Time: "hoard.start", Title: "activitySegment.activityType"},
		"timeline_visits": {Key: []string{"startTime", "endTime", "visit.topCandidate.placeId", "visit.topCandidate.placeID", "visit.hierarchyLevel"},
			Time: "startTime", Title: "visit.topCandidate.semanticType"},
		"timeline_activities": {Key: []string{"startTime", "endTime", "activity.topCandidate.type"},
			Time: "startTime", Title: "activity.topCandidate.type"},
		"timeline_paths":    {Key: []string{"startTime", "endTime"}, Time: "startTime"},
		"timeline_memories": {Key: []string{"startTime", "endTime"}, Time: "startTime", Text: "timelineMemory.note.note"},
		"chrome":            {Key: []string{"url", "time_usec"}, Time: "time_usec", TimeUnit: "us", Title: "title", URL: "url"},
	},
}

// reader reads a takeout's JSON and HTML members, each told by its
// content.
var reader = &takeoutkit.Reader{
	Kind:    Name,
	Members: []string{"**/*.json", "**/*.html"},
	Read:    readFile,
}

func init() { Decoder.Records = reader.Records }

// Source describes Google Takeout.
var Source = &source.Source{
	Name:     Name,
	Title:    "Google Takeout: My Activity, YouTube history, Location History and Timeline, Chrome history",
	Category: source.Takeout,
	Needs:    "a Takeout archive (takeout.google.com), or a phone's Timeline.json",
	Decoder:  Decoder,
	Exporter: source.FileKind(Name, "zip"),
	Detect:   detect,
	Stanza:   Stanza("~/Downloads/takeout-*", "Google Takeout archives, imported as they are downloaded"),
}

// Stanza is the config of a source that imports every takeout downloaded
// to the place watch names.
func Stanza(watch, comment string) string {
	return fmt.Sprintf(`# %s: every part of every takeout is imported once and read in place.
# Request one at https://takeout.google.com (choose JSON for My Activity
# under "Multiple formats": its times are exact to the millisecond).
[sources.NAME]
exporter = %q
watch = %s
schedule = "every 1h"
`, comment, Name, strconv.Quote(watch))
}

func detect(env source.Env) []source.Found {
	parts := source.Glob(env.Home, "Downloads/takeout-*.zip", "Downloads/takeout-*.tgz")
	if len(parts) == 0 {
		return nil
	}
	comment := fmt.Sprintf("Google Takeout archives in ~/Downloads (%s, %s)", plural(len(Parts(parts)), "takeout"), plural(len(parts), "part"))
	return []source.Found{{Name: Name, Comment: comment, Stanza: Stanza("~/Downloads/takeout-*", comment)}}
}

// plural writes n things: "1 part", "2 parts".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// readFile reads one file of a takeout. A file that is none of those read is
// skipped in an archive and an error when it is the whole snapshot
// (whole).
func readFile(ctx context.Context, r io.Reader, name string, spec *dal.Spec, whole bool) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		br := takeoutkit.NewReader(r)
		h, err := takeoutkit.Sniff(br)
		if err != nil {
			yield(dal.Record{}, takeoutkit.ReadError(name, "", err))
			return
		}
		j := &jsonRead{ctx: ctx, br: br, name: name, spec: spec, yield: yield}
		switch {
		case h.Type == '<' && isActivityPage(h.Bytes):
			readHTML(dal.WithContext(ctx, br), name, yield)
			if err := ctx.Err(); err != nil {
				yield(dal.Record{}, err)
			}
		case h.Type == '{' && h.First() == "locations":
			j.each("locations", location)
		case h.Type == '{' && h.First() == "timelineObjects":
			j.each("timelineObjects", semantic)
		case h.Type == '{' && (h.Has("semanticSegments") || h.First() == "rawSignals" || h.First() == "userLocationProfile"):
			j.each("semanticSegments", timelineSegment)
		case h.Type == '{' && h.First() == "Browser History":
			j.each("Browser History", func(raw []byte) (string, []byte, error) { return "chrome", raw, nil })
		case h.Type == '[' && (h.Has("header") || (h.Has("title") && h.Has("time"))):
			j.each("", activity)
		case h.Type == '[' && h.Has("startTime") && (h.Has("visit") || h.Has("activity") || h.Has("timelinePath") || h.Has("timelineMemory")):
			j.each("", timelineSegment)
		case whole:
			yield(dal.Record{}, takeoutkit.Unrecognised(name, h, "a Google Takeout file (My Activity, YouTube history, Records.json, Semantic Location History, Timeline.json, BrowserHistory.json)"))
		}
	}
}

// jsonRead reads the items of a JSON document through dal's JSON decoder
// (streaming, errors with their line and byte), each turned into a record
// by a function of its raw bytes.
type jsonRead struct {
	ctx   context.Context
	br    *bufio.Reader
	name  string
	spec  *dal.Spec
	yield func(dal.Record, error) bool
}

// each reads the array at path (the top-level array for "").
func (j *jsonRead) each(path string, fn func(raw []byte) (kind string, out []byte, err error)) {
	sub := &dal.Spec{Source: j.spec.Source, MaxItemSize: j.spec.MaxItemSize}
	if path != "" {
		sub.Items = []string{path}
	}
	n := 0
	for rec, err := range dal.JSON.Stream(j.ctx, j.br, j.name, sub) {
		if err != nil {
			if !j.yield(dal.Record{}, err) {
				return
			}
			continue
		}
		n++
		if !takeoutkit.IsObject(rec.Raw) {
			if !j.yield(dal.Record{}, takeoutkit.ReadError(j.name, fmt.Sprintf("item %d", n), takeoutkit.ErrNotObject)) {
				return
			}
			continue
		}
		kind, raw, err := fn(rec.Raw)
		if err != nil {
			where := fmt.Sprintf("item %d", n)
			if path != "" {
				where += fmt.Sprintf(" of %q", path)
			}
			if !j.yield(dal.Record{}, takeoutkit.ReadError(j.name, where, err)) {
				return
			}
		}
		if kind == "" {
			continue
		}
		if !j.yield(dal.Record{Kind: kind, Raw: raw}, nil) {
			return
		}
	}
}

// activity reads one activity of a My Activity or YouTube history file.
func activity(raw []byte) (string, []byte, error) {
	var a struct {
		Header   string `json:"header"`
		Title    string `json:"title"`
		TitleURL string `json:"titleUrl"`
		Time     string `json:"time"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", nil, fmt.Errorf("not an activity: %v", err)
	}
	f := &takeoutkit.Fields{}
	var terr error
	if t, err := time.Parse(time.RFC3339Nano, a.Time); err == nil {
		f.String("second", t.UTC().Truncate(time.Second).Format(time.RFC3339))
	} else {
		f.String("second", a.Time)
		terr = fmt.Errorf("time %q is not RFC 3339", a.Time)
	}
	return classify(a.Header, a.TitleURL, a.Title), takeoutkit.Annotate(raw, f), terr
}

// classify tells an activity's kind by its link: a YouTube video watched
// or a search on YouTube; any other activity. (A watched video that was
// removed has no link: it stays an activity.)
func classify(header, titleURL, title string) string {
	u, err := url.Parse(titleURL)
	if err != nil || titleURL == "" {
		return "activity"
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	youtube := host == "youtube.com" || host == "m.youtube.com" || host == "music.youtube.com" || host == "youtu.be"
	switch {
	case youtube && (u.Path == "/watch" || host == "youtu.be" || strings.HasPrefix(u.Path, "/shorts/")):
		return "youtube_watch"
	case youtube && u.Path == "/results" && u.Query().Has("search_query"):
		return "youtube_search"
	case youtube && host == "music.youtube.com" && u.Path == "/search":
		return "youtube_search"
	}
	return "activity"
}

// location reads one record of Records.json: the time in one form
// whether written as timestampMs (until 2022) or timestamp, and the
// point in degrees ("48.8583701, 2.2944813", from latitudeE7 and
// longitudeE7, digit for digit).
func location(raw []byte) (string, []byte, error) {
	f := &takeoutkit.Fields{}
	t, err := eitherTime(raw, "timestamp")
	if err == nil {
		f.String("time", t.Format(time.RFC3339Nano))
	}
	lat, ok1 := takeoutkit.Get(raw, "latitudeE7")
	lng, ok2 := takeoutkit.Get(raw, "longitudeE7")
	if ok1 && ok2 {
		if a, b := e7(lat), e7(lng); a != "" && b != "" {
			f.String("point", a+", "+b)
		}
	}
	return "location", takeoutkit.Annotate(raw, f), err
}

// e7 writes a number of 10^-7 degrees (488583701) in degrees
// ("48.8583701"), or "" if it is not an integer.
func e7(v []byte) string {
	s, ok := takeoutkit.Scalar(v)
	n, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil {
		return ""
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%07d", sign, n/10000000, n%10000000)
}

// eitherTime reads an object's time member NAME (RFC 3339) or NAMEMs
// (milliseconds since the Unix epoch, a string or a number), in UTC.
func eitherTime(raw []byte, name string) (time.Time, error) {
	if v, ok := takeoutkit.Get(raw, name); ok {
		s, _ := takeoutkit.String(v)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s %s is not an RFC 3339 time", name, v)
		}
		return t.UTC(), nil
	}
	if v, ok := takeoutkit.Get(raw, name+"Ms"); ok {
		s, _ := takeoutkit.Scalar(v)
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%sMs %s is not a number of milliseconds", name, v)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("no %s or %sMs", name, name)
}

// semantic reads one object of Semantic Location History: a place visit
// or an activity segment, with their duration's start and end in one
// form (startTimestampMs before 2022, startTimestamp since).
func semantic(raw []byte) (string, []byte, error) {
	var kind string
	var inner []byte
	for m, err := range takeoutkit.Members(raw) {
		if err != nil {
			return "", nil, err
		}
		switch m.Name {
		case "placeVisit":
			kind, inner = "place_visits", m.Value
		case "activitySegment":
			kind, inner = "activity_segments", m.Value
		}
	}
	if kind == "" {
		return "", nil, nil // neither: nothing Google documents
	}
	f := &takeoutkit.Fields{}
	var errs []string
	duration, _ := takeoutkit.Get(inner, "duration")
	for _, end := range []string{"start", "end"} {
		t, err := eitherTime(duration, end+"Timestamp")
		if err != nil {
			errs = append(errs, "duration: "+err.Error())
			continue
		}
		f.String(end, t.Format(time.RFC3339Nano))
	}
	var err error
	if len(errs) > 0 {
		err = fmt.Errorf("%s: %s", kind, strings.Join(errs, "; "))
	}
	return kind, takeoutkit.Annotate(raw, f), err
}

// timelineSegment reads one segment of an on-device Timeline export; its kind is
// what it holds.
func timelineSegment(raw []byte) (string, []byte, error) {
	has := map[string]bool{}
	for m, err := range takeoutkit.Members(raw) {
		if err != nil {
			return "", nil, err
		}
		has[m.Name] = true
	}
	switch {
	case has["visit"]:
		return "timeline_visits", raw, nil
	case has["activity"]:
		return "timeline_activities", raw, nil
	case has["timelineMemory"]:
		return "timeline_memories", raw, nil
	case has["timelinePath"]:
		return "timeline_paths", raw, nil
	}
	return "", nil, nil
}

// Parts groups takeout archive names by export: the parts of one takeout
// share the name up to their part number ("takeout-20240101T000000Z-001.zip").
func Parts(names []string) map[string][]string {
	out := map[string][]string{}
	for _, n := range names {
		base := filepath.Base(n)
		stem := strings.TrimSuffix(strings.TrimSuffix(base, filepath.Ext(base)), ".tar")
		if i := strings.LastIndexByte(stem, '-'); i > 0 {
			if _, err := strconv.Atoi(stem[i+1:]); err == nil {
				stem = stem[:i]
			}
		}
		out[stem] = append(out[stem], n)
	}
	return out
}
