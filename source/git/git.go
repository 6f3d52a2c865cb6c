// Package git is the built-in source for your own commits: every commit
// you authored in the git repositories under your home directory (or
// other roots), read with `git log`, one item per commit.
//
// The exporter finds repositories (a directory holding .git) under each
// root down to a bounded depth, skipping hidden directories and
// dependency trees, and runs `git log` in each for the commits whose
// author email is yours: each repository's user.email (git config, so a
// per-repository identity counts) and any given in the config. Its
// snapshot keeps git's own output, framed per repository (see format.go);
// the decoder turns it into records.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/source"
)

// DefaultDepth is how many directory levels under a root are searched for
// repositories: ~/src/github.com/me/project is depth 4.
const DefaultDepth = 4

// Params are the keys of `exporter = "git"`.
type Params struct {
	// Roots are the directories searched for repositories; default ["~"].
	Roots []string `toml:"roots"`
	// Depth bounds the search under each root; default DefaultDepth.
	Depth *int `toml:"depth"`
	// Authors are more author emails whose commits are yours (an old
	// address, a work one), beside each repository's user.email.
	Authors []string `toml:"authors"`
	// Exclude are directories not searched (absolute or ~/...).
	Exclude []string `toml:"exclude"`
}

// Kind is the "git" exporter kind.
var Kind = export.Kind{Name: "git", NewParams: func() any { return &Params{} }, New: newExporter, DefaultExt: Ext}

// Source describes the git source.
var Source = &source.Source{
	Name:     "git",
	Title:    "your own commits in the git repositories under your home directory",
	Category: source.Local,
	Needs:    "git, and user.email in git config (or authors in the config)",
	Decoder:  Decoder,
	Exporter: Kind,
	Detect:   detect,
	Stanza:   stanza("NAME", "Your own commits in the git repositories under your home directory"),
}

func stanza(name, comment string) string {
	return fmt.Sprintf(`# %s
[sources.%s]
exporter = "git"
roots = ["~"]          # searched for repositories, %d directory levels deep
# authors = ["old-address@example.org"]   # more emails of yours, beside user.email
# exclude = ["~/src/vendor"]
compression = "zstd"
`, comment, name, DefaultDepth)
}

// Exporter runs git log in each repository found under its roots.
type Exporter struct {
	Roots   []string // absolute
	Depth   int
	Authors []string
	Exclude []string // absolute
	Git     string   // the git program; "" finds it on $PATH
}

func newExporter(src export.Source) (export.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("git: parameters of type %T", src.Params)
	}
	e := &Exporter{Depth: DefaultDepth, Authors: p.Authors}
	if p.Depth != nil {
		if *p.Depth < 0 || *p.Depth > 12 {
			return nil, fmt.Errorf("depth = %d: give 0 (the roots themselves) to 12", *p.Depth)
		}
		e.Depth = *p.Depth
	}
	roots := p.Roots
	if len(roots) == 0 {
		roots = []string{"~"}
	}
	for _, r := range roots {
		abs, err := paths.Expand(r)
		if err != nil {
			return nil, fmt.Errorf("roots: %w", err)
		}
		e.Roots = append(e.Roots, abs)
	}
	for _, x := range p.Exclude {
		abs, err := paths.Expand(x)
		if err != nil {
			return nil, fmt.Errorf("exclude: %w", err)
		}
		e.Exclude = append(e.Exclude, abs)
	}
	for _, a := range e.Authors {
		if !strings.Contains(a, "@") {
			return nil, fmt.Errorf("authors: %q is not an email address", a)
		}
	}
	return e, nil
}

// Export implements export.Exporter: one frame per repository that has
// commits of yours.
func (e *Exporter) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	git := e.Git
	if git == "" {
		var err error
		if git, err = exec.LookPath("git"); err != nil {
			return export.Permanent(errors.New("git is not installed (or not on $PATH)"))
		}
	}
	repos, err := FindRepos(ctx, e.Roots, e.Depth, e.Exclude)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	withEmail := 0
	for _, repo := range repos {
		authors := e.authorsOf(ctx, git, repo)
		if len(authors) == 0 {
			env.Log.Warn("git: repository skipped: no user.email in its git config, and no authors in hoard's", "repo", repo)
			continue
		}
		withEmail++
		out, err := gitLog(ctx, git, repo, authors)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			env.Log.Warn("git: repository skipped", "repo", repo, "error", err)
			continue
		}
		if len(out) == 0 {
			continue
		}
		remote, _ := run(ctx, git, repo, "config", "--get", "remote.origin.url")
		if err := writeFrame(w, frame{Repo: repo, Remote: strings.TrimSpace(string(remote)), Fields: fieldNames, Bytes: len(out)}, out); err != nil {
			return err
		}
		env.Progress.Add(1, int64(bytes.Count(out, []byte{0})/len(fieldNames)))
	}
	if len(repos) > 0 && withEmail == 0 {
		return export.Permanent(fmt.Errorf("none of the %d repositories found has a user.email in its git config: set one (git config --global user.email you@example.org) or list yours in authors", len(repos)))
	}
	return nil
}

