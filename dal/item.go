// Package dal reads a source's snapshots back as one clean stream of items:
// it decodes every snapshot (JSON, JSON lines, CSV, SQLite, XML and built-in
// formats such as shell histories and browser databases), then merges them.
//
// Merging by "union" (the default) yields every item that appeared in any
// snapshot, exactly once by its key, in its newest version, with the stamps
// of the snapshots where it was first and last seen: an item that vanished
// from later snapshots is kept. Merging by "latest" yields the newest
// snapshot only. Output order is deterministic: by the item's time when the
// source has a time field, else by first appearance.
//
// Errors are values: a corrupt file or an item that fails to parse becomes
// an error naming the file and position, and every other item keeps
// flowing. Snapshots are only ever opened for reading; SQLite snapshots are
// opened read-only and immutable so that not even a journal is written.
//
// A minimal program:
//
//	spec := dal.Spec{Source: "reddit", Items: []string{"saved"}, Key: []string{"id"}, Time: "created_utc"}
//	for it, err := range dal.Dir(ctx, "/exports/reddit", spec) {
//		if err != nil {
//			log.Print(err) // a bad file or item; the rest still flows
//			continue
//		}
//		fmt.Println(it.Time, it.Title, it.URL)
//	}
package dal

import (
	"encoding/json"
	"time"
)

// Item is one merged item with the envelope every later layer uses.
type Item struct {
	Source    string          // source name
	Kind      string          // which item collection, e.g. "saved", "visits"
	Key       string          // the item's key, canonical text (see Spec.Key)
	Time      time.Time       // from Spec.Time; zero when the source has none or the item lacks it
	Title     string          // from Spec.Title (or a common member name), "" if none
	URL       string          // from Spec.URL (or a common member name), "" if none
	Text      string          // from Spec.Text (or a common member name), "" if none
	Raw       json.RawMessage // the item exactly as its newest snapshot holds it
	FirstSeen time.Time       // stamp of the first snapshot holding the item
	LastSeen  time.Time       // stamp of the last snapshot holding the item
}

// Record is one item as a decoder yields it, before merging. Raw is a JSON
// value; it is only valid until the decoder yields the next record, so
// keep a copy if you need it longer.
type Record struct {
	Kind string
	Raw  []byte
}

// Merge strategies.
const (
	Union  = "union"
	Latest = "latest"
)

// DefaultKind is the kind of items that come from a document with no named
// collection (a top-level JSON array, JSON lines, CSV rows).
const DefaultKind = "items"

