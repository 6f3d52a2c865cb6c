// Package lastfm is a local fake of the Last.fm API 2.0
// (https://www.last.fm/api), as its documentation and its users describe
// it, for the tests of source/lastfm:
//
//   - GET /2.0/?method=...&api_key=...&format=json; methods
//     user.getrecenttracks and user.getlovedtracks, with user, limit
//     (default 50, at most 200), page (from 1), and for recent tracks
//     from (inclusive) and to (exclusive), Unix seconds;
//   - pages newest first, in {"recenttracks": {"track": [...], "@attr":
//     {"user", "totalPages", "page", "perPage", "total"}}}, every number a
//     string; a page past the end is an empty list;
//   - the track playing now comes first, with "@attr": {"nowplaying":
//     "true"} and no "date" (on the first page, or on every page with
//     NowPlayingEveryPage, as some users report);
//   - a page of loved tracks holding one track carries it as an object,
//     not a list (an old XML-to-JSON quirk);
//   - errors as {"error": N, "message": "..."}: an invalid API key is 403
//     with error 10, an unknown user 404 with error 6, an unknown method
//     400 with error 3; going over 5 requests a second answers HTTP 200
//     with error 29 (rate limit exceeded), as Last.fm does.
//
// Faults (fakeapi.Injector) sit in front of the fake.
package lastfm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Scrobble is one play.
type Scrobble struct {
	Artist, Track, Album string
	At                   time.Time
}

// Loved is one loved track.
type Loved struct {
	Artist, Track string
	At            time.Time
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector

	Key, User string
	clock     fakeapi.Clock

	Mu                  sync.Mutex
	Scrobbles           []Scrobble // any order; served newest first
	Loved               []Loved
	NowPlaying          *Scrobble // the track playing now, if any (At unused)
	NowPlayingEveryPage bool
	Calls               []url.Values // every request's query, faulted ones excluded
	Limited             int          // answers with error 29
	recent              []time.Time  // times of the last requests, for the rate limit
}

