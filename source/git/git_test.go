package git

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/export/exporttest"
	"github.com/hoard-dev/hoard/internal/testtool"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/source"
)

// gitEnv isolates git from the machine's configuration: a home of its
// own, a global config file the test writes, no system config.
func gitEnv(t *testing.T, email string) string {
	t.Helper()
	testtool.Need(t, "the git source runs git log in real repositories", "git")
	home := t.TempDir()
	global := filepath.Join(home, ".gitconfig")
	body := "[init]\n\tdefaultBranch = main\n"
	if email != "" {
		body += "[user]\n\tname = Me Myself\n\temail = " + email + "\n"
	}
	if err := os.WriteFile(global, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	return home
}

// git runs git in dir with extra environment (author, dates).
func git(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit makes a commit in dir by author (name <email>) at a fixed time,
// so that hashes are the same on every run.
func commit(t *testing.T, dir, name, email, when, msg string) string {
	t.Helper()
	env := []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + when,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + when}
	f := filepath.Join(dir, "log.txt")
	old, _ := os.ReadFile(f)
	os.WriteFile(f, append(old, msg+"\n"...), 0o644)
	git(t, dir, env, "add", "log.txt")
	git(t, dir, env, "commit", "-q", "--allow-empty-message", "-m", msg)
	return git(t, dir, nil, "rev-parse", "HEAD")
}

func initRepo(t *testing.T, dir string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	git(t, dir, nil, "init", "-q")
}

func TestFindRepos(t *testing.T) {
	home := gitEnv(t, "me@example.org")
	for _, d := range []string{"a", "src/github.com/me/b", "deep/1/2/3/4/too-deep", ".hidden/c",
		"proj/node_modules/dep", "excluded/e", "with space/ünï"} {
		initRepo(t, filepath.Join(home, d))
	}
	commit(t, filepath.Join(home, "a"), "Me", "me@example.org", "2024-01-01T00:00:00Z", "one")
	git(t, filepath.Join(home, "a"), nil, "worktree", "add", "-q", filepath.Join(home, "wt"))
	initRepo(t, filepath.Join(home, "a", "nested")) // inside a repository: not searched
	got, err := FindRepos(context.Background(), []string{home}, DefaultDepth, []string{filepath.Join(home, "excluded")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = strings.TrimPrefix(got[i], home+"/")
	}
	want := []string{"a", "src/github.com/me/b", "with space/ünï", "wt"}
	if !slices.Equal(got, want) {
		t.Errorf("found %q, want %q", got, want)
	}
	if got, _ := FindRepos(context.Background(), []string{filepath.Join(home, "a")}, 0, nil); len(got) != 1 {
		t.Errorf("a root that is a repository: %q", got)
	}
	if _, err := FindRepos(context.Background(), []string{filepath.Join(home, "missing")}, 3, nil); err != nil {
		t.Errorf("a missing root is no error: %v", err)
	}
}

// A home with two repositories: commits by me (two emails, one of them a
// repository's own identity), by someone else, on a branch not merged,
// with unicode and a body; and a clone holding the same commits.
type fixture struct {
	home          string
	mine, theirs  []string // hashes
	clone         string
	mineInProject int
}

func makeFixture(t *testing.T) fixture {
	home := gitEnv(t, "me@example.org")
	f := fixture{home: home}
	proj := filepath.Join(home, "src", "project")
	initRepo(t, proj)
	git(t, proj, nil, "remote", "add", "origin", "git@github.com:me/project.git")
	f.mine = append(f.mine, commit(t, proj, "Me Myself", "me@example.org", "2024-01-01T10:00:00+01:00", "Initial commit"))
	f.theirs = append(f.theirs, commit(t, proj, "Someone Else", "else@example.org", "2024-01-02T10:00:00Z", "Their change"))
	f.mine = append(f.mine, commit(t, proj, "Me", "ME@Example.org", "2024-01-03T10:00:00Z", "Zürich: café ☕\n\nA body\nwith two lines."))
	git(t, proj, nil, "checkout", "-q", "-b", "feature")
	f.mine = append(f.mine, commit(t, proj, "Me", "me@example.org", "2024-01-04T10:00:00Z", "On a branch"))
	git(t, proj, nil, "checkout", "-q", "main")
	f.theirs = append(f.theirs, commit(t, proj, "Me", "me+other@example.org", "2024-01-05T10:00:00Z", "Not my address: me+other"))
	f.mineInProject = len(f.mine)

	work := filepath.Join(home, "work", "tool")
	initRepo(t, work)
	git(t, work, nil, "config", "user.email", "me@work.example")
	f.mine = append(f.mine, commit(t, work, "Me at work", "me@work.example", "2024-02-01T09:00:00Z", "Work commit"))
	f.theirs = append(f.theirs, commit(t, work, "Me", "me@example.org", "2024-02-02T09:00:00Z", "my home address, but this repository's identity is the work one"))

	f.clone = filepath.Join(home, "src", "clone")
	git(t, home, nil, "clone", "-q", proj, f.clone)
	initRepo(t, filepath.Join(home, "src", "empty")) // no commits at all
	return f
}

func exportOnce(t *testing.T, e export.Exporter) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := e.Export(context.Background(), &out, exporttest.Env(nil, io.Discard)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func newTestExporter(t *testing.T, home string, params Params) export.Exporter {
	t.Helper()
	if params.Roots == nil {
		params.Roots = []string{home}
	}
	e, err := Kind.New(export.Source{Name: "git", Exporter: "git", Params: &params})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The export holds exactly my commits, each once after the merge although
// the clone holds them too, with their fields.
func TestExportMyCommits(t *testing.T) {
	f := makeFixture(t)
	out := exportOnce(t, newTestExporter(t, f.home, Params{}))
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, Ext, out)
	res := dectest.Merge(t, dir, dal.Spec{Source: "git", Decoder: Decoder})
	if len(res.Errors()) > 0 {
		t.Fatal(res.Errors())
	}
	var got []string
	byHash := map[string]dal.Item{}
	for _, it := range res.Items {
		h := strings.Trim(it.Key, `"`)
		got = append(got, h)
		byHash[h] = it.Item
	}
	want := slices.Clone(f.mine)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("exported %d commits %v\nwant %d mine %v (theirs %v)", len(got), got, len(want), want, f.theirs)
	}
	it := byHash[f.mine[1]]
	if it.Title != "Zürich: café ☕" || it.Text != "A body\nwith two lines." || it.Time.Format("2006-01-02T15:04:05Z07:00") != "2024-01-03T10:00:00Z" {
		t.Errorf("item %+v", it)
	}
	if it.URL != "https://github.com/me/project/commit/"+f.mine[1] {
		t.Errorf("url %q", it.URL)
	}
	if first := byHash[f.mine[0]]; first.Time.UTC().Hour() != 9 || !strings.Contains(string(first.Raw), `"parents":[]`) {
		t.Errorf("first commit: %v %s", first.Time, first.Raw)
	}
	if !strings.Contains(string(it.Raw), `"parents":["`+f.theirs[0]+`"]`) {
		t.Errorf("parents: %s", it.Raw)
	}
	// authors adds an address; depth 1 finds nothing under src/ and work/.
	out = exportOnce(t, newTestExporter(t, f.home, Params{Authors: []string{"me+other@example.org"}}))
	if !bytes.Contains(out, []byte(f.theirs[1])) {
		t.Error("authors: me+other's commit not exported")
	}
	one := 1
	out = exportOnce(t, newTestExporter(t, f.home, Params{Depth: &one}))
	if string(out) != header {
		t.Errorf("depth 1 exported %q", out)
	}
}

// Without user.email anywhere and no authors, the export says how to fix
// it instead of saving nothing.
func TestExportWithoutEmail(t *testing.T) {
	home := gitEnv(t, "")
	initRepo(t, filepath.Join(home, "r"))
	commit(t, filepath.Join(home, "r"), "Me", "me@example.org", "2024-01-01T00:00:00Z", "x")
	e := newTestExporter(t, home, Params{})
	err := e.Export(context.Background(), io.Discard, exporttest.Env(nil, io.Discard))
	if err == nil || !export.IsPermanent(err) || !strings.Contains(err.Error(), "git config --global user.email") {
		t.Errorf("error %v", err)
	}
}

func TestExporterConformance(t *testing.T) {
	f := makeFixture(t)
	exporttest.Run(t, exporttest.Case{
		New: func(t *testing.T) (export.Exporter, secret.Secrets) {
			return newTestExporter(t, f.home, Params{}), nil
		},
		Check: func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte(header)) || bytes.Count(out, []byte(`{"repo":`)) != 3 {
				t.Errorf("export %q", out)
			}
		},
	})
}

