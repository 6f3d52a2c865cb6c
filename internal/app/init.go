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
	b.WriteString(`# Commented examples: remove the leading '# ' of a table to use it.
#
# A file on disk, snapshotted as it is (a SQLite database consistently, even
# while its program writes to it):
#
# [sources.kobo]
# exporter = "file"
# path = "/media/KOBOeReader/.kobo/KoboReader.sqlite"
# when_present = "/media/KOBOeReader"   # export whenever the e-reader is mounted
#
`)
	b.WriteString(apiExample())
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

// apiExample is the starter config's commented web API source: a
// built-in API source's own stanza when there is one, else the
// declarative rest exporter on a public API.
func apiExample() string {
	for _, src := range Sources.All() {
		if (src.Category == source.PublicAPI || src.Category == source.PrivateAPI) && src.Stanza != "" {
			stanza := strings.ReplaceAll(src.Stanza, "[sources.NAME]", "[sources."+src.Name+"]")
			var b strings.Builder
			fmt.Fprintf(&b, "# A web API: the built-in source %q (%s; %sdocs/sources/%s.md).\n# 'hoard init --add %s' writes it; 'hoard sources' lists the others.\n#\n", src.Name, src.Title, DocsURL, src.Name, src.Name)
			for _, line := range strings.Split(strings.TrimRight(stanza, "\n"), "\n") {
				if strings.HasPrefix(line, "#") {
					b.WriteString("#" + line + "\n")
				} else {
					b.WriteString("# " + line + "\n")
				}
			}
			return b.String() + "#\n"
		}
	}
	return `# A web API, with the declarative rest exporter (` + DocsURL + `docs/rest.md):
# everything a Hacker News user submitted, from the public API.
#
# [sources.hackernews]
# exporter = "rest"
# base_url = "https://hacker-news.firebaseio.com/v0"
# vars = { user = "pg" }                       # your username
# http = { requests_per_second = 10 }
# [[sources.hackernews.endpoints]]
# name = "user"
# path = "/user/{user}.json"
# [[sources.hackernews.endpoints]]
# name = "items"
# path = "/item/{id}.json"
# key = "id"
# for_each = { endpoint = "user", field = "submitted" }
#
`
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
		if s.Exporter == src.Name {
			configured["exporter:"+s.Exporter] = true
		}
	}
	for _, f := range found {
		key := f.Path
		if key == "" { // not a file: one instance per exporter (git)
			key = "exporter:" + src.Name
		}
		if f.Source == src && !configured[key] {
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
