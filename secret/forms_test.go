package secret

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// Every form in which hoard sends a secret, or a server plausibly quotes
// it back, is masked.
func TestRedactorEncodedForms(t *testing.T) {
	var r Redactor
	r.AddBasic("alice", "pa55:w/rd+=")
	r.AddCookie(`sid=c00kie-value-1; csrf="c00kie-value-2"`)
	r.Add("tok/en<1>")
	b64 := base64.StdEncoding.EncodeToString([]byte("alice:pa55:w/rd+="))
	for _, in := range []string{
		"bad token Basic " + b64,
		"bad token " + strings.TrimRight(b64, "="),
		"cookie c00kie-value-1 and c00kie-value-2",
		"password pa55%3aw%2frd%2b%3d",            // lower-case hex
		`{"token":"tok\/en<1>"}`,                  // PHP's json_encode
		`{"token":"tok/en\u003c1\u003e"}`,         // encoding/json
		"?t=tok%2Fen%3C1%3E and /tok%2Fen%3C1%3E", // query and path
	} {
		out := r.String(in)
		for _, leak := range []string{b64[:20], "c00kie-value", "pa55", "tok/en", `tok\/en`, "tok%2"} {
			if strings.Contains(out, leak) {
				t.Errorf("%q -> %q still holds %q", in, out, leak)
			}
		}
	}
}

// Prefix quotes the start of a body without leaving part of a secret that
// runs past the cut, however much masking shortened the text before it.
func TestRedactorPrefix(t *testing.T) {
	var r Redactor
	long := strings.Repeat("S", 60)
	r.Add(long, "short-secret")
	body := []byte(strings.Repeat("x", 290) + long + strings.Repeat("y", 100))
	if got := string(r.Prefix(body, 300)); strings.Contains(got, "S") || !strings.HasPrefix(got, strings.Repeat("x", 290)+Mask) {
		t.Errorf("secret across the cut: %q", got)
	}
	// Masks shorten the text: bytes from far past n reach the output.
	body = []byte(strings.Repeat(long, 40) + "zz" + long)
	if got := string(r.Prefix(body, 300)); strings.Contains(got, "S") {
		t.Errorf("after shortening masks: %q", got)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var b bytes.Buffer
		for b.Len() < 400 {
			switch rnd.IntN(4) {
			case 0:
				b.WriteString(long)
			case 1:
				b.WriteString("short-secret")
			default:
				b.WriteString(strings.Repeat("a", rnd.IntN(30)))
			}
		}
		n := rnd.IntN(350)
		got := string(r.Prefix(b.Bytes(), n))
		if strings.Contains(got, "S") || strings.Contains(got, "short") || strings.Contains(got, "cret") {
			t.Fatalf("Prefix(%q, %d) = %q", b.String(), n, got)
		}
		if whole := string(r.Prefix(b.Bytes(), 100*b.Len())); len(got) < n && got != whole {
			t.Fatalf("Prefix(%q, %d) = %q: short, and not the whole %q", b.String(), n, got, whole)
		}
	}
}

// Cut never passes on the start of a secret whose end is still to come.
func TestRedactorCut(t *testing.T) {
	var r Redactor
	r.Add("0123456789abcdef")
	for split := 1; split < 16; split++ {
		b := []byte("text text " + "0123456789abcdef"[:split])
		n := r.Cut(b)
		if n > len("text text ") {
			t.Errorf("split %d: passes on %q", split, b[:n])
		}
	}
	whole := []byte("text 0123456789abcdef")
	if n := r.Cut(whole); n != len(whole) && n < len("text ") {
		t.Errorf("cut %d of a complete secret", n)
	}
}
