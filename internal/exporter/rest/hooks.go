package rest

import (
	"net/http"

	"github.com/hoard-dev/hoard/clock"
)

// Hooks replace the real clock, the jitter source and the transport of an
// Exporter. Built-in sources that build a rest configuration in Go use
// them in their tests (a fake clock makes retries and rate-limit waits
// instant); the zero value means the real things.
type Hooks struct {
	Clock     clock.Clock       // nil: clock.System
	Rand      func() float64    // nil: math/rand
	Transport http.RoundTripper // nil: a clone of http.DefaultTransport
}

// NewExporter validates p, as New does for a configured source, and
// returns its exporter with hooks h. A built-in source calls it with the
// parameters it derives from its own few keys.
func NewExporter(p *Params, h Hooks) (*Exporter, error) {
	e, err := newExporter(p)
	if err != nil {
		return nil, err
	}
	e.clock, e.rand, e.transport = h.Clock, h.Rand, h.Transport
	return e, nil
}
