// Package web is hoard's local web app: a dashboard of every source, a
// page per source with its runs, snapshots and an item browser, a merged
// timeline, full-text search, a map of the items that carry coordinates,
// and an HTTP API for other programs. Pages are rendered on the server
// with html/template; the assets (one style sheet, an icon) are embedded
// in the binary, and there is no JavaScript at all.
//
// It reads through package app, as the command line does, and never
// writes a snapshot or the config (the index, a cache, is refreshed as
// for any read).
//
// Security: the data is a person's whole life, so every response carries
// a strict Content-Security-Policy (no script runs, nothing is loaded
// from elsewhere unless the map's tile layer is enabled), the Host header
// must name this server (DNS rebinding), and with a token every request
// must carry it (a header, or a cookie set by logging in). Exported data
// is hostile input: it is escaped by html/template, and only http and
// https URLs become links.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
)

// Options configure a Server.
type Options struct {
	App *app.App
	// Addr is the address the server's listener is bound to and Listen
	// the address it was asked for (its port may be 0): the Host check
	// admits the names of this address (see newHostCheck).
	Addr   net.Addr
	Listen string
	// AllowHosts are more host names the Host header may carry (a name
	// of the machine in DNS, a reverse proxy's).
	AllowHosts []string
	// Token, when set, is required on every request.
	Token string
	// Tiles is a tile URL template for the map ("" draws no tiles), with
	// its attribution text.
	Tiles, TilesAttribution string
	// Location is the time zone of days and times shown; nil is the
	// machine's.
	Location *time.Location
	// Now returns the time; nil is time.Now.
	Now func() time.Time
	// Log receives one line per failed request; nil discards.
	Log *slog.Logger
}

// Server is the web app. It is an http.Handler, safe for concurrent use.
type Server struct {
	o        Options
	hosts    *hostCheck
	auth     *auth
	csp      string
	mux      *http.ServeMux
	pages    map[string]*template.Template
	colors   map[string]int
	profiles *profileCache
	tiles    *tileLayer
}

// New builds the server.
func New(o Options) (*Server, error) {
	if o.App == nil || o.Addr == nil {
		return nil, errors.New("web: Options.App and Options.Addr are required")
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{o: o, hosts: newHostCheck(o.Addr, o.Listen, o.AllowHosts), auth: newAuth(o.Token), colors: map[string]int{}}
	for i, n := range o.App.Config.Order {
		s.colors[n] = i % paletteSize
	}
	if o.Tiles != "" {
		t, err := newTileLayer(o.Tiles, o.TilesAttribution)
		if err != nil {
			return nil, err
		}
		s.tiles = t
	}
	s.csp = contentSecurityPolicy(s.tiles)
	var err error
	if s.pages, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.profiles = newProfileCache()
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.dashboard)
	m.HandleFunc("GET /sources/{name}", s.source)
	m.HandleFunc("GET /sources/{name}/runs", s.runs)
	m.HandleFunc("GET /sources/{name}/snapshots", s.snapshots)
	m.HandleFunc("GET /sources/{name}/item", s.item)
	m.HandleFunc("GET /timeline", s.timeline)
	m.HandleFunc("GET /search", s.search)
	m.HandleFunc("GET /map", s.mapPage)
	m.HandleFunc("GET /api/sources", s.apiSources)
	m.HandleFunc("GET /api/items", s.apiItems)
	m.HandleFunc("GET "+loginPath, s.login)
	m.HandleFunc("POST "+loginPath, s.loginForm)
	assets := assetHandler()
	m.HandleFunc("GET /assets/{file}", func(w http.ResponseWriter, r *http.Request) {
		if !assetExists(r.PathValue("file")) {
			s.fail(w, r, http.StatusNotFound, fmt.Errorf("no asset %q", r.PathValue("file")))
			return
		}
		assets.ServeHTTP(w, r)
	})
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/assets/favicon.svg"
		assets.ServeHTTP(w, r2)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, errors.New("no such page"))
	})
	s.mux = m
}

