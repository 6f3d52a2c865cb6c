// Package strava is a local fake of the Strava API v3
// (https://developers.strava.com/docs/reference/), for the tests of
// source/strava:
//
//   - GET /api/v3/athlete, the authenticated athlete;
//   - GET /api/v3/athlete/activities with before and after (epoch
//     seconds, on start_date), page (from 1) and per_page (default 30, at
//     most 200): newest first, oldest first when after is given (as its
//     users report);
//   - OAuth2 at /oauth/authorize and /oauth/token (client credentials in
//     the form; the token response carries expires_at and the athlete);
//     refresh tokens may rotate; a bad token is 401 with Strava's error
//     shape;
//   - rate limits, per application, in 15-minute windows (ending at :00,
//     :15, :30, :45) and daily ones (ending at midnight UTC), reported on
//     every response: X-RateLimit-Limit / X-RateLimit-Usage (overall) and
//     X-ReadRateLimit-Limit / X-ReadRateLimit-Usage (non-upload), "15-min,
//     daily"; past a limit, 429 with {"message": "Rate Limit Exceeded",
//     ...}. Requests over the limit still count.
//
// Faults (fakeapi.Injector) sit in front of the fake.
package strava

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Activity is one activity.
type Activity struct {
	ID    int64
	Name  string
	Sport string
	Start time.Time
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	OAuth  *fakeapi.OAuth2
	clock  fakeapi.Clock

	Mu         sync.Mutex
	Activities []Activity
	// Limits: overall and read, per 15 minutes and per day.
	Limit, Daily         int
	ReadLimit, ReadDaily int
	TooMany              int // 429 answers
	Calls                []string
	usage                map[string]int // window key -> requests
}

// New starts a fake whose application is client id/secret.
func New(clock fakeapi.Clock, id, secret string) *Server {
	s := &Server{clock: clock, Limit: 200, Daily: 2000, ReadLimit: 100, ReadDaily: 1000, usage: map[string]int{}}
	s.OAuth = &fakeapi.OAuth2{ClientID: id, ClientSecret: secret, ClientAuth: "post", Rotate: true, ExpiresIn: 21600, Clock: clock,
		Scope:        "read,activity:read_all",
		Unauthorized: `{"message":"Authorization Error","errors":[{"resource":"Athlete","field":"access_token","code":"invalid"}]}`,
		Extra: map[string]any{"expires_at": clock.Now().Add(6 * time.Hour).Unix(),
			"athlete": map[string]any{"id": 134815, "username": "marianne_t", "resource_state": 2}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/authorize", s.OAuth.Authorize)
	mux.HandleFunc("/oauth/token", s.OAuth.Token)
	mux.HandleFunc("/api/v3/", s.api)
	s.Faults = fakeapi.Inject(mux)
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// Base is the base URL to configure.
func (s *Server) Base() string { return s.URL + "/api/v3" }

// Add adds n activities, a day apart, the newest starting at last.
func (s *Server) Add(n int, last time.Time) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for i := n - 1; i >= 0; i-- {
		k := len(s.Activities) + 1
		s.Activities = append(s.Activities, Activity{ID: 10000000000 + int64(k), Name: fmt.Sprintf("Morning Run №%d ☀", k),
			Sport: []string{"Run", "Ride", "Hike"}[k%3], Start: last.Add(-time.Duration(i) * 24 * time.Hour)})
	}
}

// spend counts one request in every window and sets the headers; past a
// limit it answers 429 itself.
func (s *Server) spend(w http.ResponseWriter) bool {
	now := s.clock.Now().UTC()
	q, d := now.Truncate(15*time.Minute).Format(time.RFC3339), now.Format("2006-01-02")
	s.usage[q]++
	s.usage[d]++
	h := w.Header()
	h.Set("X-RateLimit-Limit", fmt.Sprintf("%d,%d", s.Limit, s.Daily))
	h.Set("X-RateLimit-Usage", fmt.Sprintf("%d,%d", s.usage[q], s.usage[d]))
	h.Set("X-ReadRateLimit-Limit", fmt.Sprintf("%d,%d", s.ReadLimit, s.ReadDaily))
	h.Set("X-ReadRateLimit-Usage", fmt.Sprintf("%d,%d", s.usage[q], s.usage[d]))
	if s.usage[q] > min(s.Limit, s.ReadLimit) || s.usage[d] > min(s.Daily, s.ReadDaily) {
		s.TooMany++
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Rate Limit Exceeded",
			"errors": []map[string]string{{"resource": "Application", "field": "rate limit", "code": "exceeded"}}})
		return false
	}
	return true
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !s.spend(w) || !s.OAuth.Authorized(w, r) {
		return
	}
	s.Calls = append(s.Calls, r.URL.Path+"?"+r.URL.RawQuery)
	switch r.URL.Path {
	case "/api/v3/athlete":
		writeJSON(w, http.StatusOK, map[string]any{"id": 134815, "username": "marianne_t", "resource_state": 3,
			"firstname": "Marianne", "lastname": "Télé", "city": "San Francisco", "country": "United States",
			"created_at": "2017-11-14T02:30:05Z", "updated_at": "2024-02-01T10:00:00Z"})
	case "/api/v3/athlete/activities":
		s.activities(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Record Not Found",
			"errors": []map[string]string{{"resource": "resource", "field": "path", "code": "invalid"}}})
	}
}

func (s *Server) activities(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 200)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	after, errA := strconv.ParseInt(q.Get("after"), 10, 64)
	before, errB := strconv.ParseInt(q.Get("before"), 10, 64)
	if q.Get("after") != "" && errA != nil || q.Get("before") != "" && errB != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Bad Request",
			"errors": []map[string]string{{"resource": "Application", "field": "after", "code": "invalid"}}})
		return
	}
	var sel []Activity
	for _, a := range s.Activities {
		u := a.Start.Unix()
		if (errA != nil || u > after) && (errB != nil || u < before) {
			sel = append(sel, a)
		}
	}
	slices.SortStableFunc(sel, func(a, b Activity) int { return b.Start.Compare(a.Start) })
	if errA == nil {
		slices.Reverse(sel)
	}
	start := min((page-1)*per, len(sel))
	out := []map[string]any{}
	for _, a := range sel[start:min(start+per, len(sel))] {
		out = append(out, map[string]any{"resource_state": 2, "athlete": map[string]any{"id": 134815, "resource_state": 1},
			"name": a.Name, "distance": 5012.3, "moving_time": 1510, "elapsed_time": 1600, "total_elevation_gain": 42.0,
			"type": a.Sport, "sport_type": a.Sport, "id": a.ID, "start_date": a.Start.UTC().Format(time.RFC3339),
			"start_date_local": a.Start.Add(-8 * time.Hour).UTC().Format(time.RFC3339), "timezone": "(GMT-08:00) America/Los_Angeles",
			"utc_offset": -28800.0, "kudos_count": 3, "private": false, "visibility": "everyone"})
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
