// Package smsbackup is the built-in source "sms-backup": the XML files of
// SMS Backup & Restore (SyncTech), the Android app most people use to keep
// their text messages and call log: sms-*.xml (<smses> of <sms> and <mms>
// elements) and calls-*.xml (<calls> of <call> elements).
//
// Every attribute becomes a member of the item as the app wrote it (a
// string, "null" included); the decoder adds the time as RFC 3339 (the app
// writes Java milliseconds), who it was with (the contact's name, or the
// number when the app knew none: the item's title), and for an MMS its parts and addresses, the
// text of its text parts, and for each part with a binary attachment its
// size and SHA-256 in place of the base64 data, which stays in the
// snapshot.
package smsbackup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/localtime"
)

// Decoder yields kinds sms, mms and calls.
var Decoder = &dal.Decoder{
	Name: "sms-backup", Version: 2,
	Kinds: map[string]dal.KindSpec{
		// A message is its correspondent, its millisecond and its text;
		// the type (outbox, then sent) may change between backups.
		"sms":   {Key: []string{"address", "date", "body"}, Time: "time", Title: "who", Text: "body"},
		"mms":   {Key: []string{"address", "date"}, Time: "time", Title: "who", Text: "text"},
		"calls": {Key: []string{"number", "date"}, Time: "time", Title: "who", Text: "number"},
	},
	Stream:  stream,
	Records: dal.RecordsOf(stream),
}

// Source describes SMS Backup & Restore files.
var Source = &source.Source{
	Name:     "sms-backup",
	Title:    "SMS Backup & Restore (Android): text messages, MMS with their parts, call log",
	Category: source.PhoneApp,
	Needs:    "the app's backup file, copied or synced to this machine",
	Decoder:  Decoder,
	Exporter: source.FileKind("sms-backup", "xml"),
	Detect:   detect,
	Stanza: `# SMS Backup & Restore: a backup file copied or synced here (edit the path).
# With Archive mode (the app's Backup settings > Backup type) the file
# keeps its name; a full backup writes a new sms-<date>.xml each time.
[sources.NAME]
exporter = "sms-backup"
path = "~/SMSBackupRestore/sms-archive.xml"
compression = "zstd"
`,
}

// detect finds the newest messages backup and the newest call log backup
// in ~/Downloads and in a copy of the app's own folder, ~/SMSBackupRestore.
func detect(env source.Env) []source.Found {
	var out []source.Found
	for _, k := range []struct{ glob, what string }{{"sms-*.xml", "messages"}, {"calls-*.xml", "call log"}} {
		files := source.Glob(env.Home, "Downloads/"+k.glob, "SMSBackupRestore/"+k.glob)
		if len(files) == 0 {
			continue
		}
		newest := files[0]
		for _, f := range files[1:] {
			if baseOf(f) > baseOf(newest) { // the names hold the backup's date
				newest = f
			}
		}
		out = append(out, source.Found{Name: source.Number("sms-backup", len(out)), Path: newest,
			Comment: "SMS Backup & Restore " + k.what + " (the newest of " + strconv.Itoa(len(files)) + " backups found; Archive mode keeps one file name)"})
	}
	return out
}

func baseOf(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// maxDepth bounds element nesting (an MMS is three levels deep).
const maxDepth = 16

// stream reads a backup from in; path names it in errors.
func stream(ctx context.Context, in io.Reader, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		fix := newRepairReader(bufio.NewReaderSize(dal.WithContext(ctx, in), 256<<10))
		d := xml.NewDecoder(fix)
		d.Strict = true
		w := walker{path: path, d: d, yield: yield}
		w.run(ctx)
		if fix.Replaced > 0 && !w.stopped {
			yield(dal.Record{}, &dal.ReadError{File: path, Err: fmt.Errorf(
				"%d characters that XML cannot hold (control characters, halves of emoji without their other half, bytes that are not UTF-8) were read as U+FFFD; the snapshot keeps them as written", fix.Replaced)})
		}
	}
}

type walker struct {
	path    string
	d       *xml.Decoder
	yield   func(dal.Record, error) bool
	stopped bool // the consumer stopped
	buf     []byte
}

// emit yields to the consumer; false once it stopped.
func (w *walker) emit(rec dal.Record, err error) bool {
	if !w.stopped && !w.yield(rec, err) {
		w.stopped = true
	}
	return !w.stopped
}

// fail reports an error at the parser's position.
func (w *walker) fail(err error) {
	line, col := w.d.InputPos()
	w.emit(dal.Record{}, &dal.ReadError{File: w.path, Where: fmt.Sprintf("line %d, column %d", line, col), Err: err})
}

// run reads the document until its end, an error that ends it, or the
// consumer stopping.
func (w *walker) run(ctx context.Context) {
	root := ""
	for n := 0; !w.stopped; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			w.emit(dal.Record{}, ctx.Err())
			return
		}
		tok, err := w.d.Token()
		if err == io.EOF {
			if root == "" {
				w.fail(errors.New("no <smses> or <calls> element: not an SMS Backup & Restore file"))
			}
			return
		}
		if err != nil {
			w.fail(err)
			return
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			if root != "smses" && root != "calls" {
				w.fail(fmt.Errorf("the document is <%s>, not <smses> or <calls>: not an SMS Backup & Restore file", root))
				return
			}
			continue
		}
		if err := w.item(se); err != nil {
			w.fail(err)
			return
		}
	}
}

