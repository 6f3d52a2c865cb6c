package rest

import (
	"encoding/json"
	"io"
	"iter"

	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

// The snapshot format lives in package restfmt and JSON paths in package
// jsonpath, which the data access layer shares; these aliases keep the
// exporter's own code short.
type (
	// Envelope is one line of a rest snapshot; see restfmt.Envelope.
	Envelope = restfmt.Envelope
	// Item is one item read back from a rest snapshot; see restfmt.Item.
	Item = restfmt.Item
	// Path is a JSON path; see jsonpath.Path.
	Path = jsonpath.Path
)

// Items reads a rest snapshot's items; see restfmt.Items.
func Items(r io.Reader) iter.Seq2[Item, error] { return restfmt.Items(r) }

// ParsePath reads a JSON path; see jsonpath.Parse. Paths that step into
// every element of an array ("a[].b") name many values and are refused:
// each REST setting names one value or one collection.
func ParsePath(s string) (Path, error) {
	p, err := jsonpath.Parse(s)
	if err == nil && p.HasEach() {
		return nil, errEach(s)
	}
	return p, err
}

func itemsAt(body json.RawMessage, p Path) ([]json.RawMessage, error) {
	return restfmt.ItemsAt(body, p)
}
func values(item json.RawMessage, p Path) []string { return p.Values(item) }
func scalar(v json.RawMessage) (string, bool)      { return jsonpath.Scalar(v) }
func isNull(v json.RawMessage) bool                { return jsonpath.IsNull(v) }
