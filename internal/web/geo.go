package web

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// LatLon is a point on the earth, in degrees.
type LatLon struct{ Lat, Lon float64 }

// Shape is what an item's raw JSON says about where it happened: points
// and tracks (points in order).
type Shape struct {
	Points []LatLon
	Tracks [][]LatLon
}

// Empty reports whether the shape has no point at all.
func (s Shape) Empty() bool { return len(s.Points) == 0 && len(s.Tracks) == 0 }

// Each calls fn with every point of the shape.
func (s Shape) Each(fn func(LatLon)) {
	for _, p := range s.Points {
		fn(p)
	}
	for _, t := range s.Tracks {
		for _, p := range t {
			fn(p)
		}
	}
}

// Limits of the walk through one item, so that a hostile or huge item
// costs a bounded amount of work.
const (
	geoDepth     = 10
	geoMaxPoints = 20000
)

// geoHint is a quick test on the raw bytes: an item that holds none of
// these has no coordinates by any of the names Coordinates knows, and is
// not parsed at all.
var geoHints = [][]byte{[]byte("lat"), []byte("Lat"), []byte("LAT"), []byte("polyline"), []byte("coordinates"), []byte("°"), []byte("geo:")}

func mayHaveCoordinates(raw []byte) bool {
	for _, h := range geoHints {
		if bytes.Contains(raw, h) {
			return true
		}
	}
	return false
}

// Coordinates finds the points and tracks in an item's raw JSON by the
// member names real exports use (see docs/web.md):
//
//   - a pair of members in one object: lat/lon, lat/lng, lat/long,
//     latitude/longitude (any case; numbers or numeric strings), @lat/@lon
//     (GPX read with the xml decoder), latitudeE7/longitudeE7 and
//     latE7/lngE7 (Google Takeout, in 10^-7 degrees);
//   - start_latlng and end_latlng, arrays [lat, lng] (Strava);
//   - text "48.8583701°, 2.2944813°" or "geo:48.85837,2.29448" (Google
//     Maps' Timeline.json: point, latLng, placeLocation);
//   - GeoJSON geometries: {"type": "Point" | "LineString" |
//     "MultiLineString", "coordinates": ...} (longitude first);
//   - an encoded polyline in summary_polyline or polyline (Strava's map).
//
// An array of two or more points (GPX trkpt, Google's
// simplifiedRawPath.points and timelinePath) is a track. Points outside
// the earth's ranges, and 0,0 (a common placeholder for "unknown"), are
// dropped.
func Coordinates(raw []byte) Shape {
	var s Shape
	if !mayHaveCoordinates(raw) {
		return s
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return s
	}
	w := walker{budget: geoMaxPoints}
	w.value(v, "", 0)
	return w.shape
}

type walker struct {
	shape  Shape
	budget int
}

func (w *walker) add(p LatLon) {
	if w.budget > 0 {
		w.budget--
		w.shape.Points = append(w.shape.Points, p)
	}
}

func (w *walker) track(t []LatLon) {
	if len(t) < 2 {
		for _, p := range t {
			w.add(p)
		}
		return
	}
	if len(t) > w.budget {
		t = t[:w.budget]
	}
	w.budget -= len(t)
	if len(t) > 0 {
		w.shape.Tracks = append(w.shape.Tracks, t)
	}
}

func (w *walker) value(v any, name string, depth int) {
	if depth > geoDepth || w.budget <= 0 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		w.object(v, depth)
	case []any:
		w.array(v, name, depth)
	case string:
		if p, ok := pointText(v); ok {
			w.add(p)
		} else if isPolylineName(name) {
			if t := decodePolyline(v); len(t) > 0 {
				w.track(t)
			}
		}
	}
}

func (w *walker) object(m map[string]any, depth int) {
	if t, ok := geoJSON(m); ok {
		for _, tr := range t.Tracks {
			w.track(tr)
		}
		for _, p := range t.Points {
			w.add(p)
		}
		return
	}
	if p, ok := pointOf(m); ok {
		w.add(p)
	}
	for k, v := range m {
		if isPairName(k) {
			continue
		}
		if k == "start_latlng" || k == "end_latlng" {
			if p, ok := latLngArray(v); ok {
				w.add(p)
			}
			continue
		}
		w.value(v, k, depth+1)
	}
}

// array makes a track of consecutive points; other elements are walked.
func (w *walker) array(a []any, name string, depth int) {
	var run []LatLon
	for _, e := range a {
		if p, used, ok := elementPoint(e); ok {
			run = append(run, p)
			if m, ok := e.(map[string]any); ok {
				// A point may hold more (a GPX trkpt holds no more points,
				// but a Google location record can nest an activity).
				for k, v := range m {
					if !isPairName(k) && k != used {
						w.value(v, k, depth+1)
					}
				}
			}
			continue
		}
		w.track(run)
		run = nil
		w.value(e, name, depth+1)
	}
	w.track(run)
}

// elementPoint is the point an array element stands for: an object with
// a coordinate pair or a member holding coordinate text (whose name is
// returned), or coordinate text.
func elementPoint(e any) (LatLon, string, bool) {
	switch e := e.(type) {
	case map[string]any:
		if _, ok := geoJSON(e); ok {
			return LatLon{}, "", false
		}
		if p, ok := pointOf(e); ok {
			return p, "", true
		}
		for _, k := range []string{"point", "latLng", "LatLng"} { // timelinePath: {"point": "..", "time": ..}
			if s, ok := e[k].(string); ok {
				p, ok := pointText(s)
				return p, k, ok
			}
		}
	case string:
		p, ok := pointText(e)
		return p, "", ok
	}
	return LatLon{}, "", false
}

