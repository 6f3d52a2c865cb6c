package secretsfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-dev/hoard/secret"
)

func TestSet(t *testing.T) {
	for _, c := range []struct{ name, text, key, value, want string }{
		{"empty file", "", "refresh_token", "r", "refresh_token = \"r\"\n"},
		{"appended after a last line without newline", "a = \"1\"", "b", "2", "a = \"1\"\nb = \"2\"\n"},
		{"replaced in place, comments kept", "# mine\nrefresh_token = \"old\"\nx = \"y\"\n", "refresh_token", "new",
			"# mine\nrefresh_token = \"new\"\nx = \"y\"\n"},
		{"quoted and indented key", "  \"refresh_token\"= \"old\"\n", "refresh_token", "new", "refresh_token = \"new\"\n"},
		{"every line of the key", "k = \"1\"\nk = \"2\"\n", "k", "3", "k = \"3\"\nk = \"3\"\n"},
		{"a longer key is another key", "refresh_token_2 = \"keep\"\n", "refresh_token", "r",
			"refresh_token_2 = \"keep\"\nrefresh_token = \"r\"\n"},
		{"escapes", "", "k", "a\"b\\c\nd\x7f", "k = \"a\\\"b\\\\c\\u000Ad\\u007F\"\n"},
	} {
		if got := Set(c.text, c.key, c.value); got != c.want {
			t.Errorf("%s: Set(%q, %q, %q) = %q, want %q", c.name, c.text, c.key, c.value, got, c.want)
		}
	}
}

// What Quote writes, TOML (as secret.Load reads it) reads back unchanged.
func TestQuoteRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.toml")
	for _, v := range []string{"", "plain", `q"uo\te`, "tab\tnl\ncr\r", "\x00\x1f\x7f", "unicodé ✓ 𝄞"} {
		if err := os.WriteFile(path, []byte(Set("", "k", v)), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := secret.Load(path)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if s["k"] != v {
			t.Errorf("round trip of %q gave %q", v, s["k"])
		}
	}
}
