package gpx

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// charsetReader reads the single-byte encodings GPX files declare besides
// UTF-8 (GPSBabel and older devices write ISO-8859-1; Windows tools
// windows-1252) as UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return &singleByte{r: bufio.NewReader(in)}, nil
	case "windows-1252", "cp1252":
		return &singleByte{r: bufio.NewReader(in), table: &cp1252}, nil
	}
	return nil, fmt.Errorf("the file declares encoding %q; hoard reads GPX in UTF-8, ISO-8859-1 and windows-1252", label)
}

// singleByte decodes a single-byte encoding: Latin-1, with table for the
// bytes 0x80 to 0x9F where windows-1252 differs.
type singleByte struct {
	r       *bufio.Reader
	table   *[32]rune
	pending []byte
}

func (s *singleByte) Read(p []byte) (int, error) {
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	for n < len(p) {
		c, err := s.r.ReadByte()
		if err != nil {
			return n, err
		}
		r := rune(c)
		if s.table != nil && c >= 0x80 && c < 0xA0 {
			r = s.table[c-0x80]
		}
		var buf [utf8.UTFMax]byte
		w := utf8.EncodeRune(buf[:], r)
		k := copy(p[n:], buf[:w])
		n += k
		s.pending = append(s.pending[:0], buf[k:w]...)
		if len(s.pending) > 0 {
			break
		}
	}
	return n, nil
}

// cp1252 are windows-1252's characters for 0x80 to 0x9F (U+FFFD where it
// has none).
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}
