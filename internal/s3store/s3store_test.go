package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/internal/s3store"
	"github.com/hoard-dev/hoard/internal/s3test"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/minio/minio-go/v7"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.Stop()
	os.Exit(code)
}

func newStore(t *testing.T) (*s3store.Store, *s3test.Server, string) {
	t.Helper()
	srv := s3test.Start(t)
	bucket := srv.Bucket(t)
	st, err := s3store.New(s3store.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return st, srv, bucket
}

func read(t *testing.T, st *s3store.Store, bucket, key string) string {
	t.Helper()
	r, err := st.Open(context.Background(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The server honours If-None-Match: * on PUT: a second Create of a key
// fails with fs.ErrExist and leaves the first object as it was.
func TestCreateNeverOverwrites(t *testing.T) {
	st, _, bucket := newStore(t)
	ctx := context.Background()
	if err := st.Create(ctx, bucket, "src/a.json", strings.NewReader("first"), 5); err != nil {
		t.Fatal(err)
	}
	err := st.Create(ctx, bucket, "src/a.json", strings.NewReader("second!"), 7)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second Create: %v, want fs.ErrExist", err)
	}
	if got := read(t, st, bucket, "src/a.json"); got != "first" {
		t.Errorf("object holds %q after a refused PUT, want %q", got, "first")
	}
}

// Many writers racing for one key: exactly one stores its bytes, the
// others learn the key is taken.
func TestConcurrentCreatesOneWins(t *testing.T) {
	st, _, bucket := newStore(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
			errs[i] = st.Create(context.Background(), bucket, "race/x", bytes.NewReader(body), int64(len(body)))
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Errorf("writers %d and %d both stored race/x", won, i)
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("writer %d: %v, want fs.ErrExist", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no writer stored race/x")
	}
	if got := read(t, st, bucket, "race/x"); got != strings.Repeat(string(rune('a'+won)), 64<<10) {
		t.Errorf("race/x holds another writer's bytes than the winner's")
	}
}

// A PUT whose body is shorter than its declared size stores nothing: a
// torn upload never becomes an object.
func TestShortBodyStoresNothing(t *testing.T) {
	st, _, bucket := newStore(t)
	err := st.Create(context.Background(), bucket, "short", io.LimitReader(strings.NewReader(strings.Repeat("x", 1000)), 500), 1000)
	if err == nil {
		t.Fatal("a short body was accepted")
	}
	if _, err := st.Open(context.Background(), bucket, "short"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after a torn upload: %v, want no object", err)
	}
}

func TestListOpenRemove(t *testing.T) {
	st, _, bucket := newStore(t)
	ctx := context.Background()
	for _, k := range []string{"s/20240101T000000Z.json", "s/20240102T000000Z.json", "s/laptop/20240101T120000Z.json", "t/20240101T000000Z.json"} {
		if err := st.Create(ctx, bucket, k, strings.NewReader(k), int64(len(k))); err != nil {
			t.Fatal(err)
		}
	}
	objs, err := st.List(ctx, bucket, "s/", false)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
		if !o.Dir && (o.Size != int64(len(o.Key)) || o.Mtime.IsZero()) {
			t.Errorf("%s: size %d mtime %v", o.Key, o.Size, o.Mtime)
		}
	}
	if got := strings.Join(keys, " "); got != "s/20240101T000000Z.json s/20240102T000000Z.json s/laptop/" {
		t.Errorf("flat listing %q", got)
	}
	objs, _ = st.List(ctx, bucket, "s/", true)
	if len(objs) != 3 || objs[2].Key != "s/laptop/20240101T120000Z.json" {
		t.Errorf("listing with subdirectories: %+v", objs)
	}
	if _, err := st.Open(ctx, bucket, "s/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open missing: %v", err)
	}
	if err := st.Remove(ctx, bucket, "s/20240101T000000Z.json"); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove(ctx, bucket, "s/20240101T000000Z.json"); err != nil {
		t.Errorf("removing a missing object: %v", err)
	}
	objs, _ = st.List(ctx, bucket, "s/", false)
	if len(objs) != 2 {
		t.Errorf("after remove: %+v", objs)
	}
}

// Wrong credentials are an error that says so and never shows the secret.
func TestBadCredentials(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.Bucket(t)
	st, _ := s3store.New(s3store.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: "not-the-secret-key-42"})
	_, err := st.List(context.Background(), bucket, "", false)
	if err == nil || strings.Contains(err.Error(), "not-the-secret-key-42") {
		t.Errorf("err %v: want an error without the secret", err)
	}
}

// Through the snapshot package: a mounted bucket is an exports root like
// a directory. Writes are atomic and never overwrite (a second snapshot
// in the same second gets _001), listing is in time order with per-host
// subdirectories, reads decompress, and Digest reads back the SHA-256.
func TestSnapshotStoreOnS3(t *testing.T) {
	st, srv, bucket := newStore(t)
	snapshot.Mount(bucket, st, t.TempDir())
	defer snapshot.Unmount(bucket)
	store := snapshot.New("s3://" + bucket + "/exports/")
	if store.Root() != "s3://"+bucket+"/exports" {
		t.Errorf("root %q", store.Root())
	}
	at := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	var results []snapshot.Result
	for i, c := range []snapshot.Codec{snapshot.Zstd, snapshot.Zstd, snapshot.Zstd} {
		p, err := store.Create("bash", at, "txt", c)
		if err != nil {
			t.Fatal(err)
		}
		p.Write([]byte(strings.Repeat("echo hello\n", 1000*(i+1))))
		res, err := p.Commit()
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	want := []string{"20240304T050607Z.txt.zst", "20240304T050607Z_001.txt.zst", "20240304T050607Z_002.txt.zst"}
	l, err := store.List("bash")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Snapshots) != 3 {
		t.Fatalf("listing %+v", l)
	}
	for i, s := range l.Snapshots {
		if s.Name != want[i] || s.Path != "s3://"+bucket+"/exports/bash/"+want[i] || s.Path != results[i].Path || s.Size != results[i].StoredBytes {
			t.Errorf("snapshot %d: %+v, result %+v", i, s, results[i])
		}
		sum, n, err := snapshot.Digest(s.Path)
		if err != nil || sum != results[i].SHA256 || n != results[i].Bytes {
			t.Errorf("Digest(%s) = %s %d %v, want %s %d", s.Path, sum, n, err, results[i].SHA256, results[i].Bytes)
		}
	}
	if names, err := store.Sources(); err != nil || len(names) != 1 || names[0] != "bash" {
		t.Errorf("sources %v %v", names, err)
	}
	// Per-host directories.
	host, err := snapshot.Create(snapshot.Join(store.Root(), "bash", "laptop"), snapshot.StampName(at.Add(-time.Hour), "txt", snapshot.None), snapshot.None)
	if err != nil {
		t.Fatal(err)
	}
	host.Write([]byte("ls\n"))
	if _, err := host.Commit(); err != nil {
		t.Fatal(err)
	}
	tree, err := snapshot.ListTree(snapshot.Join(store.Root(), "bash"))
	if err != nil || len(tree.Snapshots) != 4 || tree.Snapshots[0].Host != "laptop" {
		t.Errorf("tree %+v %v", tree, err)
	}
	// Nothing was left in the spool, and the bucket holds only the
	// snapshots (no temporary objects).
	c, _ := srv.Client()
	n := 0
	for o := range c.ListObjectsIter(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d objects in the bucket, want 4", n)
	}
	// Removing and moving to a local trash.
	dst, err := snapshot.MoveTo(l.Snapshots[0].Path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if sum, _, err := snapshot.Digest(dst); err != nil || sum != results[0].SHA256 {
		t.Errorf("moved copy %s: %s %v", dst, sum, err)
	}
	if ok, err := snapshot.Exists(l.Snapshots[0].Path); ok || err != nil {
		t.Errorf("after MoveTo the object still exists: %v %v", ok, err)
	}
}
