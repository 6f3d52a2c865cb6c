package dal

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// read reads v with the settings, failing the test on an error.
func readTime(t *testing.T, ts timeSettings, v string) time.Time {
	t.Helper()
	r, err := compileTime(ts)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := r.read([]byte(v))
	if err != nil || !ok {
		t.Fatalf("%+v: reading %s: ok %v, %v", ts, v, ok, err)
	}
	return got
}

// TestBrowserTimesExact: the values of the issue, which float64 scaling
// got wrong (...54.663270912Z, ...952606976Z).
func TestBrowserTimesExact(t *testing.T) {
	for _, c := range []struct {
		ts   timeSettings
		v    string
		want string
	}{
		{timeSettings{}, `1593250194663271`, "2020-06-27T09:29:54.663271Z"},           // Firefox, guessed µs
		{timeSettings{Unit: "us"}, `1593250194663271`, "2020-06-27T09:29:54.663271Z"}, // Firefox, declared
		{timeSettings{}, `"1593250194663271"`, "2020-06-27T09:29:54.663271Z"},
		{timeSettings{Unit: "us", Epoch: "1601"}, `13440762224547912`, "2026-12-03T09:03:44.547912Z"}, // Chromium: > 2^53
		{timeSettings{}, `1796288605927506`, "2026-12-03T09:03:25.927506Z"},
		{timeSettings{Epoch: "2001", Unit: "s"}, `7.88918400123456e+08`, "2026-01-01T00:00:00.123456Z"}, // Safari's REAL, as SQLite renders it
		{timeSettings{}, `1700000000.5`, "2023-11-14T22:13:20.5Z"},
		{timeSettings{}, `1.7e9`, "2023-11-14T22:13:20Z"},
		{timeSettings{}, `1700000000123`, "2023-11-14T22:13:20.123Z"},             // ms
		{timeSettings{}, `1700000000123456789`, "2023-11-14T22:13:20.123456789Z"}, // ns
		{timeSettings{Unit: "100ns", Epoch: "1601"}, `133440762224547912`, "2023-11-10T07:50:22.4547912Z"},
		{timeSettings{}, `-1`, "1969-12-31T23:59:59Z"},
		{timeSettings{}, `-0.5`, "1969-12-31T23:59:59.5Z"},
		{timeSettings{Unit: "ns"}, `-1.5`, "1969-12-31T23:59:59.999999998Z"}, // floor at the nanosecond
	} {
		if c.want == "" {
			continue
		}
		if got := readTime(t, c.ts, c.v).Format(time.RFC3339Nano); got != c.want {
			t.Errorf("%+v %s: got %s, want %s", c.ts, c.v, got, c.want)
		}
	}
}

