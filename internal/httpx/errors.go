package httpx

import (
	"errors"
	"fmt"
	"time"
)

// RetryError is returned when every attempt failed transiently.
type RetryError struct {
	Method, URL string // URL redacted
	Attempts    int
	Last        string // the last attempt's failure
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%s %s: giving up after %d attempts; last failure: %s", e.Method, e.URL, e.Attempts, e.Last)
}

// WaitError is returned when the server asks for a longer wait than the
// configured maximum: the run stops cleanly instead of sleeping for hours.
type WaitError struct {
	Method, URL string // URL redacted
	Wait, Max   time.Duration
	Reason      string
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("%s %s: %s: the server asks to wait %s, more than max_wait (%s); stopping, run again later",
		e.Method, e.URL, e.Reason, e.Wait.Round(time.Second), e.Max)
}

// StatusError is a final response with an unexpected status.
type StatusError struct {
	Method, URL string // URL redacted
	Status      int
	Body        string // start of the body, redacted
	Note        string // why it may have happened, if hoard can tell
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: unexpected status %d", e.Method, e.URL, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	if e.Note != "" {
		msg += " (" + e.Note + ")"
	}
	return msg
}

// Permanent reports whether retrying the same request later cannot help:
// 4xx statuses other than 408 and 429.
func (e *StatusError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != 408 && e.Status != 429
}

type retryError struct{ err error }

func (e retryError) Error() string { return e.err.Error() }
func (e retryError) Unwrap() error { return e.err }

// Retry marks an error returned by a Check as transient: Do retries.
func Retry(err error) error {
	if err == nil {
		return nil
	}
	return retryError{err}
}

// IsRetry reports whether err was marked with Retry.
func IsRetry(err error) bool {
	var r retryError
	return errors.As(err, &r)
}
