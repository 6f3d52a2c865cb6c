// Package twitter is the built-in source for the archive X (Twitter)
// gives its users (Settings, Your account, Download an archive of your
// data): a zip whose data files are JavaScript, each a JSON array behind
// an assignment, "window.YTD.tweets.part0 = [...]".
//
// Each data file is told by the name it assigns to, not by its file name
// (archives before 2020 kept them at the top of the zip, later ones in
// data/; tweet.js became tweets.js in 2022; large archives split a file
// into tweets-part1.js, ... assigning part1, ...):
//
//   - tweet, tweets, deleted_tweets: kind tweets, one item per tweet. An
//     element is the tweet ({"id_str", "created_at", "full_text", ...},
//     archives until 2020) or an object holding it ({"tweet": {...}},
//     since): the item is the tweet itself in both, so that a tweet from
//     an old and a new archive is one item;
//   - like: kind likes ({"like": {"tweetId", "fullText", "expandedUrl"}},
//     held the same way); the archive gives a like no time;
//   - note_tweet (since 2023): kind note_tweets, the whole text of posts
//     longer than 280 characters, which tweets.js cuts short
//     ({"noteTweet": {"noteTweetId", "createdAt", "core": {"text"}}}; the
//     note's id is its own, not its tweet's);
//   - direct_messages, direct_messages_group (direct_message,
//     direct_message_group before 2020): kind direct_messages, one item
//     per message of each conversation ({"messageCreate": {...}}), with
//     the conversation's id added under "hoard".
//
// The archives of before 2018 (tweets.csv, Grailbird's data/js/tweets/)
// are not read.
package twitter

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// Name is the source's name, its exporter kind and its decoder's name.
const Name = "twitter"

// Decoder reads Twitter/X archives: the zip, or one of its data files.
var Decoder = &dal.Decoder{
	Name: Name, Version: 2,
	Kinds: map[string]dal.KindSpec{
		"tweets":          {Key: []string{"id_str"}, Time: "created_at", Text: "full_text"},
		"likes":           {Key: []string{"tweetId"}, Text: "fullText", URL: "expandedUrl"},
		"note_tweets":     {Key: []string{"noteTweetId"}, Time: "createdAt", Text: "core.text"},
		"direct_messages": {Key: []string{"id"}, Time: "createdAt", Text: "text"},
	},
}

var reader = &takeoutkit.Reader{Kind: Name, Members: []string{"**/*.js"}, Read: takeoutkit.Sniffed(readFile)}

func init() { Decoder.Records = reader.Records }

// Source describes the Twitter/X archive.
var Source = &source.Source{
	Name:     Name,
	Title:    "X (Twitter) archive: tweets, long posts, likes, direct messages",
	Category: source.Takeout,
	Needs:    "the archive X mails you a link to (x.com/settings/download_your_data)",
	Decoder:  Decoder,
	Exporter: source.FileKind(Name, "zip"),
	Detect:   downloads.Detect,
	Stanza:   Stanza("~/Downloads/twitter-*.zip", "X (Twitter) archives, imported as they are downloaded"),
}

var downloads = &takeoutkit.Downloads{
	Name: Name, Dirs: []string{"Downloads"}, Files: []string{"twitter-*.zip"}, Watch: "twitter-*.zip",
	What: "X (Twitter) archives",
	Each: "each is imported once and read in place.",
	Help: `# Request one at https://x.com/settings/download_your_data (Settings, Your
# account, Download an archive of your data).
`,
}

// Stanza is the config of a source that imports every archive downloaded
// to the place watch names.
func Stanza(watch, comment string) string { return downloads.Stanza(watch, comment) }

// dataName returns the name a data file assigns to ("tweets" for
// "window.YTD.tweets.part0"), or "".
func dataName(js string) string {
	rest, ok := strings.CutPrefix(js, "window.YTD.")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ".")
	return name
}

// readFile reads one data file of an archive.
func readFile(ctx context.Context, br *bufio.Reader, h takeoutkit.Head, name string, spec *dal.Spec, whole bool, yield func(dal.Record, error) bool) {
	var each func(raw []byte, yield func(dal.Record, error) bool) bool
	switch dataName(h.JS) {
	case "tweet", "tweets", "deleted_tweet", "deleted_tweets":
		each = func(raw []byte, yield func(dal.Record, error) bool) bool {
			return yieldObject(name, "tweets", takeoutkit.Unwrap(raw, "tweet"), yield)
		}
	case "like":
		each = func(raw []byte, yield func(dal.Record, error) bool) bool {
			return yieldObject(name, "likes", takeoutkit.Unwrap(raw, "like"), yield)
		}
	case "note_tweet":
		each = func(raw []byte, yield func(dal.Record, error) bool) bool {
			return yieldObject(name, "note_tweets", takeoutkit.Unwrap(raw, "noteTweet"), yield)
		}
	case "direct_message", "direct_messages", "direct_message_group", "direct_messages_group":
		each = func(raw []byte, yield func(dal.Record, error) bool) bool { return conversation(name, raw, yield) }
	default:
		if whole {
			yield(dal.Record{}, takeoutkit.Unrecognised(name, h, `a data file of an X (Twitter) archive ("window.YTD.tweets.part0 = [...]", likes, note tweets, direct messages)`))
		}
		return
	}
	sub := &dal.Spec{Source: spec.Source, MaxItemSize: spec.MaxItemSize}
	for rec, err := range dal.JSON.Stream(ctx, br, name, sub) {
		if err != nil {
			if !yield(dal.Record{}, err) {
				return
			}
			continue
		}
		raw := rec.Raw
		if !takeoutkit.IsObject(raw) {
			if !yield(dal.Record{}, takeoutkit.ReadError(name, "", takeoutkit.ErrNotObject)) {
				return
			}
			continue
		}
		if !each(raw, yield) {
			return
		}
	}
}

// yieldObject yields raw as a record of kind, or an error if it is not
// an object.
func yieldObject(name, kind string, raw []byte, yield func(dal.Record, error) bool) bool {
	if !takeoutkit.IsObject(raw) {
		return yield(dal.Record{}, takeoutkit.ReadError(name, kind, takeoutkit.ErrNotObject))
	}
	return yield(dal.Record{Kind: kind, Raw: raw}, nil)
}

// conversation yields the messages of one direct-message conversation,
// each the messageCreate object with the conversation's id in front.
// Other events of a conversation (people joining or leaving a group, a
// new group name) are not messages and are not read.
func conversation(name string, raw []byte, yield func(dal.Record, error) bool) bool {
	conv, ok := takeoutkit.Get(raw, "dmConversation")
	if !ok {
		return yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("a direct-message element without dmConversation")))
	}
	id, ok := takeoutkit.Get(conv, "conversationId")
	if !ok {
		id = []byte("null")
	}
	msgs, ok := takeoutkit.Get(conv, "messages")
	if !ok {
		return true
	}
	f := (&takeoutkit.Fields{}).Raw("conversation_id", id)
	for m, err := range takeoutkit.Elements(msgs) {
		if err != nil {
			return yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("conversation %s", id), err))
		}
		create, ok := takeoutkit.Get(m, "messageCreate")
		if !ok {
			continue
		}
		if !takeoutkit.IsObject(create) {
			if !yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("conversation %s", id), takeoutkit.ErrNotObject)) {
				return false
			}
			continue
		}
		if !yield(dal.Record{Kind: "direct_messages", Raw: takeoutkit.Annotate(create, f)}, nil) {
			return false
		}
	}
	return true
}
