package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// Digest reads a snapshot's whole uncompressed content and returns its
// SHA-256 (hex) and size: what a Result records when it is written. A
// compressed file is decoded to its end, so that its own checks (zstd's
// and xz's checksums, gzip's and bzip2's CRC) are verified too; an error
// names the file.
func Digest(path string) (sha string, n int64, err error) {
	r, err := Open(path)
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := sha256.New()
	n, err = io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
