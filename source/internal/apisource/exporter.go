// Package apisource is what the built-in API sources share: an exporter
// kind whose few keys (user, base_url, ...) become a rest engine
// configuration built in Go; decoders built on the rest snapshot format;
// and readers of the JSON other exporters wrote for the same services.
//
// The configuration is built afresh for every run, from the run's time
// and secrets, so a source can ask for "the last 89 days" (Monzo) without
// a long-running daemon keeping a stale date; it is also built once when
// the source is loaded, so that a mistake in its keys is reported before
// anything runs.
package apisource

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

// Build turns a source's parameters into the rest configuration of one
// run, at now, with the run's secrets (nil when the source is loaded).
// Its errors name the source's own keys.
type Build func(now time.Time, secrets secret.Secrets) (*rest.Params, error)

// Kind returns the exporter kind of a built-in API source: newParams
// returns its parameter struct, and build makes a Build from the decoded
// parameters (checking them).
func Kind(name string, newParams func() any, build func(params any) (Build, error)) export.Kind {
	return export.Kind{
		Name:       name,
		NewParams:  newParams,
		DefaultExt: "jsonl",
		New: func(src export.Source) (export.Exporter, error) {
			b, err := build(src.Params)
			if err != nil {
				return nil, err
			}
			return New(b, rest.Hooks{})
		},
	}
}

// New checks b once and returns the exporter that runs it; tests pass
// hooks (a fake clock makes retries and rate-limit waits instant).
func New(b Build, hooks rest.Hooks) (*Exporter, error) {
	e := &Exporter{build: b, hooks: hooks}
	p, err := b(e.now(), nil)
	if err != nil {
		return nil, err
	}
	if _, err := rest.NewWithHooks(p, hooks); err != nil {
		return nil, fmt.Errorf("internal error: the built-in rest configuration is invalid: %w", err)
	}
	return e, nil
}

// Exporter runs a built-in API source: each attempt builds the rest
// configuration of that moment and runs it.
type Exporter struct {
	build Build
	hooks rest.Hooks
}

func (e *Exporter) now() time.Time {
	if e.hooks.Clock != nil {
		return e.hooks.Clock.Now()
	}
	return clock.System.Now()
}

// Export implements export.Exporter.
func (e *Exporter) Export(ctx context.Context, w io.Writer, env *export.Env) error {
	p, err := e.build(e.now(), env.Secrets)
	if err != nil {
		return export.Permanent(env.Redactor.Error(err))
	}
	if p.Auth.Type == "oauth2" && env.Secrets["refresh_token"] == "" {
		where := env.SecretsPath
		if where == "" {
			where = "(none configured: set secrets = \"...\" in the source)"
		}
		return export.Permanent(fmt.Errorf("no refresh_token in the secrets file %s: run 'hoard auth %s' first", where, env.Source))
	}
	ex, err := rest.NewWithHooks(p, e.hooks)
	if err != nil {
		return export.Permanent(err)
	}
	return ex.Export(ctx, w, env)
}

// BaseURL returns the configured base URL, else the service's; checked.
func BaseURL(configured, service string) (string, error) {
	u := configured
	if u == "" {
		u = service
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return "", fmt.Errorf("base_url = %q: need an http(s) URL such as %q", configured, service)
	}
	return strings.TrimRight(u, "/"), nil
}

// Or returns v, else def.
func Or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// Filter returns the records of the rest snapshot at path that keep
// accepts (kind is the endpoint's name), through dal.REST.
func Filter(keep func(kind string, raw []byte) bool) func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			for rec, err := range dal.REST.Records(ctx, path, spec) {
				if err == nil && !keep(rec.Kind, rec.Raw) {
					continue
				}
				if !yield(rec, err) {
					return
				}
			}
		}
	}
}

// Annotate is Filter for decoders that need what only the envelope
// knows: an item's parent id (for_each endpoints) and when it was
// fetched. add returns the members to put in front of the item's own
// (nil: none), or false to drop the item. The item's own members are
// kept byte for byte.
func Annotate(add func(it restfmt.Item) (members map[string]string, keep bool)) func(ctx context.Context, path string, spec *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
		return func(yield func(dal.Record, error) bool) {
			f, err := snapshot.Open(path)
			if err != nil {
				yield(dal.Record{}, &dal.ReadError{File: path, Err: err})
				return
			}
			defer f.Close()
			n := 0
			for it, err := range restfmt.Items(f) {
				if n++; n%1024 == 0 && ctx.Err() != nil {
					yield(dal.Record{}, ctx.Err())
					return
				}
				if err != nil {
					if !yield(dal.Record{}, &dal.ReadError{File: path, Err: err}) {
						return
					}
					continue
				}
				members, keep := add(it)
				if !keep {
					continue
				}
				if !yield(dal.Record{Kind: it.Endpoint, Raw: prepend(it.Raw, members)}, nil) {
					return
				}
			}
			if ctx.Err() != nil {
				yield(dal.Record{}, ctx.Err())
			}
		}
	}
}

// prepend puts members (sorted by name) in front of the members of the
// JSON object raw; anything but an object is left alone.
func prepend(raw []byte, members map[string]string) []byte {
	if len(members) == 0 || len(raw) < 2 || raw[0] != '{' {
		return raw
	}
	names := make([]string, 0, len(members))
	for k := range members {
		names = append(names, k)
	}
	sort.Strings(names)
	out := []byte{'{'}
	for _, k := range names {
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(members[k])
		out = append(append(append(append(out, kb...), ':'), vb...), ',')
	}
	rest := strings.TrimSpace(string(raw[1:]))
	if rest == "}" {
		out[len(out)-1] = '}'
		return out
	}
	return append(out, raw[1:]...)
}

// FetchedAt is an envelope's time as an item member: RFC 3339, UTC.
func FetchedAt(it restfmt.Item) string { return it.FetchedAt.UTC().Format(time.RFC3339) }
