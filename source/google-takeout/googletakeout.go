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
	"fmt"
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
	Name: Name, Version: 2,
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
	Read:    takeoutkit.Sniffed(readFile),
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
	Detect:   downloads.Detect,
	Stanza:   Stanza("~/Downloads/takeout-*", "Google Takeout archives, imported as they are downloaded"),
}

var downloads = &takeoutkit.Downloads{
	Name: Name, Dirs: []string{"Downloads"}, Files: []string{"takeout-*.zip", "takeout-*.tgz"}, Watch: "takeout-*",
	What: "Google Takeout archives",
	Count: func(parts []string) string {
		return plural(len(Parts(parts)), "takeout") + ", " + plural(len(parts), "part")
	},
	Each: "every part of every takeout is imported once and read in place.",
	Help: `# Request one at https://takeout.google.com (choose JSON for My Activity
# under "Multiple formats": its times are exact to the millisecond).
`,
}

// Stanza is the config of a source that imports every takeout downloaded
// to the place watch names.
func Stanza(watch, comment string) string { return downloads.Stanza(watch, comment) }

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
func readFile(ctx context.Context, br *bufio.Reader, h takeoutkit.Head, name string, spec *dal.Spec, whole bool, yield func(dal.Record, error) bool) {
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

// activityMembers are the members an activity is read by.
var activityMembers = []string{"header", "title", "titleUrl", "time"}

// activity reads one activity of a My Activity or YouTube history file.
func activity(raw []byte) (string, []byte, error) {
	var v [4][]byte
	if err := takeoutkit.Pick(raw, activityMembers, v[:]); err != nil {
		return "", nil, fmt.Errorf("not an activity: %v", err)
	}
	header, _ := takeoutkit.String(v[0])
	title, _ := takeoutkit.String(v[1])
	titleURL, _ := takeoutkit.String(v[2])
	when, _ := takeoutkit.String(v[3])
	f := &takeoutkit.Fields{}
	var terr error
	if t, err := time.Parse(time.RFC3339Nano, when); err == nil {
		f.String("second", t.UTC().Truncate(time.Second).Format(time.RFC3339))
	} else {
		f.String("second", when)
		terr = fmt.Errorf("time %q is not RFC 3339", when)
	}
	return classify(header, titleURL, title), takeoutkit.Annotate(raw, f), terr
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

// locationMembers are the members a Records.json record is read by.
var locationMembers = []string{"timestamp", "timestampMs", "latitudeE7", "longitudeE7"}

// location reads one record of Records.json: the time in one form
// whether written as timestampMs (until 2022) or timestamp, and the
// point in degrees ("48.8583701, 2.2944813", from latitudeE7 and
// longitudeE7, digit for digit).
func location(raw []byte) (string, []byte, error) {
	var v [4][]byte
	if err := takeoutkit.Pick(raw, locationMembers, v[:]); err != nil {
		return "", nil, err
	}
	f := &takeoutkit.Fields{}
	t, err := eitherTime("timestamp", v[0], v[1])
	if err == nil {
		f.String("time", t.Format(time.RFC3339Nano))
	}
	if v[2] != nil && v[3] != nil {
		if a, b := e7(v[2]), e7(v[3]); a != "" && b != "" {
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
	u := uint64(n)
	var b [32]byte
	out := b[:0]
	if n < 0 {
		out, u = append(out, '-'), -u // -u: the magnitude, math.MinInt64's too
	}
	out = strconv.AppendUint(out, u/1e7, 10)
	var frac [8]byte // ".0000000"
	frac[0] = '.'
	for i, f := 7, u%1e7; i > 0; i, f = i-1, f/10 {
		frac[i] = byte('0' + f%10)
	}
	return string(append(out, frac[:]...))
}

// eitherTime reads a time written as NAME (RFC 3339; iso is its value)
// or as NAMEMs (milliseconds since the Unix epoch, a string or a number;
// ms), in UTC.
func eitherTime(name string, iso, ms []byte) (time.Time, error) {
	if iso != nil {
		s, _ := takeoutkit.String(iso)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s %s is not an RFC 3339 time", name, iso)
		}
		return t.UTC(), nil
	}
	if ms != nil {
		s, _ := takeoutkit.Scalar(ms)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%sMs %s is not a number of milliseconds", name, ms)
		}
		return time.UnixMilli(n).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("no %s or %sMs", name, name)
}

var (
	semanticMembers = []string{"placeVisit", "activitySegment"}
	durationMembers = []string{"startTimestamp", "startTimestampMs", "endTimestamp", "endTimestampMs"}
)

// semantic reads one object of Semantic Location History: a place visit
// or an activity segment, with their duration's start and end in one
// form (startTimestampMs before 2022, startTimestamp since).
func semantic(raw []byte) (string, []byte, error) {
	var v [2][]byte
	if err := takeoutkit.Pick(raw, semanticMembers, v[:]); err != nil {
		return "", nil, err
	}
	kind, inner := "place_visits", v[0]
	if inner == nil {
		kind, inner = "activity_segments", v[1]
	}
	if inner == nil {
		return "", nil, nil // neither: nothing Google documents
	}
	duration, _ := takeoutkit.Get(inner, "duration")
	var d [4][]byte
	takeoutkit.Pick(duration, durationMembers, d[:])
	f := &takeoutkit.Fields{}
	var errs []string
	for i, end := range []string{"start", "end"} {
		t, err := eitherTime(end+"Timestamp", d[2*i], d[2*i+1])
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

var segmentMembers = []string{"visit", "activity", "timelineMemory", "timelinePath"}

// segmentKinds are the kinds of the segments holding each of
// segmentMembers, in that order of precedence.
var segmentKinds = []string{"timeline_visits", "timeline_activities", "timeline_memories", "timeline_paths"}

// timelineSegment reads one segment of an on-device Timeline export; its
// kind is what it holds.
func timelineSegment(raw []byte) (string, []byte, error) {
	var v [4][]byte
	if err := takeoutkit.Pick(raw, segmentMembers, v[:]); err != nil {
		return "", nil, err
	}
	for i, val := range v {
		if val != nil {
			return segmentKinds[i], raw, nil
		}
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
