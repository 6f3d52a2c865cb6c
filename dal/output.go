package dal

import (
	"bytes"
	"encoding/json"
	"time"
)

// AppendJSON appends the item as one line of JSON (without the newline):
//
//	{"source":..,"kind":..,"key":..,"time":..,"title":..,"url":..,"text":..,
//	 "first_seen":..,"last_seen":..,"raw":{...}}
//
// time, title, url and text are left out when empty; times are RFC 3339 in
// UTC. raw is the item as stored, compacted only if it spans lines. The
// output depends on nothing but the item, so it is byte-identical however
// the item was obtained.
func (it *Item) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"source":`...)
	dst = appendJSONString(dst, it.Source)
	dst = appendJSONString(append(dst, `,"kind":`...), it.Kind)
	dst = appendJSONString(append(dst, `,"key":`...), it.Key)
	if !it.Time.IsZero() {
		dst = appendTime(append(dst, `,"time":`...), it.Time)
	}
	for _, f := range [...]struct{ name, v string }{{`,"title":`, it.Title}, {`,"url":`, it.URL}, {`,"text":`, it.Text}} {
		if f.v != "" {
			dst = appendJSONString(append(dst, f.name...), f.v)
		}
	}
	dst = appendTime(append(dst, `,"first_seen":`...), it.FirstSeen)
	dst = appendTime(append(dst, `,"last_seen":`...), it.LastSeen)
	dst = append(dst, `,"raw":`...)
	dst = AppendRaw(dst, it.Raw)
	return append(dst, '}')
}

func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// AppendRaw appends raw JSON on one line: as it is, unless it holds line
// breaks, which are compacted away.
func AppendRaw(dst []byte, raw []byte) []byte {
	if len(raw) == 0 {
		return append(dst, "null"...)
	}
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return append(dst, raw...)
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return append(dst, "null"...)
	}
	return append(dst, b.Bytes()...)
}
