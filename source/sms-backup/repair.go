package smsbackup

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
)

// repairReader passes an SMS Backup & Restore file on to an XML parser,
// mending what the app writes that XML cannot hold:
//
//   - with "store emojis and special characters" on, the app writes a
//     character outside the Basic Multilingual Plane as the two UTF-16
//     halves of it, each a character reference: 😀 is "&#55357;&#56832;".
//     XML forbids those numbers (Go's parser reads each as U+FFFD, browsers
//     refuse the file). A high half followed by a low half is joined back
//     into the one character it encodes, "&#128512;": nothing is lost;
//   - a lone half, or a reference to a character XML 1.0 excludes (the
//     control characters other than tab, newline and return, U+FFFE,
//     U+FFFF), becomes U+FFFD, and so do such characters written raw and
//     bytes that are not UTF-8; each is counted in Replaced.
//
// Everything else passes through unchanged.
type repairReader struct {
	r        io.Reader
	in, out  []byte
	buf      []byte // out's storage
	eof      bool
	err      error
	Replaced int // characters replaced by U+FFFD
}

func newRepairReader(r io.Reader) *repairReader {
	return &repairReader{r: r, in: make([]byte, 0, 64<<10)}
}

// lookahead is the longest input the repair must see at once: two
// references of seven digits and their delimiters.
const lookahead = 32

func (r *repairReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.eof && len(r.in) == 0 {
			return 0, r.err
		}
		if !r.eof && len(r.in) < cap(r.in)/2 {
			n, err := r.r.Read(r.in[len(r.in):cap(r.in)])
			r.in = r.in[:len(r.in)+n]
			if err != nil {
				r.eof, r.err = true, err
			}
		}
		r.process()
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

var replacement = []byte("\uFFFD")

// process moves what can be decided of r.in to r.out: all of it at the end
// of the input, else everything but a last lookahead that may begin a
// reference or a character whose rest is still to come.
func (r *repairReader) process() {
	in := r.in
	out := r.buf[:0]
	i := 0
	for i < len(in) {
		if !r.eof && len(in)-i < lookahead {
			break
		}
		c := in[i]
		switch {
		case c == '&' && i+1 < len(in) && in[i+1] == '#':
			n, v, ok := charRef(in[i:])
			if !ok {
				out = append(out, c)
				i++
				continue
			}
			switch {
			case v >= 0xD800 && v <= 0xDBFF:
				if n2, lo, ok := charRef(in[i+n:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					cp := 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
					out = strconv.AppendInt(append(out, "&#"...), int64(cp), 10)
					out = append(out, ';')
					i += n + n2
					continue
				}
				out = append(out, "&#xFFFD;"...)
				r.Replaced++
			case !xmlChar(rune(v)):
				out = append(out, "&#xFFFD;"...)
				r.Replaced++
			default:
				out = append(out, in[i:i+n]...)
			}
			i += n
		case c < utf8.RuneSelf:
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				out = append(out, replacement...)
				r.Replaced++
			} else {
				out = append(out, c)
			}
			i++
		default:
			ch, size := utf8.DecodeRune(in[i:])
			if (ch == utf8.RuneError && size == 1) || !xmlChar(ch) {
				out = append(out, replacement...)
				r.Replaced++
			} else {
				out = append(out, in[i:i+size]...)
			}
			i += size
		}
	}
	r.out, r.buf = out, out
	r.in = append(r.in[:0], in[i:]...)
}

// charRef reads a numeric character reference at the start of b ("&#123;"
// or "&#x7B;"), returning its length and value.
func charRef(b []byte) (n int, v int, ok bool) {
	if len(b) < 4 || b[0] != '&' || b[1] != '#' {
		return 0, 0, false
	}
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 3 {
		return 0, 0, false
	}
	digits, base := b[2:end], 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	x, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || len(digits) == 0 || x > 0x10FFFF {
		return 0, 0, false
	}
	return end + 1, int(x), true
}

// xmlChar reports whether XML 1.0 allows the character.
func xmlChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return true
	case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r > 0x10FFFF:
		return false
	}
	return true
}
