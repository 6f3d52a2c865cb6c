// Package instagram is the built-in source for Instagram's "Download
// your information" export in JSON (Settings, Accounts Center, Your
// information and permissions, Download your information; format JSON):
// a zip, read in place, or one of its files imported on its own.
//
// Kinds:
//
//   - messages: every message of every conversation
//     (messages/inbox/NAME_ID/message_1.json, ..., and message requests),
//     in the format Facebook's Messenger exports have, with the
//     conversation added under "hoard";
//   - likes: posts you liked;
//   - comments: comments you wrote;
//   - saved: posts you saved.
//
// Instagram changed the shape of its lists three times: arrays of
// [time, owner] in likes.json, comments.json and saved.json (until
// 2020); objects with string_list_data or string_map_data under
// likes_media_likes, comments_media_comments and saved_saved_media (in
// your_instagram_activity/ since 2022); and arrays of label records
// (label_values) since 2025. For those kinds the decoder adds, under
// "hoard", what each generation writes differently: the time (RFC 3339,
// UTC), the post's link, its owner and the comment's text; keys and times
// are read from there, so that a like in an old and a new export is one
// item. Like Facebook, Instagram writes text as UTF-8 read as Latin-1:
// every kind repairs it (fix_encoding = "latin1"). The labels of
// string_map_data and label_values are read in English ("Comment",
// "Media Owner", "URL", "Owner"); in other languages the time and link
// are still found by their shape.
package instagram

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/metaexport"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// Name is the source's name, its exporter kind and its decoder's name.
const Name = "instagram"

// Decoder reads Instagram exports.
var Decoder = &dal.Decoder{
	Name: Name, Version: 1,
	Kinds: map[string]dal.KindSpec{
		"messages": {Key: metaexport.ThreadKey, Time: "timestamp_ms", TimeUnit: "ms", Title: "hoard.title", Text: "content", FixEncoding: dal.FixLatin1},
		// a post's owner and the second it was liked or saved (the oldest
		// exports have no link)
		"likes":    {Key: []string{"hoard.owner", "hoard.time"}, Time: "hoard.time", Title: "hoard.owner", URL: "hoard.url", FixEncoding: dal.FixLatin1},
		"saved":    {Key: []string{"hoard.owner", "hoard.time"}, Time: "hoard.time", Title: "hoard.owner", URL: "hoard.url", FixEncoding: dal.FixLatin1},
		"comments": {Key: []string{"hoard.time", "hoard.text"}, Time: "hoard.time", Title: "hoard.owner", Text: "hoard.text", FixEncoding: dal.FixLatin1},
	},
}

// Members are the files of an export the decoder reads.
var Members = []string{
	"**/messages/*/*/message_*.json",
	"**/likes/liked_posts.json", "**/likes.json",
	"**/comments/post_comments*.json", "**/comments.json",
	"**/saved/saved_posts.json", "**/saved.json",
}

var reader = &takeoutkit.Reader{Kind: Name, Members: Members, Read: metaexport.ReadFunc(kindOf, sniff, read)}

func init() { Decoder.Records = reader.Records }

// Source describes Instagram's export.
var Source = &source.Source{
	Name:     Name,
	Title:    "Instagram (Download your information, JSON): messages, likes, comments, saved posts",
	Category: source.Takeout,
	Needs:    "the JSON export Instagram mails you a link to (accountscenter.instagram.com, Download your information)",
	Decoder:  Decoder,
	Exporter: source.FileKind(Name, "zip"),
	Detect:   downloads.Detect,
	Stanza:   Stanza("~/Downloads/instagram-*.zip", "Instagram exports, imported as they are downloaded"),
}

var downloads = &takeoutkit.Downloads{
	Name: Name, Dirs: []string{"Downloads"}, Files: []string{"instagram-*.zip"}, Watch: "instagram-*.zip",
	What: "Instagram exports",
	Each: "each zip is imported once and read in place.",
	Help: `# Request one at https://accountscenter.instagram.com/info_and_permissions/dyi/
# (Download your information; Format: JSON, not HTML).
`,
}

// Stanza is the config of a source that imports every export downloaded
// to the place watch names.
func Stanza(watch, comment string) string { return downloads.Stanza(watch, comment) }

// kindOf returns the kind of an archive member by its name, or "".
func kindOf(spec *dal.Spec) string {
	switch base := metaexport.Base(spec); {
	case strings.HasPrefix(base, "message_"):
		return "messages"
	case base == "liked_posts.json", base == "likes.json":
		return "likes"
	case strings.HasPrefix(base, "post_comments"), base == "comments.json":
		return "comments"
	case base == "saved_posts.json", base == "saved.json":
		return "saved"
	}
	return ""
}

// lists are the members holding each kind's items, newest names first.
var lists = map[string][]string{
	"likes":    {"likes_media_likes", "media_likes"},
	"comments": {"comments_media_comments", "media_comments"},
	"saved":    {"saved_saved_media", "saved_media"},
}

// sniff tells the kind of a file read as itself by what it holds; a list
// of label records (2025) does not say whether it is likes or saved
// posts.
func sniff(h takeoutkit.Head) string {
	if metaexport.IsThread(h) {
		return "messages"
	}
	if h.Type == '{' {
		for kind, names := range lists {
			for _, n := range names {
				if h.First() == n {
					return kind
				}
			}
		}
		return ""
	}
	if h.Type == '[' && h.Has("string_map_data") {
		if smd, ok := takeoutkit.Get(h.Element, "string_map_data"); ok {
			if _, ok := takeoutkit.Get(smd, "Comment"); ok {
				return "comments"
			}
		}
	}
	return ""
}

