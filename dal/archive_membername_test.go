package dal

import (
	"context"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMemberNameGivenToDecoders: a member's decoder learns which member
// it reads (Spec.Member), in a zip and a tar, streamed or through a
// temporary file; a snapshot read as itself has none.
func TestMemberNameGivenToDecoders(t *testing.T) {
	var seen []string
	record := func(spec *Spec) iter.Seq2[Record, error] {
		return func(yield func(Record, error) bool) {
			seen = append(seen, spec.Member)
			yield(Record{Kind: "x", Raw: []byte(`{"m":1}`)}, nil)
		}
	}
	streaming := &Decoder{Name: "s", Stream: func(_ context.Context, r io.Reader, _ string, spec *Spec) iter.Seq2[Record, error] {
		io.Copy(io.Discard, r)
		return record(spec)
	}}
	fileOnly := &Decoder{Name: "f", Records: func(_ context.Context, _ string, spec *Spec) iter.Seq2[Record, error] { return record(spec) }}
	members := map[string]string{"data/tweets.js": "a", "Takeout/My Activity/x.json": "b", "db/app.sqlite": "c"}
	dir := t.TempDir()
	for i, c := range []struct {
		ext  string
		data []byte
	}{{"zip", zipOf(t, members)}, {"tar", tarOf(t, members)}} {
		p := filepath.Join(dir, "2024010"+string(rune('1'+i))+"T000000Z."+c.ext)
		os.WriteFile(p, c.data, 0o644)
		spec := &Spec{Kinds: map[string]KindSpec{
			"a": {Members: []string{"**/*.js", "**/*.json"}, Decoder: streaming},
			"b": {Members: []string{"db/*.sqlite"}, Decoder: fileOnly},
		}}
		seen = nil
		for _, err := range Archive.Records(context.Background(), p, spec) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(seen, " "); got != "Takeout/My Activity/x.json data/tweets.js db/app.sqlite" && got != "data/tweets.js Takeout/My Activity/x.json db/app.sqlite" {
			t.Errorf("%s: members %q", c.ext, got)
		}
	}
	seen = nil
	p := filepath.Join(dir, "20240103T000000Z.json")
	os.WriteFile(p, []byte("{}"), 0o644)
	for range fileOnly.Records(context.Background(), p, &Spec{}) {
	}
	if len(seen) != 1 || seen[0] != "" {
		t.Errorf("a snapshot read as itself: %q", seen)
	}
}
