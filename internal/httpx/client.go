// Package httpx is the one HTTP client every hoard exporter uses.
//
// A Client wraps a net/http transport with the cross-cutting behaviour that
// no exporter should reimplement: a timeout per attempt (covering the body),
// retries with exponential backoff and jitter on network errors, 408, 429
// and 5xx, Retry-After and rate-limit headers (with a ceiling on how long it
// is willing to wait), optional client-side pacing, conditional requests,
// authentication (including OAuth2 refresh with rotated refresh tokens
// saved back), a hoard User-Agent and redaction of secrets in every log
// line and error.
//
// Responses are read whole (up to Options.MaxBodyBytes) inside the attempt,
// so a truncated or stalled body is retried like any other transient
// failure. API pages are small; an exporter that streams large files should
// not use this client.
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/internal/version"
	"github.com/hoard-dev/hoard/secret"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultMaxAttempts  = 5
	DefaultMinBackoff   = time.Second
	DefaultMaxBackoff   = 2 * time.Minute
	DefaultMaxWait      = 15 * time.Minute
	DefaultMaxBodyBytes = 256 << 20
)

// UserAgent is the default User-Agent header.
func UserAgent() string {
	return "hoard/" + version.Version + " (+https://github.com/hoard-dev/hoard)"
}

// Options configure a Client. The zero value of each field means its
// default.
type Options struct {
	Transport    http.RoundTripper // default: a clone of http.DefaultTransport
	Timeout      time.Duration     // one attempt, headers and body; default 60s
	MaxAttempts  int               // attempts per request, >= 1; default 5
	MinBackoff   time.Duration     // wait before the first retry; default 1s
	MaxBackoff   time.Duration     // cap of the exponential backoff; default 2m
	MaxWait      time.Duration     // longest server-requested wait accepted; default 15m
	MaxBodyBytes int64             // larger responses are an error; default 256 MiB
	RateLimit    RateLimit         // rate-limit response headers
	// RequestsPerSecond > 0 paces requests client-side (token bucket of
	// size Burst, default 1).
	RequestsPerSecond float64
	Burst             int
	Auth              Auth             // nil: no authentication
	Header            http.Header      // added to every request (e.g. Accept)
	UserAgent         string           // default UserAgent()
	ETags             *ETags           // non-nil: conditional GETs
	Redactor          *secret.Redactor // masks secrets in logs and errors
	Log               *slog.Logger     // default: discard
	Clock             clock.Clock      // default: clock.System
	Rand              func() float64   // jitter source in [0,1); default math/rand/v2
	Retryable         func(int) bool   // extra statuses to retry; nil: none
	CheckRedirect     func(*http.Request, []*http.Request) error
	AttemptHook       func(attempt int) // test hook, called before each attempt
	// AuthOrigins are the origins ("https://api.example.com", scheme,
	// host and port) that receive Auth's credentials. Empty: the origin
	// of each request given to Do. A request to any other origin (a
	// redirect to another host or port, a next-page link elsewhere) is
	// sent without them.
	AuthOrigins []string

	// AuthExpired reports final responses other than 401 that mean the
	// credentials expired (Bluesky answers 400 {"error":"ExpiredToken"}):
	// they are handled like a 401, one refresh of a Refresher and a
	// retry. nil: only 401.
	AuthExpired func(*Response) bool
}

// Client sends requests with retries, waits and auth. It is safe for
// concurrent use; rate-limit pauses apply to all goroutines sharing it.
type Client struct {
	o       Options
	hc      *http.Client
	limiter *rate.Limiter
	mu      sync.Mutex
	pause   time.Time // no request before this (rate-limit headers said so)
	origins []string  // Options.AuthOrigins, normalised by Origin
}

// New returns a Client with opts, defaults filled in.
func New(opts Options) *Client {
	o := withDefaults(opts)
	if a, ok := o.Auth.(redactable); ok {
		a.redact(o.Redactor)
	}
	c := &Client{o: o}
	for _, s := range o.AuthOrigins {
		if u, err := url.Parse(s); err == nil {
			c.origins = append(c.origins, Origin(u))
		}
	}
	c.hc = &http.Client{Transport: authTransport{c}, CheckRedirect: o.CheckRedirect}
	if o.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(o.RequestsPerSecond), o.Burst)
	}
	return c
}

