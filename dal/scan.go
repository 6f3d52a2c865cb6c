package dal

import (
	"bytes"
	"errors"
	"fmt"
)

// errIncomplete means a scan ran off the end of the bytes it was given: the
// caller either reads more input and retries, or reports a truncated file.
var errIncomplete = errors.New("unexpected end of input")

// syntaxError is a JSON structure error at a byte offset relative to the
// start of the scanned slice.
type syntaxError struct {
	Off int
	Msg string
}

func (e *syntaxError) Error() string { return e.Msg }

func synErr(off int, format string, args ...any) error {
	return &syntaxError{Off: off, Msg: fmt.Sprintf(format, args...)}
}

// isSpace reports JSON white space.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// structural marks the bytes a composite skip must look at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipValue returns the index just past the JSON value starting at b[i]
// (white space before it is skipped). It checks structure (balanced and
// matching brackets, terminated strings) but not the grammar of scalars;
// values that are kept are checked with validJSON. It returns
// errIncomplete when b ends inside the value.
func skipValue(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, errIncomplete
	}
	switch b[i] {
	case '{', '[':
		return skipComposite(b, i)
	case '"':
		return skipString(b, i+1)
	case '}', ']', ',', ':':
		return i, synErr(i, "unexpected %q where a value should start", b[i])
	}
	return skipScalar(b, i)
}

// skipString returns the index just past the closing quote of a string
// whose opening quote is at i-1.
func skipString(b []byte, i int) (int, error) {
	// Most strings (member names, short values) are short: a plain loop
	// beats the call overhead of IndexByte.
	for end := min(len(b), i+16); i < end; i++ {
		switch b[i] {
		case '"':
			return i + 1, nil
		case '\\':
			return skipStringLong(b, i)
		}
	}
	return skipStringLong(b, i)
}

// skipStringLong is skipString for the rest of a long string or one with
// escapes, i being inside it.
func skipStringLong(b []byte, i int) (int, error) {
	q := -1
	for {
		if q < i {
			n := bytes.IndexByte(b[i:], '"')
			if n < 0 {
				return len(b), errIncomplete
			}
			q = i + n
		}
		k := bytes.IndexByte(b[i:q], '\\')
		if k < 0 {
			return q + 1, nil
		}
		i += k + 2 // skip the escape and the byte it escapes
		if i > len(b) {
			return len(b), errIncomplete
		}
	}
}

// skipScalar returns the index just past a number or literal.
func skipScalar(b []byte, i int) (int, error) {
	start := i
	for i < len(b) {
		switch c := b[i]; {
		case c == ',' || c == ']' || c == '}' || c == ':' || isSpace(c):
			if i == start {
				return i, synErr(i, "unexpected %q where a value should start", c)
			}
			return i, nil
		case c == '"' || c == '{' || c == '[':
			return i, synErr(i, "unexpected %q after %q", c, b[start:i])
		}
		i++
	}
	return i, errIncomplete
}

// skipComposite skips an object or array starting at b[i], checking that
// brackets match.
func skipComposite(b []byte, i int) (int, error) {
	var stackBuf [32]byte
	stack := stackBuf[:0]
	for i < len(b) {
		c := b[i]
		if !structural[c] {
			i++
			continue
		}
		switch c {
		case '"':
			end, err := skipString(b, i+1)
			if err != nil {
				return end, err
			}
			i = end
			continue
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		default: // '}' or ']'
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return i, synErr(i, "unexpected %q", c)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return i, errIncomplete
}

// valueScan scans one JSON value across refills of the buffer: each call
// goes on where the previous one stopped, so a value many buffers long is
// scanned once (skipValue starts again from the value's first byte). It
// checks what skipValue checks, with the same errors.
type valueScan struct {
	stack  []byte // closers of the open composites
	str    bool   // inside a string
	scalar bool   // the value is a number or literal
	begun  bool
}

// scan goes on scanning at b[i] the value that starts at b[start] (start
// may be negative once its first bytes were dropped). It returns the
// index just past the value, or errIncomplete with the index to go on
// from once more input follows b.
func (v *valueScan) scan(b []byte, start, i int) (int, error) {
	if !v.begun {
		i = skipSpace(b, i)
		if i >= len(b) {
			return i, errIncomplete
		}
		v.begun = true
		switch b[i] {
		case '"':
			v.str = true
			i++
		case '{', '[':
		case '}', ']', ',', ':':
			return i, synErr(i, "unexpected %q where a value should start", b[i])
		default:
			v.scalar = true
		}
	}
	if v.scalar {
		for ; i < len(b); i++ {
			switch c := b[i]; {
			case c == ',' || c == ']' || c == '}' || c == ':' || isSpace(c):
				return i, nil
			case c == '"' || c == '{' || c == '[':
				return i, synErr(i, "unexpected %q after %q", c, b[skipSpace(b, max(start, 0)):i])
			}
		}
		return i, errIncomplete
	}
	for i < len(b) {
		if v.str {
			end, err := skipStringLong(b, i)
			if err != nil {
				return stringResume(b, i), errIncomplete
			}
			i, v.str = end, false
			if len(v.stack) == 0 {
				return i, nil
			}
			continue
		}
		c := b[i]
		if !structural[c] {
			i++
			continue
		}
		switch c {
		case '"':
			v.str = true
		case '{':
			v.stack = append(v.stack, '}')
		case '[':
			v.stack = append(v.stack, ']')
		default: // '}' or ']'
			if len(v.stack) == 0 || v.stack[len(v.stack)-1] != c {
				return i, synErr(i, "unexpected %q", c)
			}
			v.stack = v.stack[:len(v.stack)-1]
			if len(v.stack) == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return i, errIncomplete
}

// stringResume returns where to go on scanning a string that b ends
// inside, i being a position in it that no escape straddles: the end of
// b, or the last backslash when b ends halfway through an escape.
func stringResume(b []byte, i int) int {
	r := len(b)
	for r > i && b[r-1] == '\\' {
		r--
	}
	if (len(b)-r)%2 == 1 {
		return len(b) - 1
	}
	return len(b)
}
