package app_test

import (
	"testing"

	"github.com/hoard-dev/hoard/source/github"
	"github.com/hoard-dev/hoard/source/reddit"
)

// A command source named like a web source (reddit, running rexport with
// its own items and key) keeps reading by extension with its own
// settings; the built-in decoder is used when the exporter is the
// source's own or the config names it.
func TestWebSourcesNotMatchedByName(t *testing.T) {
	a, err := load(t, `root = "/r"
[sources.reddit]
exporter = "command"
command = ["python3", "-m", "rexport.export", "--secrets", "{secrets}"]
extension = "json"
items = ["saved", "comments"]
key = "id"
time = "created_utc"
[sources.github]
exporter = "command"
command = ["ghexport"]
decoder = "github"
[sources.mine]
exporter = "reddit"
`)
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Spec("reddit").Decoder; d != nil {
		t.Errorf("a command named reddit is read with the %s decoder; want its own settings", d.Name)
	}
	if a.Spec("github").Decoder != github.Decoder || a.Spec("mine").Decoder != reddit.Decoder {
		t.Errorf("decoders: github %v, mine %v", a.Spec("github").Decoder, a.Spec("mine").Decoder)
	}
	mine := a.Spec("mine")
	if k := mine.ForKind("saved"); len(k.Key) != 1 || k.Key[0] != "data.name" || k.Time != "data.created_utc" {
		t.Errorf("the built-in read defaults of saved: %+v", k)
	}
}
