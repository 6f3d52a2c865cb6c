package localtime

import (
	"strings"
	"testing"
	"time"
)

func TestLoadZone(t *testing.T) {
	for name, want := range map[string]string{"": "UTC", "UTC": "UTC", "Europe/Berlin": "Europe/Berlin", "Asia/Tokyo": "Asia/Tokyo"} {
		loc, err := LoadZone(name)
		if err != nil || loc.String() != want {
			t.Errorf("LoadZone(%q) = %v, %v", name, loc, err)
		}
	}
	for name, msg := range map[string]string{
		"Europe/Berln":  `time_zone = "Europe/Berln": unknown time zone`,
		"Local":         `time_zone = "Local": name the zone itself`,
		"../etc/passwd": `unknown time zone`,
	} {
		if _, err := LoadZone(name); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("LoadZone(%q): %v, want %q", name, err, msg)
		}
	}
}

func TestDate(t *testing.T) {
	berlin, _ := LoadZone("Europe/Berlin")
	nyc, _ := LoadZone("America/New_York")
	for _, c := range []struct {
		loc  *time.Location
		wall [6]int
		want string
	}{
		{berlin, [6]int{2024, 1, 1, 10, 0, 0}, "2024-01-01T09:00:00Z"},
		{berlin, [6]int{2024, 7, 1, 10, 0, 0}, "2024-07-01T08:00:00Z"},
		// 2024-10-27 02:30 happens twice in Berlin: the earlier instant.
		{berlin, [6]int{2024, 10, 27, 2, 30, 0}, "2024-10-27T00:30:00Z"},
		// 2024-03-31 02:30 never happens: read with the offset before the jump.
		{berlin, [6]int{2024, 3, 31, 2, 30, 0}, "2024-03-31T01:30:00Z"},
		{nyc, [6]int{2024, 11, 3, 1, 30, 0}, "2024-11-03T05:30:00Z"},
		{nyc, [6]int{2024, 3, 10, 2, 30, 0}, "2024-03-10T07:30:00Z"},
		{time.UTC, [6]int{2013, 11, 1, 21, 5, 10}, "2013-11-01T21:05:10Z"},
	} {
		w := c.wall
		got := RFC3339(Date(c.loc, w[0], time.Month(w[1]), w[2], w[3], w[4], w[5], 0))
		if got != c.want {
			t.Errorf("%v %v: %s, want %s", c.loc, w, got, c.want)
		}
	}
}

func TestUnixMilli(t *testing.T) {
	for ms, want := range map[int64]string{
		1704067200123: "2024-01-01T00:00:00.123Z",
		1704067200000: "2024-01-01T00:00:00Z",
		1598338820203: "2020-08-25T07:00:20.203Z",
		-1:            "1969-12-31T23:59:59.999Z",
	} {
		if got := UnixMilli(ms); got != want {
			t.Errorf("%d: %s, want %s", ms, got, want)
		}
	}
}

func TestMonth(t *testing.T) {
	for word, want := range map[string]time.Month{
		"January": 1, "Januar": 1, "janvier": 1, "enero": 1, "Jan.": 1, "января": 1,
		"März": 3, "mars": 3, "Mai": 5, "mayo": 5, "Juli": 7, "Aug.": 8, "août": 8,
		"Okt": 10, "ottobre": 10, "déc.": 12, "Dezember": 12, "diciembre": 12,
	} {
		if got, ok := Month(word); !ok || got != want {
			t.Errorf("Month(%q) = %v, %v; want %v", word, got, ok, want)
		}
	}
	for _, word := range []string{"", "Montag", "13", "janu"} {
		if m, ok := Month(word); ok {
			t.Errorf("Month(%q) = %v", word, m)
		}
	}
}
