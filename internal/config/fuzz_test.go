package config_test

import (
	"testing"

	"github.com/hoard-dev/hoard/internal/config"
)

// FuzzParse: any input gives a config or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("root = \"/r\"\n[sources.\"a.b\"]\nexporter = \"file\"\npath = \"/x\"\nx.y.z = 1\n"))
	f.Add([]byte("root = \"/r\"\n[[sources.a]]\n"))
	f.Add([]byte("[sources.a.b.c]\nk = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse("fuzz.toml", data, kinds.Params)
		if err == nil && c.Root == "" {
			t.Fatal("a config without a root was accepted")
		}
	})
}