// New starts a fake for user with API key key. clock is the time its
// rate limit reads (the exporter's fake clock in tests).
func New(clock fakeapi.Clock, user, key string) *Server {
	s := &Server{Key: key, User: user, clock: clock}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// Base is the base URL to configure: the server's /2.0.
func (s *Server) Base() string { return s.URL + "/2.0" }

// Scrobble adds n plays, a minute apart, ending at end.
func (s *Server) Scrobble(n int, end time.Time) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for i := n - 1; i >= 0; i-- {
		k := len(s.Scrobbles) + 1
		s.Scrobbles = append(s.Scrobbles, Scrobble{Artist: fmt.Sprintf("Artist %d", k%7), Track: fmt.Sprintf("Track №%d “live”", k),
			Album: fmt.Sprintf("Album %d", k%3), At: end.Add(-time.Duration(i) * time.Minute)})
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Calls = append(s.Calls, q)
	switch {
	case r.URL.Path != "/2.0" && r.URL.Path != "/2.0/":
		lfmError(w, http.StatusNotFound, 3, "Invalid Method - No method with that name in this package")
	case q.Get("api_key") != s.Key:
		lfmError(w, http.StatusForbidden, 10, "Invalid API key - You must be granted a valid key by last.fm")
	case q.Get("format") != "json":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><lfm status="ok"></lfm>`)
	case !s.allow():
		s.Limited++
		lfmError(w, http.StatusOK, 29, "Rate Limit Exceeded - Your IP has made too many requests in a short period")
	case q.Get("user") != s.User:
		lfmError(w, http.StatusNotFound, 6, "User not found")
	case q.Get("method") == "user.getrecenttracks":
		s.recentTracks(w, q)
	case q.Get("method") == "user.getlovedtracks":
		s.lovedTracks(w, q)
	default:
		lfmError(w, http.StatusBadRequest, 3, "Invalid Method - No method with that name in this package")
	}
}

// allow applies the terms of service's limit: 5 requests a second.
func (s *Server) allow() bool {
	now := s.clock.Now()
	var keep []time.Time
	for _, t := range s.recent {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	s.recent = append(keep, now)
	return len(keep) < 5
}

func lfmError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"error": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// window returns page (from 1) of n items, limit a page.
func window(q url.Values, n int) (page, limit, start, end int) {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	page, err = strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	start = min((page-1)*limit, n)
	return page, limit, start, min(start+limit, n)
}

func attr(user string, page, limit, total int) map[string]string {
	pages := max((total+limit-1)/limit, 1)
	return map[string]string{"user": user, "totalPages": strconv.Itoa(pages), "page": strconv.Itoa(page),
		"perPage": strconv.Itoa(limit), "total": strconv.Itoa(total)}
}

func lfmURL(artist, track string) string {
	return "https://www.last.fm/music/" + url.PathEscape(artist) + "/_/" + url.PathEscape(track)
}

func image() []map[string]string {
	return []map[string]string{{"size": "small", "#text": "https://lastfm.freetls.fastly.net/i/u/34s/x.png"},
		{"size": "large", "#text": "https://lastfm.freetls.fastly.net/i/u/174s/x.png"}}
}

func (s *Server) recentTracks(w http.ResponseWriter, q url.Values) {
	from, _ := strconv.ParseInt(q.Get("from"), 10, 64)
	to, errTo := strconv.ParseInt(q.Get("to"), 10, 64)
	var sel []Scrobble
	for _, sc := range s.Scrobbles {
		u := sc.At.Unix()
		if u >= from && (errTo != nil || u < to) {
			sel = append(sel, sc)
		}
	}
	sortNewest(sel)
	page, limit, start, end := window(q, len(sel))
	tracks := []map[string]any{}
	if s.NowPlaying != nil && (page == 1 || s.NowPlayingEveryPage) {
		np := s.NowPlaying
		tracks = append(tracks, map[string]any{"artist": map[string]string{"mbid": "", "#text": np.Artist},
			"@attr": map[string]string{"nowplaying": "true"}, "mbid": "", "album": map[string]string{"mbid": "", "#text": np.Album},
			"streamable": "0", "url": lfmURL(np.Artist, np.Track), "name": np.Track, "image": image()})
	}
	for _, sc := range sel[start:end] {
		tracks = append(tracks, map[string]any{"artist": map[string]string{"mbid": "", "#text": sc.Artist},
			"streamable": "0", "image": image(), "mbid": "", "album": map[string]string{"mbid": "", "#text": sc.Album},
			"name": sc.Track, "url": lfmURL(sc.Artist, sc.Track),
			"date": map[string]string{"uts": strconv.FormatInt(sc.At.Unix(), 10), "#text": sc.At.UTC().Format("02 Jan 2006, 15:04")}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"recenttracks": map[string]any{"track": tracks, "@attr": attr(s.User, page, limit, len(sel))}})
}

func (s *Server) lovedTracks(w http.ResponseWriter, q url.Values) {
	sel := slices.Clone(s.Loved)
	slices.SortStableFunc(sel, func(a, b Loved) int { return b.At.Compare(a.At) }) // newest first
	page, limit, start, end := window(q, len(sel))
	var tracks []map[string]any
	for _, l := range sel[start:end] {
		tracks = append(tracks, map[string]any{"artist": map[string]string{"url": "https://www.last.fm/music/" + url.PathEscape(l.Artist), "name": l.Artist, "mbid": ""},
			"date": map[string]string{"uts": strconv.FormatInt(l.At.Unix(), 10), "#text": l.At.UTC().Format("02 Jan 2006, 15:04")},
			"mbid": "", "url": lfmURL(l.Artist, l.Track), "name": l.Track, "image": image(),
			"streamable": map[string]string{"fulltrack": "0", "#text": "0"}})
	}
	var track any = tracks
	switch len(tracks) {
	case 0:
		track = []any{}
	case 1:
		track = tracks[0]
	}
	writeJSON(w, http.StatusOK, map[string]any{"lovedtracks": map[string]any{"track": track, "@attr": attr(s.User, page, limit, len(sel))}})
}

// sortNewest orders newest first; scrobbles are mostly added in time
// order, which the ascending sort finds cheap.
func sortNewest(sel []Scrobble) {
	slices.SortStableFunc(sel, func(a, b Scrobble) int { return a.At.Compare(b.At) })
	slices.Reverse(sel)
}
