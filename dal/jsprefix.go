package dal

import "regexp"

// jsAssign is a JavaScript assignment before a JSON value, as Twitter/X
// archives write their data files: "window.YTD.tweets.part0 = [...]",
// also "var x = ", "const x = ", "x['y'] = ".
var jsAssign = regexp.MustCompile(`^(?:(?:var|let|const)\s+)?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]\n]{0,64}\])*\s*=\s*`)

// jsPrefixMax bounds the bytes looked at for such a prefix.
const jsPrefixMax = 512

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

// jsPrefix consumes a JavaScript assignment at the current position, if
// there is one, and reports whether it did. JSON never starts with one
// (true, false and null are not followed by "="), so it is safe to try on
// any document.
func (s *stream) jsPrefix() bool {
	for len(s.buf)-s.pos < jsPrefixMax && s.fill(s.pos) {
	}
	end := min(len(s.buf), s.pos+jsPrefixMax)
	m := jsAssign.FindIndex(s.buf[s.pos:end])
	if m == nil {
		return false
	}
	s.pos += m[1]
	return true
}

// semicolon consumes the ";" that may end a JavaScript statement.
func (s *stream) semicolon() {
	if c, err := s.peek(); err == nil && c == ';' {
		s.pos++
	}
}
