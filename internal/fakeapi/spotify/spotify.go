// Package spotify is a local fake of the Spotify Web API
// (https://developer.spotify.com/documentation/web-api), as a Development
// Mode app sees it after the February 2026 changes, for the tests of
// source/spotify:
//
//   - GET /v1/me/player/recently-played?limit= (at most 50): only the 50
//     most recent plays exist, newest first, with "cursors" and a "next"
//     that points further back (to nothing older than those 50);
//   - GET /v1/me/tracks and /v1/me/playlists, paging objects ("items",
//     "next", "total", "limit" at most 50, "offset");
//   - GET /v1/playlists/{id}/items, the entries of a playlist the user
//     owns ("item", and the deprecated "track" with the same object);
//     another user's playlist answers 403;
//   - GET /v1/me/following?type=artist, cursor paging inside "artists"
//     (after= the last artist id);
//   - OAuth2 at /authorize and /api/token (client credentials in HTTP
//     basic, PKCE accepted), access tokens of an hour, refresh tokens
//     that may rotate; errors as {"error": {"status", "message"}}.
//
// Faults (fakeapi.Injector) sit in front of the fake.
package spotify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Play is one played track.
type Play struct {
	Track string
	At    time.Time
}

// Playlist is a playlist and its entries (track names).
type Playlist struct {
	ID, Name, Owner string
	Snapshot        string
	Tracks          []string
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	OAuth  *fakeapi.OAuth2
	clock  fakeapi.Clock

	Mu        sync.Mutex
	Plays     []Play   // oldest first
	Saved     []string // track names, oldest first
	Playlists []Playlist
	Artists   []string
	Calls     []string // paths and queries served
	// RepeatNext: paging objects' next points back to the page itself
	// (a server stuck on one page).
	RepeatNext bool
}

// New starts a fake whose app is client id/secret, used by user "wizzler".
func New(clock fakeapi.Clock, id, secret string) *Server {
	s := &Server{clock: clock}
	s.OAuth = &fakeapi.OAuth2{ClientID: id, ClientSecret: secret, ClientAuth: "basic", Clock: clock, PKCE: true,
		Scope:        "user-read-recently-played user-library-read playlist-read-private playlist-read-collaborative user-follow-read",
		Unauthorized: `{"error":{"status":401,"message":"The access token expired"}}`}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.OAuth.Authorize)
	mux.HandleFunc("/api/token", s.OAuth.Token)
	mux.HandleFunc("/v1/", s.api)
	s.Faults = fakeapi.Inject(mux)
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// Base is the base URL to configure.
func (s *Server) Base() string { return s.URL + "/v1" }

// Play adds n plays, 3 minutes apart, the last at end.
func (s *Server) Play(n int, end time.Time) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for i := n - 1; i >= 0; i-- {
		k := len(s.Plays) + 1
		s.Plays = append(s.Plays, Play{Track: fmt.Sprintf("Song %d — «live»", k), At: end.Add(-time.Duration(3*i) * time.Minute)})
	}
}

func trackID(name string) string {
	return fmt.Sprintf("%022x", hash(name))[:22]
}

func hash(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func (s *Server) track(name string) map[string]any {
	id := trackID(name)
	return map[string]any{"id": id, "name": name, "type": "track", "uri": "spotify:track:" + id,
		"external_urls": map[string]string{"spotify": "https://open.spotify.com/track/" + id},
		"href":          s.Base() + "/tracks/" + id, "duration_ms": 215000, "explicit": false, "is_local": false,
		"artists": []map[string]any{{"id": "0OdUWJ0sBjDrqHygGUXeCF", "name": "Band of Horses", "type": "artist"}},
		"album":   map[string]any{"id": "5A8oBzUE5o1pEdgBvgH1O3", "name": "Cease to Begin", "album_type": "album"}}
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if !s.OAuth.Authorized(w, r) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Calls = append(s.Calls, r.URL.Path+"?"+r.URL.RawQuery)
	q := r.URL.Query()
	p := r.URL.Path
	switch {
	case p == "/v1/me/player/recently-played":
		s.recent(w, q)
	case p == "/v1/me/tracks":
		var items []any
		for i := len(s.Saved) - 1; i >= 0; i-- { // newest first
			items = append(items, map[string]any{"added_at": time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339), "track": s.track(s.Saved[i])})
		}
		s.paging(w, r, items, 50)
	case p == "/v1/me/playlists":
		var items []any
		for _, pl := range s.Playlists {
			items = append(items, map[string]any{"id": pl.ID, "name": pl.Name, "snapshot_id": pl.Snapshot, "collaborative": false,
				"description": "", "public": true, "type": "playlist", "uri": "spotify:playlist:" + pl.ID,
				"external_urls": map[string]string{"spotify": "https://open.spotify.com/playlist/" + pl.ID},
				"owner":         map[string]any{"id": pl.Owner, "display_name": pl.Owner, "type": "user"},
				"items":         map[string]any{"href": s.Base() + "/playlists/" + pl.ID + "/items", "total": len(pl.Tracks)}, "tracks": nil})
		}
		s.paging(w, r, items, 50)
	case strings.HasPrefix(p, "/v1/playlists/") && strings.HasSuffix(p, "/items"):
		s.playlistItems(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/v1/playlists/"), "/items"))
	case p == "/v1/me/following" && q.Get("type") == "artist":
		s.following(w, q)
	case strings.HasPrefix(p, "/v1/playlists/") && strings.HasSuffix(p, "/tracks"):
		apiError(w, http.StatusForbidden, "Forbidden") // removed for Development Mode apps in 2026
	default:
		apiError(w, http.StatusNotFound, "Service not found")
	}
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"status": status, "message": msg}})
}

