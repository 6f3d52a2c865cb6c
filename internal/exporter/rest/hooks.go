package rest

import (
	"net/http"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/httpx"
)

// Hooks are what a built-in source that builds its rest configuration in
// Go (source/github, source/bluesky, ...) may add to it beyond what a
// config file can say. The zero value adds nothing.
type Hooks struct {
	// Auth, when set, replaces [auth]: it builds one run's credentials
	// from the secrets (a session login, a password grant). Its errors
	// should say which secrets key is missing or wrong; wrap those that
	// retrying cannot fix with export.Permanent.
	Auth func(env *export.Env) (httpx.Auth, error)
	// AuthExpired recognises responses other than 401 that mean the
	// credentials expired; see httpx.Options.AuthExpired.
	AuthExpired func(*httpx.Response) bool

	// Test hooks; nil means the real thing.
	Clock     clock.Clock
	Rand      func() float64
	Transport http.RoundTripper
}

// NewWithHooks validates p, as New does, and returns an exporter that
// applies h.
func NewWithHooks(p *Params, h Hooks) (*Exporter, error) {
	e, err := newExporter(p)
	if err != nil {
		return nil, err
	}
	e.authHook, e.authExpired = h.Auth, h.AuthExpired
	e.clock, e.rand, e.transport = h.Clock, h.Rand, h.Transport
	return e, nil
}
