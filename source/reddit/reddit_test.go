package reddit

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/internal/fakeapi"
	fake "github.com/hoard-dev/hoard/internal/fakeapi/reddit"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source/internal/sourcetest"
)

const (
	scriptSecrets  = "client_id = \"" + fake.ClientID + "\"\nclient_secret = \"" + fake.ClientSecret + "\"\nusername = \"" + fake.Username + "\"\npassword = \"" + fake.Password + "\"\n"
	refreshSecrets = "# from hoard auth reddit\nclient_id = \"" + fake.ClientID + "\"\nclient_secret = \"" + fake.ClientSecret + "\"\nrefresh_token = \"" + fake.RefreshToken + "\"\n"
)

func build(t *testing.T, h *sourcetest.H, srv *fake.Server) export.Exporter {
	t.Helper()
	ex, err := newExporter(export.Source{Params: &Params{BaseURL: srv.URL, TokenURL: srv.URL + "/api/v1/access_token"}},
		rest.Hooks{Clock: h.Clock, Rand: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

var counts = fake.Counts{Saved: 1050, Upvoted: 120, Downvoted: 2, Comments: 30, Submitted: 3, Subreddits: 5}

// Both kinds of app: a script app (password grant) and an authorised app
// (refresh token). Every listing is paged with after cursors and stops
// at Reddit's 1000 items; text is as written (raw_json=1).
func TestExport(t *testing.T) {
	for _, tc := range []struct{ name, secrets, grant string }{
		{"script app", scriptSecrets, "password"},
		{"refresh token", refreshSecrets, "refresh_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, tc.secrets)
			srv := fake.New(h.Clock, counts)
			defer srv.Close()
			if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
				t.Fatal(err)
			}
			got := h.Read(Decoder)
			if c := sourcetest.Counts(got); c != "comments=30 downvoted=2 multireddits=1 profile=1 saved=1000 submissions=3 subreddits=5 upvoted=120" {
				t.Fatalf("kinds: %s", c)
			}
			if len(srv.Grants) != 1 || srv.Grants[0] != tc.grant {
				t.Errorf("token requests %v, want one %s grant", srv.Grants, tc.grant)
			}
			sourcetest.Unique(t, got)
			saved := got["saved"]
			// oldest first: item 51 of 1050 is the oldest the API still shows
			sourcetest.Item(t, saved[0], "t3_"+strconv.FormatInt(1051, 36), "2023-01-01T17:31:00Z", "Post 1051: <b>bold</b> & ünïcode")
			if saved[1].Key != "t1_"+strconv.FormatInt(1052, 36) || saved[1].Text != "Comment 1052 & <reply>" || saved[1].URL != "/r/golang/comments/zzz/thread/"+strconv.FormatInt(1052, 36)+"/" {
				t.Errorf("saved comment: %+v", saved[1])
			}
			sourcetest.Item(t, got["profile"][0], "abc12", "", fake.Username)
			sourcetest.Item(t, got["multireddits"][0], "/user/"+fake.Username+"/m/cs", "2014-09-06T17:19:07Z", "cs")
			if c := got["comments"][0]; c.Title != "Thread 50001" || c.Text != "Comment 50001 & <reply>" {
				t.Errorf("comment: %+v", c)
			}
		})
	}
}

// Listings are synthetic: a second run sees the newest 1000 again, one of
// them new; the union keeps the one that fell off the end.
func TestSecondRunSynthetic(t *testing.T) {
	h := sourcetest.New(t, scriptSecrets)
	srv := fake.New(h.Clock, fake.Counts{Saved: 1050})
	defer srv.Close()
	ex := build(t, h, srv)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	srv.Save(9999)
	if err := h.Run(ex, "jsonl"); err != nil {
		t.Fatal(err)
	}
	if last := h.Last(Decoder); last["saved"] != 1000 {
		t.Fatalf("second run: %s", sourcetest.Counts(last))
	}
	got := h.Read(Decoder)
	if len(got["saved"]) != 1001 {
		t.Fatalf("merged %d saved, want 1001 (1000 + the one pushed out of the listing)", len(got["saved"]))
	}
	if first := got["saved"][0]; first.Key != "t3_"+strconv.FormatInt(1051, 36) {
		t.Errorf("the oldest save is %s, want the one pushed out of the listing", first.Key)
	}
}

// The rate limit (remaining sent as "599.0") is waited out before it is
// spent.
func TestRateLimit(t *testing.T) {
	h := sourcetest.New(t, scriptSecrets)
	srv := fake.New(h.Clock, fake.Counts{Saved: 450})
	defer srv.Close()
	srv.Limit = 3 // the run needs 12 requests
	if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
		t.Fatal(err)
	}
	if srv.TooMany != 0 || h.Clock.Slept() < 30*time.Minute {
		t.Fatalf("%d 429s, paused %v; want three pauses of 10 minutes and no 429", srv.TooMany, h.Clock.Slept())
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		secrets  string
		faults   map[int]fakeapi.Fault
		expireAt int
		loop     bool
		err      string
	}{
		{"429 Retry-After", scriptSecrets, map[int]fakeapi.Fault{3: {Kind: fakeapi.Status, Status: 429, RetryAfter: "7", Body: `{"message":"Too Many Requests","error":429}`}}, 0, false, ""},
		{"500, 502, 503", scriptSecrets, map[int]fakeapi.Fault{2: {Kind: fakeapi.Status, Status: 500}, 4: {Kind: fakeapi.Status, Status: 502}, 6: {Kind: fakeapi.Status, Status: 503}}, 0, false, ""},
		{"connection reset", scriptSecrets, map[int]fakeapi.Fault{5: {Kind: fakeapi.Reset}}, 0, false, ""},
		{"truncated body", scriptSecrets, map[int]fakeapi.Fault{4: {Kind: fakeapi.Truncate}}, 0, false, ""},
		{"invalid JSON", scriptSecrets, map[int]fakeapi.Fault{3: {Kind: fakeapi.InvalidJSON}}, 0, false, ""},
		{"access token expires mid-run: script app", scriptSecrets, nil, 4, false, ""},
		{"access token expires mid-run: refresh token", refreshSecrets, nil, 4, false, ""},
		{"the same after cursor again", scriptSecrets, nil, 0, true, "cursor"},
		{"wrong password", strings.Replace(scriptSecrets, fake.Password, "wrong", 1), nil, 0, false, "username or password was not accepted"},
		{"wrong client secret", strings.Replace(scriptSecrets, fake.ClientSecret, "wrong", 1), nil, 0, false, "refused the app's client_id and client_secret"},
		{"revoked refresh token", strings.Replace(refreshSecrets, fake.RefreshToken, "fake-refresh-token-revoked", 1), nil, 0, false, "refresh token may be revoked"},
		{"no credentials", "client_id = \"" + fake.ClientID + "\"\n", nil, 0, false, "username and password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sourcetest.New(t, tc.secrets)
			srv := fake.New(h.Clock, fake.Counts{Saved: 250, Upvoted: 5, Comments: 2, Subreddits: 1})
			defer srv.Close()
			srv.ExpireAt, srv.LoopAfter = tc.expireAt, tc.loop
			for i, f := range tc.faults {
				srv.Faults.At(i, f)
			}
			err := h.Run(build(t, h, srv), "jsonl")
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c := sourcetest.Counts(h.Read(Decoder)); c != "comments=2 multireddits=1 profile=1 saved=250 subreddits=1 upvoted=5" {
					t.Fatalf("recovered with %s", c)
				}
				if tc.expireAt > 0 && len(srv.Grants) != 2 {
					t.Errorf("token requests %v, want a second one after the 401", srv.Grants)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			for _, s := range []string{fake.Password, fake.ClientSecret, fake.RefreshToken} {
				if strings.Contains(err.Error()+h.Stderr.String(), s) {
					t.Fatalf("a secret leaked: %v", err)
				}
			}
			if len(h.Snapshots()) != 0 {
				t.Fatalf("a failed run left %d snapshots", len(h.Snapshots()))
			}
		})
	}
}

