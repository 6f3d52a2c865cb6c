package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/internal/s3test"
	"github.com/klauspost/compress/zstd"
	"github.com/minio/minio-go/v7"
)

// An exports root in object storage, against a real S3 server (versitygw):
// runs upload each snapshot whole under a name no object has, an
// identical run uploads nothing, items/verify/prune/status read the
// bucket through the same commands, the index and the journal stay on
// the local disk, and the credentials never appear in any output or in
// the journal.
func TestS3Root(t *testing.T) {
	srv := s3test.Start(t)
	t.Parallel() // a real process with its own environment
	bucket := srv.Bucket(t)
	e := newEnv(t)
	secrets := filepath.Join(e.home, "s3.toml")
	os.WriteFile(secrets, []byte(fmt.Sprintf("access_key_id = %q\nsecret_access_key = %q\n", srv.AccessKey, srv.SecretKey)), 0o600)
	data := filepath.Join(e.home, "out.jsonl")
	// A Firefox database, saved uncompressed: SQLite snapshots in the
	// bucket are fetched to a temporary file to be read.
	places := filepath.Join(e.home, "places.sqlite")
	b, err := os.ReadFile("../../source/firefox/testdata/places.sqlite.zst")
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zstd.NewReader(bytes.NewReader(b))
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(places, raw, 0o600)
	cfg := filepath.Join(e.home, ".config/hoard/hoard.toml")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	os.WriteFile(cfg, []byte(fmt.Sprintf(`root = "s3://%s/exports"
[s3]
endpoint = "http://%s"
region = %q
secrets = %q

[sources.feed]
exporter = "command"
command = ["cat", %q]
extension = "jsonl"
compression = "zstd"
key = "id"
time = "t"

[sources.ff]
exporter = "firefox"
path = %q
`, bucket, srv.Endpoint, srv.Region, secrets, data, places)), 0o600)
	var all strings.Builder
	run := func(args ...string) (string, int) {
		t.Helper()
		out, stderr, code := e.run(args...)
		all.WriteString(out + stderr)
		return out + stderr, code
	}
	write := func(ids ...int) {
		var b strings.Builder
		for _, id := range ids {
			fmt.Fprintf(&b, "{\"id\":%d,\"t\":\"2024-01-%02dT00:00:00Z\"}\n", id, id)
		}
		os.WriteFile(data, []byte(b.String()), 0o600)
	}
	objects := func() []string {
		c, _ := srv.Client()
		var keys []string
		for o := range c.ListObjectsIter(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
			keys = append(keys, o.Key)
		}
		return keys
	}
	write(1, 2)
	if out, code := run("run"); code != 0 {
		t.Fatalf("run: %d %s", code, out)
	}
	if out, code := run("run", "--json"); code != 0 || !strings.Contains(out, `"outcome":"unchanged"`) {
		t.Fatalf("identical run: %d %s", code, out)
	}
	for _, ids := range [][]int{{2, 1}, {1, 2, 3}} {
		write(ids...)
		if out, code := run("run"); code != 0 {
			t.Fatalf("run: %d %s", code, out)
		}
	}
	keys := objects()
	if len(keys) != 4 || !strings.HasPrefix(keys[0], "exports/feed/") || !strings.HasSuffix(keys[0], ".jsonl.zst") || !strings.HasSuffix(keys[3], ".sqlite") {
		t.Fatalf("objects %v", keys)
	}
	if out, code := run("items", "ff", "--no-cache", "--format", "jsonl"); code != 0 || strings.Count(out, "\n") != 17 || !strings.Contains(out, "Café") {
		t.Errorf("firefox visits from the bucket: %d\n%s", code, out)
	}
	out, code := run("items", "feed", "--format", "jsonl")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"first_seen"`) {
		t.Fatalf("items: %d %s", code, out)
	}
	items := out
	if out, code := run("items", "feed", "--no-cache"); code != 0 || out != items {
		t.Errorf("uncached read differs: %s", out)
	}
	if out, code := run("status", "--json"); code != 0 || !strings.Contains(out, `"snapshots": 3`) || !strings.Contains(out, `"snapshots": 1`) {
		t.Errorf("status: %s", out)
	}
	if out, code := run("verify"); code != 0 || !strings.Contains(out, "feed: ok") || !strings.Contains(out, "3 as written") || !strings.Contains(out, "ff: ok") {
		t.Errorf("verify: %d %s", code, out)
	}
	if out, code := run("prune", "--apply"); code != 0 || !strings.Contains(out, "1 removed") {
		t.Errorf("prune: %d %s", code, out)
	}
	if keys := objects(); len(keys) != 3 {
		t.Errorf("after prune: %v", keys)
	}
	trash, _ := os.ReadDir(filepath.Join(e.home, ".local/state/hoard/trash/feed"))
	if len(trash) != 1 {
		t.Errorf("the pruned object is not in the local trash: %v", trash)
	}
	if out, code := run("items", "feed"); code != 0 || out != items {
		t.Errorf("items after prune differ: %s", out)
	}
	if out, code := run("verify"); code != 0 {
		t.Errorf("verify after prune: %d %s", code, out)
	}
	// Bit rot in the bucket is found by name.
	c, _ := srv.Client()
	k := objects()[0]
	obj, _ := c.GetObject(context.Background(), bucket, k, minio.GetObjectOptions{})
	b, _ = io.ReadAll(obj)
	obj.Close()
	b[len(b)/2] ^= 1
	c.RemoveObject(context.Background(), bucket, k, minio.RemoveObjectOptions{})
	c.PutObject(context.Background(), bucket, k, strings.NewReader(string(b)), int64(len(b)), minio.PutObjectOptions{})
	if out, code := run("verify"); code != 1 || !strings.Contains(out, "s3://"+bucket+"/"+k) {
		t.Errorf("verify after damage: %d %s", code, out)
	}
	// Local state: the index and the journal are on the local disk.
	for _, p := range []string{".cache/hoard/index.sqlite", ".local/state/hoard/journal.jsonl"} {
		if _, err := os.Stat(filepath.Join(e.home, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	journal, _ := os.ReadFile(filepath.Join(e.home, ".local/state/hoard/journal.jsonl"))
	for _, secret := range []string{srv.SecretKey} {
		if strings.Contains(all.String(), secret) || strings.Contains(string(journal), secret) {
			t.Errorf("the S3 secret key appears in the output or the journal")
		}
	}
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(journal)), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		entries = append(entries, m)
	}
	if p, _ := entries[0]["path"].(string); !strings.HasPrefix(p, "s3://"+bucket+"/exports/feed/") {
		t.Errorf("journal path %q", p)
	}
}

// Wrong credentials: a run fails, saying access was denied, without the
// secret in the message.
func TestS3BadCredentials(t *testing.T) {
	srv := s3test.Start(t)
	t.Parallel()
	bucket := srv.Bucket(t)
	e := newEnv(t)
	secrets := filepath.Join(e.home, "s3.toml")
	os.WriteFile(secrets, []byte(fmt.Sprintf("access_key_id = %q\nsecret_access_key = \"wrong-secret-value-1234\"\n", srv.AccessKey)), 0o600)
	cfg := filepath.Join(e.home, ".config/hoard/hoard.toml")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	os.WriteFile(cfg, []byte(fmt.Sprintf("root = \"s3://%s\"\n[s3]\nendpoint = \"http://%s\"\nsecrets = %q\n[sources.a]\nexporter = \"command\"\ncommand = [\"echo\", \"x\"]\n", bucket, srv.Endpoint, secrets)), 0o600)
	out, stderr, code := e.run("run")
	t.Logf("run with a wrong secret key: %s", stderr)
	if code != 1 || strings.Contains(out+stderr, "wrong-secret-value-1234") || !strings.Contains(stderr, "a:") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	os.WriteFile(secrets, []byte("access_key_id = \"x\"\n"), 0o600)
	if _, stderr, code := e.run("run"); code != 2 || !strings.Contains(stderr, "missing secret_access_key") {
		t.Errorf("missing key: exit %d %s", code, stderr)
	}
}
