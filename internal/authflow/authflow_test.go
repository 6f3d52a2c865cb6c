package authflow

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
	"github.com/hoard-dev/hoard/secret"
)

// service is a local OAuth2 server that checks client, redirect URI,
// state, code and PKCE as a real one does.
func service(t *testing.T, o *fakeapi.OAuth2) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", o.Authorize)
	mux.HandleFunc("/token", o.Token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// browser follows the authorization URL as a user's browser would: to
// the service, which redirects to the loopback listener. It records
// where it ended and what the listener said.
type browser struct {
	mu     sync.Mutex
	opened string
	final  string
	page   string
	err    error
	done   chan struct{}
	tamper func(u *url.URL) // changes the URL before it is visited
}

func newBrowser() *browser { return &browser{done: make(chan struct{})} }

func (b *browser) open(u string) error {
	b.mu.Lock()
	b.opened = u
	b.mu.Unlock()
	go func() {
		defer close(b.done)
		client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if b.tamper != nil && req.URL.Hostname() == "127.0.0.1" && req.URL.Path == CallbackPath {
				b.tamper(req.URL)
			}
			return nil
		}}
		resp, err := client.Get(u)
		b.mu.Lock()
		defer b.mu.Unlock()
		if err != nil {
			b.err = err
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		b.final, b.page = resp.Request.URL.String(), string(body)
	}()
	return nil
}

func flow(srv *httptest.Server, o *fakeapi.OAuth2, b *browser) *Flow {
	return &Flow{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		Scope: o.Scope, ClientAuth: o.ClientAuth, PKCE: o.PKCE, Open: b.open, Timeout: time.Minute}
}

func TestFlow(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    *fakeapi.OAuth2
	}{
		{"basic client auth, PKCE (Spotify)", &fakeapi.OAuth2{ClientID: "sp-id", ClientSecret: "sp-secret-123", ClientAuth: "basic", PKCE: true, Scope: "user-read-recently-played user-library-read"}},
		{"client credentials in the form (Strava, Monzo)", &fakeapi.OAuth2{ClientID: "12345", ClientSecret: "cs-456789", ClientAuth: "post", Scope: "read,activity:read_all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := service(t, tc.o)
			b := newBrowser()
			f := flow(srv, tc.o, b)
			tok, err := f.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			<-b.done
			if tok.RefreshToken == "" || tok.RefreshToken != tc.o.RefreshToken() || tok.AccessToken == "" {
				t.Errorf("token %+v", tok)
			}
			u, _ := url.Parse(b.opened)
			q := u.Query()
			if q.Get("client_id") != tc.o.ClientID || q.Get("scope") != tc.o.Scope || len(q.Get("state")) < 40 ||
				!strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") || strings.Contains(b.opened, tc.o.ClientSecret) {
				t.Errorf("authorization URL %s", b.opened)
			}
			if tc.o.PKCE != (q.Get("code_challenge_method") == "S256") {
				t.Errorf("PKCE %v but URL %s", tc.o.PKCE, b.opened)
			}
			if !strings.Contains(b.page, "You can close this tab") {
				t.Errorf("the browser was told %q", b.page)
			}
			if _, ex := tc.o.Counts(); ex != 1 {
				t.Errorf("%d code exchanges", ex)
			}
		})
	}
}

// TestFlowRefusals: a forged state, a refusal by the user, a code the
// token endpoint refuses (wrong secret), a token response without a
// refresh token: each ends the flow with an error saying so.
func TestFlowRefusals(t *testing.T) {
	o := &fakeapi.OAuth2{ClientID: "id", ClientSecret: "secret-123", ClientAuth: "post"}
	srv := service(t, o)

	b := newBrowser()
	b.tamper = func(u *url.URL) { q := u.Query(); q.Set("state", "forged"); u.RawQuery = q.Encode() }
	if _, err := flow(srv, o, b).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "state that is not this run's") {
		t.Errorf("forged state: %v", err)
	}
	<-b.done
	if !strings.Contains(b.page, "Authorization failed") {
		t.Errorf("the browser was told %q", b.page)
	}

	b = newBrowser()
	f := flow(srv, o, b)
	f.Params = map[string]string{"deny": "1"} // the fake refuses like a user clicking "Cancel"
	if _, err := f.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("denied: %v", err)
	}
	<-b.done

	b = newBrowser()
	f = flow(srv, o, b)
	f.ClientSecret = "wrong-secret"
	_, err := f.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused the code") || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("wrong secret: %v", err)
	}
	<-b.done

	noRefresh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/authorize" {
			o.Authorize(w, r)
			return
		}
		io.WriteString(w, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`)
	}))
	defer noRefresh.Close()
	b = newBrowser()
	_, err = flow(noRefresh, o, b).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no refresh_token") {
		t.Errorf("no refresh token: %v", err)
	}
	<-b.done
}

// TestFlowPasted: the user pastes the URL the browser ended on (the
// browser runs on another machine and cannot reach the listener).
func TestFlowPasted(t *testing.T) {
	o := &fakeapi.OAuth2{ClientID: "id", ClientSecret: "secret-123", ClientAuth: "basic"}
	srv := service(t, o)
	pr, pw := io.Pipe()
	f := &Flow{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", ClientID: "id", ClientSecret: "secret-123", Paste: pr, Timeout: time.Minute}
	f.Open = func(u string) error {
		go func() {
			// The remote browser: follow to the service, not to our
			// listener; the user copies the address bar.
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(u)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			resp.Body.Close()
			io.WriteString(pw, "\n  not a URL\n"+resp.Header.Get("Location")+"\n")
		}()
		return nil
	}
	tok, err := f.Run(context.Background())
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("pasted: %v %+v", err, tok)
	}
}

func TestFlowWaitEnds(t *testing.T) {
	o := &fakeapi.OAuth2{ClientID: "id", ClientSecret: "s-123", ClientAuth: "basic"}
	srv := service(t, o)
	f := &Flow{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", ClientID: "id", Open: func(string) error { return nil }, Timeout: 50 * time.Millisecond}
	if _, err := f.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "no redirect from the browser") {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Timeout = time.Minute
	if _, err := f.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// A fixed port in use is an error that says what to do.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f.Port = ln.Addr().(*net.TCPAddr).Port
	if _, err := f.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "--port") {
		t.Errorf("busy port: %v", err)
	}
}

func TestWriteSecrets(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets", "spotify.toml")
	rep, err := WriteSecrets(path, map[string]string{"client_id": "id", "refresh_token": "r1"})
	if err != nil || len(rep) != 0 {
		t.Fatalf("new file: %v %v", rep, err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	os.WriteFile(path, []byte("# my notes\nclient_id = \"id\"\nother = \"kept\"\nrefresh_token = \"r1\"\n"), 0o600)
	rep, err = WriteSecrets(path, map[string]string{"client_id": "id", "refresh_token": "r2 \"quoted\"", "access_token": "a"})
	if err != nil || strings.Join(rep, ",") != "refresh_token" {
		t.Fatalf("update: %v %v", rep, err)
	}
	s, err := secret.Load(path)
	if err != nil || s["other"] != "kept" || s["refresh_token"] != `r2 "quoted"` || s["access_token"] != "a" {
		t.Errorf("file now %v %v", s, err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# my notes\n") {
		t.Errorf("comment lost:\n%s", data)
	}
	os.Chmod(path, 0o644)
	if _, err := WriteSecrets(path, map[string]string{"x": "y"}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("open file: %v", err)
	}
}
