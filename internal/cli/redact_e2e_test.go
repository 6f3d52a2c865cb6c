package cli_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A server that echoes the credentials it received in a 401 body (as some
// do: "bad token Basic YWxpY2U6...") must not get them into stderr, the
// journal, hoard status or status --json, in any encoded form that hoard
// itself sent: base64 basic credentials, URL-encoded query values, each
// value of a cookie header.
func TestRestEchoedCredentialsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "bad token %s | key %s | query %s | ", r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"), r.URL.RawQuery)
		for _, c := range r.Cookies() {
			fmt.Fprintf(w, "cookie %s | ", c.Value)
		}
	}))
	defer srv.Close()
	const password = "pa55:w/rd+="
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + password))
	cases := []struct {
		auth, secrets string
		leaks         []string
	}{
		{`type = "basic"`, `username = "alice"` + "\n" + `password = "` + password + `"`, []string{basic, password, url.QueryEscape(password)}},
		{`type = "bearer"`, `token = "t0k/en+1=="`, []string{"t0k/en+1=="}},
		{`type = "header"` + "\n" + `header = "X-Api-Key"`, `token = "k3y-s3cr3t"`, []string{"k3y-s3cr3t"}},
		{`type = "query"` + "\n" + `param = "api_key"`, `token = "q/s3cr3t+v"`, []string{url.QueryEscape("q/s3cr3t+v"), "q/s3cr3t+v"}},
		{`type = "cookie"`, `cookie = "sid=c00kie-value-1; csrf=c00kie-value-2"`, []string{"c00kie-value-1", "c00kie-value-2"}},
	}
	for i, c := range cases {
		t.Run(strings.Fields(c.auth)[2], func(t *testing.T) {
			e := newEnv(t)
			sec := filepath.Join(e.home, "secrets.toml")
			if err := os.WriteFile(sec, []byte(c.secrets+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			e.writeConfig(fmt.Sprintf(`
[sources.api%d]
exporter = "rest"
base_url = %q
secrets = %q

[sources.api%d.auth]
%s

[[sources.api%d.endpoints]]
name = "things"
path = "/items"
`, i, srv.URL, sec, i, c.auth, i))
			_, runErr, code := e.run("run")
			if code != 1 || !strings.Contains(runErr, "401") {
				t.Fatalf("run: exit %d, stderr %s; want a 401 failure", code, runErr)
			}
			status, _, _ := e.run("status")
			statusJSON, _, _ := e.run("status", "--json")
			journal, err := os.ReadFile(filepath.Join(e.home, ".local/state/hoard/journal.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(journal), "[REDACTED]") {
				t.Errorf("journal without a redacted body: %s", journal)
			}
			for what, text := range map[string]string{"stderr": runErr, "status": status, "status --json": statusJSON, "journal": string(journal)} {
				for _, leak := range c.leaks {
					if strings.Contains(text, leak) {
						t.Errorf("%s holds %q:\n%s", what, leak, text)
					}
				}
			}
		})
	}
}
