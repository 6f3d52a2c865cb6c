package sqliteout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// member is one top-level member of an item: its name, the column type
// its value suggests ("" for null) and the value to store.
type member struct {
	name  string
	typ   string
	value any
}

// topLevel returns the top-level members of raw, in their order, typed:
// integers that fit 64 bits as INTEGER, other numbers as REAL, booleans as
// INTEGER 0/1, strings as TEXT, objects and arrays as their JSON text. An
// item that is not an object has none.
func topLevel(raw []byte) ([]member, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	if _, err := d.Token(); err != nil {
		return nil, err
	}
	var out []member
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("member name %v is not a string", tok)
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		if seen[name] { // a repeated member: the last one counts, as in JavaScript
			for i := range out {
				if out[i].name == name {
					out[i] = typed(name, v)
				}
			}
			continue
		}
		seen[name] = true
		out = append(out, typed(name, v))
	}
	return out, nil
}

func typed(name string, v json.RawMessage) member {
	m := member{name: name}
	switch c := v[0]; {
	case c == 'n':
		return m
	case c == 't' || c == 'f':
		m.typ, m.value = "INTEGER", map[bool]int64{true: 1, false: 0}[c == 't']
	case c == '"':
		var s string
		json.Unmarshal(v, &s)
		m.typ, m.value = "TEXT", s
	case c == '{' || c == '[':
		m.typ, m.value = "TEXT", string(v)
	default:
		s := string(v)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			m.typ, m.value = "INTEGER", n
		} else if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
			m.typ, m.value = "REAL", f
		} else {
			m.typ, m.value = "TEXT", s // a number no SQLite type holds: kept as written
		}
	}
	return m
}
