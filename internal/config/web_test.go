package config_test

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

func TestWebTable(t *testing.T) {
	c, err := config.Parse("hoard.toml", []byte(`root = "/r"
[web]
listen = "0.0.0.0:9000"
token_file = "/etc/hoard/token"
tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
tiles_attribution = "© OpenStreetMap contributors"
`), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Web{Listen: "0.0.0.0:9000", TokenFile: "/etc/hoard/token", Tiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", TilesAttribution: "© OpenStreetMap contributors"}
	if c.Web != want {
		t.Errorf("web = %+v", c.Web)
	}
	if c, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"), kinds.Params); err != nil || c.Web != (config.Web{}) {
		t.Errorf("no [web]: %+v %v", c, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"[web]\ntiles = \"javascript:alert(1)//{z}/{x}/{y}\"\n", "hoard.toml:3: web.tiles: "},
		{"[web]\ntiles = \"https://tiles.example/{z}/{x}.png\"\n", "lacks {y}"},
		{"[web]\nlisten = \"x\"\nport = 3\n", `hoard.toml:4: unknown key "web.port"`},
	} {
		_, err := config.Parse("hoard.toml", []byte("root = \"/r\"\n"+tc.text), kinds.Params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
}
