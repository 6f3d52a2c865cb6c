package duration

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"0", 0}, {"0s", 0}, {"90s", 90 * time.Second}, {"10m", 10 * time.Minute},
		{"1h30m", 90 * time.Minute}, {"1.5h", 90 * time.Minute}, {"2d", 48 * time.Hour},
		{"1d12h", 36 * time.Hour}, {"2w", 14 * 24 * time.Hour}, {"1y", 365 * 24 * time.Hour},
		{"500ms", 500 * time.Millisecond}, {" 5m ", 5 * time.Minute}, {"1m30s", 90 * time.Second},
	} {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "10", "10 minutes", "5M", "-5m", "m", "1.2.3h", "3x", "1e3s", "h1", "99999999999y"} {
		if d, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, d)
		} else if !strings.Contains(err.Error(), in) && in != "" {
			t.Errorf("Parse(%q): error %q does not quote the input", in, err)
		}
	}
}

// TestFormatRoundTrip: every whole number of milliseconds formats to text
// that parses back to the same value.
func TestFormatRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		d := time.Duration(r.Int64N(int64(200*365*24*time.Hour)/int64(time.Millisecond))) * time.Millisecond
		if i%3 == 0 {
			d = d.Truncate(time.Hour)
		}
		got, err := Parse(Format(d))
		if err != nil || got != d {
			t.Fatalf("Format(%v) = %q, parsed back as %v, %v", d, Format(d), got, err)
		}
	}
	for d, want := range map[time.Duration]string{48 * time.Hour: "2d", 90 * time.Minute: "1h30m", 14 * 24 * time.Hour: "2w", 10 * 24 * time.Hour: "10d", 0: "0s"} {
		if got := Format(d); got != want {
			t.Errorf("Format(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestUnmarshalText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("2d")); err != nil || d.D != 48*time.Hour {
		t.Errorf("got %v, %v", d.D, err)
	}
	if err := d.UnmarshalText([]byte("10 minutes")); err == nil {
		t.Error("10 minutes accepted")
	}
}
