package localtime

import (
	"testing"
	"time"
)

func TestWall(t *testing.T) {
	if got := Wall(time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC)); got != "2024-01-02T03:04:05" {
		t.Errorf("%s", got)
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
