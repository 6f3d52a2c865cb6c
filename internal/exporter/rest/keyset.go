package rest

// keySet is a set of 64-bit key hashes with open addressing and linear
// probing, kept at most half full: 16 to 32 bytes per key, a fraction of a
// Go map's overhead, since an endpoint may see millions of keys in a run.
// The zero value is an empty set. Not safe for concurrent use.
type keySet struct {
	slots []uint64 // 0 marks an empty slot
	n     int      // non-zero hashes stored
	zero  bool     // whether the hash 0 is in the set
}

// add inserts h and reports whether it was new.
func (s *keySet) add(h uint64) bool {
	if h == 0 {
		added := !s.zero
		s.zero = true
		return added
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}

func (s *keySet) grow() {
	old := s.slots
	s.slots, s.n = make([]uint64, max(64, 2*len(old))), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}
