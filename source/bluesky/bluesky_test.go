package bluesky

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/bluesky"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const secrets = "password = \"" + fake.AppPassword + "\"\n"

func build(t *testing.T, h *sourcetest.H, srv *fake.Server, user string) export.Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{User: user, BaseURL: srv.URL}}, rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

var counts = map[string]int{fake.Posts: 250, fake.Likes: 120, fake.Reposts: 3, fake.Follows: 10}

// One session per run; every collection paged with its cursor to the
// empty page after the last; each run exports everything (full).
func TestExport(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, counts)
	defer srv.Close()
	ex := build(t, h, srv, "@"+fake.Handle)
	for run := 1; run <= 2; run++ {
		if run == 2 {
			srv.Add(fake.Posts)
		}
		if err := h.Run(ex, "jsonl"); err != nil {
			t.Fatal(err)
		}
		if c, want := sourcetest.Counts(h.Last(Decoder)), map[int]string{1: "follows=10 likes=120 posts=250 profile=1 reposts=3", 2: "follows=10 likes=120 posts=251 profile=1 reposts=3"}[run]; c != want {
			t.Fatalf("run %d exported %s, want %s", run, c, want)
		}
	}
	if srv.Sessions != 2 || srv.Refreshes != 0 {
		t.Errorf("%d sessions, %d refreshes; want one session a run", srv.Sessions, srv.Refreshes)
	}
	got := h.Read(Decoder)
	sourcetest.Unique(t, got)
	p := got["posts"][0]
	sourcetest.Item(t, p, "at://"+fake.DID+"/app.bsky.feed.post/"+fake.TID(fake.Base.Add(time.Hour), 7), "2024-02-01T01:00:00Z", "")
	if p.Text != "post 1 — ünïcode 🦋" || p.URL != p.Key {
		t.Errorf("post: %+v", p)
	}
	if l := got["likes"][0]; !strings.HasPrefix(l.URL, "at://did:plc:bob/app.bsky.feed.post/") {
		t.Errorf("like: %+v", l)
	}
	if f := got["follows"][9]; f.Title != "did:plc:friend10" {
		t.Errorf("follow: %+v", f)
	}
	sourcetest.Item(t, got["profile"][0], fake.DID, "", fake.Handle)
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		secrets  string
		faults   map[int]fakeapi.Fault
		revokeAt int
		loop     bool
		limited  bool
		err      string
	}{
		{"429 with ratelimit headers", secrets, map[int]fakeapi.Fault{3: {Kind: fakeapi.Status, Status: 429, RetryAfter: "20", Body: `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`}}, 0, false, false, ""},
		{"500, 502", secrets, map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 500, Body: `{"error":"InternalServerError","message":"Internal Server Error"}`}, 5: {Kind: fakeapi.Status, Status: 502}}, 0, false, false, ""},
		{"connection reset", secrets, map[int]fakeapi.Fault{4: {Kind: fakeapi.Reset}}, 0, false, false, ""},
		{"truncated body", secrets, map[int]fakeapi.Fault{3: {Kind: fakeapi.Truncate}}, 0, false, false, ""},
		{"invalid JSON", secrets, map[int]fakeapi.Fault{6: {Kind: fakeapi.InvalidJSON}}, 0, false, false, ""},
		{"access token revoked mid-run: 400 ExpiredToken", secrets, nil, 3, false, false, ""},
		{"the same cursor again", secrets, nil, 0, true, false, "cursor"},
		{"wrong app password", "password = \"wrong-pass-word\"\n", nil, 0, false, false, "did not accept the app password"},
		{"sign-in rate limited", secrets, nil, 0, false, true, "signing in is rate limited"},
		{"no password", "other = \"x\"\n", nil, 0, false, false, `needs key "password"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, tc.secrets)
			srv := fake.New(h.Clock, map[string]int{fake.Posts: 250, fake.Likes: 2, fake.Follows: 1})
			defer srv.Close()
			srv.RevokeAt, srv.LoopCursor, srv.SessionLimited = tc.revokeAt, tc.loop, tc.limited
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			err := h.Run(build(t, h, srv, fake.Handle), "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := sourcetest.Counts(h.Read(Decoder)); c != "follows=1 likes=2 posts=250 profile=1" {
					t.Fatalf("recovered with %s", c)
				}
				if tc.revokeAt > 0 && srv.Refreshes != 1 {
					t.Errorf("%d refreshes after the revocation, want 1", srv.Refreshes)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), fake.AppPassword) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if tc.faults == nil && !tc.loop && !export.IsPermanent(err) {
				t.Errorf("a credentials error should be permanent: %v", err)
			}
			if len(h.Snapshots()) != 0 {
				t.Fatalf("a failed run left %d snapshots", len(h.Snapshots()))
			}
		})
	}
}

// The session is renewed before its access token expires (its exp
// claim), with refreshSession, whose rotated refresh token is used the
// next time.
func TestSessionRenewsBeforeExpiry(t *testing.T) {
	h := sourcetest.New(t, secrets)
	srv := fake.New(h.Clock, nil)
	defer srv.Close()
	env := exporttest.Env(secret.Secrets{"password": fake.AppPassword}, os.Stderr)
	auth, err := newSession(env, srv.URL, fake.Handle, h.Clock)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for range 3 {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/xrpc/app.bsky.actor.getProfile?actor="+fake.Handle, nil)
		if err := auth.Apply(req); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("status %v, %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		tokens = append(tokens, req.Header.Get("Authorization"))
		h.Clock.Advance(119 * time.Minute)
	}
	if srv.Sessions != 1 || srv.Refreshes != 2 || tokens[0] == tokens[1] || tokens[1] == tokens[2] {
		t.Fatalf("%d sessions, %d refreshes; tokens changed: %v %v", srv.Sessions, srv.Refreshes, tokens[0] != tokens[1], tokens[1] != tokens[2])
	}
	if strings.Contains(env.Redactor.String(tokens[2]), "c2lnbmF0dXJl") {
		t.Error("the access token is not redacted")
	}
}

func TestUserRequired(t *testing.T) {
	if _, err := Kind.New(export.Source{Params: &Params{}}); err == nil || !strings.Contains(err.Error(), `"user"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestEndpointKeysAreKindKeys(t *testing.T) {
	sourcetest.EndpointKeys(t, restParams(&Params{User: "x"}), Decoder)
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden-rest.txt",
		Sample: dectest.File("testdata/sample.jsonl")})
}

// The exporter passes the exporter conformance suite: output only to the
// writer, attempts independent (a new session each), a cancelled context
// fails, one snapshot through the runner.
func TestExporterConformance(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(h.Clock, map[string]int{fake.Posts: 2})
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, h, srv, fake.Handle), secret.Secrets{"password": fake.AppPassword}
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`{"endpoint":"profile"`)) || bytes.Count(out, []byte("\n")) < 5 {
				t.Errorf("output:\n%.2000s", out)
			}
		},
	})
}