// authorsOf returns the emails whose commits are yours in repo: its
// user.email (which git falls back to the global one for) and Authors.
func (e *Exporter) authorsOf(ctx context.Context, git, repo string) []string {
	out := slices.Clone(e.Authors)
	if b, err := run(ctx, git, repo, "config", "--get", "user.email"); err == nil {
		if email := strings.TrimSpace(string(b)); email != "" && !slices.Contains(out, email) {
			out = append(out, email)
		}
	}
	return out
}

// fieldNames are the fields of each commit in git log's output, in order:
// the placeholders of logFormat.
var fieldNames = []string{"hash", "parents", "author_name", "author_email", "author_time",
	"committer_name", "committer_email", "committer_time", "subject", "body"}

// logFormat separates the fields with NUL bytes; -z ends each commit with
// one. A commit message cannot hold a NUL (git refuses it), so the output
// splits unambiguously.
const logFormat = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s%x00%b"

// gitLog runs git log for the commits of authors on every local branch,
// tag and remote-tracking branch (not the stash).
func gitLog(ctx context.Context, git, repo string, authors []string) ([]byte, error) {
	args := []string{"log", "--branches", "--tags", "--remotes", "--no-color", "--no-mailmap",
		"--no-show-signature", "--regexp-ignore-case", "-z", "--format=" + logFormat}
	for _, a := range authors {
		args = append(args, "--author=<"+escapeBRE(a)+">")
	}
	return run(ctx, git, repo, args...)
}

// escapeBRE quotes s for a POSIX basic regular expression, git's default
// for --author.
func escapeBRE(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.[]*^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// run runs git in repo with no pager, prompt or system-wide surprises and
// returns its standard output; its error carries git's message.
func run(ctx context.Context, git, repo string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, git, append([]string{"-C", repo, "--no-pager"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("git %s: %w: %s", args[0], err, msg)
	}
	return out, nil
}

// skipDirs are directories that hold other people's code or caches, never
// searched for repositories.
var skipDirs = map[string]bool{"node_modules": true, "vendor": true, "site-packages": true, "__pycache__": true}

// FindRepos returns the git repositories under roots, at most depth
// levels below each, sorted. A repository is a directory with a .git
// directory or file (a worktree, a submodule); hidden directories,
// dependency trees, excluded directories and the insides of repositories
// are not searched, and symbolic links are not followed. Directories that
// cannot be read are skipped.
func FindRepos(ctx context.Context, roots []string, depth int, exclude []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, root := range roots {
		root = filepath.Clean(root)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root {
					return err
				}
				return fs.SkipDir
			}
			if !d.IsDir() {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rel, _ := filepath.Rel(root, p)
			level := 0
			if rel != "." {
				level = strings.Count(rel, string(filepath.Separator)) + 1
				name := d.Name()
				if strings.HasPrefix(name, ".") || skipDirs[name] || slices.Contains(exclude, p) {
					return fs.SkipDir
				}
			}
			if _, err := os.Lstat(filepath.Join(p, ".git")); err == nil {
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
				return fs.SkipDir
			}
			if level >= depth {
				return fs.SkipDir
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("searching %s for repositories: %w", root, err)
		}
	}
	slices.Sort(out)
	return out, nil
}

// detect proposes the git source when git is installed and there is at
// least one repository under the home directory.
func detect(env source.Env) []source.Found {
	if _, err := exec.LookPath("git"); err != nil {
		return nil
	}
	repos, err := FindRepos(context.Background(), []string{env.Home}, DefaultDepth, nil)
	if err != nil || len(repos) == 0 {
		return nil
	}
	example := "~" + strings.TrimPrefix(repos[0], env.Home)
	comment := fmt.Sprintf("Your own commits in the git repositories under ~ (%d found, e.g. %s)", len(repos), example)
	return []source.Found{{Name: "git", Comment: comment, Stanza: stanza("NAME", comment)}}
}

// Decoder yields one "commits" record per commit, keyed by its hash, so
// the same commit in two clones is one item.
var Decoder = &dal.Decoder{
	Name: "git", Version: 1,
	Kinds: map[string]dal.KindSpec{
		Commits: {Key: []string{"hash"}, Time: "author_time", Title: "subject", URL: "url", Text: "body"},
	},
	Records: records,
}

// Commits is the kind of every record.
const Commits = "commits"
