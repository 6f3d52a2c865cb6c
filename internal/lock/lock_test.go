package lock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTryAcquire(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "src.lock")
	l, err := TryAcquire(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryAcquire(path)
	var held *HeldError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &held) || held.PID != os.Getpid() {
		t.Fatalf("second acquire: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := TryAcquire(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

func TestAcquireWaitsAndHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "src.lock")
	l, _ := TryAcquire(path)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path, 5*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Acquire on a held lock: %v", err)
	}
	go func() { time.Sleep(20 * time.Millisecond); l.Release() }()
	l2, err := Acquire(context.Background(), path, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	l2.Release()
}
