package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/app"
)

// Map limits: the points kept while reading, and those drawn (tracks and
// points are thinned evenly beyond it, keeping each track's ends).
const (
	mapCollect = 500000
	mapDraw    = 20000
	tileSize   = 256
	maxTiles   = 64
	maxZoom    = 18
)

// placed is an item and where it happened.
type placed struct {
	item  dal.Item
	shape Shape
}

// tileLayer is the optional map background: images from a tile server
// (web.tiles in the config), which the Content-Security-Policy then
// allows, and nothing else.
type tileLayer struct {
	tmpl        string
	attribution string
	origins     []string
}

func newTileLayer(tmpl, attribution string) (*tileLayer, error) {
	t := &tileLayer{tmpl: tmpl, attribution: attribution}
	subs := []string{""}
	if strings.Contains(tmpl, "{s}") {
		subs = []string{"a", "b", "c"}
	}
	for _, sub := range subs {
		u, err := url.Parse(strings.NewReplacer("{s}", sub, "{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("web.tiles %q: not an http(s) URL template", tmpl)
		}
		t.origins = append(t.origins, u.Scheme+"://"+u.Host)
	}
	return t, nil
}

func (t *tileLayer) url(z, x, y int) string {
	subs := "abc"
	return strings.NewReplacer("{s}", string(subs[(x+y)%3]), "{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y)).Replace(t.tmpl)
}

// mapView is an SVG map: projected tracks and points, the tiles behind
// them (if enabled) or a graticule, and the links that zoom and pan.
type mapView struct {
	Width, Height int
	Tiles         []tileImg
	Grid          []gridLine
	Tracks        []svgTrack
	Points        []svgPoint
	Attribution   string
	Items         int
	Drawn         int // points drawn
	Total         int // points found
	Truncated     bool
	ZoomIn        string
	ZoomOut       string
	North, South  string
	West, East    string
	All           string
}

type tileImg struct {
	X, Y, Size float64
	Href       string
}

type gridLine struct {
	X1, Y1, X2, Y2 float64
	Label          string
	LX, LY         float64
}

type svgTrack struct {
	Points string
	Class  string
	Title  string
	URL    string
}

type svgPoint struct {
	X, Y  float64
	Class string
	Title string
	URL   string
}

// mercator projects a point to the unit square of Web Mercator (x east,
// y south).
func mercator(p LatLon) (float64, float64) {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p.Lat))
	x := (p.Lon + 180) / 360
	s := math.Sin(lat * math.Pi / 180)
	y := 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	return x, y
}

// unmercator is the inverse of mercator.
func unmercator(x, y float64) LatLon {
	lon := x*360 - 180
	lat := math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
	return LatLon{lat, lon}
}

// bbox is a view: the unit-square rectangle shown.
type bbox struct{ x0, y0, x1, y1 float64 }

func (b bbox) String() string {
	sw, ne := unmercator(b.x0, b.y1), unmercator(b.x1, b.y0)
	return fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", sw.Lat, sw.Lon, ne.Lat, ne.Lon)
}

// parseBBox reads "south,west,north,east" in degrees.
func parseBBox(s string) (bbox, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return bbox{}, fmt.Errorf("bbox=%q: use south,west,north,east in degrees", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bbox{}, fmt.Errorf("bbox=%q: %q is not a number", s, p)
		}
		v[i] = f
	}
	if v[0] < -90 || v[2] > 90 || v[0] >= v[2] || v[1] < -180 || v[3] > 180 || v[1] >= v[3] {
		return bbox{}, fmt.Errorf("bbox=%q: south must be below north and west of east, within -90..90 and -180..180", s)
	}
	x0, y1 := mercator(LatLon{v[0], v[1]})
	x1, y0 := mercator(LatLon{v[2], v[3]})
	return bbox{x0, y0, x1, y1}, nil
}

// fit returns the box of every point, with a margin; a single point gets
// a view about a kilometre wide.
func fit(ps []placed) (bbox, bool) {
	b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	n := 0
	for _, p := range ps {
		p.shape.Each(func(q LatLon) {
			x, y := mercator(q)
			b.x0, b.y0, b.x1, b.y1 = math.Min(b.x0, x), math.Min(b.y0, y), math.Max(b.x1, x), math.Max(b.y1, y)
			n++
		})
	}
	if n == 0 {
		return bbox{0, 0, 1, 1}, false
	}
	const minSpan = 1.0 / 40000 // about a kilometre at the equator
	if w := b.x1 - b.x0; w < minSpan {
		b.x0, b.x1 = b.x0-(minSpan-w)/2, b.x1+(minSpan-w)/2
	}
	if h := b.y1 - b.y0; h < minSpan {
		b.y0, b.y1 = b.y0-(minSpan-h)/2, b.y1+(minSpan-h)/2
	}
	mx, my := (b.x1-b.x0)*0.08, (b.y1-b.y0)*0.08
	return bbox{math.Max(0, b.x0-mx), math.Max(0, b.y0-my), math.Min(1, b.x1+mx), math.Min(1, b.y1+my)}, true
}

