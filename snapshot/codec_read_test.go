package snapshot

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdStreamOf compresses b as one streamed frame (an 8 MB window, no
// content size), as other tools write, unlike hoard's 1 MiB frames.
func zstdStreamOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := zstd.NewWriter(&out)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func payload(seed, n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, `{"id": "%d-%d", "text": "item %d of stream %d"},`+"\n", seed, i, i, seed)
	}
	return b.Bytes()
}

// Decoders are reused between streams: each stream must still decode to
// its own bytes, whether read from a file (buffered here), from memory, or
// after a previous stream failed half way.
func TestZstdReadReuse(t *testing.T) {
	dir := t.TempDir()
	var want [][]byte
	var files []string
	for i := range 6 {
		p := payload(i, 300_000+i*70_000) // several blocks each
		want = append(want, p)
		path := filepath.Join(dir, fmt.Sprintf("%d.json.zst", i))
		if err := os.WriteFile(path, zstdStreamOf(t, p), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	bad := zstdStreamOf(t, payload(99, 400_000))
	bad = bad[:len(bad)/2] // truncated
	for round := range 3 {
		for i, path := range files {
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("round %d, %s: %v", round, path, err)
			}
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("round %d, %s: %d bytes, want %d", round, path, len(got), len(want[i]))
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			// A failing stream in between must not leave state behind.
			d, err := NewDecompressor(bytes.NewReader(bad), Zstd)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(d); err == nil {
				t.Fatal("truncated stream read without error")
			}
			d.Close()
		}
	}
}

// Closing twice returns the decoder to the pool once: two later streams
// never share a decoder. Reading after Close fails.
func TestZstdCloseTwice(t *testing.T) {
	a, b := payload(1, 200_000), payload(2, 200_000)
	za, zb := zstdStreamOf(t, a), zstdStreamOf(t, b)
	r, err := NewDecompressor(bytes.NewReader(za), Zstd)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(r)
	r.Close()
	r.Close()
	if _, err := r.Read(make([]byte, 10)); err == nil {
		t.Error("read after close succeeded")
	}
	r1, _ := NewDecompressor(bytes.NewReader(za), Zstd)
	r2, _ := NewDecompressor(bytes.NewReader(zb), Zstd)
	defer r1.Close()
	defer r2.Close()
	// Interleave the two streams.
	var g1, g2 bytes.Buffer
	buf := make([]byte, 10_000)
	for done1, done2 := false, false; !done1 || !done2; {
		if !done1 {
			n, err := r1.Read(buf)
			g1.Write(buf[:n])
			done1 = err == io.EOF
		}
		if !done2 {
			n, err := r2.Read(buf)
			g2.Write(buf[:n])
			done2 = err == io.EOF
		}
	}
	if !bytes.Equal(g1.Bytes(), a) || !bytes.Equal(g2.Bytes(), b) {
		t.Error("interleaved streams got mixed up")
	}
}

// Many goroutines decoding at once (as dal's merge does) each get their own
// bytes. Run with -race.
func TestZstdReadConcurrent(t *testing.T) {
	var want [][]byte
	var comp [][]byte
	for i := range 8 {
		p := payload(i, 150_000)
		want = append(want, p)
		comp = append(comp, zstdStreamOf(t, p))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 16 {
				i := (g + k) % len(comp)
				// strings.Reader is an io.ByteReader: not wrapped again.
				r, err := NewDecompressor(strings.NewReader(string(comp[i])), Zstd)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := io.ReadAll(r)
				r.Close()
				if err != nil || !bytes.Equal(got, want[i]) {
					t.Errorf("stream %d: %d bytes, %v", i, len(got), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
