package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/suggest"
)

// decoder decodes TOML tables into Go structs one key at a time, so that
// every mistake is reported once and none hides or causes another.
//
// BurntSushi/toml decodes a table into a struct in one call that stops at
// the first value of the wrong type: the keys it had not reached yet are
// then "undecoded", and reporting undecoded keys as unknown turns one
// mistake into a cascade of wrong ones. Here each key of a table is
// decoded on its own into the field its toml tag names; a key that no
// target has a field for is unknown (with a "did you mean"), a value that
// does not fit its field is a type error, and the other keys are decoded
// as usual. Tables nested in structs (struct fields, maps and arrays of
// structs) are decoded the same way, key by key, whatever UnmarshalTOML
// their type has (the rest exporter's only make decoding strict, which
// this does anyway).
type decoder struct {
	md    *toml.MetaData
	path  string
	lines locator
	errs  []lineError
}

// lineError is an error and the line it is about, for sorting.
type lineError struct {
	line int
	err  error
}

// fail records an error about key (a full key path) at line.
func (d *decoder) fail(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		d.errs = append(d.errs, lineError{line, fmt.Errorf("%s:%d: %s", d.path, line, msg)})
		return
	}
	d.errs = append(d.errs, lineError{line, fmt.Errorf("%s: %s", d.path, msg)})
}

// err returns every recorded error, in file order, or nil.
func (d *decoder) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].line < d.errs[j].line })
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e.err
	}
	return errors.Join(errs...)
}

// keyName renders a key path for messages: sources.github.endpoints[1].path.
func keyName(key []string) string {
	var b strings.Builder
	for i, k := range key {
		if strings.HasPrefix(k, "[") {
			b.WriteString(k)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		if k == "" || strings.ContainsAny(k, ". \"'[]") {
			k = strconv.Quote(k)
		}
		b.WriteString(k)
	}
	return b.String()
}

// plainKey drops array indexes from a key path, for the locator.
func plainKey(key []string) []string {
	out := make([]string, 0, len(key))
	for _, k := range key {
		if !strings.HasPrefix(k, "[") {
			out = append(out, k)
		}
	}
	return out
}

// at is where a table is: its key path and, for an element of an array
// of tables, the line of its [[header]] (0 otherwise), from which its keys
// are looked up.
type at struct {
	key  []string
	from int
}

func (a at) child(k string) at {
	return at{key: append(append([]string(nil), a.key...), k), from: a.from}
}

// line returns the line of key k of the table.
func (d *decoder) line(a at, k ...string) int {
	return d.lines.lineFrom(a.from, append(plainKey(a.key), k...)...)
}

// split decodes the table prim into its keys; false (and an error) when it
// is not a table.
func (d *decoder) split(a at, prim toml.Primitive) (map[string]toml.Primitive, bool) {
	var m map[string]toml.Primitive
	if err := d.md.PrimitiveDecode(prim, &m); err != nil {
		d.fail(d.line(a), "key %q: expected a table, got %s", keyName(a.key), d.describeValue(prim))
		return nil, false
	}
	return m, true
}

// table decodes the table prim into targets (pointers to structs).
func (d *decoder) table(a at, prim toml.Primitive, targets ...any) {
	if m, ok := d.split(a, prim); ok {
		d.fields(a, m, targets...)
	}
}

// fields decodes the keys of one table into every target that has a field
// for them; a key that none has is unknown.
func (d *decoder) fields(a at, m map[string]toml.Primitive, targets ...any) {
	type fieldSet struct {
		v      reflect.Value
		fields map[string][]int
	}
	sets := make([]fieldSet, len(targets))
	var known []string
	for i, t := range targets {
		v := reflect.ValueOf(t).Elem()
		sets[i] = fieldSet{v, fieldsOf(v.Type())}
		for name := range sets[i].fields {
			known = append(known, name)
		}
	}
	sort.Strings(known)
	for _, k := range d.order(a, m) {
		found := false
		for _, s := range sets {
			if idx, ok := s.fields[k]; ok {
				found = true
				d.value(a.child(k), m[k], s.v.FieldByIndex(idx))
			}
		}
		if !found {
			d.unknown(a, k, known)
		}
	}
}

// unknown reports key k of table a, which no field takes.
func (d *decoder) unknown(a at, k string, known []string) {
	hint := suggest.Hint(k, known)
	if hint == "" && len(a.key) == 0 {
		hint = " (top-level keys: root, notify, daemon, web, sources)"
	}
	d.fail(d.line(a, k), "unknown key %q%s", keyName(append(a.key, k)), hint)
}

// order returns the keys of m in file order (by line, then name).
func (d *decoder) order(a at, m map[string]toml.Primitive) []string {
	keys := make([]string, 0, len(m))
	line := map[string]int{}
	for k := range m {
		keys = append(keys, k)
		line[k] = d.line(a, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if line[keys[i]] != line[keys[j]] {
			return line[keys[i]] < line[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	tomlUnmarshaler = reflect.TypeFor[toml.Unmarshaler]()
	primitiveType   = reflect.TypeFor[toml.Primitive]()
)

// isLeaf reports whether values of type t are decoded whole rather than
// key by key: anything but a struct (maps and slices of structs are
// tables too, see value), and structs that decode themselves from text.
func isLeaf(t reflect.Type) bool {
	if t == primitiveType || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return true
	}
	return t.Kind() != reflect.Struct
}

// value decodes prim into the field v.
func (d *decoder) value(a at, prim toml.Primitive, v reflect.Value) {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		before := len(d.errs)
		d.value(a, prim, p.Elem())
		if len(d.errs) == before {
			v.Set(p)
		}
	case !isLeaf(t):
		d.table(a, prim, v.Addr().Interface())
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && !isLeaf(t.Elem()):
		m, ok := d.split(a, prim)
		if !ok {
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range d.order(a, m) {
			e := reflect.New(t.Elem())
			d.table(a.child(k), m[k], e.Interface())
			out.SetMapIndex(reflect.ValueOf(k), e.Elem())
		}
		v.Set(out)
	case t.Kind() == reflect.Slice && !isLeaf(t.Elem()) && !reflect.PointerTo(t).Implements(tomlUnmarshaler):
		var elems []toml.Primitive
		if err := d.md.PrimitiveDecode(prim, &elems); err != nil {
			d.fail(d.line(a), "key %q: expected an array of tables, got %s", keyName(a.key), d.describeValue(prim))
			return
		}
		out := reflect.MakeSlice(t, len(elems), len(elems))
		base := plainKey(a.key)
		for i, e := range elems {
			from := d.lines.nthHeader(base, i)
			d.table(at{key: append(append([]string(nil), a.key...), "["+strconv.Itoa(i)+"]"), from: from}, e, out.Index(i).Addr().Interface())
		}
		v.Set(out)
	default:
		if err := d.md.PrimitiveDecode(prim, v.Addr().Interface()); err != nil {
			d.typeError(a, prim, t, err)
		}
	}
}

// typeError reports a value that does not fit its field: the message of
// the field's own decoding (a duration that does not parse), or what was
// expected, what was found and, where it is clear, how to write it.
func (d *decoder) typeError(a at, prim toml.Primitive, t reflect.Type, err error) {
	line := d.line(a)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		d.fail(line, "key %q: %s", keyName(a.key), pe.Message)
		return
	}
	want := describeType(t)
	d.fail(line, "key %q: expected %s, got %s%s", keyName(a.key), want, d.describeValue(prim), d.rewrite(a, prim, t))
}

// rewrite suggests the right way to write a value that has the wrong type
// but the right content: retries = "3" is retries = 3.
func (d *decoder) rewrite(a at, prim toml.Primitive, t reflect.Type) string {
	var v any
	if d.md.PrimitiveDecode(prim, &v) != nil {
		return ""
	}
	name := a.key[len(a.key)-1]
	s, isString := v.(string)
	switch {
	case isString && t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return fmt.Sprintf(" (without quotes: %s = %s)", name, s)
		}
	case isString && (t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64):
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return fmt.Sprintf(" (without quotes: %s = %s)", name, s)
		}
	case isString && t.Kind() == reflect.Bool:
		if b, err := strconv.ParseBool(s); err == nil {
			return fmt.Sprintf(" (without quotes: %s = %t)", name, b)
		}
	case isString && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return fmt.Sprintf(" (a list: %s = [%s])", name, strconv.Quote(s))
	case t == reflect.TypeFor[duration.Duration]():
		if n, ok := v.(int64); ok {
			return fmt.Sprintf(" (in quotes with a unit: %s = \"%ds\")", name, n)
		}
	case t.Kind() == reflect.String && !isString:
		if _, ok := v.(map[string]any); !ok {
			if _, ok := v.([]any); !ok {
				return fmt.Sprintf(" (in quotes: %s = \"%s\")", name, formatValue(v))
			}
		}
	}
	return ""
}

// describeType says in words what a Go type takes in TOML.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[duration.Duration]() {
		return `a duration in quotes (e.g. "90s", "10m", "2h")`
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array of " + plural(t.Elem())
	case reflect.Map:
		return "a table of " + plural(t.Elem())
	}
	return "a table"
}

