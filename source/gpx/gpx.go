// Package gpx is the built-in source for GPX files, the GPS exchange
// format of Strava, Garmin Connect, Garmin's own devices, OsmAnd and most
// other tools: one item per track (with its start, end, duration, distance
// and number of points), one per track point (with its extensions: heart
// rate, cadence, temperature, power), and the waypoints and routes.
//
// GPX 1.0 and 1.1 are read alike, elements by their local name whatever
// their namespace prefix (Strava writes gpxtpx:, Garmin Connect ns3: for
// the same TrackPointExtension).
package gpx

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/localtime"
)

// Decoder yields kinds tracks, points, waypoints and routes.
var Decoder = &dal.Decoder{
	Name: "gpx", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"tracks":    {Key: []string{"id"}, Time: "start", Title: "name", Text: "desc"},
		"points":    {Key: []string{"track_id", "segment", "index"}, Time: "time", Title: "track_name"},
		"waypoints": {Key: []string{"lat", "lon", "time", "name"}, Time: "time", Title: "name", Text: "desc"},
		"routes":    {Key: []string{"id"}, Title: "name", Text: "desc"},
	},
	Stream:  stream,
	Records: dal.RecordsOf(stream),
}

// Source describes GPX files.
var Source = &source.Source{
	Name:     "gpx",
	Title:    "GPX tracks, points and waypoints (Strava, Garmin Connect, Garmin devices, any GPS app)",
	Category: source.Device,
	Needs:    "a GPX file, or a Garmin GPS mounted over USB",
	Decoder:  Decoder,
	Exporter: source.FileKind("gpx", "gpx"),
	Detect:   detect,
	Stanza:   stanza("GPX file (edit the path)", "~/gpx/track.gpx", ""),
}

// A Garmin handheld (eTrex, GPSMAP, Oregon...) mounts as GARMIN and keeps
// its current tracks in one file.
const (
	GarminVolume  = "GARMIN"
	GarminCurrent = "Garmin/GPX/Current/Current.gpx"
)

func stanza(comment, path, whenPresent string) string {
	s := fmt.Sprintf("# %s\n[sources.NAME]\nexporter = \"gpx\"\npath = %s\n", comment, strconv.Quote(path))
	if whenPresent != "" {
		s += "when_present = " + strconv.Quote(whenPresent) + "\n"
	}
	return s + "compression = \"zstd\"\n"
}

func detect(env source.Env) []source.Found {
	var out []source.Found
	for i, v := range source.MountedVolumes(env, GarminCurrent, GarminVolume) {
		comment := "Garmin GPS at " + v.Dir + ": its current tracks, exported whenever it is plugged in"
		out = append(out, source.Found{Name: source.Number("garmin", i), Path: v.File, Comment: comment,
			Stanza: stanza(comment, filepath.Join(v.Dir, GarminCurrent), v.Dir)})
	}
	return out
}

// EarthRadius is the mean radius of the Earth (IUGG), in metres, which
// distances are computed with.
const EarthRadius = 6371008.8

// Distance is the great-circle (haversine) distance between two points,
// in metres.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * EarthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

const maxDepth = 64

// stream reads a GPX file from in; path names it in errors.
func stream(ctx context.Context, in io.Reader, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		d := xml.NewDecoder(bufio.NewReaderSize(dal.WithContext(ctx, in), 256<<10))
		d.Strict = true
		d.Entity = xml.HTMLEntity // &nbsp; and friends in descriptions
		d.CharsetReader = charsetReader
		p := &parser{ctx: ctx, path: path, d: d, yield: yield}
		p.run()
	}
}

type parser struct {
	ctx     context.Context
	path    string
	d       *xml.Decoder
	yield   func(dal.Record, error) bool
	stopped bool
	n       int // tokens read

	creator, version string
	tracks, routes   int
}

func (p *parser) emit(rec dal.Record, err error) {
	if !p.stopped && !p.yield(rec, err) {
		p.stopped = true
	}
}

func (p *parser) fail(err error) {
	line, col := p.d.InputPos()
	p.emit(dal.Record{}, &dal.ReadError{File: p.path, Where: fmt.Sprintf("line %d, column %d", line, col), Err: err})
}

// emitPoint yields a point's record, after the error of a coordinate
// that does not read.
func (p *parser) emitPoint(kind string, pt point, pre []byte) {
	if pt.err != nil {
		p.emit(dal.Record{}, pt.err)
	}
	p.emit(dal.Record{Kind: kind, Raw: pt.json(pre)}, nil)
}

