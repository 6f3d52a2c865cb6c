// Package facebook is the built-in source for Facebook's "Download Your
// Information" export in JSON (Settings, Accounts Center, Your
// information and permissions, Download your information; format JSON):
// a zip, or several for a large export, read in place, or one of its
// files imported on its own.
//
// Kinds:
//
//   - messages: every message of every Messenger conversation
//     (messages/inbox/NAME_ID/message_1.json, ...; also archived and
//     filtered threads and message requests), with the conversation's
//     folder name and title added under "hoard";
//   - posts: your posts (posts/your_posts_1.json; since 2023
//     your_posts__check_ins__photos_and_videos_1.json);
//   - comments: your comments (comments/comments.json,
//     comments_and_reactions/comments.json: {"comments": [...]}, later
//     {"comments_v2": [...]});
//   - reactions: your likes and reactions (likes_and_reactions/
//     posts_and_comments.json, later comments_and_reactions/
//     likes_and_reactions_1.json).
//
// The folders moved between generations (under
// your_activity_across_facebook/ in 2023, your_facebook_activity/ since
// 2024); each file is chosen by its name wherever it is. Facebook writes
// text as UTF-8 read as Latin-1 ("Sch\u00c3\u00b6n"): every kind repairs
// it (fix_encoding = "latin1"). Times are Unix seconds (timestamp_ms,
// milliseconds, for messages). Nothing in the export has an id: see each
// kind's key.
package facebook

import (
	"bufio"
	"context"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/metaexport"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// Name is the source's name, its exporter kind and its decoder's name.
const Name = "facebook"

// Decoder reads Facebook exports.
var Decoder = &dal.Decoder{
	Name: Name, Version: 1,
	Kinds: map[string]dal.KindSpec{
		"messages": {Key: metaexport.ThreadKey, Time: "timestamp_ms", TimeUnit: "ms", Title: "hoard.title", Text: "content", FixEncoding: dal.FixLatin1},
		// a post, a comment: one a second at most; not the titles ("X
		// updated his status."), which change with the account's name and
		// language
		"posts":    {Key: []string{"timestamp"}, Time: "timestamp", TimeUnit: "s", Title: "title", Text: "data.0.post", FixEncoding: dal.FixLatin1},
		"comments": {Key: []string{"timestamp"}, Time: "timestamp", TimeUnit: "s", Title: "title", Text: "data.0.comment.comment", FixEncoding: dal.FixLatin1},
		// several reactions may share a second: the reaction tells them
		// apart (not the title, see above)
		"reactions": {Key: []string{"timestamp", "data.0.reaction.reaction"}, Time: "timestamp", TimeUnit: "s", Title: "title", Text: "data.0.reaction.reaction", FixEncoding: dal.FixLatin1},
	},
}

// Members are the files of an export the decoder reads.
var Members = []string{
	"**/messages/*/*/message_*.json",
	"**/posts/your_posts*.json",
	"**/comments/comments.json",
	"**/comments_and_reactions/comments*.json",
	"**/likes_and_reactions/posts_and_comments.json",
	"**/comments_and_reactions/posts_and_comments.json",
	"**/comments_and_reactions/likes_and_reactions*.json",
}

var reader = &takeoutkit.Reader{Kind: Name, Members: Members, Read: metaexport.ReadFunc(kindOf, sniff, read)}

func init() { Decoder.Records = reader.Records }

// Source describes Facebook's export.
var Source = &source.Source{
	Name:     Name,
	Title:    "Facebook (Download Your Information, JSON): messages, posts, comments, reactions",
	Category: source.Takeout,
	Needs:    "the JSON export Facebook mails you a link to (accountscenter.facebook.com, Download your information)",
	Decoder:  Decoder,
	Exporter: source.FileKind(Name, "zip"),
	Detect:   downloads.Detect,
	Stanza:   Stanza("~/Downloads/facebook-*.zip", "Facebook exports, imported as they are downloaded"),
}

var downloads = &takeoutkit.Downloads{
	Name: Name, Dirs: []string{"Downloads"}, Files: []string{"facebook-*.zip"}, Watch: "facebook-*.zip",
	What: "Facebook exports",
	Each: "each zip is imported once and read in place.",
	Help: `# Request one at https://accountscenter.facebook.com/info_and_permissions/dyi
# (Download your information; Format: JSON, not HTML).
`,
}

// Stanza is the config of a source that imports every export downloaded
// to the place watch names.
func Stanza(watch, comment string) string { return downloads.Stanza(watch, comment) }

// kindOf returns the kind of an archive member by its name, or "".
func kindOf(spec *dal.Spec) string {
	base := metaexport.Base(spec)
	switch {
	case base == "":
		return ""
	case strings.HasPrefix(base, "message_"):
		return "messages"
	case strings.HasPrefix(base, "your_posts"):
		return "posts"
	case strings.HasPrefix(base, "comments"):
		return "comments"
	case base == "posts_and_comments.json", strings.HasPrefix(base, "likes_and_reactions"):
		return "reactions"
	}
	return ""
}

// sniff tells the kind of a file read as itself by what it holds.
func sniff(h takeoutkit.Head) string {
	switch {
	case metaexport.IsThread(h):
		return "messages"
	case h.Type == '{':
		switch h.First() {
		case "comments_v2", "comments":
			return "comments"
		case "reactions_v2", "reactions":
			return "reactions"
		case "status_updates":
			return "posts"
		}
	case h.Type == '[' && h.Has("timestamp"):
		data, _ := takeoutkit.Get(h.Element, "data")
		for d, err := range takeoutkit.Elements(data) {
			if err != nil {
				break
			}
			for m, err := range takeoutkit.Members(d) {
				if err != nil {
					break
				}
				switch m.Name {
				case "comment":
					return "comments"
				case "reaction":
					return "reactions"
				}
			}
		}
		return "posts"
	}
	return ""
}

func read(ctx context.Context, br *bufio.Reader, name string, spec *dal.Spec, kind string, h takeoutkit.Head, whole bool, yield func(dal.Record, error) bool) {
	switch kind {
	case "messages":
		metaexport.ReadThread(ctx, br, name, kind, spec.ItemLimit(), yield)
	case "posts":
		metaexport.ReadList(ctx, br, name, spec, metaexport.ListPath(h, "status_updates"), metaexport.Same(kind), yield)
	case "comments":
		metaexport.ReadList(ctx, br, name, spec, metaexport.ListPath(h, "comments_v2", "comments"), metaexport.Same(kind), yield)
	case "reactions":
		metaexport.ReadList(ctx, br, name, spec, metaexport.ListPath(h, "reactions_v2", "reactions"), metaexport.Same(kind), yield)
	default:
		if whole || spec.Member != "" {
			yield(dal.Record{}, takeoutkit.Unrecognised(name, h, "a file of Facebook's JSON export (a message_1.json, your_posts_1.json, comments.json, posts_and_comments.json)"))
		}
	}
}