// viewport turns a box into a scale (pixels per unit) and an origin so
// that it fills width x height, centred; with tiles, the scale is that of
// a whole zoom level, so that tiles are drawn at their size.
type viewport struct {
	scale  float64
	ox, oy float64 // unit-square coordinates at pixel 0,0
	zoom   int
}

func newViewport(b bbox, width, height int, tiles bool) viewport {
	scale := math.Min(float64(width)/(b.x1-b.x0), float64(height)/(b.y1-b.y0))
	z := int(math.Floor(math.Log2(scale / tileSize)))
	z = max(0, min(maxZoom, z))
	if tiles {
		scale = tileSize * math.Exp2(float64(z))
	}
	cx, cy := (b.x0+b.x1)/2, (b.y0+b.y1)/2
	return viewport{scale: scale, ox: cx - float64(width)/2/scale, oy: cy - float64(height)/2/scale, zoom: z}
}

func (v viewport) px(p LatLon) (float64, float64) {
	x, y := mercator(p)
	return (x - v.ox) * v.scale, (y - v.oy) * v.scale
}

func (v viewport) box(width, height int) bbox {
	return bbox{v.ox, v.oy, v.ox + float64(width)/v.scale, v.oy + float64(height)/v.scale}
}

// drawMap draws the places in the box (fitted to them when nil).
func (s *Server) drawMap(ps []placed, view *bbox, width, height int) *mapView {
	m := &mapView{Width: width, Height: height, Items: len(ps)}
	b, _ := fit(ps)
	if view != nil {
		b = *view
	}
	vp := newViewport(b, width, height, s.tiles != nil)
	shown := vp.box(width, height)
	total := 0
	for _, p := range ps {
		p.shape.Each(func(LatLon) { total++ })
	}
	m.Total = total
	stride := max(1, (total+mapDraw-1)/mapDraw)
	for _, p := range ps {
		class := s.color(p.item.Source)
		title := fmt.Sprintf("%s · %s · %s", p.item.Source, s.when(p.item.Time), clip(describe(p.item), 100))
		link := itemURL(p.item)
		for _, t := range p.shape.Tracks {
			var sb strings.Builder
			for i, q := range t {
				if i%stride != 0 && i != len(t)-1 {
					continue
				}
				x, y := vp.px(q)
				fmt.Fprintf(&sb, "%.1f,%.1f ", x, y)
				m.Drawn++
			}
			m.Tracks = append(m.Tracks, svgTrack{Points: strings.TrimSpace(sb.String()), Class: class, Title: title, URL: link})
		}
		for i, q := range p.shape.Points {
			if i%stride != 0 {
				continue
			}
			x, y := vp.px(q)
			if x < -10 || y < -10 || x > float64(width)+10 || y > float64(height)+10 {
				continue
			}
			m.Points = append(m.Points, svgPoint{X: x, Y: y, Class: class, Title: title, URL: link})
			m.Drawn++
		}
	}
	if s.tiles != nil {
		m.Tiles = tilesFor(s.tiles, vp, width, height)
		m.Attribution = s.tiles.attribution
	} else {
		m.Grid = graticule(vp, shown, width, height)
	}
	return m
}

// tilesFor lists the tiles that cover the view at its zoom level.
func tilesFor(t *tileLayer, vp viewport, width, height int) []tileImg {
	n := 1 << vp.zoom
	tx0 := int(math.Floor(vp.ox * float64(n)))
	ty0 := int(math.Floor(vp.oy * float64(n)))
	tx1 := int(math.Floor((vp.ox + float64(width)/vp.scale) * float64(n)))
	ty1 := int(math.Floor((vp.oy + float64(height)/vp.scale) * float64(n)))
	var out []tileImg
	for ty := max(0, ty0); ty <= min(n-1, ty1); ty++ {
		for tx := tx0; tx <= tx1; tx++ {
			if len(out) >= maxTiles {
				return out
			}
			wx := ((tx % n) + n) % n
			out = append(out, tileImg{
				X: (float64(tx)/float64(n) - vp.ox) * vp.scale, Y: (float64(ty)/float64(n) - vp.oy) * vp.scale,
				Size: vp.scale / float64(n), Href: t.url(vp.zoom, wx, ty)})
		}
	}
	return out
}