func withDefaults(o Options) Options {
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	setDefault(&o.Timeout, DefaultTimeout)
	setDefault(&o.MinBackoff, DefaultMinBackoff)
	setDefault(&o.MaxBackoff, DefaultMaxBackoff)
	setDefault(&o.MaxWait, DefaultMaxWait)
	if o.MaxAttempts < 1 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Burst < 1 {
		o.Burst = 1
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent()
	}
	if o.Redactor == nil {
		o.Redactor = &secret.Redactor{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.System
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	o.RateLimit = o.RateLimit.withDefaults()
	return o
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Response is a response read whole.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	URL      *url.URL // the final URL, after redirects
	Attempts int      // attempts it took
}

// Check inspects a 2xx response before Do accepts it. Returning an error
// wrapped with Retry makes Do retry (e.g. invalid JSON, a 200 carrying an
// error body); any other error is returned as is.
type Check func(*Response) error

// Do sends req (retrying as configured) and returns the response once it
// is final: 2xx accepted by check, 304, or a status that retrying cannot
// change (e.g. 404). It is the caller's job to treat non-2xx statuses;
// StatusError builds a redacted error for them. Do returns an error when
// the request could not be completed: the context ended, retries ran out
// (*RetryError), a server-requested wait exceeds MaxWait (*WaitError), or
// auth failed. Errors are redacted. req's body, if any, must be
// replayable (req.GetBody set, as http.NewRequest does for common
// readers).
func (c *Client) Do(req *http.Request, check Check) (*Response, error) {
	resp, err := c.do(req, check)
	if err != nil {
		return nil, c.o.Redactor.Error(err)
	}
	return resp, nil
}

func (c *Client) do(req *http.Request, check Check) (*Response, error) {
	ctx := req.Context()
	refreshed := false
	for attempt := 1; ; attempt++ {
		if err := c.beforeSend(ctx, req); err != nil {
			return nil, err
		}
		if c.o.AttemptHook != nil {
			c.o.AttemptHook(attempt)
		}
		resp, err := c.once(req)
		if resp != nil {
			resp.Attempts = attempt
			c.noteRateLimit(resp)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", req.Method, c.RedactURL(req.URL), ctx.Err())
		}
		v := c.judge(req, resp, err, check, &refreshed)
		if v.final {
			return resp, v.err
		}
		if attempt >= c.o.MaxAttempts {
			return nil, &RetryError{Method: req.Method, URL: c.RedactURL(req.URL), Attempts: attempt, Last: v.reason}
		}
		if err := c.wait(ctx, req, v, attempt); err != nil {
			return nil, err
		}
	}
}

// verdict is what judge decided about one attempt.
type verdict struct {
	final  bool          // return (resp, err) now
	err    error         // the error to return when final
	reason string        // why a retry is needed (for logs and RetryError)
	server time.Duration // wait the server asked for; 0 = use backoff
	now    bool          // retry immediately (after an auth refresh)
}

func (c *Client) judge(req *http.Request, resp *Response, err error, check Check, refreshed *bool) verdict {
	if err != nil {
		var final *finalError
		if errors.As(err, &final) {
			return verdict{final: true, err: final.err}
		}
		// the message starts with "GET <url>: ", which RetryError and the
		// retry log line already say
		return verdict{reason: strings.TrimPrefix(err.Error(), req.Method+" "+c.RedactURL(req.URL)+": ")}
	}
	st := resp.Status
	switch {
	case st == http.StatusUnauthorized || c.o.AuthExpired != nil && st >= 400 && st < 500 && c.o.AuthExpired(resp):
		return c.judgeUnauthorized(req, refreshed)
	case c.rateLimited(resp):
		return verdict{reason: statusReason(resp), server: c.serverWait(resp)}
	case st == http.StatusRequestTimeout || st >= 500 && st != http.StatusNotImplemented ||
		c.o.Retryable != nil && c.o.Retryable(st):
		return verdict{reason: statusReason(resp), server: retryAfter(resp.Header, c.o.Clock.Now())}
	case st >= 200 && st < 300:
		return c.judgeBody(req, resp, check)
	}
	return verdict{final: true}
}

func (c *Client) judgeUnauthorized(req *http.Request, refreshed *bool) verdict {
	r, ok := c.o.Auth.(Refresher)
	if !ok || *refreshed {
		return verdict{final: true}
	}
	*refreshed = true
	c.o.Log.Info("http: 401, refreshing credentials", "url", c.RedactURL(req.URL))
	if err := r.Refresh(req.Context()); err != nil {
		return verdict{final: true, err: err}
	}
	return verdict{reason: "401 Unauthorized (credentials refreshed)", now: true}
}

func (c *Client) judgeBody(req *http.Request, resp *Response, check Check) verdict {
	if check == nil {
		c.recordETag(req, resp)
		return verdict{final: true}
	}
	err := check(resp)
	if err == nil {
		c.recordETag(req, resp)
		return verdict{final: true}
	}
	if IsRetry(err) {
		return verdict{reason: err.Error()}
	}
	return verdict{final: true, err: fmt.Errorf("%s %s: %w", req.Method, c.RedactURL(req.URL), err)}
}

func statusReason(resp *Response) string {
	return strconv.Itoa(resp.Status) + " " + http.StatusText(resp.Status)
}

// wait sleeps before the next attempt: the server's wait plus jitter (never
// less than asked), else exponential backoff with jitter.
func (c *Client) wait(ctx context.Context, req *http.Request, v verdict, attempt int) error {
	if v.now {
		return nil
	}
	d := c.backoff(attempt)
	if v.server > 0 {
		d = v.server + time.Duration(c.o.Rand()*float64(c.o.MinBackoff))
		if v.server > c.o.MaxWait {
			return &WaitError{Method: req.Method, URL: c.RedactURL(req.URL), Wait: v.server, Max: c.o.MaxWait, Reason: v.reason}
		}
	}
	c.o.Log.Warn("http: retrying", "url", c.RedactURL(req.URL), "attempt", attempt, "reason", c.o.Redactor.String(v.reason), "wait", d)
	return c.o.Clock.Sleep(ctx, d)
}

// backoff is MinBackoff*2^(attempt-1), capped at MaxBackoff, with "equal
// jitter": half of it fixed, half random.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.o.MinBackoff
	for i := 1; i < attempt && d < c.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.o.MaxBackoff)
	return d/2 + time.Duration(c.o.Rand()*float64(d/2))
}