func TestConfigErrors(t *testing.T) {
	bad := -1
	for _, p := range []Params{{Depth: &bad}, {Authors: []string{"me"}}} {
		if _, err := Kind.New(export.Source{Name: "git", Params: &p}); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

// sample is a snapshot made by the exporter from a repository with fixed
// dates (so fixed hashes), framed under a fixed path so that the golden
// file is the same on every machine.
func sample(t testing.TB) []byte {
	tt := t.(*testing.T)
	gitEnv(tt, "me@example.org")
	dir := filepath.Join(tt.TempDir(), "r")
	initRepo(tt, dir)
	commit(tt, dir, "Me", "me@example.org", "2024-01-01T10:00:00Z", "First")
	commit(tt, dir, "Me", "me@example.org", "2024-01-02T10:00:00Z", "Second\n\nwith a body")
	commit(tt, dir, "Me", "me@example.org", "2024-01-03T10:00:00-05:00", "Third: ünïcödé")
	out, err := gitLog(context.Background(), "git", dir, []string{"me@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString(header)
	writeFrame(&b, frame{Repo: "/home/me/src/r", Remote: "https://codeberg.org/me/r.git", Fields: fieldNames, Bytes: len(out)}, out)
	return b.Bytes()
}

func TestDecoderConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: Ext, Golden: "testdata/golden.txt", Sample: sample})
}

// A damaged snapshot is an error naming the frame; the commits before the
// damage are still read.
func TestDecodeDamage(t *testing.T) {
	good := sample(t)
	for name, tc := range map[string]struct {
		data    []byte
		records int
		want    string
	}{
		"not hoard's":    {[]byte("commit 1234\n"), 0, "not a hoard git log snapshot"},
		"truncated":      {good[:len(good)-20], 0, "truncated"},
		"bad header":     {append(append([]byte{}, good...), "{nope\n"...), 3, "bad frame header"},
		"huge length":    {[]byte(header + `{"repo":"r","fields":["hash"],"bytes":999999999}` + "\nabc"), 0, "999999999 bytes announced, 3 found"},
		"partial commit": {[]byte(header + `{"repo":"r","fields":["hash","subject"],"bytes":7}` + "\nabc\x00x\x00y\n"), 1, "do not make whole commits"},
	} {
		path := dectest.WriteSnap(t, t.TempDir(), 0, Ext, tc.data)
		res := dectest.Records(t, Decoder, path, dal.Spec{Decoder: Decoder})
		if len(res.Records) != tc.records || len(res.Errs) != 1 || !strings.Contains(res.Errs[0].Error(), tc.want) {
			t.Errorf("%s: %d records, errors %q; want %d records and %q", name, len(res.Records), res.Errs, tc.records, tc.want)
		}
	}
}

func TestCommitURL(t *testing.T) {
	for remote, want := range map[string]string{
		"git@github.com:me/hoard.git":           "https://github.com/me/hoard/commit/",
		"https://gitlab.com/group/sub/proj.git": "https://gitlab.com/group/sub/proj/commit/",
		"ssh://git@codeberg.org/me/r":           "https://codeberg.org/me/r/commit/",
		"https://example.org/me/r.git":          "",
		"/srv/git/r.git":                        "",
		"git@github.com":                        "",
	} {
		if got := commitURL(remote); got != want {
			t.Errorf("commitURL(%q) = %q, want %q", remote, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	home := gitEnv(t, "me@example.org")
	env := source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }}
	if f := detect(env); len(f) != 0 {
		t.Errorf("no repository, found %v", f)
	}
	initRepo(t, filepath.Join(home, "src", "a"))
	initRepo(t, filepath.Join(home, "b"))
	f := detect(env)
	if len(f) != 1 || !strings.Contains(f[0].Comment, "2 found, e.g. ~/b") {
		t.Fatalf("found %+v", f)
	}
	f[0].Source, f[0].Name = Source, "git-2"
	if cfg := f[0].Config(); !strings.Contains(cfg, "[sources.git-2]\nexporter = \"git\"\nroots = [\"~\"]") {
		t.Errorf("stanza:\n%s", cfg)
	}
}