// graticule draws lines of latitude and longitude at a round step, about
// four to ten across the view.
func graticule(vp viewport, b bbox, width, height int) []gridLine {
	sw, ne := unmercator(b.x0, b.y1), unmercator(b.x1, b.y0)
	step := niceStep(math.Max(ne.Lon-sw.Lon, 1e-6) / 6)
	var out []gridLine
	for lon := math.Ceil(sw.Lon/step) * step; lon <= ne.Lon && len(out) < 40; lon += step {
		x, _ := vp.px(LatLon{0, lon})
		out = append(out, gridLine{X1: x, Y1: 0, X2: x, Y2: float64(height), Label: degrees(lon, step, "E", "W"), LX: x + 3, LY: float64(height) - 4})
	}
	lstep := niceStep(math.Max(ne.Lat-sw.Lat, 1e-6) / 5)
	for lat := math.Ceil(sw.Lat/lstep) * lstep; lat <= ne.Lat && len(out) < 80; lat += lstep {
		_, y := vp.px(LatLon{lat, sw.Lon})
		ly := y - 3
		if ly < 12 {
			ly = y + 13 // below a line at the top edge
		}
		out = append(out, gridLine{X1: 0, Y1: y, X2: float64(width), Y2: y, Label: degrees(lat, lstep, "N", "S"), LX: 3, LY: ly})
	}
	return out
}

func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func degrees(v, step float64, pos, neg string) string {
	dec := max(0, int(math.Ceil(-math.Log10(step))))
	h := pos
	if v < 0 {
		h, v = neg, -v
	}
	return strconv.FormatFloat(v, 'f', dec, 64) + "°" + h
}

type mapPageView struct {
	Map     *mapView
	Filter  filter
	Sources []string
	Chosen  []string
	Error   string
	None    bool
}

// mapPage draws the items of the chosen sources and time range that
// carry coordinates.
func (s *Server) mapPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ts, chosen, err := s.sourceTargets(r)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	mv := mapPageView{Sources: s.o.App.Config.Order, Chosen: chosen}
	v := &view{Title: "Map"}
	f, err := s.parseFilter(r)
	mv.Filter = f
	var view *bbox
	if err == nil && r.URL.Query().Get("bbox") != "" {
		var b bbox
		if b, err = parseBBox(r.URL.Query().Get("bbox")); err == nil {
			view = &b
		}
	}
	if err != nil {
		mv.Error = err.Error()
		v.Data = mv
		s.render(w, r, http.StatusBadRequest, "map", v)
		return
	}
	// Only the sources that may have places are read: a pass over each
	// source (kept until its snapshots change) counted them.
	var withPlaces []app.Target
	for _, t := range ts {
		p, err := s.profiles.get(ctx, s.reader(), t, s.o.Location)
		if err != nil {
			v.Problems = append(v.Problems, fmt.Sprintf("%s: %v", t.Spec.Source, err))
			continue
		}
		if p.MaybePlaces > 0 {
			withPlaces = append(withPlaces, t)
		}
	}
	if len(withPlaces) == 0 {
		mv.None = true
		v.Data = mv
		s.render(w, r, http.StatusOK, "map", v)
		return
	}
	q := f.query
	q.Reverse = false
	rd, err := s.reader().Read(ctx, withPlaces, q)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	defer rd.Close()
	var ps []placed
	collected := 0
	truncated := false
	for it, err := range app.FilterKinds(rd.Items, f.kinds) {
		if err != nil {
			v.Problems = append(v.Problems, err.Error())
			break
		}
		sh := Coordinates(it.Raw)
		if sh.Empty() {
			continue
		}
		sh.Each(func(LatLon) { collected++ })
		ps = append(ps, placed{item: it, shape: sh})
		if collected >= mapCollect {
			truncated = true
			break
		}
	}
	v.Problems = append(v.Problems, app.Dedupe(rd.Problems)...)
	v.Warnings = rd.Warnings
	mv.None = len(ps) == 0
	mv.Map = s.drawMap(ps, view, 1000, 620)
	mv.Map.Truncated = truncated
	s.mapLinks(r, mv.Map, view, ps)
	v.Data = mv
	s.render(w, r, http.StatusOK, "map", v)
}

// mapLinks sets the zoom and pan links of the map page.
func (s *Server) mapLinks(r *http.Request, m *mapView, view *bbox, ps []placed) {
	b, _ := fit(ps)
	if view != nil {
		b = *view
	}
	vp := newViewport(b, m.Width, m.Height, s.tiles != nil)
	shown := vp.box(m.Width, m.Height)
	w, h := shown.x1-shown.x0, shown.y1-shown.y0
	cx, cy := (shown.x0+shown.x1)/2, (shown.y0+shown.y1)/2
	at := func(cx, cy, w, h float64) string {
		w, h = math.Min(w, 1), math.Min(h, 1)
		cx = math.Max(w/2, math.Min(1-w/2, cx))
		cy = math.Max(h/2, math.Min(1-h/2, cy))
		return withParam(r.URL, "bbox", bbox{cx - w/2, cy - h/2, cx + w/2, cy + h/2}.String())
	}
	m.ZoomIn = at(cx, cy, w/2, h/2)
	m.ZoomOut = at(cx, cy, w*2, h*2)
	m.North, m.South = at(cx, cy-h/2, w, h), at(cx, cy+h/2, w, h)
	m.West, m.East = at(cx-w/2, cy, w, h), at(cx+w/2, cy, w, h)
	m.All = withParam(r.URL, "bbox", "")
}
