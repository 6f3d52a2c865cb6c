// Package duration is hoard's one duration grammar, for hoard.toml
// (timeout, jitter, lookback, ...), schedules ("every 2d") and flags
// (--within 2w).
//
// A duration is one or more numbers, each with a unit: ms, s, m, h, d
// (24 hours), w (7 days), y (365 days). Numbers may have a fraction:
// "90s", "1h30m", "1.5h", "2d", "2w", "1y". "0" alone is zero. Days, weeks
// and years are fixed lengths, not calendar arithmetic.
package duration

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Units, longest name first where one is a prefix of another.
var units = []struct {
	name string
	d    time.Duration
}{
	{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"y", 365 * 24 * time.Hour},
}

// Example is shown in error messages.
const Example = `e.g. "90s", "10m", "1h30m", "2d", "2w" or "1y"`

// Parse reads a duration. It rejects negative, empty and overflowing
// values, and units it does not know ("10 minutes", "5M").
func Parse(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	if text == "0" {
		return 0, nil
	}
	if text == "" {
		return 0, fmt.Errorf("empty duration (use %s)", Example)
	}
	var total time.Duration
	for rest := text; rest != ""; {
		n, size := number(rest)
		u, usize := unit(rest[size:])
		if size == 0 || usize == 0 {
			return 0, bad(s)
		}
		v, ok := n.times(u)
		if !ok || total > math.MaxInt64-v {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		total += v
		rest = rest[size+usize:]
	}
	return total, nil
}

// decimal is a number read exactly: whole + frac/10^digits.
type decimal struct {
	whole, frac int64
	digits      int
}

// number reads digits with an optional fraction at the start of s and
// returns it with the bytes used (0 if there is no number).
func number(s string) (decimal, int) {
	var n decimal
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n.whole > (math.MaxInt64-9)/10 {
			return n, 0
		}
		n.whole = n.whole*10 + int64(s[i]-'0')
	}
	if i == 0 {
		return n, 0
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			if n.digits < 9 { // finer than a nanosecond of a millisecond is noise
				n.frac, n.digits = n.frac*10+int64(s[j]-'0'), n.digits+1
			}
		}
		if j == i+1 {
			return n, 0
		}
		i = j
	}
	return n, i
}

// times returns n units, false on overflow.
func (n decimal) times(u time.Duration) (time.Duration, bool) {
	if n.whole > math.MaxInt64/int64(u) {
		return 0, false
	}
	v := time.Duration(n.whole) * u
	scale := int64(1)
	for range n.digits {
		scale *= 10
	}
	return v + time.Duration(n.frac*(int64(u)/scale)+n.frac*(int64(u)%scale)/scale), true
}

func unit(s string) (time.Duration, int) {
	for _, u := range units {
		if strings.HasPrefix(s, u.name) && (len(s) == len(u.name) || s[len(u.name)] >= '0' && s[len(u.name)] <= '9' || s[len(u.name)] == '.') {
			return u.d, len(u.name)
		}
	}
	return 0, 0
}

func bad(s string) error {
	return fmt.Errorf("cannot read %q as a duration (use %s)", s, Example)
}

// Format writes d in the largest units that divide it exactly, "2d",
// "1h30m", "90s"; Parse reads it back to the same value.
func Format(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d < 0 {
		return "-" + Format(-d)
	}
	var b strings.Builder
	for i := len(units) - 1; i >= 0 && d > 0; i-- {
		u := units[i]
		if u.name == "w" || u.name == "y" {
			if d%u.d != 0 {
				continue // "1w3d" reads worse than "10d"
			}
		}
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	if d > 0 {
		fmt.Fprintf(&b, "%dns", d) // below a millisecond: not readable by Parse
	}
	return b.String()
}

// Duration is a duration in hoard.toml, written as text ("10m").
type Duration struct{ D time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler (and so TOML).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	d.D = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(Format(d.D)), nil }

// Value is a pflag.Value for duration flags in the same grammar.
type Value struct{ D *time.Duration }

// String implements pflag.Value.
func (v Value) String() string {
	if v.D == nil || *v.D == 0 {
		return "0"
	}
	return Format(*v.D)
}

// Set implements pflag.Value.
func (v Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*v.D = d
	return nil
}

// Type implements pflag.Value.
func (Value) Type() string { return "duration" }
