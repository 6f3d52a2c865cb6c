package bytesize

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{"256MiB": 256 << 20, "1 GiB": 1 << 30, "1.5gib": 3 << 29, "1000000": 1e6, "2MB": 2e6, "512 b": 512, " 4KiB ": 4096} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MiB", "-1MiB", "0", "12 parsecs", "1e30GiB", "1..2MiB"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}
