package snapshot

import (
	"testing"
	"time"
)

func TestParseName(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		time  time.Time
		seq   int
		ext   string
		codec Codec
	}{
		{"20200102T170015Z.json", at("2020-01-02T17:00:15Z"), 0, "json", None},
		{"20200102T170015Z_002.json.zst", at("2020-01-02T17:00:15Z"), 2, "json", Zstd},
		{"20200102T170015Z.ical.zstd", at("2020-01-02T17:00:15Z"), 0, "ical", Zstd},
		{"20200102170015.json.xz", at("2020-01-02T17:00:15Z"), 0, "json", Xz},
		{"2020-01-02T17:00:15Z.json", at("2020-01-02T17:00:15Z"), 0, "json", None},
		{"2020-01-02T17-00-15Z.json", at("2020-01-02T17:00:15Z"), 0, "json", None},
		{"2020-01-02T18:00:15+01:00.json", at("2020-01-02T17:00:15Z"), 0, "json", None},
		{"20200102.html.gz", at("2020-01-02T00:00:00Z"), 0, "html", Gzip},
		{"browser-20200102170015.sqlite", at("2020-01-02T17:00:15Z"), 0, "sqlite", None},
		{"KoboReader-20200102.sqlite.bz2", at("2020-01-02T00:00:00Z"), 0, "sqlite", Bzip2},
		{"20200102T170015Z", at("2020-01-02T17:00:15Z"), 0, "", None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pn, err := parseName(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if !pn.Time.Equal(tt.time) || pn.Seq != tt.seq || pn.Ext != tt.ext || pn.Codec != tt.codec {
				t.Errorf("got time=%s seq=%d ext=%q codec=%q; want %s %d %q %q", pn.Time, pn.Seq, pn.Ext, pn.Codec, tt.time, tt.seq, tt.ext, tt.codec)
			}
		})
	}
}

func TestParseNameRejects(t *testing.T) {
	for _, name := range []string{"README.txt", "notes.json", "123456789.json", "20201340.json", "99999999.txt", "export.json.zst"} {
		if pn, err := parseName(name); err == nil {
			t.Errorf("%s: parsed as %v, want an error", name, pn.Time)
		}
	}
}

func TestStampNamesSortInTimeOrder(t *testing.T) {
	base := time.Date(2020, 1, 2, 17, 0, 15, 0, time.UTC)
	var names []string
	for i := 0; i < 3; i++ {
		n := StampName(base, "json", Zstd)
		names = append(names, n(0), n(1), n(2))
		base = base.Add(time.Second)
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("%q does not sort before %q", names[i-1], names[i])
		}
	}
}

func TestValidateSourceName(t *testing.T) {
	for _, ok := range []string{"rtm", "firefox-2", "github.stars", "a_b"} {
		if err := ValidateSourceName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "..", ".", "../etc", "a/b", "/abs", "a\x00b", ".hidden", "a..b", "-x"} {
		if err := ValidateSourceName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
