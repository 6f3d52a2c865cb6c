package dal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// ReadError is a problem with one part of one snapshot: the whole file, a
// position in it, or one item. Reading goes on past it.
type ReadError struct {
	File string // the snapshot's path
	// Member is the archive member the problem is in, when the snapshot
	// is an archive (zip, tar); "" otherwise.
	Member string
	Where  string // "line 3, byte 120", "item 17 of saved", ...; may be ""
	Err    error
}

func (e *ReadError) Error() string {
	file := e.File
	if e.Member != "" {
		file += ": member " + strconv.Quote(e.Member)
	}
	if e.Where == "" {
		return fmt.Sprintf("%s: %v", file, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", file, e.Where, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// chunkSize is how many bytes are read at a time.
const chunkSize = 1 << 20

// DefaultMaxItemSize bounds the size of one item (Spec.MaxItemSize): a
// larger item is an error naming its file and position, and is skipped.
// It bounds the memory one value can take.
const DefaultMaxItemSize = 256 << 20

// errTooLarge is wrapped by the error of an item over the maximum size.
var errTooLarge = errors.New("item too large")

// formatSize renders a byte count for messages: 256 MiB, 1.5 GiB, 900 B.
func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// stream reads JSON text in chunks, keeping in memory only the value being
// looked at (bounded by the largest item, not the file, and by maxItem).
type stream struct {
	r     io.Reader
	file  string
	buf   []byte
	pos   int   // next unread byte in buf
	base  int64 // input offset of buf[0]
	lines int   // newlines in bytes already dropped from buf
	eof   bool
	rerr  error // read error other than io.EOF
	// maxItem bounds the bytes of one kept value; a larger one is an
	// error (errTooLarge) and is skipped.
	maxItem int64
	// scanned counts the bytes looked at by scans of values that span
	// refills (tests check it grows linearly).
	scanned int64
}

// bufPool recycles read buffers between files.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

func newStream(r io.Reader, file string) *stream {
	return &stream{r: r, file: file, buf: (*bufPool.Get().(*[]byte))[:0], maxItem: DefaultMaxItemSize}
}

// release returns the buffer for reuse; s must not be used afterwards.
// Buffers grown for a huge item are left to the garbage collector.
func (s *stream) release() {
	if cap(s.buf) == chunkSize {
		b := s.buf[:0]
		bufPool.Put(&b)
	}
	s.buf = nil
}

// fill drops buf[:keep], then reads more input, growing the buffer if it
// is full. It returns false at the end of input.
func (s *stream) fill(keep int) bool {
	if s.eof {
		return false
	}
	if keep > 0 {
		s.lines += bytes.Count(s.buf[:keep], []byte{'\n'})
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.base += int64(keep)
		s.pos -= keep
	}
	if len(s.buf) == cap(s.buf) {
		n := 2 * cap(s.buf)
		// A kept value never needs more than maxItem and a read: past
		// that it is dropped as it is scanned.
		if lim := s.maxItem + 2*chunkSize; s.maxItem > 0 && int64(n) > lim && lim > int64(cap(s.buf)) {
			n = int(lim)
		}
		nb := make([]byte, len(s.buf), n)
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// peek skips white space and returns the next byte without consuming it,
// or io.EOF at the end of input.
func (s *stream) peek() (byte, error) {
	for {
		s.pos = skipSpace(s.buf, s.pos)
		if s.pos < len(s.buf) {
			return s.buf[s.pos], nil
		}
		if !s.fill(s.pos) {
			if s.rerr != nil {
				return 0, s.rerr
			}
			return 0, io.EOF
		}
	}
}

// value consumes the next value and returns its bytes, valid until the
// next call on s. A value larger than maxItem is skipped and reported as
// an error wrapping errTooLarge, after which reading can go on.
func (s *stream) value() ([]byte, error) {
	if _, err := s.peek(); err != nil {
		return nil, s.errAt(s.pos, err)
	}
	start := s.pos
	end, err := skipValue(s.buf, start)
	if err == nil {
		s.pos = end
		return s.buf[start:end], nil
	}
	if err != errIncomplete {
		return nil, s.errAt(start, err)
	}
	return s.longValue(true)
}

// longValue consumes a value that runs past the buffer, scanning each
// byte once across refills (rescanning from the value's start after each
// refill made one huge value quadratic). With keep, the value is kept
// whole in the buffer, up to maxItem bytes; past that, and without keep,
// the bytes scanned are dropped as the scan goes, so memory stays bounded.
func (s *stream) longValue(keep bool) ([]byte, error) {
	var (
		vs       valueScan
		start    = s.pos // the value's first byte; negative once dropped
		next     = start // where the scan goes on
		tooBig   error
		startPos *position // where the value starts, once it is dropped
	)
	maxItem := s.maxItem
	done := func(end int) ([]byte, error) {
		s.pos = end
		switch {
		case tooBig != nil:
			return nil, tooBig
		case !keep:
			return nil, nil
		}
		return s.buf[start:end], nil
	}
	for {
		end, err := vs.scan(s.buf, start, next)
		s.scanned += int64(end - next)
		if err == nil {
			return done(end)
		}
		if err != errIncomplete {
			return nil, s.errAt(start, err) // a syntax error: its own offset
		}
		next = end
		if keep && tooBig == nil && int64(len(s.buf)-start) > maxItem {
			tooBig = s.errAt(start, fmt.Errorf("%w: the value starting here is larger than the maximum item size (%s); it is skipped (max_item_size sets the limit)", errTooLarge, formatSize(maxItem)))
		}
		keepFrom := start
		if !keep || tooBig != nil {
			if startPos == nil {
				p := s.posAt(start)
				startPos = &p
			}
			keepFrom = next // drop what was scanned
		}
		base := s.base
		more := s.fill(keepFrom)
		shift := int(s.base - base)
		start, next = start-shift, next-shift
		if !more {
			if s.rerr != nil {
				return nil, s.errAt(len(s.buf), s.rerr)
			}
			if vs.scalar && next == len(s.buf) {
				return done(next) // a number or literal ends where the input ends
			}
			if tooBig != nil {
				return nil, tooBig
			}
			err := errors.New("unexpected end of file inside the value starting here (truncated?)")
			if startPos != nil {
				return nil, s.errAtPos(*startPos, err)
			}
			return nil, s.errAt(start, err)
		}
	}
}

// isScalarEnd reports whether a scalar running to the end of input is
// complete (a number or literal ends where the input ends).
func isScalarEnd(b []byte, start, end int) bool {
	start = skipSpace(b, start)
	return start < len(b) && end == len(b) && b[start] != '"' && b[start] != '{' && b[start] != '['
}

// skip consumes the next value without keeping it. A value that is not
// already in the buffer is scanned as it is read and dropped, so memory
// stays bounded by the buffer, not the value.
func (s *stream) skip() error {
	if _, err := s.peek(); err != nil {
		return s.errAt(s.pos, err)
	}
	end, err := skipValue(s.buf, s.pos)
	if err == nil {
		s.pos = end
		return nil
	}
	if err != errIncomplete {
		return s.errAt(s.pos, err)
	}
	_, err = s.longValue(false)
	return err
}

// expect consumes byte c or returns an error naming what was found.
func (s *stream) expect(c byte, context string) error {
	got, err := s.peek()
	if err != nil {
		return s.errAt(s.pos, fmt.Errorf("unexpected end of file, expected %q %s (truncated?)", c, context))
	}
	if got != c {
		return s.errAt(s.pos, fmt.Errorf("expected %q %s, found %s", c, context, describe(got)))
	}
	s.pos++
	return nil
}

// elements consumes an array, calling each for every element; each must
// consume exactly one value.
func (s *stream) elements(each func() error) error {
	if err := s.expect('[', "to start an array"); err != nil {
		return err
	}
	if c, err := s.peek(); err == nil && c == ']' {
		s.pos++
		return nil
	}
	for {
		if err := each(); err != nil {
			return err
		}
		c, err := s.peek()
		if err != nil {
			return s.errAt(s.pos, errors.New("unexpected end of file inside an array (truncated?)"))
		}
		s.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			return s.errAt(s.pos-1, fmt.Errorf("expected ',' or ']' after an array element, found %s", describe(c)))
		}
	}
}

// members consumes an object, calling each with every member's name; each
// must consume exactly the member's value.
func (s *stream) members(each func(name string) error) error {
	if err := s.expect('{', "to start an object"); err != nil {
		return err
	}
	if c, err := s.peek(); err == nil && c == '}' {
		s.pos++
		return nil
	}
	for {
		if c, err := s.peek(); err == nil && c != '"' {
			return s.errAt(s.pos, fmt.Errorf("expected a member name, found %s", describe(c)))
		}
		raw, err := s.value()
		if err != nil {
			return err
		}
		name := unquote(raw[1 : len(raw)-1])
		if err := s.expect(':', "after a member name"); err != nil {
			return err
		}
		if err := each(name); err != nil {
			return err
		}
		c, err := s.peek()
		if err != nil {
			return s.errAt(s.pos, errors.New("unexpected end of file inside an object (truncated?)"))
		}
		s.pos++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return s.errAt(s.pos-1, fmt.Errorf("expected ',' or '}' after a member, found %s", describe(c)))
		}
	}
}

// errAt wraps err with the file and the line and byte of buffer index i.
// A syntax error's own offset is relative to i.
func (s *stream) errAt(i int, err error) error {
	var se *syntaxError
	if errors.As(err, &se) {
		i = se.Off
	}
	return s.errAtPos(s.posAt(i), err)
}

// position is a place in the input: its line and byte offset.
type position struct {
	line int
	off  int64
}

// posAt returns the position of buffer index i.
func (s *stream) posAt(i int) position {
	i = max(0, min(i, len(s.buf)))
	return position{line: s.lines + bytes.Count(s.buf[:i], []byte{'\n'}) + 1, off: s.base + int64(i)}
}

func (s *stream) errAtPos(p position, err error) error {
	return &ReadError{File: s.file, Where: fmt.Sprintf("line %d, byte %d", p.line, p.off), Err: unwrapPath(err, s.file)}
}

// done checks that nothing but white space follows the document.
func (s *stream) done() error {
	c, err := s.peek()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return s.errAt(s.pos, err)
	}
	return s.errAt(s.pos, fmt.Errorf("unexpected %s after the end of the document", describe(c)))
}
