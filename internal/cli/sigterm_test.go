package cli_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// writeHugeValueZstd writes a .json.zst snapshot holding one item whose
// string value is gib GiB of 'a', in a few MiB: zstd RLE blocks of 128 KiB
// each, in frames of 1 GiB (concatenated frames are one stream).
func writeHugeValueZstd(t *testing.T, path string, gib int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	block := func(typ byte, size int, last bool, data []byte) {
		h := uint32(size)<<3 | uint32(typ)<<1
		if last {
			h |= 1
		}
		w.Write([]byte{byte(h), byte(h >> 8), byte(h >> 16)})
		w.Write(data)
	}
	const blockSize = 128 << 10
	prefix, suffix := []byte(`[{"id":1,"text":"`), []byte(`"},{"id":2}]`)
	for frame := 0; frame < gib; frame++ {
		// magic; no content size, not single segment; window 128 KiB
		w.Write([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3})
		if frame == 0 {
			block(0, len(prefix), false, prefix)
		}
		for i := 0; i < (1<<30)/blockSize; i++ {
			block(1, blockSize, false, []byte{'a'})
		}
		if frame == gib-1 {
			block(0, len(suffix), true, suffix)
		} else {
			block(0, 0, true, nil)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// SIGTERM during the read of one huge value (here 128 GiB, which would
// take minutes) stops hoard promptly with the interrupted exit status.
// HOARD_TEST_HUGE_GIB sets the size.
func TestItemsSIGTERMDuringHugeValue(t *testing.T) {
	gib := 128
	if s := os.Getenv("HOARD_TEST_HUGE_GIB"); s != "" {
		gib, _ = strconv.Atoi(s)
	}
	e := newEnv(t)
	dir := filepath.Join(e.home, "huge")
	os.MkdirAll(dir, 0o700)
	writeHugeValueZstd(t, filepath.Join(dir, "20240101T000000Z.json.zst"), gib)
	c := e.cmd("items", "--dir", dir, "--key", "id", "--max-item-size", "64MiB")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	time.Sleep(time.Second) // well into the value (not a timing assertion)
	select {
	case err := <-done:
		t.Fatalf("hoard finished a %d GiB value before the signal: %v", gib, err)
	default:
	}
	c.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		if code := c.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) {
			t.Errorf("exit status %d after SIGTERM, want %d", code, 128+int(syscall.SIGTERM))
		}
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		<-done
		t.Fatal("hoard still reading 30s after SIGTERM")
	}
}
