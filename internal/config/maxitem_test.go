package config_test

import (
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

func TestMaxItemSizeKey(t *testing.T) {
	c, err := config.Parse("hoard.toml", []byte(`root = "/data"
[sources.a]
exporter = "file"
path = "/p"
max_item_size = "1GiB"
[sources.b]
exporter = "file"
path = "/p"
max_item_size = 1000
[sources.c]
exporter = "file"
path = "/p"
`), kinds.Params)
	if err != nil {
		t.Fatal(err)
	}
	if a, b, d := c.Sources["a"].Read.MaxItemSize, c.Sources["b"].Read.MaxItemSize, c.Sources["c"].Read.MaxItemSize; a != 1<<30 || b != 1000 || d != 0 {
		t.Errorf("sizes %d %d %d", a, b, d)
	}
	_, err = config.Parse("hoard.toml", []byte("root = \"/data\"\n[sources.a]\nexporter = \"file\"\npath = \"/p\"\nmax_item_size = \"lots\"\n"), kinds.Params)
	if err == nil || !strings.Contains(err.Error(), "lots") || !strings.Contains(err.Error(), "hoard.toml") {
		t.Errorf("error %v", err)
	}
}