// Credential errors are permanent: retrying the run cannot fix them.
func TestCredentialErrorsArePermanent(t *testing.T) {
	h := sourcetest.New(t, strings.Replace(scriptSecrets, fake.Password, "wrong", 1))
	srv := fake.New(h.Clock, fake.Counts{Saved: 1})
	defer srv.Close()
	if err := h.Run(build(t, h, srv), "jsonl"); !export.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

func TestEndpointKeysAreKindKeys(t *testing.T) {
	sourcetest.EndpointKeys(t, restParams(&Params{}), Decoder)
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.ReadFile(t, "testdata/"+name)
}

const restSample = `{"endpoint":"profile","page":1,"url":"https://oauth.reddit.com/api/v1/me?raw_json=1","status":200,"fetched_at":"2026-01-02T03:04:05Z","style":"full","items":"","body":{"name":"alice_r","id":"abc12"}}
{"endpoint":"saved","parent":"alice_r","page":1,"url":"https://oauth.reddit.com/user/alice_r/saved?limit=100&raw_json=1","status":200,"fetched_at":"2026-01-02T03:04:06Z","style":"synthetic","items":"data.children","key":"data.name","body":{"kind":"Listing","data":{"after":null,"children":[{"kind":"t3","data":{"name":"t3_rz","title":"Post & <b>","created_utc":1600000000.0}},{"kind":"t1","data":{"name":"t1_1js","body":"ünï","created_utc":1600000100.0}}]}}}
{"endpoint":"multireddits","page":1,"url":"https://oauth.reddit.com/api/multi/mine?raw_json=1","status":200,"fetched_at":"2026-01-02T03:04:07Z","style":"full","items":"","key":"data.path","body":[{"kind":"LabeledMulti","data":{"path":"/user/alice_r/m/cs"}}]}
`

func TestConformance(t *testing.T) {
	t.Run("rest snapshot", func(t *testing.T) {
		dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "jsonl", Golden: "testdata/golden-rest.txt",
			Sample: func(testing.TB) []byte { return []byte(restSample) }})
	})
	for _, f := range []string{"rexport-2019", "rexport-2021"} {
		t.Run(f, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "json", Golden: "testdata/golden-" + f + ".txt",
				Sample: func(t testing.TB) []byte { return fixture(t, f+".json") }})
		})
	}
}

