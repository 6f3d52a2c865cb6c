package config

import (
	"errors"
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/internal/duration"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/schedule"
)

// Schedule holds the keys that tell the daemon when to run a source and
// whom to tell about it. See docs/automation.md.
//
//	schedule = "0 */6 * * *"          # or "@daily" (the default), "every 6h"
//	jitter = "2m"                     # default: a tenth of the interval, at most 10m
//	when_present = "/media/KOBOeReader"
//	notify = ["notify-send", "hoard"] # overrides the top-level notify
type Schedule struct {
	When        string             `toml:"schedule"`
	JitterMax   *duration.Duration `toml:"jitter"`
	WhenPresent string             `toml:"when_present"` // absolute after loading; "" if unset
	Notify      []string           `toml:"notify"`       // program and arguments; nil: the top-level one

	// Timing is the parsed schedule. Its Spec is zero for a when_present
	// source without a schedule: it runs only when the path appears.
	Timing schedule.Timing `toml:"-"`
}

// resolve validates the keys and fills Timing. name is the source's name,
// from which its jitter is derived.
func (s *Schedule) resolve(name, dir string) error {
	text := s.When
	if text == "" && s.WhenPresent == "" {
		text = schedule.Default
	}
	if text != "" {
		spec, err := schedule.Parse(text)
		if err != nil {
			return err // names the key: schedule "...": ...
		}
		bound := schedule.DefaultJitter(spec)
		if s.JitterMax != nil {
			if s.JitterMax.D < 0 {
				return errors.New(`jitter must not be negative (e.g. jitter = "5m", or "0s" for none)`)
			}
			bound = s.JitterMax.D
		}
		s.Timing = schedule.Timing{Spec: spec, Jitter: schedule.Jitter(name, bound), Backoff: schedule.DefaultBackoff}
	} else if s.JitterMax != nil {
		return errors.New(`jitter needs a schedule; a when_present source runs as soon as its path appears`)
	}
	if s.WhenPresent != "" {
		p, err := paths.ExpandFrom(dir, s.WhenPresent)
		if err != nil {
			return fmt.Errorf("when_present: %w", err)
		}
		s.WhenPresent = p
	}
	if s.Notify != nil {
		if err := validateCommand(s.Notify); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	return nil
}

func validateCommand(argv []string) error {
	if len(argv) == 0 || argv[0] == "" {
		return errors.New(`give a program and its arguments, e.g. notify = ["notify-send", "hoard"]`)
	}
	return nil
}

// Daemon is the [daemon] table: settings of `hoard daemon` and `hoard up`.
type Daemon struct {
	Concurrency  int           // sources exported at the same time
	Grace        time.Duration // on SIGTERM, how long running exports may finish
	FailingAfter int           // consecutive failed runs that make a source "failing"
	Backoff      []time.Duration
	Tick         time.Duration // longest sleep between checks of the clock
	Poll         time.Duration // how often when_present paths are checked
	Listen       string        // metrics address, e.g. "127.0.0.1:9780"; "" for none
}

// Defaults of the [daemon] table.
var DaemonDefaults = Daemon{
	Concurrency: 4, Grace: 30 * time.Second, FailingAfter: 3,
	Backoff: schedule.DefaultBackoff, Tick: time.Minute, Poll: 5 * time.Second,
}

// daemonShape is the [daemon] table as written.
type daemonShape struct {
	Concurrency  *int                `toml:"concurrency"`
	Grace        *duration.Duration  `toml:"grace"`
	FailingAfter *int                `toml:"failing_after"`
	Retry        []duration.Duration `toml:"retry"`
	Tick         *duration.Duration  `toml:"tick"`
	Poll         *duration.Duration  `toml:"poll"`
	Listen       string              `toml:"listen"`
}

// resolve validates the table and returns the settings, defaults filled.
func (d daemonShape) resolve() (Daemon, error) {
	out := DaemonDefaults
	out.Listen = d.Listen
	if d.Concurrency != nil {
		if *d.Concurrency < 1 {
			return out, keyError{[]string{"daemon", "concurrency"}, fmt.Errorf("daemon.concurrency = %d: must be at least 1", *d.Concurrency)}
		}
		out.Concurrency = *d.Concurrency
	}
	if d.FailingAfter != nil {
		if *d.FailingAfter < 1 {
			return out, keyError{[]string{"daemon", "failing_after"}, fmt.Errorf("daemon.failing_after = %d: must be at least 1", *d.FailingAfter)}
		}
		out.FailingAfter = *d.FailingAfter
	}
	for _, f := range []struct {
		name string
		in   *duration.Duration
		out  *time.Duration
	}{{"grace", d.Grace, &out.Grace}, {"tick", d.Tick, &out.Tick}, {"poll", d.Poll, &out.Poll}} {
		if f.in == nil {
			continue
		}
		if f.in.D <= 0 {
			return out, keyError{[]string{"daemon", f.name}, fmt.Errorf("daemon.%s must be positive, e.g. %s = \"30s\"", f.name, f.name)}
		}
		*f.out = f.in.D
	}
	if d.Retry != nil {
		out.Backoff = make([]time.Duration, len(d.Retry))
		for i, r := range d.Retry {
			if r.D <= 0 {
				return out, keyError{[]string{"daemon", "retry"}, errors.New(`daemon.retry: waits must be positive, e.g. retry = ["5m", "15m", "45m"] (or [] for no retries)`)}
			}
			out.Backoff[i] = r.D
		}
	}
	return out, nil
}

// applySchedules resolves the top-level notify and [daemon] settings and
// gives every source the daemon's retry ladder.
func (c *Config) applySchedules(shape fileShape) error {
	if shape.Notify != nil {
		if err := validateCommand(shape.Notify); err != nil {
			return keyError{[]string{"notify"}, fmt.Errorf("notify: %w", err)}
		}
	}
	c.Notify = shape.Notify
	d, err := shape.Daemon.resolve()
	if err != nil {
		return err
	}
	c.Daemon = d
	for _, s := range c.Sources {
		if !s.Timing.Spec.IsZero() {
			s.Timing.Backoff = d.Backoff
		}
	}
	return nil
}

// NotifyCommand returns the notify command of a source: its own, else the
// top-level one; nil when there is none.
func (c *Config) NotifyCommand(src *Source) []string {
	if src.Notify != nil {
		return src.Notify
	}
	return c.Notify
}

// keyError is an error about one key, so that Parse can name its line.
type keyError struct {
	key []string
	err error
}

func (e keyError) Error() string { return e.err.Error() }
func (e keyError) Unwrap() error { return e.err }

// scheduleKey returns the key an error of applySchedules is about.
func scheduleKey(err error) []string {
	var ke keyError
	if errors.As(err, &ke) {
		return ke.key
	}
	return nil
}