// once sends one attempt and reads the whole body under the attempt's
// timeout.
func (c *Client) once(req *http.Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), c.o.Timeout)
	defer cancel()
	r, err := c.prepare(ctx, req)
	if err != nil {
		return nil, &finalError{err}
	}
	start := c.o.Clock.Now()
	hr, err := c.hc.Do(r)
	if err != nil {
		return nil, c.sendError(ctx, req, err)
	}
	defer hr.Body.Close()
	if hr.ContentLength > c.o.MaxBodyBytes {
		// refused unread: reading it only to refuse it costs the limit's
		// worth of memory (and more, as the buffer grows)
		return nil, &finalError{fmt.Errorf("%s %s: %d %s: response larger than %d bytes (Content-Length: %d)", req.Method, c.RedactURL(req.URL),
			hr.StatusCode, http.StatusText(hr.StatusCode), c.o.MaxBodyBytes, hr.ContentLength)}
	}
	body, err := c.readBody(hr)
	if c.o.Log.Enabled(ctx, slog.LevelDebug) {
		c.o.Log.Debug("http", "method", req.Method, "url", c.RedactURL(req.URL), "status", hr.StatusCode,
			"bytes", len(body), "elapsed", c.o.Clock.Now().Sub(start))
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %d %s, reading body after %d bytes: %w", req.Method, c.RedactURL(req.URL),
			hr.StatusCode, http.StatusText(hr.StatusCode), len(body), c.timeoutErr(ctx, err))
	}
	if int64(len(body)) > c.o.MaxBodyBytes {
		return nil, &finalError{fmt.Errorf("%s %s: response larger than %d bytes", req.Method, c.RedactURL(req.URL), c.o.MaxBodyBytes)}
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: body, URL: hr.Request.URL}, nil
}