// item reads one child of the root and yields its record; an error ends
// the document (the XML cannot be read on).
// who is whom a message or call was with, for its title: the contact's
// name as the app wrote it, or the number when the app knew no name (it
// writes contact_name "null" or "(Unknown)" then, or none at all); a
// withheld number leaves the name as written.
func who(attrs []xml.Attr, kind string) string {
	name := attr(attrs, "contact_name")
	if name != "" && name != "null" && name != "(Unknown)" {
		return name
	}
	number := "address"
	if kind == "calls" {
		number = "number"
	}
	if n := attr(attrs, number); n != "" && n != "null" {
		return n
	}
	if name == "null" {
		return ""
	}
	return name
}

func (w *walker) item(se xml.StartElement) error {
	var kind string
	switch se.Name.Local {
	case "sms":
		kind = "sms"
	case "mms":
		kind = "mms"
	case "call":
		kind = "calls"
	default:
		return w.d.Skip()
	}
	line, _ := w.d.InputPos()
	b := append(w.buf[:0], '{')
	b = attrs(b, se.Attr)
	var text []string
	var damage []error
	if kind == "mms" {
		var err error
		b, text, damage, err = w.mmsChildren(b)
		if err != nil {
			return err
		}
	} else if err := w.d.Skip(); err != nil {
		return err
	}
	date := attr(se.Attr, "date")
	if t, err := strconv.ParseInt(date, 10, 64); err == nil && t > 0 && !has(se.Attr, "time") {
		b = append(sep(b), `"time":`...)
		b = dal.AppendJSONString(b, localtime.UnixMilli(t))
	} else if err != nil {
		damage = append(damage, fmt.Errorf("<%s> at line %d: date %q is not Java milliseconds: the item has no time", se.Name.Local, line, date))
	}
	if who := who(se.Attr, kind); who != "" && !has(se.Attr, "who") {
		b = append(sep(b), `"who":`...)
		b = dal.AppendJSONString(b, who)
	}
	if kind == "mms" && !has(se.Attr, "text") {
		b = append(sep(b), `"text":`...)
		b = dal.AppendJSONString(b, strings.Join(text, "\n"))
	}
	b = append(b, '}')
	w.buf = b
	for _, err := range damage {
		w.emit(dal.Record{}, &dal.ReadError{File: w.path, Err: err})
	}
	w.emit(dal.Record{Kind: kind, Raw: b}, nil)
	return nil
}

// mmsChildren reads an <mms>'s <parts> and <addrs> to its end tag,
// appending "parts" and "addrs" to b, and returns the texts of its
// text/plain parts.
func (w *walker) mmsChildren(b []byte) ([]byte, []string, []error, error) {
	var texts []string
	var damage []error
	lists := map[string][]byte{}
	var order []string
	depth := 1
	for depth > 0 {
		tok, err := w.d.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return b, nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return b, nil, nil, errors.New("elements nested too deeply for an MMS")
			}
			if depth != 3 || (t.Name.Local != "part" && t.Name.Local != "addr") {
				continue
			}
			list := t.Name.Local + "s"
			if _, ok := lists[list]; !ok {
				order = append(order, list)
			}
			item := lists[list]
			if len(item) > 0 {
				item = append(item, ',')
			}
			item = append(item, '{')
			data := ""
			for _, a := range t.Attr {
				if t.Name.Local == "part" && a.Name.Local == "data" {
					data = a.Value
					continue
				}
				item = member(sep(item), a.Name.Local, a.Value)
			}
			if t.Name.Local == "part" {
				if data != "" && data != "null" {
					n, sum, err := decodedSize(data)
					if err != nil {
						line, _ := w.d.InputPos()
						damage = append(damage, fmt.Errorf("<part> at line %d: data is not base64 (%v): its size and sha256 are null", line, err))
						item = append(sep(item), `"data_bytes":null,"data_sha256":null`...)
					} else {
						item = append(sep(item), `"data_bytes":`...)
						item = strconv.AppendInt(item, n, 10)
						item = append(item, `,"data_sha256":"`...)
						item = append(append(item, sum...), '"')
					}
				}
				if ct := attr(t.Attr, "ct"); strings.HasPrefix(strings.ToLower(ct), "text/plain") {
					if v := attr(t.Attr, "text"); v != "" && v != "null" {
						texts = append(texts, v)
					}
				}
			}
			lists[list] = append(item, '}')
		case xml.EndElement:
			depth--
		}
	}
	for _, list := range order {
		b = append(append(append(sep(b), '"'), list...), `":[`...)
		b = append(append(b, lists[list]...), ']')
	}
	return b, texts, damage, nil
}

// decodedSize returns the length and SHA-256 (hex) of base64 data.
func decodedSize(data string) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, base64.NewDecoder(base64.StdEncoding, strings.NewReader(strings.Join(strings.Fields(data), ""))))
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// attrs appends the attributes as members (without the braces).
func attrs(b []byte, as []xml.Attr) []byte {
	for _, a := range as {
		b = member(sep(b), a.Name.Local, a.Value)
	}
	return b
}

// sep appends the comma before a member, unless b is an object just
// opened.
func sep(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' {
		return append(b, ',')
	}
	return b
}

func member(b []byte, name, value string) []byte {
	b = dal.AppendJSONString(b, name)
	b = append(b, ':')
	return dal.AppendJSONString(b, value)
}

func attr(as []xml.Attr, name string) string {
	for _, a := range as {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func has(as []xml.Attr, name string) bool {
	for _, a := range as {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}
