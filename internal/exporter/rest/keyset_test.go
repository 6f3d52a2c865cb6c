package rest

import "testing"

func TestKeySet(t *testing.T) {
	var s keySet
	for i := uint64(0); i < 10000; i++ {
		if !s.add(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("%d reported as seen on first add", i)
		}
	}
	for i := uint64(0); i < 10000; i++ {
		if s.add(i * 0x9E3779B97F4A7C15) {
			t.Fatalf("%d reported as new on second add", i)
		}
	}
	if s.n != 9999 || !s.zero || len(s.slots) < 2*s.n {
		t.Fatalf("n=%d zero=%v slots=%d", s.n, s.zero, len(s.slots))
	}
}
