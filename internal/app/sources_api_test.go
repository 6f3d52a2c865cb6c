package app_test

import (
	"os"
	"path/filepath"
	"strings"
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

// Optional secrets keys are not required before a run: hackernews runs
// without a secrets file (upvoted is then skipped), reddit needs only its
// client_id up front (the exporter says which way of signing in is
// missing); a missing required key is named.
func TestOptionalSecrets(t *testing.T) {
	dir := t.TempDir()
	secrets := filepath.Join(dir, "reddit.toml")
	os.WriteFile(secrets, []byte("client_id = \"cid\"\n"), 0o600)
	empty := filepath.Join(dir, "empty.toml")
	os.WriteFile(empty, []byte("# nothing yet\n"), 0o600)
	a, err := load(t, `root = "/r"
[sources.hn]
exporter = "hackernews"
user = "pg"
[sources.r]
exporter = "reddit"
secrets = "`+secrets+`"
[sources.r2]
exporter = "reddit"
secrets = "`+empty+`"
`)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckSecrets([]string{"hn", "r"}); err != nil {
		t.Errorf("optional keys were required: %v", err)
	}
	err = a.CheckSecrets([]string{"r2"})
	if err == nil || !strings.Contains(err.Error(), `lacks client_id = "..."`) || strings.Contains(err.Error(), "refresh_token") {
		t.Errorf("err = %v, want client_id named as missing, and only it", err)
	}
}
