package secret

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secrets.py")
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
	return p
}

// exporthelpers-style secrets.py files are key = "value" lines.
func TestLoadExporthelpersStyle(t *testing.T) {
	p := write(t, "# my secrets\napi_key = \"abc123XYZ\"\nusername = 'me'\nport = 8080\n", 0o600)
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if s["api_key"] != "abc123XYZ" || s["username"] != "me" || s["port"] != "8080" {
		t.Errorf("got %v", map[string]string(s))
	}
	if out := fmt.Sprintf("%v %+v %#v %s", s, s, s, s); strings.Contains(out, "abc123XYZ") {
		t.Errorf("formatting leaks a value: %s", out)
	}
}

func TestLoadRefusesOpenPermissions(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		p := write(t, "k = \"v\"\n", mode)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+p) {
			t.Errorf("mode %o: error %v, want advice to chmod 600", mode, err)
		}
	}
}

func TestLoadSyntaxErrorHidesValue(t *testing.T) {
	p := write(t, "ok = \"fine\"\ntoken = \"s3cr3tvalue\n", 0o600)
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "s3cr3tvalue") {
		t.Errorf("error %v", err)
	}
	p = write(t, "nested = { a = \"s3cr3tvalue\" }\n", 0o600)
	if _, err := Load(p); err == nil || strings.Contains(err.Error(), "s3cr3tvalue") {
		t.Errorf("error %v", err)
	}
}

func TestRedactor(t *testing.T) {
	var r Redactor
	r.Add("tok/en+1=", "ab") // "ab" is too short to redact
	tests := map[string]string{
		"Authorization: Bearer tok/en+1=":              "Authorization: Bearer [REDACTED]",
		"https://api.example.com/?key=tok%2Fen%2B1%3D": "https://api.example.com/?key=[REDACTED]",
		"path /v1/tok%2Fen+1=/x":                       "path /v1/[REDACTED]/x",
		"about the ab test":                            "about the ab test",
	}
	for in, want := range tests {
		if got := r.String(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
	err := r.Error(errors.New("GET ?key=tok/en+1= failed"))
	if strings.Contains(err.Error(), "tok/en") {
		t.Errorf("error not redacted: %v", err)
	}
	var nilR *Redactor
	if nilR.String("x") != "x" || r.Error(nil) != nil {
		t.Error("nil cases")
	}
}