// token returns the next token; io.EOF at the end.
func (p *parser) token() (xml.Token, error) {
	if p.n++; p.n%4096 == 0 && p.ctx.Err() != nil {
		return nil, p.ctx.Err()
	}
	return p.d.Token()
}

func (p *parser) run() {
	var root bool
	for !p.stopped {
		tok, err := p.token()
		if err == io.EOF {
			if !root {
				p.fail(errors.New("no <gpx> element: not a GPX file"))
			}
			return
		}
		if err != nil {
			p.fail(err)
			return
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !root {
			if se.Name.Local != "gpx" {
				p.fail(fmt.Errorf("the document is <%s>, not <gpx>: not a GPX file", se.Name.Local))
				return
			}
			root = true
			p.creator, p.version = attr(se, "creator"), attr(se, "version")
			continue
		}
		switch se.Name.Local {
		case "trk":
			err = p.track(se)
		case "rte":
			err = p.route(se)
		case "wpt":
			var pt point
			if pt, err = p.point(se); err == nil {
				p.emitPoint("waypoints", pt, nil)
			}
		default:
			err = p.d.Skip()
		}
		if err != nil {
			p.fail(err)
			return
		}
	}
}

// point is a wpt, trkpt or rtept: its coordinates, time, other simple
// children (ele, name, sym, speed, hdop, ...) and extensions, in order.
type point struct {
	lat, lon   float64
	latS, lonS string // as written
	ok         bool   // lat and lon read
	time       string
	at         time.Time // time, when it reads
	fields     [][2]string
	ext        [][2]string
	err        error // a coordinate that does not read
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// point reads the element se starts, to its end.
func (p *parser) point(se xml.StartElement) (point, error) {
	pt := point{latS: strings.TrimSpace(attr(se, "lat")), lonS: strings.TrimSpace(attr(se, "lon"))}
	var err1, err2 error
	pt.lat, err1 = strconv.ParseFloat(pt.latS, 64)
	pt.lon, err2 = strconv.ParseFloat(pt.lonS, 64)
	pt.ok = err1 == nil && err2 == nil && jsonNumber.MatchString(pt.latS) && jsonNumber.MatchString(pt.lonS) &&
		math.Abs(pt.lat) <= 90 && math.Abs(pt.lon) <= 180
	if !pt.ok {
		line, _ := p.d.InputPos()
		pt.err = &dal.ReadError{File: p.path, Where: fmt.Sprintf("line %d", line),
			Err: fmt.Errorf("<%s lat=%q lon=%q>: not a latitude and longitude in degrees", se.Name.Local, pt.latS, pt.lonS)}
	}
	for depth := 1; depth > 0; {
		tok, err := p.token()
		if err != nil {
			return pt, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "extensions" {
				ext, err := p.leaves()
				if err != nil {
					return pt, err
				}
				pt.ext = append(pt.ext, ext...)
				continue
			}
			text, nested, err := p.text()
			if err != nil {
				return pt, err
			}
			if nested {
				continue // <link href> and the like: not kept
			}
			if t.Name.Local == "time" {
				pt.time = text
				pt.at, _ = parseTime(text)
				continue
			}
			pt.fields = append(pt.fields, [2]string{t.Name.Local, text})
		case xml.EndElement:
			depth--
		}
	}
	return pt, nil
}

// text reads the text of an element whose start was just read, to its
// end; nested reports an element with children (skipped).
func (p *parser) text() (string, bool, error) {
	var b strings.Builder
	nested := false
	for depth := 1; depth > 0; {
		tok, err := p.token()
		if err != nil {
			return "", false, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 1 {
				b.Write(t)
			}
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return "", false, errors.New("elements nested too deeply")
			}
			nested = true
		case xml.EndElement:
			depth--
		}
	}
	return strings.TrimSpace(b.String()), nested, nil
}

// leaves reads an <extensions> element to its end and returns its leaf
// elements, by local name, in order (TrackPointExtension's hr, cad, atemp;
// Strava's power; Garmin's DisplayColor).
func (p *parser) leaves() ([][2]string, error) {
	var out [][2]string
	type open struct {
		name     string
		text     strings.Builder
		children bool
	}
	stack := []*open{{name: "extensions"}}
	for len(stack) > 0 {
		tok, err := p.token()
		if err != nil {
			return out, unexpectedEOF(err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > maxDepth {
				return out, errors.New("extensions nested too deeply")
			}
			top.children = true
			stack = append(stack, &open{name: t.Name.Local})
		case xml.CharData:
			top.text.Write(t)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if !top.children && len(stack) > 0 {
				out = append(out, [2]string{top.name, strings.TrimSpace(top.text.String())})
			}
		}
	}
	return out, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseTime reads a GPX time: RFC 3339 (UTC, as GPX requires), or without
// a zone (read as UTC, as hoard reads such times everywhere).
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// json renders a point, after the members in pre (a track point's track,
// segment and index).
func (pt point) json(pre []byte) []byte {
	b := append([]byte{'{'}, pre...)
	sep := func() {
		if len(b) > 1 {
			b = append(b, ',')
		}
	}
	sep()
	b = append(b, `"lat":`...)
	b = number(b, pt.latS, pt.ok)
	b = append(b, `,"lon":`...)
	b = number(b, pt.lonS, pt.ok)
	b = append(b, `,"time":`...)
	if pt.time != "" {
		b = dal.AppendJSONString(b, pt.time)
	} else {
		b = append(b, "null"...)
	}
	for _, f := range pt.fields {
		b = append(b, ',')
		b = dal.AppendJSONString(b, f[0])
		b = append(b, ':')
		b = value(b, f[0], f[1])
	}
	if len(pt.ext) > 0 {
		b = append(b, `,"extensions":`...)
		b = object(b, pt.ext)
	}
	return append(b, '}')
}

// numeric are the simple children of a point that GPX defines as numbers.
var numeric = map[string]bool{"ele": true, "speed": true, "course": true, "magvar": true, "geoidheight": true,
	"sat": true, "hdop": true, "vdop": true, "pdop": true, "ageofdgpsdata": true, "dgpsid": true}

func value(b []byte, name, text string) []byte {
	if numeric[name] && jsonNumber.MatchString(text) {
		return append(b, text...)
	}
	return dal.AppendJSONString(b, text)
}

func number(b []byte, text string, ok bool) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return append(b, text...)
}

// object renders leaves as a JSON object: numbers as numbers, other text
// as strings; a name repeated keeps its last value.
func object(b []byte, leaves [][2]string) []byte {
	b = append(b, '{')
	last := map[string]int{}
	for i, l := range leaves {
		last[l[0]] = i
	}
	first := true
	for i, l := range leaves {
		if last[l[0]] != i {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = dal.AppendJSONString(b, l[0])
		b = append(b, ':')
		if jsonNumber.MatchString(l[1]) {
			b = append(b, l[1]...)
		} else {
			b = dal.AppendJSONString(b, l[1])
		}
	}
	return append(b, '}')
}

// summary is what a track or route item says of its points.
type summary struct {
	id, name, desc     string
	fields             [][2]string // name, desc, type, number, ... as met
	ext                [][2]string
	points, segments   int
	distance           float64
	start, end         time.Time
	firstLat, firstLon string
	prev               *point
}

// add counts a point, and the distance from the point before it in its
// segment.
func (s *summary) add(pt *point, newSegment bool) {
	if s.points == 0 && pt.ok {
		s.firstLat, s.firstLon = pt.latS, pt.lonS
	}
	s.points++
	if newSegment {
		s.prev = nil
	}
	if pt.ok {
		if s.prev != nil {
			s.distance += Distance(s.prev.lat, s.prev.lon, pt.lat, pt.lon)
		}
		cp := *pt
		cp.fields, cp.ext = nil, nil
		s.prev = &cp
	}
	if !pt.at.IsZero() {
		if s.start.IsZero() || pt.at.Before(s.start) {
			s.start = pt.at
		}
		if pt.at.After(s.end) {
			s.end = pt.at
		}
	}
}

// track reads a <trk>, yielding its points as they come and the track
// after them.
func (p *parser) track(se xml.StartElement) error {
	p.tracks++
	s := summary{}
	trackID := ""
	var pre []byte
	segment, index := -1, 0
	for depth := 1; depth > 0 && !p.stopped; {
		tok, err := p.token()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "trkseg":
				depth++
				segment, index = segment+1, 0
				s.segments++
			case "trkpt":
				if segment < 0 { // a point outside any segment
					segment, s.segments = 0, 1
				}
				pt, err := p.point(t)
				if err != nil {
					return err
				}
				if trackID == "" {
					trackID = pointTrackID(pt, p.tracks, s.name)
				}
				s.add(&pt, index == 0)
				pre = pre[:0]
				pre = append(pre, `"track_id":`...)
				pre = dal.AppendJSONString(pre, trackID)
				pre = append(pre, `,"track":`...)
				pre = strconv.AppendInt(pre, int64(p.tracks), 10)
				pre = append(pre, `,"track_name":`...)
				pre = dal.AppendJSONString(pre, s.name)
				pre = append(pre, `,"segment":`...)
				pre = strconv.AppendInt(pre, int64(segment), 10)
				pre = append(pre, `,"index":`...)
				pre = strconv.AppendInt(pre, int64(index), 10)
				index++
				p.emitPoint("points", pt, pre)
			default:
				if err := p.member(&s, t); err != nil {
					return err
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if trackID == "" {
		trackID = pointTrackID(point{}, p.tracks, s.name)
	}
	s.id = trackID
	p.emit(dal.Record{Kind: "tracks", Raw: p.summaryJSON(&s, "track")}, nil)
	return nil
}

// member reads a child of a <trk> or <rte> other than its segments and
// points: the leaves of its <extensions>, or a field (name, desc, ...),
// whose nested elements, if any, are skipped.
func (p *parser) member(s *summary, t xml.StartElement) error {
	if t.Name.Local == "extensions" {
		ext, err := p.leaves()
		if err != nil {
			return err
		}
		s.ext = append(s.ext, ext...)
		return nil
	}
	text, nested, err := p.text()
	if err != nil {
		return err
	}
	if !nested {
		s.field(t.Name.Local, text)
	}
	return nil
}

func (s *summary) field(name, text string) {
	switch name {
	case "name":
		s.name = text
	case "desc":
		s.desc = text
	}
	s.fields = append(s.fields, [2]string{name, text})
}

// pointTrackID names a track by its first point: the point's time when
// it has one (a track is one recording: the same recording exported twice
// is the same track), else the track's name and the point's position,
// else its position in the file.
func pointTrackID(first point, n int, name string) string {
	switch {
	case !first.at.IsZero():
		return localtime.RFC3339(first.at)
	case first.ok:
		return name + "@" + first.latS + "," + first.lonS
	}
	return fmt.Sprintf("%s#%d", name, n)
}

// route reads a <rte>: its points are counted and measured, not yielded.
func (p *parser) route(se xml.StartElement) error {
	p.routes++
	s := summary{}
	for depth := 1; depth > 0; {
		tok, err := p.token()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "rtept":
				pt, err := p.point(t)
				if err != nil {
					return err
				}
				s.add(&pt, s.points == 0)
				if pt.err != nil {
					p.emit(dal.Record{}, pt.err)
				}
			default:
				if err := p.member(&s, t); err != nil {
					return err
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	s.segments = 0
	s.id = s.name
	if s.firstLat != "" {
		s.id += "@" + s.firstLat + "," + s.firstLon
	} else {
		s.id = fmt.Sprintf("%s#%d", s.name, p.routes)
	}
	p.emit(dal.Record{Kind: "routes", Raw: p.summaryJSON(&s, "route")}, nil)
	return nil
}

// summaryJSON renders a track or route.
func (p *parser) summaryJSON(s *summary, what string) []byte {
	b := []byte(`{"id":`)
	b = dal.AppendJSONString(b, s.id)
	for _, f := range s.fields {
		b = append(b, ',')
		b = dal.AppendJSONString(b, f[0])
		b = append(b, ':')
		b = dal.AppendJSONString(b, f[1])
	}
	if !has(s.fields, "name") {
		b = append(b, `,"name":null`...)
	}
	if !has(s.fields, "desc") {
		b = append(b, `,"desc":null`...)
	}
	b = append(b, `,"creator":`...)
	b = dal.AppendJSONString(b, p.creator)
	b = append(b, `,"version":`...)
	b = dal.AppendJSONString(b, p.version)
	if what == "track" {
		b = append(b, `,"start":`...)
		b = timeOrNull(b, s.start)
		b = append(b, `,"end":`...)
		b = timeOrNull(b, s.end)
		b = append(b, `,"duration_s":`...)
		if s.start.IsZero() {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, s.end.Sub(s.start).Seconds(), 'f', -1, 64)
		}
		b = append(b, `,"segments":`...)
		b = strconv.AppendInt(b, int64(s.segments), 10)
	}
	b = append(b, `,"points":`...)
	b = strconv.AppendInt(b, int64(s.points), 10)
	b = append(b, `,"distance_m":`...)
	b = strconv.AppendFloat(b, math.Round(s.distance*10)/10, 'f', 1, 64)
	if len(s.ext) > 0 {
		b = append(b, `,"extensions":`...)
		b = object(b, s.ext)
	}
	return append(b, '}')
}

func timeOrNull(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return dal.AppendJSONString(b, localtime.RFC3339(t))
}

func has(fields [][2]string, name string) bool {
	for _, f := range fields {
		if f[0] == name {
			return true
		}
	}
	return false
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