func plural(t reflect.Type) string {
	switch s := describeType(t); {
	case s == "true or false":
		return "booleans"
	case strings.HasPrefix(s, "an "):
		return s[3:] + "s"
	case strings.HasPrefix(s, "a "):
		first, rest, _ := strings.Cut(s[2:], " ")
		return strings.TrimSpace(first + "s " + rest)
	default:
		return s
	}
}

// describeValue says what a TOML value is: the string "3", the integer 3,
// an array, a table.
func (d *decoder) describeValue(prim toml.Primitive) string {
	var v any
	if d.md.PrimitiveDecode(prim, &v) != nil {
		return "a value"
	}
	switch v := v.(type) {
	case string:
		return "the string " + clipQuote(v)
	case int64:
		return "the integer " + strconv.FormatInt(v, 10)
	case float64:
		return "the number " + strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return "the boolean " + strconv.FormatBool(v)
	case []any:
		return "the array " + clip(formatValue(v))
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	case time.Time:
		return "the date " + clip(formatValue(v))
	}
	return "a value"
}

// formatValue renders a decoded TOML value compactly.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{...}"
	case time.Time:
		return v.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

func clipQuote(s string) string {
	if r := []rune(s); len(r) > 60 {
		return strconv.Quote(string(r[:59])) + "…"
	}
	return strconv.Quote(s)
}

// fieldsOf maps each TOML key of a struct type to its field's index path,
// as BurntSushi/toml names them (the toml tag, else the field name), with
// the fields of untagged embedded structs promoted.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if tag == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if !f.IsExported() {
				continue
			}
			name := tag
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				out[name] = idx
			}
		}
	}
	walk(t, nil)
	return out
}