var latNames = map[string]bool{"lat": true, "latitude": true, "@lat": true}
var lonNames = map[string]bool{"lon": true, "lng": true, "long": true, "longitude": true, "@lon": true}

func isPairName(k string) bool {
	l := strings.ToLower(k)
	return latNames[l] || lonNames[l] || l == "latitudee7" || l == "longitudee7" || l == "late7" || l == "lnge7"
}

// pointOf finds a coordinate pair among an object's members.
func pointOf(m map[string]any) (LatLon, bool) {
	var lat, lon, late7, lone7 any
	for k, v := range m {
		switch l := strings.ToLower(k); {
		case latNames[l]:
			lat = v
		case lonNames[l]:
			lon = v
		case l == "latitudee7" || l == "late7":
			late7 = v
		case l == "longitudee7" || l == "lnge7":
			lone7 = v
		}
	}
	if lat != nil && lon != nil {
		a, ok1 := number(lat)
		b, ok2 := number(lon)
		if ok1 && ok2 {
			return valid(a, b)
		}
	}
	if late7 != nil && lone7 != nil {
		a, ok1 := number(late7)
		b, ok2 := number(lone7)
		if ok1 && ok2 {
			return valid(e7(a), e7(b))
		}
	}
	return LatLon{}, false
}

// e7 turns Google's 10^-7 degrees into degrees. Some old Takeout files
// hold values that overflowed a signed 32-bit integer; they are mended
// the way the format's documentation describes.
func e7(v float64) float64 {
	if v > 1800000000 {
		v -= 4294967296
	}
	return v / 1e7
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func valid(lat, lon float64) (LatLon, bool) {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat == 0 && lon == 0) {
		return LatLon{}, false
	}
	return LatLon{lat, lon}, true
}

func latLngArray(v any) (LatLon, bool) {
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return LatLon{}, false // Strava writes [] for an activity with no GPS
	}
	lat, ok1 := number(a[0])
	lon, ok2 := number(a[1])
	if !ok1 || !ok2 {
		return LatLon{}, false
	}
	return valid(lat, lon)
}

var (
	degreesText = regexp.MustCompile(`^\s*(-?\d+(?:\.\d+)?)°,\s*(-?\d+(?:\.\d+)?)°\s*$`)
	geoURI      = regexp.MustCompile(`^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:[,;].*)?$`)
)

// pointText reads "48.85°, 2.29°" or "geo:48.85,2.29".
func pointText(s string) (LatLon, bool) {
	if len(s) > 80 {
		return LatLon{}, false
	}
	m := degreesText.FindStringSubmatch(s)
	if m == nil {
		m = geoURI.FindStringSubmatch(s)
	}
	if m == nil {
		return LatLon{}, false
	}
	lat, _ := strconv.ParseFloat(m[1], 64)
	lon, _ := strconv.ParseFloat(m[2], 64)
	return valid(lat, lon)
}

// geoJSON reads a GeoJSON geometry (coordinates are longitude first).
func geoJSON(m map[string]any) (Shape, bool) {
	typ, _ := m["type"].(string)
	coords, ok := m["coordinates"].([]any)
	if !ok {
		return Shape{}, false
	}
	var s Shape
	switch typ {
	case "Point":
		if p, ok := lonLat(coords); ok {
			s.Points = append(s.Points, p)
		}
	case "MultiPoint":
		for _, c := range coords {
			if p, ok := lonLat(c); ok {
				s.Points = append(s.Points, p)
			}
		}
	case "LineString":
		s.Tracks = append(s.Tracks, lonLats(coords))
	case "MultiLineString", "Polygon":
		for _, l := range coords {
			if a, ok := l.([]any); ok {
				s.Tracks = append(s.Tracks, lonLats(a))
			}
		}
	default:
		return Shape{}, false
	}
	return s, true
}

func lonLat(v any) (LatLon, bool) {
	a, ok := v.([]any)
	if !ok || len(a) < 2 {
		return LatLon{}, false
	}
	lon, ok1 := number(a[0])
	lat, ok2 := number(a[1])
	if !ok1 || !ok2 {
		return LatLon{}, false
	}
	return valid(lat, lon)
}

func lonLats(a []any) []LatLon {
	var out []LatLon
	for _, c := range a {
		if p, ok := lonLat(c); ok {
			out = append(out, p)
		}
	}
	return out
}

func isPolylineName(k string) bool { return k == "summary_polyline" || k == "polyline" }

// decodePolyline decodes Google's encoded polyline format (precision 5),
// which Strava uses for its maps. Text that is not a valid polyline gives
// no points.
func decodePolyline(s string) []LatLon {
	var out []LatLon
	var lat, lon int64
	for i := 0; i < len(s); {
		var d [2]int64
		for j := range d {
			var result int64
			shift := 0
			for {
				if i >= len(s) || shift > 60 {
					return nil
				}
				b := int64(s[i]) - 63
				i++
				if b < 0 || b > 63 {
					return nil
				}
				result |= (b & 0x1f) << shift
				shift += 5
				if b < 0x20 {
					break
				}
			}
			if result&1 != 0 {
				d[j] = ^(result >> 1)
			} else {
				d[j] = result >> 1
			}
		}
		lat += d[0]
		lon += d[1]
		p, ok := valid(float64(lat)/1e5, float64(lon)/1e5)
		if !ok {
			return nil
		}
		out = append(out, p)
		if len(out) >= geoMaxPoints {
			break
		}
	}
	return out
}
