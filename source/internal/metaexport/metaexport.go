// Package metaexport is what the facebook and instagram sources share:
// the "Download Your Information" JSON of Meta's services, whose message
// threads have one format (message_1.json, message_2.json, ... per
// conversation), whose lists are arrays in a document or under its one
// member, and whose strings are UTF-8 written as Latin-1 characters
// ("Sch\u00c3\u00b6n" for "Schön"; the decoders' kinds set FixEncoding).
package metaexport

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// ThreadKey identifies a message: Meta gives messages no id. A message
// is its millisecond and its text. The conversation's folder is not part
// of it (its name changed between export generations:
// "alicemueller_ab12cd34ef" became "alicemueller_10153948362940284"),
// nor the sender's name (every message of a renamed account carries the
// new name in later exports). Two messages with the same text in the same
// millisecond are one item; an edited or unsent message is a new one.
var ThreadKey = []string{"timestamp_ms", "content"}

// IsThread reports whether a document's head is that of a thread file.
func IsThread(h takeoutkit.Head) bool {
	return h.Type == '{' && h.Has("participants") && (h.Has("messages") || len(h.Keys) == 1)
}

// ReadThread yields the messages of a thread file, each with the thread
// (its folder's name, from thread_path, else the title) and the thread's
// title in front, under "hoard". The file is read whole (Meta writes at
// most 10,000 messages to one), up to limit bytes.
func ReadThread(ctx context.Context, r io.Reader, name, kind string, limit int64, yield func(dal.Record, error) bool) {
	doc, err := io.ReadAll(io.LimitReader(dal.WithContext(ctx, r), limit+1))
	if err != nil {
		yield(dal.Record{}, takeoutkit.ReadError(name, "", err))
		return
	}
	if int64(len(doc)) > limit {
		yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("a message thread larger than %d bytes (max_item_size)", limit)))
		return
	}
	var messages, threadPath, title []byte
	for m, err := range takeoutkit.Members(doc) {
		if err != nil {
			yield(dal.Record{}, takeoutkit.ReadError(name, "", fmt.Errorf("not a complete message thread (truncated?): %v", err)))
			return
		}
		switch m.Name {
		case "messages":
			messages = m.Value
		case "thread_path":
			threadPath = m.Value
		case "title":
			title = m.Value
		}
	}
	thread, _ := takeoutkit.String(threadPath)
	thread = path.Base(strings.TrimRight(thread, "/"))
	if thread == "." || thread == "" {
		thread, _ = takeoutkit.String(title)
	}
	f := (&takeoutkit.Fields{}).String("thread", thread)
	if title != nil {
		f.Raw("title", title)
	}
	n := 0
	for m, err := range takeoutkit.Elements(messages) {
		if err != nil {
			yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("message %d", n+1), err))
			return
		}
		n++
		if !takeoutkit.IsObject(m) {
			if !yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("message %d", n), takeoutkit.ErrNotObject)) {
				return
			}
			continue
		}
		if !yield(dal.Record{Kind: kind, Raw: takeoutkit.Annotate(m, f)}, nil) {
			return
		}
	}
}

// ReadFunc returns how a Meta export's files are read: a file's kind is
// told by its name in the archive (byName, "" when it does not tell), else
// by what it holds (byHead), and read reads it as that kind ("" for a
// file of neither).
func ReadFunc(byName func(spec *dal.Spec) string, byHead func(h takeoutkit.Head) string, read func(ctx context.Context, br *bufio.Reader, name string, spec *dal.Spec, kind string, h takeoutkit.Head, whole bool, yield func(dal.Record, error) bool)) takeoutkit.ReadFunc {
	return takeoutkit.Sniffed(func(ctx context.Context, br *bufio.Reader, h takeoutkit.Head, name string, spec *dal.Spec, whole bool, yield func(dal.Record, error) bool) {
		kind := byName(spec)
		if kind == "" {
			kind = byHead(h)
		}
		read(ctx, br, name, spec, kind, h, whole, yield)
	})
}

// ListPath returns where the items of a list document are: "" for a
// top-level array, else the first of the names among the document's
// members (Meta renamed them over the years: comments, comments_v2), or
// its first member.
func ListPath(h takeoutkit.Head, names ...string) string {
	if h.Type == '[' {
		return ""
	}
	for _, n := range names {
		if h.Has(n) {
			return n
		}
	}
	return h.First()
}

// ReadList yields the items of a list document (a top-level array, or
// the array at path), each turned into a record by fn (kind "" skips the
// item).
func ReadList(ctx context.Context, br *bufio.Reader, name string, spec *dal.Spec, path string, fn func(raw []byte) (kind string, out []byte, err error), yield func(dal.Record, error) bool) {
	sub := &dal.Spec{Source: spec.Source, MaxItemSize: spec.MaxItemSize}
	if path != "" {
		sub.Items = []string{path}
	}
	n := 0
	for rec, err := range dal.JSON.Stream(ctx, br, name, sub) {
		if err != nil {
			if !yield(dal.Record{}, err) {
				return
			}
			continue
		}
		n++
		if !takeoutkit.IsObject(rec.Raw) && !bytes.HasPrefix(bytes.TrimSpace(rec.Raw), []byte("[")) {
			if !yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("item %d", n), takeoutkit.ErrNotObject)) {
				return
			}
			continue
		}
		kind, raw, err := fn(rec.Raw)
		if err != nil && !yield(dal.Record{}, takeoutkit.ReadError(name, fmt.Sprintf("item %d", n), err)) {
			return
		}
		if kind != "" && !yield(dal.Record{Kind: kind, Raw: raw}, nil) {
			return
		}
	}
}

// Same returns a function giving every item kind as it is; an item that
// is not an object is skipped with an error.
func Same(kind string) func(raw []byte) (string, []byte, error) {
	return func(raw []byte) (string, []byte, error) {
		if !takeoutkit.IsObject(raw) {
			return "", nil, takeoutkit.ErrNotObject
		}
		return kind, raw, nil
	}
}

// Base is an archive member's file name ("message_1.json"), or "" for a
// snapshot read as itself.
func Base(spec *dal.Spec) string {
	if spec == nil || spec.Member == "" {
		return ""
	}
	return path.Base(spec.Member)
}

// Dir is the name of the folder an archive member is in ("inbox" for
// "messages/inbox/x_1/message_1.json" is two up: Dir(spec, 2)).
func Dir(spec *dal.Spec, up int) string {
	if spec == nil || spec.Member == "" {
		return ""
	}
	p := spec.Member
	for range up {
		p = path.Dir(p)
	}
	return path.Base(p)
}
