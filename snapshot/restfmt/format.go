// Package restfmt is the snapshot format of the rest exporter: JSON lines,
// one Envelope per HTTP response. It is an on-disk contract like the rest
// of package snapshot, and depends only on it and jsonpath, so that the
// data access layer reads rest snapshots without importing the exporter.
package restfmt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/hoard-dev/hoard/jsonpath"
)

// Envelope is one line of a rest snapshot: one HTTP response, as it came,
// with where it came from. A snapshot is JSON lines, one Envelope per
// response, in the order the responses were received. docs/rest.md
// documents the format for readers in other languages.
type Envelope struct {
	Endpoint  string    `json:"endpoint"`         // endpoint name from the config
	Parent    string    `json:"parent,omitempty"` // the for_each id this request was made for
	Page      int       `json:"page"`             // 1-based page number within endpoint (and parent)
	URL       string    `json:"url"`              // request URL, secrets redacted
	Status    int       `json:"status"`           // HTTP status: 2xx, 304 (not modified) or a skipped status
	FetchedAt time.Time `json:"fetched_at"`       // when the response arrived (UTC)
	Style     string    `json:"style"`            // full, synthetic or incremental
	Items     string    `json:"items"`            // JSON path of the items in body ("" = body itself)
	Key       string    `json:"key,omitempty"`    // JSON path of an item's key, if configured
	// Dups lists 0-based indexes of items in this page that were already
	// saved: seen earlier in this snapshot (same key, e.g. shifted by an
	// item added between pages), or, for incremental endpoints, saved
	// unchanged by an earlier run (re-read through the lookback window, or
	// older than the bookmark on a descending feed's last page). Readers
	// skip them, so each item is read once.
	Dups []int `json:"dups,omitempty"`
	// Body is the response body as returned, with insignificant whitespace
	// removed (JSON compaction); null for 304 and skipped statuses.
	Body json.RawMessage `json:"body"`
}

// Item is one item read back from a rest snapshot.
type Item struct {
	Endpoint  string
	Parent    string
	Page      int
	Index     int // position in the page
	FetchedAt time.Time
	Style     string
	Raw       json.RawMessage // the item exactly as in the response
}

// Items reads a rest snapshot and yields its items in order, skipping
// duplicates (Envelope.Dups) and responses without items (304, skipped
// statuses). A malformed line yields an error naming its line number and
// reading goes on with the next line; an I/O error ends the sequence. The
// caller owns r.
func Items(r io.Reader) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		br := bufio.NewReaderSize(r, 1<<16)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 && !yieldLine(b, line, yield) {
				return
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Item{}, fmt.Errorf("rest snapshot: line %d: %w", line, err))
				return
			}
		}
	}
}

// yieldLine yields the items of one envelope line; false means stop.
func yieldLine(b []byte, line int, yield func(Item, error) bool) bool {
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return yield(Item{}, fmt.Errorf("rest snapshot: line %d: %w", line, err))
	}
	if env.Status < 200 || env.Status > 299 {
		return true
	}
	path, err := jsonpath.Parse(env.Items)
	if err != nil {
		return yield(Item{}, fmt.Errorf("rest snapshot: line %d: %w", line, err))
	}
	items, err := ItemsAt(env.Body, path)
	if err != nil {
		return yield(Item{}, fmt.Errorf("rest snapshot: line %d (%s page %d): %w", line, env.Endpoint, env.Page, err))
	}
	skip := make(map[int]bool, len(env.Dups))
	for _, d := range env.Dups {
		skip[d] = true
	}
	for i, raw := range items {
		if skip[i] {
			continue
		}
		it := Item{Endpoint: env.Endpoint, Parent: env.Parent, Page: env.Page, Index: i, FetchedAt: env.FetchedAt, Style: env.Style, Raw: raw}
		if !yield(it, nil) {
			return false
		}
	}
	return true
}

// ItemsAt returns the items at p in body: the elements of an array, one
// item for an object, none for null. Anything else is an error.
func ItemsAt(body json.RawMessage, p jsonpath.Path) ([]json.RawMessage, error) {
	v, ok := p.Lookup(body)
	if !ok {
		return nil, fmt.Errorf("items path %q not found in the response", p.String())
	}
	switch c := bytes.TrimLeft(v, " \t\r\n"); {
	case len(c) > 0 && c[0] == '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(v, &arr); err != nil {
			return nil, fmt.Errorf("items at %q: %v", p.String(), err)
		}
		return arr, nil
	case len(c) > 0 && c[0] == '{':
		return []json.RawMessage{v}, nil
	case jsonpath.IsNull(v):
		return nil, nil
	}
	return nil, fmt.Errorf("items path %q holds %.40s, not an array or object", p.String(), v)
}
