package httpx

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// echoServer records the credentials each request carried.
type echoServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // one line per request: path and every credential seen
}

func newEchoServer(t *testing.T, addr string, redirects map[string]func() string) *echoServer {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	e := &echoServer{}
	e.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to, ok := redirects[r.URL.Path]; ok {
			http.Redirect(w, r, to(), http.StatusFound)
			return
		}
		e.mu.Lock()
		e.seen = append(e.seen, fmt.Sprintf("%s auth=%q key=%q cookie=%q q=%q", r.URL.Path,
			r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"), r.Header.Get("Cookie"), r.URL.Query().Get("api_key")))
		e.mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	e.Listener.Close()
	e.Listener = l
	e.Start()
	t.Cleanup(e.Close)
	return e
}

func (e *echoServer) last() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) == 0 {
		return ""
	}
	return e.seen[len(e.seen)-1]
}

// Credentials go only to the configured origin (scheme, host and port):
// not along a redirect to another host (127.0.0.2, or "localhost" for
// 127.0.0.1) or another port of the same host, whatever the auth type (Go
// itself strips only Authorization and Cookie, and only across hosts).
// Origins named in AuthOrigins get them too. The response's URL is the one
// actually fetched.
func TestCredentialsStayWithTheirOrigin(t *testing.T) {
	var otherHost, otherPort, main *echoServer
	// through the other host and back home: credentials again
	otherHost = newEchoServer(t, "127.0.0.2:0", map[string]func() string{"/back": func() string { return main.URL + "/echo" }})
	otherPort = newEchoServer(t, "127.0.0.1:0", nil)
	main = newEchoServer(t, "127.0.0.1:0", map[string]func() string{
		"/same":          func() string { return "/echo" },
		"/host":          func() string { return otherHost.URL + "/echo" },
		"/port":          func() string { return otherPort.URL + "/echo" },
		"/localhost":     func() string { return strings.Replace(main.URL, "127.0.0.1", "localhost", 1) + "/echo" },
		"/away-and-back": func() string { return otherHost.URL + "/back" },
	})

	auths := map[string]Auth{
		"bearer": Bearer{Token: "bearer-token-1"},
		"basic":  Basic{User: "alice", Password: "basic-pass-1"},
		"header": Header{Name: "X-Api-Key", Value: "api-key-1"},
		"cookie": Header{Name: "Cookie", Value: "sid=cookie-1"},
		"query":  Query{Param: "api_key", Value: "query-key-1"},
	}
	creds := []string{"bearer-token-1", "YWxpY2U6YmFzaWMtcGFzcy0x", "api-key-1", "cookie-1", "query-key-1"}
	hasCred := func(line string) bool {
		for _, c := range creds {
			if strings.Contains(line, c) {
				return true
			}
		}
		return false
	}
	for name, auth := range auths {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				path    string
				origins []string
				srv     *echoServer
				want    bool // credentials expected at the end
			}{
				{"/echo", nil, main, true},
				{"/same", nil, main, true},
				{"/host", nil, otherHost, false},
				{"/port", nil, otherPort, false},
				{"/localhost", nil, main, false},
				{"/host", []string{main.URL, otherHost.URL}, otherHost, true},
				{"/port", []string{main.URL, otherHost.URL}, otherPort, false},
				{"/away-and-back", nil, main, true},
			} {
				c := New(Options{Auth: auth, AuthOrigins: tc.origins, MaxAttempts: 1})
				req, _ := http.NewRequestWithContext(context.Background(), "GET", main.URL+tc.path, nil)
				resp, err := c.Do(req, nil)
				if err != nil {
					t.Fatalf("%s: %v", tc.path, err)
				}
				got := tc.srv.last()
				if !strings.HasPrefix(got, "/echo") {
					t.Fatalf("%s: the request did not end at %s/echo: %q", tc.path, tc.srv.URL, got)
				}
				if hasCred(got) != tc.want {
					t.Errorf("%s (origins %v): credentials sent %v, want %v: %s", tc.path, tc.origins, hasCred(got), tc.want, got)
				}
				if resp.URL == nil || !strings.HasSuffix(resp.URL.Path, "/echo") || strings.Contains(resp.URL.String(), "query-key-1") {
					t.Errorf("%s: response URL %v, want the final URL without the credential", tc.path, resp.URL)
				}
			}
		})
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://API.example.com/x?y": "https://api.example.com:443",
		"https://api.example.com:443": "https://api.example.com:443",
		"http://h":                    "http://h:80",
		"http://h:8080/a":             "http://h:8080",
		"http://[::1]:9/":             "http://[::1]:9",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Origin(u); got != want {
			t.Errorf("Origin(%s) = %s, want %s", in, got, want)
		}
	}
}