func read(ctx context.Context, br *bufio.Reader, name string, spec *dal.Spec, kind string, h takeoutkit.Head, whole bool, yield func(dal.Record, error) bool) {
	switch kind {
	case "messages":
		metaexport.ReadThread(ctx, br, name, kind, spec.ItemLimit(), yield)
	case "likes", "comments", "saved":
		metaexport.ReadList(ctx, br, name, spec, metaexport.ListPath(h, lists[kind]...), func(raw []byte) (string, []byte, error) {
			return normalize(kind, raw)
		}, yield)
	default:
		if whole || spec.Member != "" {
			what := "a file of Instagram's JSON export (message_1.json, liked_posts.json, post_comments_1.json, saved_posts.json)"
			if h.Type == '[' && h.Has("label_values") {
				what += "; a list of label records does not say whether it holds likes or saved posts: import the whole export"
			}
			yield(dal.Record{}, takeoutkit.Unrecognised(name, h, what))
		}
	}
}

// fields are what the generations write differently.
type fields struct {
	time               time.Time
	url, owner, text   string
	hasTime, timeError bool
}

// normalize adds an item's time, link, owner and text under "hoard".
func normalize(kind string, raw []byte) (string, []byte, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return "", nil, fmt.Errorf("%s: not JSON: %v", kind, err)
	}
	switch v.(type) {
	case []any, map[string]any:
	default:
		return "", nil, fmt.Errorf("%s: %w", kind, takeoutkit.ErrNotObject)
	}
	var f fields
	switch x := v.(type) {
	case []any: // until 2020: [time, owner] or, for comments, [time, text, owner]
		if len(x) > 0 {
			f.setTime(x[0])
		}
		if kind == "comments" {
			f.text, f.owner = str(at(x, 1)), str(at(x, 2))
		} else {
			f.owner = str(at(x, 1))
		}
	case map[string]any:
		f.fromObject(kind, x)
	}
	out := &takeoutkit.Fields{}
	if f.hasTime {
		out.String("time", f.time.Format(time.RFC3339))
	}
	if f.url != "" {
		out.String("url", f.url)
	}
	if f.owner != "" {
		out.String("owner", f.owner)
	}
	if kind == "comments" {
		out.String("text", f.text)
	}
	var err error
	switch {
	case f.timeError:
		err = fmt.Errorf("%s: its time cannot be read", kind)
	case !f.hasTime:
		err = fmt.Errorf("%s: no time", kind)
	}
	if _, isObject := v.(map[string]any); !isObject {
		// an array has no members to put "hoard" in front of: the item is
		// an object holding the array as it was written
		wrapped := append(append([]byte(`{"item":`), bytes.TrimSpace(raw)...), '}')
		return kind, takeoutkit.Annotate(wrapped, out), err
	}
	return kind, takeoutkit.Annotate(raw, out), err
}

// fromObject reads the members the generations since 2021 write.
func (f *fields) fromObject(kind string, x map[string]any) {
	f.owner = str(x["title"])
	if t, ok := x["timestamp"]; ok {
		f.setTime(t)
	}
	if l, ok := x["string_list_data"].([]any); ok && len(l) > 0 {
		if e, ok := l[0].(map[string]any); ok {
			f.setTime(e["timestamp"])
			f.url = firstNonEmpty(f.url, str(e["href"]))
			if kind == "comments" {
				f.text = str(e["value"])
			}
		}
	}
	if m, ok := x["string_map_data"].(map[string]any); ok {
		for label, e := range m {
			e, _ := e.(map[string]any)
			if e == nil {
				continue
			}
			if t, ok := e["timestamp"]; ok {
				f.setTime(t)
			}
			f.url = firstNonEmpty(f.url, str(e["href"]))
			switch label {
			case "Comment":
				f.text = str(e["value"])
			case "Media Owner", "Owner", "Username":
				f.owner = firstNonEmpty(str(e["value"]), f.owner)
			}
		}
	}
	if lv, ok := x["label_values"].([]any); ok {
		for _, e := range lv {
			e, _ := e.(map[string]any)
			switch {
			case e == nil:
			case e["label"] == "URL":
				f.url = firstNonEmpty(str(e["href"]), str(e["value"]), f.url)
			case e["label"] == "Comment":
				f.text = str(e["value"])
			case e["title"] == "Owner":
				f.owner = firstNonEmpty(username(e["dict"]), f.owner)
			}
		}
	}
}

// username finds the value labelled Username in nested dict lists.
func username(v any) string {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if u := username(e); u != "" {
				return u
			}
		}
	case map[string]any:
		if x["label"] == "Username" {
			return str(x["value"])
		}
		return username(x["dict"])
	}
	return ""
}

// setTime reads Unix seconds (a number) or RFC 3339 text; the first time
// found counts.
func (f *fields) setTime(v any) {
	if f.hasTime || v == nil {
		return
	}
	switch x := v.(type) {
	case json.Number:
		s, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil || s <= 0 {
			f.timeError = true
			return
		}
		f.time, f.hasTime = time.Unix(s, 0).UTC(), true
	case string:
		t, err := time.Parse(time.RFC3339, x)
		if err != nil {
			f.timeError = true
			return
		}
		f.time, f.hasTime = t.UTC(), true
	}
}

func at(x []any, i int) any {
	if i < len(x) {
		return x[i]
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