func (s *Server) recent(w http.ResponseWriter, q url.Values) {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	if limit > 50 {
		apiError(w, http.StatusBadRequest, "Invalid limit")
		return
	}
	plays := s.Plays
	if len(plays) > 50 {
		plays = plays[len(plays)-50:] // only the last 50 exist
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var items []any
	var first, last int64
	for i := len(plays) - 1; i >= 0 && len(items) < limit; i-- {
		ms := plays[i].At.UnixMilli()
		if before > 0 && ms >= before {
			continue
		}
		if first == 0 {
			first = ms
		}
		last = ms
		items = append(items, map[string]any{"track": s.track(plays[i].Track), "played_at": plays[i].At.UTC().Format("2006-01-02T15:04:05.000Z"),
			"context": map[string]any{"type": "playlist", "uri": "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M"}})
	}
	resp := map[string]any{"items": nonNil(items), "limit": limit, "href": s.Base() + "/me/player/recently-played?" + q.Encode()}
	if len(items) > 0 {
		resp["cursors"] = map[string]string{"after": strconv.FormatInt(first, 10), "before": strconv.FormatInt(last, 10)}
		resp["next"] = fmt.Sprintf("%s/me/player/recently-played?before=%d&limit=%d", s.Base(), last, limit)
	} else {
		resp["cursors"], resp["next"] = nil, nil
	}
	writeJSON(w, http.StatusOK, resp)
}

// paging serves items, in their order, by limit and offset.
func (s *Server) paging(w http.ResponseWriter, r *http.Request, items []any, max int) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	if limit > max {
		apiError(w, http.StatusBadRequest, "Invalid limit")
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	start := min(offset, len(items))
	end := min(start+limit, len(items))
	page := map[string]any{"href": s.URL + r.URL.Path + "?" + q.Encode(), "items": nonNil(items[start:end]), "limit": limit,
		"offset": offset, "total": len(items), "next": nil, "previous": nil}
	if end < len(items) {
		page["next"] = fmt.Sprintf("%s%s?offset=%d&limit=%d", s.URL, r.URL.Path, end, limit)
	}
	if s.RepeatNext && end < len(items) {
		page["next"] = s.URL + r.URL.Path + "?" + q.Encode()
	}
	if start > 0 {
		page["previous"] = fmt.Sprintf("%s%s?offset=%d&limit=%d", s.URL, r.URL.Path, max0(start-limit), limit)
	}
	writeJSON(w, http.StatusOK, page)
}

func max0(n int) int { return max(n, 0) }

func (s *Server) playlistItems(w http.ResponseWriter, r *http.Request, id string) {
	for _, pl := range s.Playlists {
		if pl.ID != id {
			continue
		}
		if pl.Owner != "wizzler" {
			apiError(w, http.StatusForbidden, "Forbidden")
			return
		}
		var items []any
		for i, name := range pl.Tracks {
			t := s.track(name)
			items = append(items, map[string]any{"added_at": time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
				"added_by": map[string]any{"id": "wizzler", "type": "user"}, "is_local": false, "item": t, "track": t})
		}
		s.paging(w, r, items, 50) // in playlist order
		return
	}
	apiError(w, http.StatusNotFound, "Not found.")
}

func (s *Server) following(w http.ResponseWriter, q url.Values) {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 20
	}
	start := 0
	if a := q.Get("after"); a != "" {
		for i, name := range s.Artists {
			if artistID(name) == a {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(s.Artists))
	var items []any
	for _, name := range s.Artists[start:end] {
		id := artistID(name)
		items = append(items, map[string]any{"id": id, "name": name, "type": "artist", "uri": "spotify:artist:" + id,
			"external_urls": map[string]string{"spotify": "https://open.spotify.com/artist/" + id}, "genres": []string{"indie"}})
	}
	page := map[string]any{"items": nonNil(items), "limit": limit, "total": len(s.Artists), "href": s.Base() + "/me/following?type=artist",
		"next": nil, "cursors": map[string]any{"after": nil}}
	if end < len(s.Artists) {
		after := artistID(s.Artists[end-1])
		page["next"] = fmt.Sprintf("%s/me/following?type=artist&after=%s&limit=%d", s.Base(), after, limit)
		page["cursors"] = map[string]any{"after": after}
	}
	writeJSON(w, http.StatusOK, map[string]any{"artists": page})
}

func artistID(name string) string { return "ar" + trackID(name)[:20] }

func nonNil(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
