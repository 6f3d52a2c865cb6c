package googletakeout

import (
	"testing"
	"time"
)

// FuzzHTMLTime: any text either is no time or a time that, written back
// in the form it was read from, reads as the same instant.
func FuzzHTMLTime(f *testing.F) {
	for _, s := range []string{"Jan 5, 2021, 8:00:00 AM PDT", "05.01.2021, 10:00:00 MEZ", "5 de jan. de 2021 10:00:00 BRT", "2021年1月5日 10:00:00 JST", "Mar 8, 2018, 5:14:40 PM GMT+05:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseHTMLTime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q: %v is not in UTC", s, got)
		}
		again, err := parseHTMLTime(got.Format("Jan 2, 2006, 3:04:05 PM") + " UTC")
		if err != nil || !again.Equal(got.Truncate(time.Second)) {
			t.Fatalf("%q: %v, written back and read: %v %v", s, got, again, err)
		}
	})
}