// contentSecurityPolicy allows nothing but this server's style sheet and
// images (and the tile server's images, when enabled): no script at all,
// no frames, forms only to this server.
func contentSecurityPolicy(t *tileLayer) string {
	img := "'self'"
	if t != nil {
		img += " " + strings.Join(t.origins, " ")
	}
	return "default-src 'none'; style-src 'self'; img-src " + img + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// ServeHTTP checks every request (Host, method, token) and sets the
// security headers before handing it to the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), arrivedKey{}, time.Now()))
	h := w.Header()
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if !s.hosts.allowed(r.Host) {
		http.Error(w, fmt.Sprintf("hoard: Host %q is not this server's name; if it is, start hoard serve with --allow-host NAME", r.Host), http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodPost && r.URL.Path == loginPath) {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "hoard: the web app is read-only", http.StatusMethodNotAllowed)
		return
	}
	if !s.auth.authorized(r) && r.URL.Path != loginPath && !strings.HasPrefix(r.URL.Path, "/assets/") && r.URL.Path != "/favicon.ico" {
		s.unauthorized(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hoard"`)
		writeJSONError(w, http.StatusUnauthorized, errors.New("a token is required: send the header 'Authorization: Bearer TOKEN'"))
		return
	}
	s.render(w, r, http.StatusUnauthorized, "login", &view{Title: "Log in", Data: loginView{Next: localPath(r.URL.RequestURI())}})
}

// localPath keeps a path of this server ("/...", not "//host"), else "/".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

type loginView struct {
	Next  string
	Error string
}

// login spends a one-time login code and sets the session cookie; without
// a valid code it shows the form.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.auth.token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if code := r.URL.Query().Get("code"); code != "" {
		if s.auth.useCode(code) {
			s.auth.setCookie(w, r)
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "login", &view{Title: "Log in", Data: loginView{Next: "/", Error: "This login link was used already, or is not valid. Paste the token instead."}})
		return
	}
	s.render(w, r, http.StatusOK, "login", &view{Title: "Log in", Data: loginView{Next: localPath(r.URL.Query().Get("next"))}})
}

// loginForm checks a token typed into the login form.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if s.auth.token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	next := localPath(r.PostForm.Get("next"))
	if !equal(strings.TrimSpace(r.PostForm.Get("token")), s.auth.token) {
		s.render(w, r, http.StatusUnauthorized, "login", &view{Title: "Log in", Data: loginView{Next: next, Error: "That is not the token."}})
		return
	}
	s.auth.setCookie(w, r)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// LoginURL is the URL to open first: with a token, it carries the
// one-time login code that sets the browser's cookie.
func (s *Server) LoginURL() string {
	base := s.BaseURL()
	if code := s.auth.loginCode(); code != "" {
		return base + loginPath + "?code=" + url.QueryEscape(code)
	}
	return base + "/"
}

// BaseURL is the server's address as a URL, for people.
func (s *Server) BaseURL() string {
	host, _, _ := net.SplitHostPort(s.o.Listen)
	port := s.hosts.port
	ip := net.ParseIP(host)
	switch {
	case host == "" || (ip != nil && ip.IsUnspecified()):
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Serve serves on ln until ctx is done, then lets requests in flight
// finish for up to 5 seconds.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	<-done
	return err
}

// render executes a page into a buffer (so that a failure is an error
// page, not half a page) and writes it with its server time.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	start := time.Now()
	t := s.pages[page]
	if t == nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("no template %q", page))
		return
	}
	v.Page = page
	v.Now = s.o.Now()
	v.LoggedIn = s.auth.token != ""
	v.Tiles = s.tiles != nil
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.o.Log.Error("rendering", "page", page, "error", err)
		http.Error(w, "hoard: rendering the page failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Server-Timing", serverTiming(r, start))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// serverTiming is the Server-Timing header value: the time since the
// request arrived (see timed), or since start.
func serverTiming(r *http.Request, start time.Time) string {
	if t, ok := r.Context().Value(arrivedKey{}).(time.Time); ok {
		start = t
	}
	return fmt.Sprintf("app;dur=%.2f", float64(time.Since(start).Microseconds())/1000)
}

type arrivedKey struct{}

// fail shows an error page (JSON for the API).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= 500 {
		s.o.Log.Error("request failed", "path", r.URL.Path, "error", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, status, err)
		return
	}
	s.render(w, r, status, "error", &view{Title: http.StatusText(status), Data: errorView{Status: status, Message: err.Error()}})
}

type errorView struct {
	Status  int
	Message string
}

// view is what every page's template receives.
type view struct {
	Title    string
	Page     string // the template's name, for the navigation
	Now      time.Time
	LoggedIn bool
	Tiles    bool
	Problems []string // errors met while reading, shown on the page
	Warnings []string
	Data     any
}
