package takeoutkit

import (
	"fmt"

	"github.com/hoard-dev/hoard/source"
)

// Downloads is how a takeout source finds the exports a person
// downloads, and the config of a source that imports each as it comes (a
// file-kind exporter with a watch glob).
type Downloads struct {
	// Name is the source's name and its exporter kind.
	Name string
	// Dirs are the folders under the home the exports land in, each
	// proposed as a source of its own ("Downloads").
	Dirs []string
	// Files are the globs of the exports in each folder
	// ("facebook-*.zip"), and Watch the glob the proposed source watches
	// there.
	Files []string
	Watch string
	// What names the exports in a proposed source's comment ("Facebook
	// exports", "Facebook exports in ~/Downloads (1 found)"); Count, when
	// set, says how many instead of "N found".
	What  string
	Count func(found []string) string
	// Each says how each export is imported ("each zip is imported once
	// and read in place."), Help how to get one (comment lines, each
	// ending in a newline), Tail what follows the table (commented
	// options).
	Each, Help, Tail string
}

// Stanza is the config of a source that imports every export found where
// watch names, headed by comment.
func (d *Downloads) Stanza(watch, comment string) string {
	return fmt.Sprintf("# %s: %s\n%s[sources.NAME]\nexporter = %q\nwatch = %q\nschedule = \"every 1h\"\n%s",
		comment, d.Each, d.Help, d.Name, watch, d.Tail)
}

// Detect proposes a watch source for each folder that holds exports.
func (d *Downloads) Detect(env source.Env) []source.Found {
	var out []source.Found
	for _, dir := range d.Dirs {
		globs := make([]string, len(d.Files))
		for i, f := range d.Files {
			globs[i] = dir + "/" + f
		}
		found := source.Glob(env.Home, globs...)
		if len(found) == 0 {
			continue
		}
		count := fmt.Sprintf("%d found", len(found))
		if d.Count != nil {
			count = d.Count(found)
		}
		comment := fmt.Sprintf("%s in ~/%s (%s)", d.What, dir, count)
		out = append(out, source.Found{Name: source.Number(d.Name, len(out)), Comment: comment,
			Stanza: d.Stanza("~/"+dir+"/"+d.Watch, comment)})
	}
	return out
}
