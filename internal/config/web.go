package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hoard-dev/hoard/internal/paths"
)

// Web is the [web] table: settings of the web app (`hoard serve`, and
// `hoard up` while it keeps running).
//
//	[web]
//	listen = "127.0.0.1:8383"
//	token_file = "~/.config/hoard/web-token"
//	tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
//	tiles_attribution = "© OpenStreetMap contributors"
type Web struct {
	Listen           string // "" for the default address
	TokenFile        string // "~" expanded; "" for none
	Tiles            string // a tile URL template; "" draws maps with no tiles
	TilesAttribution string
}

type webShape struct {
	Listen           string `toml:"listen"`
	TokenFile        string `toml:"token_file"`
	Tiles            string `toml:"tiles"`
	TilesAttribution string `toml:"tiles_attribution"`
}

// resolve checks the [web] table.
func (w webShape) resolve() (Web, error) {
	out := Web{Listen: w.Listen, Tiles: w.Tiles, TilesAttribution: w.TilesAttribution}
	if w.TokenFile != "" {
		p, err := paths.Expand(w.TokenFile)
		if err != nil {
			return out, keyError{[]string{"web", "token_file"}, fmt.Errorf("web.token_file: %w", err)}
		}
		out.TokenFile = p
	}
	if w.Tiles != "" {
		if err := CheckTiles(w.Tiles); err != nil {
			return out, keyError{[]string{"web", "tiles"}, fmt.Errorf("web.tiles: %w", err)}
		}
	}
	return out, nil
}

// CheckTiles checks a tile URL template: http or https, a host, and the
// placeholders {z}, {x} and {y}.
func CheckTiles(tmpl string) error {
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a").Replace(tmpl))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL template, e.g. \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"", tmpl)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tmpl, p) {
			return fmt.Errorf("%q lacks %s (it needs {z}, {x} and {y})", tmpl, p)
		}
	}
	return nil
}
