package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/source"
)

// DocsURL is where the documentation lives for someone who installed the
// binary without the repository.
const DocsURL = "https://github.com/hoard-dev/hoard/blob/main/"

// CheckConfigText parses text as a config, as every command would.
func CheckConfigText(path, text string) error {
	cfg, err := config.Parse(path, []byte(text), Exporters.Params)
	if err == nil {
		_, err = New(cfg, paths.Layout{})
	}
	return err
}

// StarterConfig renders the starter hoard.toml: the exports root, the
// sources found on this machine, and commented examples.
func StarterConfig(root string, found []source.Found) string {
	var b strings.Builder
	b.WriteString(`# hoard configuration. Reference: ` + DocsURL + `docs/guide.md
#
# Every run of a source writes one immutable file ROOT/<source>/<YYYYMMDDTHHMMSSZ>.<ext>[.zst].
# 'hoard sources' lists the built-in sources; 'hoard init --add NAME' adds one here.

root = ` + strconv.Quote(root) + `

# Run a command when a source fails, goes stale or recovers (details as JSON
# on its stdin), e.g. a phone notification through ntfy:
# notify = ["sh", "-c", "curl -s -d @- ntfy.sh/my-hoard-topic"]

`)
	for _, f := range found {
		b.WriteString(f.Config())
		b.WriteString("\n")
	}
	b.WriteString(`# A program that prints an export on stdout (any arctee-style exporter):
#
# [sources.rtm]
# exporter = "command"
# command = ["/soft/export/rememberthemilk.py", "--secrets", "{secrets}"]
# extension = "ical"
# compression = "zstd"
# schedule = "@daily"    # or "0 */6 * * *", "every 6h" (hoard daemon / hoard up)
# retries = 3            # total attempts, with backoff 1s, 2s, 4s ...
# timeout = "10m"        # per attempt; the whole process group is killed
# secrets = "~/.config/hoard/secrets/rtm.toml"   # key = "value" lines, chmod 600
#
# The command gets the secrets file's path as {secrets} and each value as
# the environment variable HOARD_SECRET_<KEY>. Values never reach argv.
`)
	return b.String()
}

// AddStanza returns the name and stanza of one more instance of src for
// cfg: one found on this machine (found) and not configured yet when there
// is one, else the source's own example.
func AddStanza(src *source.Source, cfg *config.Config, found []source.Found) (name, stanza string, detected bool) {
	configured := map[string]bool{}
	for _, s := range cfg.Sources {
		if p, ok := s.Params.(*file.Params); ok {
			if abs, err := paths.Expand(p.Path); err == nil {
				configured[abs] = true
			}
		}
	}
	for _, f := range found {
		if f.Source == src && !configured[f.Path] {
			f.Name = freeName(cfg, f.Name)
			return f.Name, f.Config(), true
		}
	}
	name = freeName(cfg, src.Name)
	return name, strings.ReplaceAll(src.Stanza, "[sources.NAME]", "[sources."+name+"]"), false
}

// freeName returns name, or name-2, name-3 ... whichever the config does
// not use yet.
func freeName(cfg *config.Config, name string) string {
	base := name
	for i := 2; cfg.Sources[name] != nil; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}
