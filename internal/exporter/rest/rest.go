// Package rest is the declarative exporter for JSON-over-HTTP APIs
// (exporter = "rest" in hoard.toml): endpoints, pagination, dependent
// requests and incremental cursors are configuration, and every request
// goes through the shared httpx client (retries, rate limits, auth,
// redaction).
//
// A run writes one snapshot: JSON lines, one Envelope per response, raw
// bodies kept (see Envelope and docs/rest.md). Items reads them back.
// Incremental bookmarks are only staged (export.State.Stage); the runner
// commits them once the snapshot is durable, so a failed run leaves the
// state exactly as it was.
package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// Kind is the "rest" exporter kind.
var Kind = export.Kind{
	Name:       "rest",
	NewParams:  func() any { return &Params{} },
	New:        New,
	DefaultExt: "jsonl",
}

// Exporter runs one configured rest source. It holds no per-run state, so
// one Exporter may run attempts one after another.
type Exporter struct {
	p         *Params
	endpoints []*endpoint

	// Set by NewWithHooks; nil means none.
	authHook    func(env *export.Env) (httpx.Auth, error)
	authExpired func(*httpx.Response) bool

	// Test hooks; nil means the real thing.
	clock     clock.Clock
	rand      func() float64
	transport http.RoundTripper
}

// New validates a source's rest parameters; every problem is reported,
// naming its key, before any request is sent.
func New(src export.Source) (export.Exporter, error) {
	p, ok := src.Params.(*Params)
	if !ok {
		return nil, fmt.Errorf("rest: parameters of type %T", src.Params)
	}
	return newExporter(p)
}

func newExporter(p *Params) (*Exporter, error) {
	eps, err := compile(p)
	if err != nil {
		return nil, err
	}
	return &Exporter{p: p, endpoints: eps}, nil
}

// Export fetches every endpoint in config order and writes one envelope
// per response to w. Errors that retrying the run cannot fix (bad
// credentials, 4xx, a server-requested wait over max_wait, a pagination
// loop) are marked export.Permanent.
func (e *Exporter) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	r, err := e.newRun(ctx, w, env)
	if err != nil {
		return classify(env, err)
	}
	for _, ep := range e.endpoints {
		if err := r.endpoint(ep); err != nil {
			return classify(env, err)
		}
	}
	if err := r.finish(); err != nil {
		return classify(env, err)
	}
	return nil
}

// classify redacts err and marks it permanent when retrying the whole run
// cannot help.
func classify(env *export.Env, err error) error {
	err = env.Redactor.Error(err)
	var (
		se   *httpx.StatusError
		we   *httpx.WaitError
		perm *permanentError
	)
	switch {
	case errors.As(err, &se) && se.Permanent(), errors.As(err, &we), errors.As(err, &perm):
		return export.Permanent(err)
	}
	return err
}

// permanentError marks config/data errors found during the run (loops,
// a missing items path, missing secrets).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(format string, args ...any) error {
	return &permanentError{fmt.Errorf(format, args...)}
}

func (e *Exporter) newRun(ctx context.Context, w io.Writer, env *export.Env) (*run, error) {
	env.Redactor.AddSecrets(env.Secrets)
	auth, err := e.auth(ctx, env)
	if err != nil {
		return nil, err
	}
	st, err := loadState(env.State)
	if err != nil {
		return nil, err
	}
	etags := httpx.NewETags(st.ETags)
	client := httpx.New(e.httpOptions(env, auth))
	clk := e.clock
	if clk == nil {
		clk = clock.System
	}
	return &run{
		ctx: ctx, ex: e, env: env, client: client, etags: etags, clock: clk,
		w: w, state: st, ids: map[string]*idList{}, marks: newMarks(),
	}, nil
}

// authOrigins are the origins that receive the credentials: base_url's
// and those listed in auth.origins.
func (e *Exporter) authOrigins() []string {
	return append([]string{e.p.BaseURL}, e.p.Auth.Origins...)
}

// auth builds one run's credentials: the hook's, else those of [auth].
func (e *Exporter) auth(ctx context.Context, env *export.Env) (httpx.Auth, error) {
	if e.authHook != nil {
		return e.authHook(env)
	}
	return buildAuth(ctx, e.p.Auth, env, e.clock)
}

func (e *Exporter) httpOptions(env *export.Env, auth httpx.Auth) httpx.Options {
	h := e.p.HTTP
	hdr := http.Header{}
	for k, v := range e.p.Headers {
		hdr.Set(k, expand(v, e.p.Vars, "", false))
	}
	return httpx.Options{
		Transport:         e.transport,
		Timeout:           h.Timeout.D,
		MaxAttempts:       h.MaxAttempts,
		MaxWait:           h.MaxWait.D,
		RequestsPerSecond: h.RequestsPerSecond,
		RateLimit: httpx.RateLimit{
			Remaining: h.RateLimitRemaining, Reset: h.RateLimitReset,
			ResetFormat: h.RateLimitResetFormat, Reserve: h.RateLimitReserve,
			Usage: usageLimits(h.RateLimitUsage),
		},
		Auth:        auth,
		AuthOrigins: e.authOrigins(),
		AuthExpired: e.authExpired,
		Header:      hdr,
		Redactor:    env.Redactor,
		Log:         env.Log,
		Clock:       e.clock,
		Rand:        e.rand,
	}
}

func usageLimits(ps []UsageParams) []httpx.UsageLimit {
	var out []httpx.UsageLimit
	for _, p := range ps {
		u := httpx.UsageLimit{Limit: p.LimitHeader, Usage: p.UsageHeader}
		for _, w := range p.Windows {
			u.Windows = append(u.Windows, w.D)
		}
		out = append(out, u)
	}
	return out
}
