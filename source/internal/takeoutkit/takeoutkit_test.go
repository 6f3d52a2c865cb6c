package takeoutkit

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		in, js string
		typ    byte
		keys   string
		elem   string
	}{
		{`{"locations" : [ {`, "", '{', "locations", ""},
		{"\ufeff\n  [{\"header\": \"Search\", \"title\": \"x\", \"time\"", "", '[', "header,title", ""},
		{`[ {"a":1,"b":[1,{"c":2}]}, {"z":1}]`, "", '[', "a,b", `{"a":1,"b":[1,{"c":2}]}`},
		{`window.YTD.tweets.part0 = [ {"tweet" : {"id_str" : "1"}} ]`, "window.YTD.tweets.part0", '[', "tweet", `{"tweet" : {"id_str" : "1"}}`},
		{`var data = {"k\u0065y": 1}`, "data", '{', "key", ""},
		{`<html><head>`, "", '<', "", ""},
		{"\x00\xff garbage", "", 0, "", ""},
		{``, "", 0, "", ""},
		{`{"a": "unterminated`, "", '{', "a", ""},
	} {
		h := SniffBytes([]byte(c.in))
		if h.Type != c.typ || h.JS != c.js || strings.Join(h.Keys, ",") != c.keys || string(h.Element) != c.elem {
			t.Errorf("%q: type %q js %q keys %q element %q", c.in, h.Type, h.JS, h.Keys, h.Element)
		}
	}
	// through a reader: the head is not consumed
	br := NewReader(strings.NewReader(`{"Browser History": []}`))
	h, err := Sniff(br)
	rest, _ := br.ReadString(0)
	if err != nil || h.First() != "Browser History" || rest != `{"Browser History": []}` {
		t.Errorf("%v %v %q", h, err, rest)
	}
	_ = bufio.ErrBufferFull
}

func TestMembersAndElements(t *testing.T) {
	raw := []byte(` { "a" : 1, "b\"c": {"x": [1, "]"]}, "s": "é\n", "n": null, "e": [] } `)
	var got []string
	for m, err := range Members(raw) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Name+"="+string(m.Value))
	}
	if strings.Join(got, "|") != `a=1|b"c={"x": [1, "]"]}|s="é\n"|n=null|e=[]` {
		t.Errorf("%q", got)
	}
	if v, ok := Get(raw, "s"); !ok || string(v) != `"é\n"` {
		t.Errorf("get %s %v", v, ok)
	}
	if s, ok := String([]byte(`"é\n"`)); !ok || s != "é\n" {
		t.Errorf("string %q", s)
	}
	for in, want := range map[string]string{`"1546423200"`: "1546423200", ` 1546423200 `: "1546423200", `-1.5e3`: "-1.5e3", `true`: "", `{}`: ""} {
		if got, _ := Scalar([]byte(in)); got != want {
			t.Errorf("scalar %s: %q", in, got)
		}
	}
	var elems []string
	for e, err := range Elements([]byte(`[1, {"a": "]"}, [2], "x"]`)) {
		if err != nil {
			t.Fatal(err)
		}
		elems = append(elems, string(e))
	}
	if strings.Join(elems, "|") != `1|{"a": "]"}|[2]|"x"` {
		t.Errorf("%q", elems)
	}
	for _, bad := range []string{`{"a" 1}`, `{"a": 1,`, `{"a": [}`, `[1 2]`, `{"a": tru}`, `{"a": 1]}`} {
		failed := false
		for _, err := range Members([]byte(bad)) {
			failed = failed || err != nil
		}
		for _, err := range Elements([]byte(bad)) {
			failed = failed || err != nil
		}
		if !failed {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestUnwrapAndAnnotate(t *testing.T) {
	for in, want := range map[string]string{
		`{"tweet" : {"id": 1}}`:        `{"id": 1}`,
		`{"tweet": {"id": 1}, "x": 2}`: `{"tweet": {"id": 1}, "x": 2}`,
		`{"other": {"id": 1}}`:         `{"other": {"id": 1}}`,
		`{"id": 1}`:                    `{"id": 1}`,
		`[1]`:                          `[1]`,
	} {
		if got := string(Unwrap([]byte(in), "tweet")); got != want {
			t.Errorf("unwrap %s: %s", in, got)
		}
	}
	f := (&Fields{}).String("a", "x\"<>").Raw("n", []byte(" 12 "))
	for in, want := range map[string]string{
		`{"b": 1}`: `{"hoard":{"a":"x\"<>","n":12},"b": 1}`,
		"\n {  } ": `{"hoard":{"a":"x\"<>","n":12}}`,
		`[1]`:      `[1]`,
	} {
		got := string(Annotate([]byte(in), f))
		if got != want || (strings.HasPrefix(got, "{") && !json.Valid([]byte(got))) {
			t.Errorf("annotate %q: %s", in, got)
		}
	}
	if got := string(Annotate([]byte(`{"b":1}`), &Fields{})); got != `{"b":1}` {
		t.Errorf("nothing to add: %s", got)
	}
}

func TestIsArchive(t *testing.T) {
	tar := make([]byte, 512)
	copy(tar[257:], "ustar\x0000")
	for in, want := range map[string]bool{"PK\x03\x04rest": true, "PK\x05\x06": true, "\x1f\x8b\x08": true, string(tar): true, `{"a":1}`: false, "": false} {
		if IsArchive([]byte(in)) != want {
			t.Errorf("%q: %v", in, !want)
		}
	}
}

// TestPickAllocatesNothing: finding members in a record costs no
// allocation (the decoders run it on each of millions of records), nested
// values, escaped strings and numbers included.
func TestPickAllocatesNothing(t *testing.T) {
	raw := []byte(`{"latitudeE7" : 488583701, "activity" : [ {"activity" : [ {"type" : "STILL", "confidence" : 77} ], "timestamp" : "2017-07-14T02:40:00Z"} ], "note" : "Sch\u00f6n \"q\"", "timestamp" : "2017-07-14T02:40:00.123Z", "longitudeE7" : -22944813}`)
	names := []string{"timestamp", "timestampMs", "latitudeE7", "longitudeE7"}
	var vals [4][]byte
	allocs := testing.AllocsPerRun(100, func() {
		if err := Pick(raw, names, vals[:]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Pick allocates %v times a call", allocs)
	}
	want := []string{`"2017-07-14T02:40:00.123Z"`, "", "488583701", "-22944813"}
	for i, w := range want {
		if string(vals[i]) != w {
			t.Errorf("%s = %q, want %q", names[i], vals[i], w)
		}
	}
	if vals[1] != nil {
		t.Errorf("timestampMs is absent but Pick gives %q", vals[1])
	}
}
