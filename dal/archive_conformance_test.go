package dal_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"testing"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// members of the conformance samples: two kinds from three members, one
// of them compressed on its own, and a member that no kind reads.
var conformanceMembers = []struct{ name, data string }{
	{"export/posts-1.json", `{"posts":[{"id":1,"t":"2024-01-01T00:00:00Z"},{"id":2,"t":"2024-01-02T00:00:00Z"}]}`},
	{"export/posts-2.json", `{"posts":[{"id":3,"t":"2024-01-03T00:00:00Z"}]}`},
	{"export/likes.jsonl", "{\"post\":1}\n{\"post\":3}\n"},
	{"export/avatar.png", "\x89PNG\r\n"},
}

var conformanceSpec = dal.Spec{Kinds: map[string]dal.KindSpec{
	"posts": {Members: []string{"export/posts-*.json"}, Items: "posts", Key: []string{"id"}, Time: "t"},
	"likes": {Members: []string{"**/likes.jsonl"}, Key: []string{"post"}},
}}

func TestArchiveConformanceZip(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: dal.Archive, Spec: conformanceSpec, Ext: "zip", Golden: "testdata/archive/golden-zip.txt",
		Sample: func(t testing.TB) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, m := range conformanceMembers {
				w, _ := zw.Create(m.name)
				w.Write([]byte(m.data))
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}})
}

func TestArchiveConformanceTar(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: dal.Archive, Spec: conformanceSpec, Ext: "tar", Golden: "testdata/archive/golden-tar.txt",
		Sample: func(t testing.TB) []byte {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			for _, m := range conformanceMembers {
				tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg})
				tw.Write([]byte(m.data))
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}})
}
