package rest

import (
	"encoding/json"
	"io"
	"iter"

	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

// The snapshot format and JSON paths live in package restfmt (standard
// library only, so the data access layer can import it); these aliases keep
// the exporter's own code short.
type (
	// Envelope is one line of a rest snapshot; see restfmt.Envelope.
	Envelope = restfmt.Envelope
	// Item is one item read back from a rest snapshot; see restfmt.Item.
	Item = restfmt.Item
	// Path is a compiled JSON path; see restfmt.Path.
	Path = restfmt.Path
)

// Items reads a rest snapshot's items; see restfmt.Items.
func Items(r io.Reader) iter.Seq2[Item, error] { return restfmt.Items(r) }

// ParsePath compiles a JSON path; see restfmt.ParsePath.
func ParsePath(s string) (Path, error) { return restfmt.ParsePath(s) }

func itemsAt(body json.RawMessage, p Path) ([]json.RawMessage, error) {
	return restfmt.ItemsAt(body, p)
}
func values(item json.RawMessage, p Path) []string { return restfmt.Values(item, p) }
func scalar(v json.RawMessage) (string, bool)      { return restfmt.Scalar(v) }
func isNull(v json.RawMessage) bool                { return restfmt.IsNull(v) }