// readBody reads the whole body, at most MaxBodyBytes+1 bytes, into a
// buffer sized from Content-Length when the server sent one.
func (c *Client) readBody(hr *http.Response) ([]byte, error) {
	limit := c.o.MaxBodyBytes + 1
	if n := hr.ContentLength; n >= 0 && n < limit {
		buf := make([]byte, n, n+1)
		if _, err := io.ReadFull(hr.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(hr.Body, limit))
}

// finalError is an attempt failure that retrying cannot fix (auth, a body
// over the limit).
type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// prepare clones req for one attempt: fresh body, headers, auth.
func (c *Client) prepare(ctx context.Context, req *http.Request) (*http.Request, error) {
	r := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	for k, vs := range c.o.Header {
		if r.Header.Get(k) == "" {
			r.Header[k] = vs
		}
	}
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", c.o.UserAgent)
	}
	c.applyETag(r)
	// Credentials are added per hop by authTransport, so that a redirect
	// never carries them to another origin.
	return r.WithContext(context.WithValue(ctx, requestOrigin{}, Origin(req.URL))), nil
}

// requestOrigin is the context key of the origin of the request given to
// Do (redirects keep the first request's context).
type requestOrigin struct{}

// Origin returns u's origin as scheme://host:port, the port explicit and
// the host in lower case, so that equal origins compare equal.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// credentialed reports whether a request to u may carry the credentials.
func (c *Client) credentialed(ctx context.Context, u *url.URL) bool {
	o := Origin(u)
	if len(c.origins) == 0 {
		first, _ := ctx.Value(requestOrigin{}).(string)
		return o == first
	}
	return slices.Contains(c.origins, o)
}

// authTransport adds the credentials to each request it sends, the first
// one and every redirect, when its origin may receive them.
type authTransport struct{ c *Client }

func (t authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	if c.o.Auth == nil || !c.credentialed(req.Context(), req.URL) {
		if c.o.Auth != nil {
			c.o.Log.Info("http: no credentials sent to another origin", "url", c.RedactURL(req.URL))
		}
		return c.o.Transport.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	if err := c.o.Auth.Apply(r); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &finalError{err}
	}
	resp, err := c.o.Transport.RoundTrip(r)
	if resp != nil {
		resp.Request = req // the URL without a query credential
	}
	return resp, err
}

// sendError turns a transport error into a redacted message without the
// URL that *url.Error embeds (it may hold a token).
func (c *Client) sendError(ctx context.Context, req *http.Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %w", req.Method, c.RedactURL(req.URL), c.timeoutErr(ctx, err))
}

// timeoutErr names the attempt timeout when it, not the caller, ended ctx.
func (c *Client) timeoutErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete response within the %s timeout: %w", c.o.Timeout, err)
	}
	return err
}

// RoundTrip makes a Client usable as an http.RoundTripper for third-party
// API libraries: the response body is the buffered body. Non-2xx final
// statuses are returned as responses, as net/http does.
func (c *Client) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req, nil)
	if err != nil {
		return nil, err
	}
	return &http.Response{
		Status:        strconv.Itoa(resp.Status) + " " + http.StatusText(resp.Status),
		StatusCode:    resp.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        resp.Header,
		Body:          io.NopCloser(bytes.NewReader(resp.Body)),
		ContentLength: int64(len(resp.Body)),
		Request:       req,
	}, nil
}

// StatusError returns a redacted error for a final non-2xx response,
// quoting the start of its body (servers explain themselves there).
func (c *Client) StatusError(req *http.Request, resp *Response) error {
	e := &StatusError{
		Method: req.Method,
		URL:    c.RedactURL(req.URL),
		Status: resp.Status,
		Body:   string(bytes.TrimSpace(c.o.Redactor.Prefix(resp.Body, 300))),
	}
	if u := resp.URL; c.o.Auth != nil && u != nil && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden) &&
		!c.credentialed(context.WithValue(req.Context(), requestOrigin{}, Origin(req.URL)), u) {
		e.Note = fmt.Sprintf("no credentials were sent to %s: they go only to the configured origins", Origin(u))
	}
	return e
}

// Redactor returns the client's redactor.
func (c *Client) Redactor() *secret.Redactor { return c.o.Redactor }
