package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled sleep: %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("zero sleep on a cancelled context: %v", err)
	}
}

func TestFake(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewFake(t0)
	c.Sleep(context.Background(), time.Second)
	c.Sleep(context.Background(), 0)
	c.Advance(time.Minute)
	c.Jump(time.Hour)
	if got := c.Now(); !got.Equal(t0.Add(time.Hour + time.Minute + time.Second)) {
		t.Errorf("Now = %v", got)
	}
	if c.Mono() != time.Minute+time.Second || c.Slept() != time.Second || len(c.Sleeps()) != 1 {
		t.Errorf("mono %v slept %v sleeps %v", c.Mono(), c.Slept(), c.Sleeps())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled fake sleep: %v", err)
	}
}
