package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Sum gives the digest Commit would record, before committing; after it
// the snapshot can still be committed (same digest) or aborted (no file),
// and nothing more can be written. Digest reads the same digest back from
// the file, for every codec.
func TestSumThenCommitOrAbort(t *testing.T) {
	data := strings.Repeat("héllo, snapshot\n", 100_000) // several pipeline blocks
	want := sha256.Sum256([]byte(data))
	for _, c := range []Codec{None, Zstd, Gzip} {
		t.Run(string(c)+"x", func(t *testing.T) {
			dir := t.TempDir()
			s := New(dir)
			at := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
			p, err := s.Create("src", at, "txt", c)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Abort()
			p.Write([]byte(data))
			sum, n, err := p.Sum()
			if err != nil || sum != hex.EncodeToString(want[:]) || n != int64(len(data)) {
				t.Fatalf("Sum = %s %d %v", sum, n, err)
			}
			if _, err := p.Write([]byte("more")); err == nil {
				t.Error("a write after Sum was accepted")
			}
			res, err := p.Commit()
			if err != nil || res.SHA256 != sum || res.Bytes != n {
				t.Fatalf("Commit = %+v %v, want the digest of Sum", res, err)
			}
			got, gn, err := Digest(res.Path)
			if err != nil || got != sum || gn != n {
				t.Errorf("Digest(%s) = %s %d %v", res.Path, got, gn, err)
			}

			q, err := s.Create("src", at, "txt", c)
			if err != nil {
				t.Fatal(err)
			}
			q.Write([]byte(data))
			if _, _, err := q.Sum(); err != nil {
				t.Fatal(err)
			}
			if err := q.Abort(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Join(dir, "src"))
			if len(entries) != 1 {
				t.Errorf("after Sum and Abort the directory holds %d entries, want only the committed one", len(entries))
			}
		})
	}
}

// Digest reports a damaged compressed file by name: a flipped byte
// inside a zstd frame fails its checksum, a cut gzip file its length.
func TestDigestFindsDamage(t *testing.T) {
	for _, c := range []Codec{Zstd, Gzip} {
		t.Run(string(c)+"x", func(t *testing.T) {
			s := New(t.TempDir())
			p, _ := s.Create("src", time.Now(), "txt", c)
			p.Write([]byte(strings.Repeat("some text that compresses. ", 10_000)))
			res, err := p.Commit()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(res.Path)
			b[len(b)/2] ^= 0x55
			if c == Gzip {
				b = b[:len(b)-3]
			}
			os.WriteFile(res.Path, b, 0o600)
			if _, _, err := Digest(res.Path); err == nil || !strings.Contains(err.Error(), res.Path) {
				t.Errorf("Digest of a damaged file: %v, want an error naming it", err)
			}
		})
	}
}

// Files written by the xz and bzip2 tools (as other archivers leave them)
// are decoded whole: their digest is their content's, and a flipped byte
// fails their checksum or CRC.
func TestDigestXzBzip2(t *testing.T) {
	content := []byte(strings.Repeat("an archived line of history, ünïcödé\n", 8000))
	want := sha256.Sum256(content)
	for _, tool := range []struct{ name, ext string }{{"xz", ".xz"}, {"bzip2", ".bz2"}} {
		if _, err := exec.LookPath(tool.name); err != nil {
			t.Logf("skipping %s: the %s tool is not installed (.ci/run installs it)", tool.ext, tool.name)
			continue
		}
		cmd := exec.Command(tool.name, "-c")
		cmd.Stdin = strings.NewReader(string(content))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "20200101T000000Z.txt"+tool.ext)
		os.WriteFile(p, out, 0o600)
		if sum, n, err := Digest(p); err != nil || sum != hex.EncodeToString(want[:]) || n != int64(len(content)) {
			t.Errorf("%s: %s %d %v", tool.ext, sum, n, err)
		}
		out[len(out)/2] ^= 0x10
		os.WriteFile(p, out, 0o600)
		if _, _, err := Digest(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s with a flipped byte: %v, want an error naming the file", tool.ext, err)
		}
	}
}
