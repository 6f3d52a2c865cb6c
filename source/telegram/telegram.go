// Package telegram is the built-in source for Telegram Desktop's JSON
// export (Settings, Advanced, Export Telegram data; or a chat's menu,
// Export chat history): result.json, of one chat ({"name", "type", "id",
// "messages": [...]}) or of the whole account ({"personal_information",
// "contacts", "chats": {"list": [...]}, "left_chats": {"list": [...]},
// ...}), alone or in the export's folder (which hoard import stores as a
// tar).
//
// Every message of every chat is an item of kind messages, with the chat
// it is in added under "hoard" (a message names none: its id counts
// within the chat). Telegram Desktop writes a message's time twice: as
// "date", the exporting computer's local time without a zone, and as
// "date_unixtime", exact; exports before version 3.x wrote only the first.
// A message's text is a string, or an array of strings and entities
// ({"type": "link", "text": ...}); its plain text is added under "hoard"
// too, so that search finds it.
//
// Telegram Desktop writes control characters of messages as "\x0b",
// which JSON does not allow; they are read as the characters they mean
// ("\u000b").
package telegram

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit"
)

// Name is the source's name, its exporter kind and its decoder's name.
const Name = "telegram"

// Decoder reads Telegram Desktop exports.
var Decoder = &dal.Decoder{
	Name: Name, Version: 1,
	Kinds: map[string]dal.KindSpec{
		"messages": {Key: []string{"hoard.chat_id", "id"}, Time: "hoard.time", TimeUnit: "s", Title: "hoard.chat_name", Text: "hoard.text"},
	},
}

var reader = &takeoutkit.Reader{Kind: Name, Members: []string{"**/result.json"}, Read: takeoutkit.Sniffed(readFile)}

func init() { Decoder.Records = reader.Records }

// Source describes Telegram Desktop's export.
var Source = &source.Source{
	Name:     Name,
	Title:    "Telegram Desktop export: messages of every chat (result.json)",
	Category: source.Takeout,
	Needs:    "a JSON export from Telegram Desktop (Settings, Advanced, Export Telegram data)",
	Decoder:  Decoder,
	Exporter: source.FileKind(Name, "json"),
	Detect:   downloads.Detect,
	Stanza: Stanza("~/Downloads/Telegram Desktop/*/result.json",
		"Telegram Desktop's JSON exports, imported as they are made"),
}

var downloads = &takeoutkit.Downloads{
	Name: Name,
	// where Telegram Desktop puts its exports on Linux (the
	// distribution's package, Flatpak, Snap) and macOS
	Dirs: []string{
		"Downloads/Telegram Desktop",
		".var/app/org.telegram.desktop/Downloads/Telegram Desktop",
		"snap/telegram-desktop/current/Downloads/Telegram Desktop",
	},
	Files: []string{"ChatExport_*/result.json", "DataExport_*/result.json"}, Watch: "*/result.json",
	What: "Telegram Desktop exports",
	Each: "each result.json is imported once.",
	Help: `# Export with Telegram Desktop: Settings, Advanced, Export Telegram data
# (or a chat's menu, Export chat history), format "Machine-readable JSON".
# Telegram writes times in this computer's zone as well as exactly; old
# exports only in the zone: name it if it is not UTC.
`,
	Tail: "# time_zone = \"Europe/Berlin\"\n",
}

// Stanza is the config of a source that imports every export found where
// watch names.
func Stanza(watch, comment string) string { return downloads.Stanza(watch, comment) }

// readFile reads one result.json.
func readFile(ctx context.Context, br *bufio.Reader, h takeoutkit.Head, name string, spec *dal.Spec, whole bool, yield func(dal.Record, error) bool) {
	if h.Type != '{' || !(h.Has("messages") || h.Has("chats") || h.Has("personal_information") || h.Has("about")) {
		if whole {
			yield(dal.Record{}, takeoutkit.Unrecognised(name, h, `a Telegram Desktop export (result.json, "Machine-readable JSON")`))
		}
		return
	}
	w := &walker{dec: json.NewDecoder(&escapes{r: dal.WithContext(ctx, br)}), name: name, yield: yield}
	w.dec.UseNumber()
	if err := w.document(); err != nil && !w.stopped {
		yield(dal.Record{}, w.fail(err))
	}
}

// chat is what a message gets from the chat it is in.
type chat struct {
	id         json.RawMessage
	name, kind json.RawMessage
}

// walker walks an export with encoding/json's tokens, holding one message
// at a time.
type walker struct {
	dec     *json.Decoder
	name    string
	yield   func(dal.Record, error) bool
	stopped bool
	n       int // messages read
}

var errStopped = errors.New("stopped")

// fail names the file and where in it the walk stopped.
func (w *walker) fail(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = errors.New("unexpected end of file (truncated?)")
	}
	return takeoutkit.ReadError(w.name, fmt.Sprintf("byte %d, after %d messages", w.dec.InputOffset(), w.n), err)
}

