package git

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"

	"github.com/hoard-dev/hoard/dal"
)

// The snapshot format ("gitlog", version 1) keeps git's output as git
// wrote it, framed per repository:
//
//	hoard git log v1
//	{"repo":"/home/me/src/hoard","remote":"git@github.com:me/hoard.git","fields":["hash",...],"bytes":1234}
//	<1234 bytes: git log -z output, NUL-separated fields, each commit ending with NUL>
//	{"repo":...}
//	...
//
// Each frame's header is one JSON line naming the repository, its origin
// remote, the fields of each commit in order, and the length of the
// output that follows it (then a newline).

// Ext is the snapshot extension.
const Ext = "gitlog"

const header = "hoard git log v1\n"

// frame is a repository's header line.
type frame struct {
	Repo   string   `json:"repo"`
	Remote string   `json:"remote,omitempty"`
	Fields []string `json:"fields"`
	Bytes  int      `json:"bytes"`
}

func writeFrame(w io.Writer, f frame, out []byte) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return err
	}
	_, err = w.Write([]byte{'\n'})
	return err
}

// maxFrame bounds one repository's output (a corrupt length must not make
// the decoder allocate gigabytes).
const maxFrame = 1 << 30

// records decodes a snapshot: one record per commit.
func records(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		rc, err := dal.OpenRecords(ctx, path)
		if err != nil {
			yield(dal.Record{}, err)
			return
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, 64<<10)
		fail := func(where string, err error) {
			yield(dal.Record{}, &dal.ReadError{File: path, Where: where, Err: err})
		}
		first, err := br.ReadString('\n')
		if first != header {
			if err == nil || err == io.EOF {
				err = fmt.Errorf("not a hoard git log snapshot (it starts with %.40q, not %q)", first, strings.TrimSpace(header))
			}
			fail("line 1", err)
			return
		}
		var buf []byte
		for n := 1; ; n++ {
			if ctx.Err() != nil {
				yield(dal.Record{}, ctx.Err())
				return
			}
			line, err := br.ReadBytes('\n')
			if err == io.EOF && len(line) == 0 {
				return
			}
			where := fmt.Sprintf("repository %d", n)
			var f frame
			if err != nil {
				fail(where, fmt.Errorf("truncated header: %w", err))
				return
			}
			if err := json.Unmarshal(line, &f); err != nil || f.Bytes < 0 || f.Bytes > maxFrame || len(f.Fields) == 0 {
				fail(where, fmt.Errorf("bad frame header %.80q", line))
				return
			}
			var body bytes.Buffer // grows as bytes arrive: a corrupt length allocates nothing
			if _, err := io.CopyN(&body, br, int64(f.Bytes)+1); err != nil {
				fail(where+" ("+f.Repo+")", fmt.Errorf("truncated: %d bytes announced, %d found", f.Bytes, body.Len()))
				return
			}
			out := body.Bytes()
			if out[f.Bytes] != '\n' {
				fail(where+" ("+f.Repo+")", errors.New("frame does not end where its header says"))
				return
			}
			if !commits(f, out[:f.Bytes], &buf, func(r dal.Record, err error) bool {
				if err != nil {
					return yield(dal.Record{}, &dal.ReadError{File: path, Where: where + " (" + f.Repo + ")", Err: err})
				}
				return yield(r, nil)
			}) {
				return
			}
		}
	}
}

// commits yields the records of one frame's output; false when the
// consumer stopped.
func commits(f frame, out []byte, buf *[]byte, yield func(dal.Record, error) bool) bool {
	fields := bytes.Split(out, []byte{0})
	// -z ends each commit with a NUL: the last element is empty.
	if len(fields) > 0 && len(fields[len(fields)-1]) == 0 {
		fields = fields[:len(fields)-1]
	}
	n := len(f.Fields)
	if len(fields)%n != 0 {
		if !yield(dal.Record{}, fmt.Errorf("%d fields do not make whole commits of %d: the last %d are dropped", len(fields), n, len(fields)%n)) {
			return false
		}
		fields = fields[:len(fields)-len(fields)%n]
	}
	web := commitURL(f.Remote)
	for i := 0; i < len(fields); i += n {
		c := map[string][]byte{}
		for j, name := range f.Fields {
			c[name] = fields[i+j]
		}
		b := append((*buf)[:0], '{')
		b = appendField(b, "hash", c["hash"], false)
		b = append(b, `,"parents":[`...)
		for k, p := range strings.Fields(string(c["parents"])) {
			if k > 0 {
				b = append(b, ',')
			}
			b = dal.AppendJSONString(b, p)
		}
		b = append(b, ']')
		for _, name := range []string{"author_name", "author_email", "author_time", "committer_name", "committer_email", "committer_time", "subject"} {
			b = appendField(b, name, c[name], true)
		}
		b = appendField(b, "body", bytes.TrimRight(c["body"], "\n"), true)
		b = appendField(b, "repo", []byte(f.Repo), true)
		if f.Remote != "" {
			b = appendField(b, "remote", []byte(f.Remote), true)
		}
		if web != "" && len(c["hash"]) > 0 {
			b = appendField(b, "url", []byte(web+string(c["hash"])), true)
		}
		b = append(b, '}')
		*buf = b
		if !yield(dal.Record{Kind: Commits, Raw: b}, nil) {
			return false
		}
	}
	return true
}

func appendField(b []byte, name string, v []byte, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = dal.AppendJSONString(b, name)
	b = append(b, ':')
	return dal.AppendJSONString(b, string(v))
}

// forges are hosts whose commit pages are https://HOST/OWNER/REPO/commit/HASH.
var forges = map[string]bool{"github.com": true, "gitlab.com": true, "codeberg.org": true}

// commitURL returns the prefix of a commit's web page for a remote on a
// known forge ("https://github.com/me/hoard/commit/"), or "".
func commitURL(remote string) string {
	host, path := "", ""
	switch {
	case strings.HasPrefix(remote, "git@"): // git@github.com:me/hoard.git
		h, p, ok := strings.Cut(strings.TrimPrefix(remote, "git@"), ":")
		if !ok {
			return ""
		}
		host, path = h, p
	default:
		u, err := url.Parse(remote)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh") {
			return ""
		}
		host, path = u.Hostname(), strings.TrimPrefix(u.Path, "/")
	}
	path = strings.TrimSuffix(strings.TrimSuffix(path, "/"), ".git")
	if !forges[host] || strings.Count(path, "/") < 1 {
		return ""
	}
	return "https://" + host + "/" + path + "/commit/"
}
