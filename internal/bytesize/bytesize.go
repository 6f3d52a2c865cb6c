// Package bytesize reads byte counts written by people: "256MiB", "1GiB",
// "1000000", for hoard.toml and flags; and writes them for people ("1.5
// KiB"), for the CLI and the web app.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads a byte count: a number of bytes, or a number with a
// unit: KiB, MiB, GiB (powers of 1024), KB, MB, GB (powers of 1000), B.
// Units are case-insensitive; "256MiB", "1.5 GiB" and "1000000" work.
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "kb": 1e3, "mb": 1e6, "gb": 1e9}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if mult == 0 || err != nil || v <= 0 || v*mult >= 1<<62 {
		return 0, fmt.Errorf("cannot read %q as a size (use e.g. \"256MiB\", \"1GiB\" or a number of bytes)", s)
	}
	return int64(v * mult), nil
}

// Size is a byte count in hoard.toml: "512MiB" or a number of bytes.
type Size int64

// UnmarshalTOML implements toml.Unmarshaler.
func (z *Size) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		if v <= 0 {
			return fmt.Errorf("size %d must be positive", v)
		}
		*z = Size(v)
		return nil
	case string:
		n, err := Parse(v)
		*z = Size(n)
		return err
	}
	return fmt.Errorf("expected a size such as \"512MiB\" or a number of bytes, not %T", v)
}

// Format writes a byte count with binary units: "1023 B", "1.5 KiB",
// "5.0 GiB".
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
