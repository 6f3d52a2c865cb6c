package rest

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/config"
)

// parseSource loads a hoard.toml fragment through the real strict config
// loader and builds the exporter.
func parseSource(t *testing.T, body string) (*config.Source, error) {
	t.Helper()
	text := "root = \"/tmp/x\"\n[sources.s]\nexporter = \"rest\"\n" + body
	cfg, err := config.Parse("hoard.toml", []byte(text), export.NewKinds(Kind).Params)
	if err != nil {
		return nil, err
	}
	src := cfg.Sources["s"]
	_, err = export.NewKinds(Kind).New(src.Source)
	return src, err
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	const ok = "base_url = \"https://api.example.com\"\n[[sources.s.endpoints]]\nname = \"e\"\npath = \"/e\"\n"
	cases := []struct {
		name, body, want string
	}{
		{"unknown key", ok + "pagnation = 1\n", `pagnation`},
		{"unknown nested key", ok + "[sources.s.endpoints.pagination]\ntype = \"link\"\nnxt = \"x\"\n", `nxt`},
		{"unknown auth key", ok + "[sources.s.auth]\ntype = \"bearer\"\nsecrte = \"x\"\n", `secrte`},
		{"unknown http key", ok + "[sources.s.http]\ntimout = \"1s\"\n", `timout`},
		{"missing base_url", "[[sources.s.endpoints]]\nname = \"e\"\npath = \"/e\"\n", `base_url`},
		{"no endpoints", "base_url = \"https://x.test\"\n", "no endpoints"},
		{"missing path", "base_url = \"https://x.test\"\n[[sources.s.endpoints]]\nname = \"e\"\n", `"path"`},
		{"bad items path", ok + "items = \"data..rows\"\n", "items: invalid path"},
		{"bracket path", ok + "items = \"data[0]\"\n", "items: invalid path"},
		{"cursor without param", ok + "[sources.s.endpoints.pagination]\ntype = \"cursor\"\ncursor = \"next\"\n", "pagination.param"},
		{"cursor without source", ok + "[sources.s.endpoints.pagination]\ntype = \"cursor\"\nparam = \"c\"\n", "pagination.cursor"},
		{"keyset without field", ok + "[sources.s.endpoints.pagination]\ntype = \"keyset\"\nparam = \"after\"\n", "pagination.field"},
		{"next_url without path", ok + "[sources.s.endpoints.pagination]\ntype = \"next_url\"\n", "pagination.next_url"},
		{"unknown pagination", ok + "[sources.s.endpoints.pagination]\ntype = \"magic\"\n", `pagination.type = "magic"`},
		{"short page without limit", ok + "[sources.s.endpoints.pagination]\ntype = \"page\"\nstop_on_short_page = true\n", "pagination.limit"},
		{"limit without param", ok + "[sources.s.endpoints.pagination]\ntype = \"page\"\nlimit = 10\n", "limit_param"},
		{"bad style", ok + "style = \"partial\"\n", `style = "partial"`},
		{"incremental without cursor", ok + "style = \"incremental\"\n", "incremental.cursor_field"},
		{"incremental bad order", ok + "style = \"incremental\"\n[sources.s.endpoints.incremental]\ncursor_field = \"t\"\norder = \"up\"\n", "incremental.order"},
		{"ascending without param", ok + "style = \"incremental\"\n[sources.s.endpoints.incremental]\ncursor_field = \"t\"\norder = \"ascending\"\n", "incremental.param"},
		{"incremental keys on full", ok + "[sources.s.endpoints.incremental]\ncursor_field = \"t\"\n", `style = "incremental"`},
		{"conditional full", ok + "conditional = true\n", "conditional"},
		{"for_each unknown parent", ok + "[[sources.s.endpoints]]\nname = \"f\"\npath = \"/f/{id}\"\n[sources.s.endpoints.for_each]\nendpoint = \"zzz\"\nfield = \"id\"\n", `for_each.endpoint = "zzz"`},
		{"for_each without {id}", ok + "[[sources.s.endpoints]]\nname = \"f\"\npath = \"/f\"\n[sources.s.endpoints.for_each]\nendpoint = \"e\"\nfield = \"id\"\n", "{id}"},
		{"unknown var", ok + "[[sources.s.endpoints]]\nname = \"f\"\npath = \"/u/{user}\"\n", "{user}"},
		{"duplicate name", ok + "[[sources.s.endpoints]]\nname = \"e\"\npath = \"/f\"\n", "used twice"},
		{"bad auth type", ok + "[sources.s.auth]\ntype = \"magic\"\n", `auth.type = "magic"`},
		{"header auth without header", ok + "[sources.s.auth]\ntype = \"header\"\n", "auth.header"},
		{"oauth2 without token_url", ok + "[sources.s.auth]\ntype = \"oauth2\"\n", "auth.token_url"},
		{"bad reset format", ok + "[sources.s.http]\nratelimit_reset_format = \"weird\"\n", "ratelimit_reset_format"},
		{"bad duration", ok + "[sources.s.http]\ntimeout = \"soon\"\n", `hoard.toml:9: key "sources.s.http.timeout": cannot read "soon" as a duration`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSource(t, tc.body)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
	if _, err := parseSource(t, ok); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
}

func TestLinkNext(t *testing.T) {
	base := mustURL(t, "https://api.example.com/items?page=1")
	cases := []struct {
		header, want string
	}{
		{`<https://api.example.com/items?page=2>; rel="next", <https://api.example.com/items?page=9>; rel="last"`, "https://api.example.com/items?page=2"},
		{`<https://api.example.com/items?page=9>; rel="last", <https://api.example.com/items?page=2>; rel="next"`, "https://api.example.com/items?page=2"},
		{`</items?max_id=5>; rel="next", </items?min_id=9>; rel="prev"`, "https://api.example.com/items?max_id=5"},
		{`<https://x.test/a,b>; rel="prev next"`, "https://x.test/a,b"},
		{`<https://x.test/p>; rel=next`, "https://x.test/p"},
		{`<https://x.test/p>; rel="prev"`, ""},
		{``, ""},
	}
	for _, tc := range cases {
		h := map[string][]string{"Link": {tc.header}}
		got, err := linkNext(h, base)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		if got != nil {
			s = got.String()
		}
		if s != tc.want {
			t.Errorf("Link %q: got %q, want %q", tc.header, s, tc.want)
		}
	}
}

func TestCompareCursorAndLookback(t *testing.T) {
	cmps := []struct {
		a, b string
		want int
	}{
		{"9", "10", -1},
		{"2024-01-02T00:00:00Z", "2024-01-01T23:00:00-02:00", -1},
		{"2024-01-02T00:00:00.5Z", "2024-01-02T00:00:00Z", 1},
		{"b", "a", 1},
		{"110", "110", 0},
	}
	for _, c := range cmps {
		if got := compareCursor(c.a, c.b); got != c.want {
			t.Errorf("compareCursor(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got, _ := lookBack("2024-01-02T00:10:00Z", 10*60e9); got != "2024-01-02T00:00:00Z" {
		t.Errorf("lookBack time: %s", got)
	}
	if got, _ := lookBack("1000", 60e9); got != "940" {
		t.Errorf("lookBack epoch: %s", got)
	}
	if _, err := lookBack("abc", 60e9); err == nil {
		t.Error("lookBack of an opaque cursor should fail")
	}
}