// TestExactEveryUnit is the round-trip property: an instant written as a
// count of any unit since any epoch (an integer, a decimal fraction, or
// in exponent form; a JSON number or a string) reads back as exactly that
// instant, truncated to the unit.
func TestExactEveryUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	lo := time.Date(1678, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2261, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	instant := func(from int64) int64 { return (from+rng.Int64N(hi-from))*1e9 + rng.Int64N(1e9) }
	units := map[string]int{"s": 0, "ms": -3, "us": -6, "100ns": -7, "ns": -9}
	epochs := map[string]int64{"unix": 0, "1601": -11644473600, "2001": 978307200}
	n := 0
	for unit, exp := range units {
		per := big.NewInt(int64(pow10[9+exp])) // nanoseconds per unit
		for epoch, esec := range epochs {
			r, err := compileTime(timeSettings{Unit: unit, Epoch: epoch})
			if err != nil {
				t.Fatal(err)
			}
			for range 400 {
				ns := instant(lo)
				// the count of units since the epoch, floored
				rel := new(big.Int).Sub(big.NewInt(ns), new(big.Int).Mul(big.NewInt(esec), big.NewInt(1e9)))
				count, mod := new(big.Int).DivMod(rel, per, new(big.Int))
				want := time.Unix(0, ns-mod.Int64()).UTC()
				for _, text := range spellings(count, rel, exp) {
					for _, v := range []string{text, strconv.Quote(text)} {
						got, ok, err := r.read([]byte(v))
						n++
						if err != nil || !ok || !got.Equal(want) {
							t.Fatalf("unit %s epoch %s: %s read as %s (ok %v, %v), want %s", unit, epoch, v, got.Format(time.RFC3339Nano), ok, err, want.Format(time.RFC3339Nano))
						}
					}
				}
			}
		}
	}
	// Guessing by magnitude is exact too, for Unix times of 1974 to 2261.
	g := newTimeReader(timeSettings{})
	from := time.Date(1974, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for unit, exp := range units {
		if unit == "100ns" {
			continue
		}
		for range 400 {
			ns := instant(from)
			per := int64(pow10[9+exp])
			want := time.Unix(0, ns-ns%per).UTC()
			v := strconv.FormatInt(ns/per, 10)
			if got, ok, err := g.read([]byte(v)); err != nil || !ok || !got.Equal(want) {
				t.Fatalf("guessed %s: %s read as %s, want %s", unit, v, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
			n++
		}
	}
	t.Logf("%d values read back exactly", n)
}

// spellings writes a count of units three ways: an integer, the same
// instant as a decimal with every digit down to the nanosecond (a count
// of the unit with a fraction), and the integer in exponent form.
func spellings(count, relNS *big.Int, exp int) []string {
	out := []string{count.String()}
	if exp > -9 {
		// relNS / 10^(9+exp) as an exact decimal, then truncation to
		// the unit gives count again only if the reader floors: so
		// write the count's own value with zeros after the point.
		out = append(out, count.String()+"."+strings.Repeat("0", 9+exp))
	}
	s := count.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant := s[:1]
	if len(s) > 1 {
		mant += "." + s[1:]
	}
	e := mant + "e+" + strconv.Itoa(len(s)-1)
	if neg {
		e = "-" + e
	}
	return append(out, e)
}

// TestFractionsExact: a decimal count with a fraction keeps every digit
// down to the nanosecond (seconds with 9 digits, milliseconds with 6,
// microseconds with 3).
func TestFractionsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, u := range []struct {
		unit   string
		digits int
	}{{"s", 9}, {"ms", 6}, {"us", 3}} {
		r := newTimeReader(timeSettings{Unit: u.unit})
		for range 500 {
			ns := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() + rng.Int64N(250*365*24*3600*1e9)
			want := time.Unix(0, ns).UTC()
			per := int64(pow10[u.digits])
			whole, frac := ns/per, ns%per
			if frac < 0 {
				whole, frac = whole-1, frac+per
			}
			v := fmt.Sprintf("%d.%0*d", whole, u.digits, frac)
			if whole < 0 && frac > 0 {
				// -1.25 s means 1.25 s before the epoch: write the value, not floor+fraction
				v = new(big.Rat).SetFrac(big.NewInt(ns), big.NewInt(per)).FloatString(u.digits)
			}
			if got, ok, err := r.read([]byte(v)); err != nil || !ok || !got.Equal(want) {
				t.Fatalf("%s %s: got %s (%v), want %s", u.unit, v, got.Format(time.RFC3339Nano), err, want.Format(time.RFC3339Nano))
			}
		}
	}
}

func TestTimeLayouts(t *testing.T) {
	berlin := timeSettings{Zone: "Europe/Berlin"}
	for _, c := range []struct {
		ts   timeSettings
		v    string
		want string
	}{
		{timeSettings{}, "2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "2024-05-01T12:00:00.123456789+02:00", "2024-05-01T10:00:00.123456789Z"},
		{timeSettings{}, "2024-05-01T12:00:00", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "2024-05-01T12:00:00+0200", "2024-05-01T10:00:00Z"},
		{timeSettings{}, "2024-05-01T12:00", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "2024-05-01 12:00:00", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "2024-05-01 12:00:00,250", "2024-05-01T12:00:00.25Z"}, // Python logging
		{timeSettings{}, "2024-05-01 12:00:00 +0200", "2024-05-01T10:00:00Z"},
		{timeSettings{}, "2024-05-01 12:00:00.5 +0000 UTC", "2024-05-01T12:00:00.5Z"},
		{timeSettings{}, "2024-05-01 12:00", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "2024-05-01", "2024-05-01T00:00:00Z"},
		{timeSettings{}, "2024/05/01 12:00:00", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "20240501T120000Z", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "Wed, 01 May 2024 12:00:00 +0200", "2024-05-01T10:00:00Z"}, // RFC 1123Z
		{timeSettings{}, "Wed, 01 May 2024 12:00:00 GMT", "2024-05-01T12:00:00Z"},   // RFC 1123, HTTP
		{timeSettings{}, "Wed, 1 May 2024 12:00:00 -0700", "2024-05-01T19:00:00Z"},  // RFC 2822, one-digit day
		{timeSettings{}, "1 May 2024 12:00:00 +0000", "2024-05-01T12:00:00Z"},       // RFC 2822, no weekday
		{timeSettings{}, "Wed, 01 May 2024 12:00 +0000", "2024-05-01T12:00:00Z"},    // no seconds
		{timeSettings{}, "Wed, 01 May 2024 12:00:00 EST", "2024-05-01T17:00:00Z"},   // RFC 2822 zone names
		{timeSettings{}, "Wed, 01 May 2024 12:00:00 PDT", "2024-05-01T19:00:00Z"},
		{timeSettings{}, "Wed, 01 May 2024 12:00:00 UT", "2024-05-01T12:00:00Z"},
		{timeSettings{}, "Mon Nov 11 10:22:58 +0000 2019", "2019-11-11T10:22:58Z"}, // Twitter
		{timeSettings{}, "Mon Nov 11 10:22:58 +0100 2019", "2019-11-11T09:22:58Z"},
		{timeSettings{}, "Mon Nov  4 10:22:58 2019", "2019-11-04T10:22:58Z"},     // asctime
		{timeSettings{}, "Mon Nov  4 10:22:58 UTC 2019", "2019-11-04T10:22:58Z"}, // date(1)
		{timeSettings{}, "Mon Nov  4 10:22:58 EST 2019", "2019-11-04T15:22:58Z"},
		{timeSettings{}, "Monday, 04-Nov-19 10:22:58 GMT", "2019-11-04T10:22:58Z"}, // RFC 850
		{timeSettings{}, "Mar 5, 2021, 10:00:00 AM", "2021-03-05T10:00:00Z"},
		{berlin, "2019-08-04T12:58:16", "2019-08-04T10:58:16Z"},  // Telegram's local time, summer
		{berlin, "2019-01-04 12:58:16", "2019-01-04T11:58:16Z"},  // winter
		{berlin, "2019-08-04T12:58:16Z", "2019-08-04T12:58:16Z"}, // a zone in the text wins
		{berlin, "1564919896", "2019-08-04T11:58:16Z"},           // numbers are instants
		{timeSettings{Zone: "+05:30"}, "2019-08-04 12:00:00", "2019-08-04T06:30:00Z"},
		{timeSettings{Format: "02/01/2006 15:04"}, "31/12/2023 23:00", "2023-12-31T23:00:00Z"},
		{timeSettings{Format: "%d/%m/%Y %H:%M", Zone: "Europe/Berlin"}, "31/12/2023 23:00", "2023-12-31T22:00:00Z"},
		{timeSettings{Format: "%Y-%m-%d %H:%M:%S.%f"}, "2023-12-31 23:00:00.250000", "2023-12-31T23:00:00.25Z"},
		{timeSettings{Format: "20060102"}, "20231231", "2023-12-31T00:00:00Z"},
		{timeSettings{Format: "20060102"}, "20231231", "2023-12-31T00:00:00Z"},
		{timeSettings{Format: "twitter"}, "Mon Nov 11 10:22:58 +0000 2019", "2019-11-11T10:22:58Z"},
		{timeSettings{Format: "rfc2822"}, "Wed,  1 May 2024 12:00:00 +0000", "2024-05-01T12:00:00Z"},
	} {
		v := strconv.Quote(c.v)
		if got := readTime(t, c.ts, v).Format(time.RFC3339Nano); got != c.want {
			t.Errorf("%+v %s: got %s, want %s", c.ts, v, got, c.want)
		}
	}
	// A number read with a layout of digits only.
	if got := readTime(t, timeSettings{Format: "20060102"}, "20231231").Format(time.DateOnly); got != "2023-12-31" {
		t.Errorf("number with a digits layout: %s", got)
	}
}

func TestTimeUnreadable(t *testing.T) {
	for _, c := range []struct {
		ts   timeSettings
		v    string
		want string
	}{
		{timeSettings{}, `"12/31/2023 23:00"`, `not a time in any known format (set time_format)`},
		{timeSettings{}, `"Wed, 01 May 2024 12:00:00 CEST"`, `not a time in any known format`}, // never a silent UTC
		{timeSettings{Format: "02/01/2006"}, `"2023-12-31"`, `not a time in the format "02/01/2006"`},
		{timeSettings{}, `true`, `not a time: neither text nor a number`},
		{timeSettings{}, `1e300`, `out of range`},
		{timeSettings{}, `"99999999999999999999999"`, `out of range`},
		{timeSettings{Unit: "s"}, `1e12`, `out of range (years 1678 to 2261)`},
	} {
		r := newTimeReader(c.ts)
		_, ok, err := r.read([]byte(c.v))
		if ok || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v %s: ok %v, error %v; want one containing %q", c.ts, c.v, ok, err, c.want)
		}
	}
	for _, v := range []string{``, `null`, `""`, `"  "`} {
		if _, ok, err := newTimeReader(timeSettings{}).read([]byte(v)); ok || err != nil {
			t.Errorf("%q: ok %v, %v; want no time and no error", v, ok, err)
		}
	}
}

func TestTimeSettingsErrors(t *testing.T) {
	for _, c := range []struct {
		ts   timeSettings
		want string
	}{
		{timeSettings{Unit: "minutes"}, `time_unit = "minutes": use s, ms, us, 100ns or ns`},
		{timeSettings{Epoch: "1900"}, `time_epoch = "1900": use unix (1970), 1601 (Windows, Chromium) or 2001 (Apple)`},
		{timeSettings{Zone: "Mars/Olympus"}, `time_zone = "Mars/Olympus"`},
		{timeSettings{Zone: "Local"}, `name the zone`},
		{timeSettings{Format: "%Q"}, `time_format = "%Q": unknown strftime directive %Q`},
		{timeSettings{Format: "dd/mm/yyyy"}, `time_format = "dd/mm/yyyy": not a layout`},
		{timeSettings{Format: "15:04"}, `the layout has no year`},
	} {
		_, err := compileTime(c.ts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.ts, err, c.want)
		}
	}
	if err := (Spec{Kinds: map[string]KindSpec{"m": {TimeUnit: "h"}}}).Validate(); err == nil || !strings.HasPrefix(err.Error(), `kinds.m.time_unit = "h"`) {
		t.Errorf("a kind's setting: %v", err)
	}
	if err := (Spec{TimeZone: "Nowhere"}).Validate(); err == nil || !strings.HasPrefix(err.Error(), `time_zone = "Nowhere"`) {
		t.Errorf("the source's setting: %v", err)
	}
}

// FuzzTime: reading any value never panics, and a number reads exactly
// as its decimal value (checked with math/big).
func FuzzTime(f *testing.F) {
	for _, s := range []string{`1593250194663271`, `"1593250194663271"`, `-0.5`, `1e300`, `"Mon Nov 11 10:22:58 +0000 2019"`, `1.5e-3`, `"2024-05-01 12:00:00,250"`, `0.0000000001`, `"-"`} {
		f.Add(s, "")
		f.Add(s, "us")
	}
	f.Fuzz(func(t *testing.T, v, unit string) {
		r, err := compileTime(timeSettings{Unit: unit, Epoch: "1601"})
		if err != nil {
			return
		}
		got, ok, err := r.read([]byte(v))
		if !ok || err != nil {
			return
		}
		if got.Year() < 1678 || got.Year() > 2261 {
			t.Fatalf("%s: %s is out of range but was read", v, got)
		}
		s := strings.Trim(strings.TrimSpace(v), `"`)
		rat, isNum := new(big.Rat).SetString(strings.TrimSpace(s))
		if !isNum || !isNumeric(strings.TrimSpace(s)) {
			return
		}
		exp := r.exp
		if r.guess {
			d, _ := parseDecimal(strings.TrimSpace(s))
			exp = guessUnit(d)
		}
		scale := new(big.Rat).SetFrac(big.NewInt(1e9), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-exp)), nil))
		ns := new(big.Rat).Mul(rat, scale) // nanoseconds since the epoch
		floor := new(big.Int).Div(ns.Num(), ns.Denom())
		want := new(big.Int).Add(floor, new(big.Int).Mul(big.NewInt(-11644473600), big.NewInt(1e9)))
		if have := big.NewInt(got.UnixNano()); have.Cmp(want) != 0 {
			t.Fatalf("%s (unit %q): read %s ns, want %s", v, unit, have, want)
		}
	})
}