// Spec tells the DAL how to read one source. The zero value of every field
// has a sensible meaning, so Spec{Source: "x"} reads a directory of JSON
// arrays and merges identical items.
type Spec struct {
	Source string // name used in items and errors
	// Decoder reads the snapshots: one of Formats, or a built-in source's
	// (source/firefox ...). nil chooses the format decoder of each
	// snapshot's extension.
	Decoder *Decoder
	// Items are the paths of the item collections inside a JSON document
	// (e.g. "saved", "data.children") or element paths in XML
	// ("rss.channel.item"); each is its own kind. None means a top-level
	// JSON array (or JSON lines, CSV rows).
	Items []string
	// Queries maps a kind to an SQL query for SQLite snapshots.
	Queries map[string]string
	// QueryFallbacks maps a kind to more queries for SQLite snapshots,
	// tried in order when the kind's query does not fit a snapshot's
	// schema (a table or column it names does not exist): one source
	// spans the versions of an app that changed its schema.
	QueryFallbacks map[string][]string
	// Key are the paths whose values identify an item across snapshots.
	// With one path the key is the value (a string unquoted, anything
	// else as JSON); with several it is a JSON array of the values, a
	// missing member being null. With none, the item's whole content is
	// its key, so only identical items merge.
	Key []string
	// Time is the path of the item's time: RFC 3339 text, a date, a
	// common layout (RFC 2822, Twitter's, "2006-01-02 15:04:05", ...), or
	// Unix time as a number (seconds; milliseconds, microseconds or
	// nanoseconds are recognised by magnitude), read exactly.
	Time string
	// TimeFormat, TimeUnit, TimeEpoch and TimeZone say how times are
	// written where guessing is not good enough; see KindSpec.
	TimeFormat, TimeUnit, TimeEpoch, TimeZone string
	// Title, URL and Text are paths for the envelope; empty means the
	// first present of a few common member names.
	Title, URL, Text string
	// Kinds sets Key, Time, Title, URL and Text for one kind of item. A
	// kind's setting wins over the spec's, which wins over the decoder's
	// defaults for that kind (see ForKind).
	Kinds map[string]KindSpec
	// Members are globs of the archive members (zip, tar) read for items
	// of kinds that name no members of their own; see KindSpec.Members.
	Members []string
	// FixEncoding repairs text for every kind; see KindSpec.FixEncoding.
	FixEncoding string
	Merge       string // Union (default) or Latest
	// MaxItemSize bounds one item's bytes (0: DefaultMaxItemSize); a
	// larger item is an error naming its file and position.
	MaxItemSize int64
	// Member is set by the archive decoder in the spec it gives a
	// member's decoder: the member's name in the archive, slash-separated
	// ("data/tweets.js"). "" for a snapshot read as itself.
	Member string

	// known, set by a merge, returns the length of an item version it
	// already holds if b starts with it, else 0; the JSON decoder then
	// skips those bytes without scanning them.
	known func(kind string, b []byte) int
}

// KindSpec is the read settings of one kind of item; an empty field means
// "not set here".
type KindSpec struct {
	Key              []string
	Time             string
	Title, URL, Text string

	// TimeFormat is the layout of time text: a Go layout ("02/01/2006
	// 15:04"), a strftime pattern ("%d/%m/%Y %H:%M"), or a name: rfc3339,
	// rfc1123, rfc1123z, rfc2822, rfc850, ansic, unixdate, rubydate,
	// twitter, datetime, date. Set, only it is tried for text.
	TimeFormat string
	// TimeUnit is the unit of numeric times: s, ms, us, 100ns or ns.
	// Empty chooses by magnitude. Numbers are read exactly, digit by
	// digit, never through floating point.
	TimeUnit string
	// TimeEpoch is what numeric times count from: unix (1970, the
	// default), 1601 (Windows FILETIME, WebKit, Chromium) or 2001 (Apple
	// Core Data, Safari).
	TimeEpoch string
	// TimeZone is the zone of time text written without one: an IANA
	// name ("Europe/Berlin"), UTC, or an offset ("+02:00"). Default UTC.
	TimeZone string

	// Items is the path of this kind's items inside a document (JSON:
	// "chats.list[].messages"; XML: "rss.channel.item"): the items found
	// there are of this kind. Spec.Items names kinds by their path
	// instead.
	Items string
	// Members are globs of the archive members (zip, tar) that hold this
	// kind's items: "Takeout/*/MyActivity.json", "data/tweets*.js",
	// "**/message_*.json" ("**" spans directories). Outside an archive
	// they are not used.
	Members []string
	// Decoder reads those members; nil chooses a format decoder by each
	// member's extension.
	Decoder *Decoder
	// FixEncoding "latin1" repairs strings whose UTF-8 bytes were written
	// as Latin-1 characters (Facebook and Instagram exports: "SchÃ¶n" is
	// "Schön"); the record is repaired before it is keyed and merged.
	FixEncoding string
}

// timeSettings returns the kind's time settings.
func (k KindSpec) timeSettings() timeSettings {
	return timeSettings{Format: k.TimeFormat, Unit: k.TimeUnit, Epoch: k.TimeEpoch, Zone: k.TimeZone}
}

// ItemLimit is the effective MaxItemSize: the largest item a decoder
// reads.
func (s *Spec) ItemLimit() int64 {
	if s.MaxItemSize > 0 {
		return s.MaxItemSize
	}
	return DefaultMaxItemSize
}