func (w *walker) delim(want json.Delim) error {
	t, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, t)
	}
	return nil
}

func (w *walker) key() (string, error) {
	t, err := w.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("expected a member name, found %v", t)
	}
	return k, nil
}

func (w *walker) skip() error {
	var v json.RawMessage
	return w.dec.Decode(&v)
}

// document reads the top-level object: one chat, or an account's export.
func (w *walker) document() error {
	return w.object(func(k string, c *chat) error {
		switch k {
		case "chats", "left_chats":
			return w.chatList()
		}
		return w.chatMember(k, c)
	})
}

// object reads an object member by member; c collects the chat's
// members seen so far.
func (w *walker) object(member func(k string, c *chat) error) error {
	if err := w.delim('{'); err != nil {
		return err
	}
	c := &chat{}
	for w.dec.More() {
		k, err := w.key()
		if err != nil {
			return err
		}
		if err := member(k, c); err != nil {
			return err
		}
	}
	return w.delim('}')
}

// chatMember reads one member of a chat.
func (w *walker) chatMember(k string, c *chat) error {
	var dst *json.RawMessage
	switch k {
	case "id":
		dst = &c.id
	case "name":
		dst = &c.name
	case "type":
		dst = &c.kind
	case "messages":
		return w.messages(c)
	default:
		return w.skip()
	}
	return w.dec.Decode(dst)
}

// chatList reads {"about": ..., "list": [chat, ...]}.
func (w *walker) chatList() error {
	return w.object(func(k string, _ *chat) error {
		if k != "list" {
			return w.skip()
		}
		if err := w.delim('['); err != nil {
			return err
		}
		for w.dec.More() {
			if err := w.object(w.chatMember); err != nil {
				return err
			}
		}
		return w.delim(']')
	})
}

// messages yields the messages of a chat.
func (w *walker) messages(c *chat) error {
	if err := w.delim('['); err != nil {
		return err
	}
	for w.dec.More() {
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return err
		}
		w.n++
		if !takeoutkit.IsObject(raw) {
			if !w.yield(dal.Record{}, w.fail(fmt.Errorf("message %d: %w", w.n, takeoutkit.ErrNotObject))) {
				w.stopped = true
				return errStopped
			}
			continue
		}
		if !w.yield(dal.Record{Kind: "messages", Raw: annotate(raw, c)}, nil) {
			w.stopped = true
			return errStopped
		}
	}
	return w.delim(']')
}

// messageMembers are the members a message is read by.
var messageMembers = []string{"date", "date_unixtime", "text"}

// annotate puts the chat, the message's time and its plain text in front
// of a message's members.
func annotate(raw []byte, c *chat) []byte {
	f := &takeoutkit.Fields{}
	f.Raw("chat_id", orNull(c.id))
	if len(c.name) > 0 {
		f.Raw("chat_name", c.name)
	}
	if len(c.kind) > 0 {
		f.Raw("chat_type", c.kind)
	}
	var v [3][]byte
	takeoutkit.Pick(raw, messageMembers, v[:])
	date, unix, text := v[0], v[1], v[2]
	switch {
	case unix != nil:
		f.Raw("time", unix)
	case date != nil:
		f.Raw("time", date)
	}
	if text != nil {
		f.String("text", plainText(text))
	}
	return takeoutkit.Annotate(raw, f)
}

func orNull(v json.RawMessage) []byte {
	if len(v) == 0 {
		return []byte("null")
	}
	return v
}

// plainText is a message's text: the string, or the text of each part
// of an array of strings and entities.
func plainText(v []byte) string {
	if s, ok := takeoutkit.String(v); ok {
		return s
	}
	var b strings.Builder
	for e, err := range takeoutkit.Elements(v) {
		if err != nil {
			break
		}
		if s, ok := takeoutkit.String(e); ok {
			b.WriteString(s)
			continue
		}
		if t, ok := takeoutkit.Get(e, "text"); ok {
			s, _ := takeoutkit.String(t)
			b.WriteString(s)
		}
	}
	return b.String()
}

// escapes reads JSON in which Telegram Desktop wrote control characters
// as \xHH inside strings, turning each into \u00HH.
type escapes struct {
	r       io.Reader
	buf     [32 << 10]byte
	pending []byte
	inStr   bool
	esc     bool
}

func (e *escapes) Read(p []byte) (int, error) {
	if len(e.pending) == 0 {
		n, err := e.r.Read(e.buf[:])
		if n == 0 {
			return 0, err
		}
		e.pending = e.fix(e.buf[:n])
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	return n, nil
}

// fix rewrites one chunk; the state carries over chunk boundaries.
func (e *escapes) fix(b []byte) []byte {
	var out []byte
	last := 0
	for i, c := range b {
		switch {
		case e.esc:
			e.esc = false
			if c == 'x' {
				out = append(out, b[last:i]...)
				out = append(out, "u00"...)
				last = i + 1
			}
		case e.inStr && c == '\\':
			e.esc = true
		case c == '"':
			e.inStr = !e.inStr
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