// rexport archives and hoard's snapshots read as one history: things in
// both are one item each (hoard's version, newer), and what only the
// archives hold is kept: posts saved then, the inbox.
func TestRexportMergesWithHoard(t *testing.T) {
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "json", fixture(t, "rexport-2019.json"))
	dectest.WriteSnap(t, dir, 1, "json", fixture(t, "rexport-2021.json"))
	h := sourcetest.New(t, scriptSecrets)
	srv := fake.New(h.Clock, fake.Counts{Saved: 9, Subreddits: 1})
	defer srv.Close()
	if err := h.Run(build(t, h, srv), "jsonl"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(h.Snapshots()[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	dectest.WriteSnap(t, dir, 2, "jsonl.zst", b)
	res := dectest.Merge(t, dir, dal.Spec{Source: "reddit", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	keys := map[string][]string{}
	items := map[string]dal.Item{}
	for _, m := range res.Items {
		keys[m.Kind] = append(keys[m.Kind], m.Key)
		items[m.Kind+" "+m.Key] = m.Item
	}
	for k := range keys {
		slices.Sort(keys[k])
		if len(slices.Compact(slices.Clone(keys[k]))) != len(keys[k]) {
			t.Errorf("%s: a key twice: %v", k, keys[k])
		}
	}
	// saved: 9 from hoard (t3_rz and t3_rv among them) + t1_1js from 2021
	if len(keys["saved"]) != 10 {
		t.Errorf("saved: %v", keys["saved"])
	}
	if rz := items["saved t3_rz"]; rz.FirstSeen != dectest.Day(1) || rz.LastSeen != dectest.Day(2) || rz.Title != "Post 1007: <b>bold</b> & ünïcode" {
		t.Errorf("t3_rz (rexport 2021, then hoard): %+v", rz)
	}
	if rv := items["saved t3_rv"]; rv.FirstSeen != dectest.Day(0) {
		t.Errorf("t3_rv (saved since 2019): %+v", rv)
	}
	if c := items["saved t1_1js"]; c.Text != "Comment 8 & <reply> — 日本語" || c.URL != "/r/golang/comments/zzz/thread/1js/" || c.Time.Unix() != 1600000100 {
		t.Errorf("a comment saved in rexport's days: %+v", c)
	}
	if in := items["inbox t4_5sbs2u"]; in.Title != "hello" || in.Text != "Glad to meet you" {
		t.Errorf("inbox message: %+v", in)
	}
	if len(keys["profile"]) != 1 || len(keys["multireddits"]) != 1 || len(keys["subreddits"]) != 2 {
		t.Errorf("profile %v multireddits %v subreddits %v", keys["profile"], keys["multireddits"], keys["subreddits"])
	}
}

// The exporter passes the exporter conformance suite: output only to the
// writer, attempts independent (a new access token each), a cancelled context
// fails, one snapshot through the runner.
func TestExporterConformance(t *testing.T) {
	h := sourcetest.New(t, "")
	srv := fake.New(h.Clock, fake.Counts{Saved: 2})
	defer srv.Close()
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return build(t, h, srv), secret.Secrets{"client_id": fake.ClientID, "client_secret": fake.ClientSecret, "username": fake.Username, "password": fake.Password}
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`{"endpoint":"profile"`)) || bytes.Count(out, []byte("\n")) < 8 {
				t.Errorf("output:\n%.2000s", out)
			}
		},
	})
}
