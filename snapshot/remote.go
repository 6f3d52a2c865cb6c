package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// An exports root can live in object storage: root = "s3://bucket/prefix".
// Its snapshots are then named by addresses such as
// "s3://bucket/prefix/reddit/20240101T000000Z.json.zst", and the same
// functions list, open, write and remove them (ListDir, Open, Create,
// Store, Digest, Remove) once the store that serves the bucket is mounted
// with Mount. Only the snapshots live there: hoard's index, journal and
// state stay on the local disk.

// RemoteScheme starts the address of a snapshot in object storage.
const RemoteScheme = "s3://"

// Remote is an object store (S3 or a compatible service) holding exports
// roots. Keys are slash-separated, relative to the bucket. Implementations
// are safe for concurrent use, and retry transient errors themselves.
type Remote interface {
	// List returns the objects whose keys start with prefix, in key
	// order. Unless recursive, keys are listed one level deep: deeper
	// keys are reported once per next-level prefix, as an Object with
	// Dir set and Key ending in "/".
	List(ctx context.Context, bucket, prefix string, recursive bool) ([]Object, error)
	// Open reads an object; a missing one is an error that errors.Is
	// fs.ErrNotExist. Errors of every method name the bucket and key.
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, error)
	// Create stores size bytes from r under key only if no object has
	// that key, in one request that either stores all of them or none
	// (a conditional PUT, If-None-Match: *). When an object has the key,
	// the error errors.Is fs.ErrExist and nothing is replaced.
	Create(ctx context.Context, bucket, key string, r io.Reader, size int64) error
	// Remove deletes an object; a missing one is not an error.
	Remove(ctx context.Context, bucket, key string) error
}

// Object is one entry of a Remote's listing.
type Object struct {
	Key   string
	Size  int64
	Mtime time.Time
	Dir   bool // a common prefix (a "directory"), not an object
}

// mount is a bucket served by a Remote.
type mount struct {
	remote Remote
	spool  string // local directory where new snapshots are written before their upload
}

var (
	mountsMu sync.RWMutex
	mounts   = map[string]mount{}
)

// Mount makes the snapshots of bucket (addresses "s3://BUCKET/...")
// resolve through r, until Unmount. New snapshots are written to a
// temporary file in spool (a local directory, created if needed) and then
// uploaded whole. Mounting a bucket again replaces its remote.
func Mount(bucket string, r Remote, spool string) {
	mountsMu.Lock()
	defer mountsMu.Unlock()
	mounts[bucket] = mount{remote: r, spool: spool}
}

// Unmount forgets bucket's remote.
func Unmount(bucket string) {
	mountsMu.Lock()
	defer mountsMu.Unlock()
	delete(mounts, bucket)
}

// IsRemote reports whether p is the address of a snapshot or directory in
// object storage (it starts with "s3://").
func IsRemote(p string) bool { return strings.HasPrefix(p, RemoteScheme) }

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// SplitRemote splits "s3://BUCKET/KEY" into a bucket and a cleaned key
// ("" for the bucket itself), checking the bucket's name.
func SplitRemote(p string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(p, RemoteScheme)
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// address", p)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if !bucketRE.MatchString(bucket) || strings.Contains(bucket, "..") {
		return "", "", fmt.Errorf("%q: %q is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')", p, bucket)
	}
	for _, part := range strings.Split(key, "/") {
		if part == ".." {
			return "", "", fmt.Errorf("%q: '..' is not allowed in a key", p)
		}
	}
	return bucket, strings.Trim(path.Clean("/"+key), "/"), nil
}

// CleanPath cleans a local path (filepath.Clean) or an s3:// address (its
// key cleaned, no trailing slash). An address that does not parse is
// returned as it is; using it fails with a message.
func CleanPath(p string) string {
	if !IsRemote(p) {
		return filepath.Clean(p)
	}
	bucket, key, err := SplitRemote(p)
	if err != nil {
		return p
	}
	return remoteAddr(bucket, key)
}

func remoteAddr(bucket, key string) string {
	if key == "" {
		return RemoteScheme + bucket
	}
	return RemoteScheme + bucket + "/" + key
}

// Join joins path elements to a directory that is a local path or an
// s3:// address (filepath.Join would turn "s3://" into "s3:/").
func Join(dir string, elem ...string) string {
	if !IsRemote(dir) {
		return filepath.Join(append([]string{dir}, elem...)...)
	}
	return CleanPath(strings.TrimSuffix(dir, "/") + "/" + path.Join(elem...))
}

// DirOf returns the directory of a local path or s3:// address.
func DirOf(p string) string {
	if !IsRemote(p) {
		return filepath.Dir(p)
	}
	bucket, key, err := SplitRemote(p)
	if err != nil {
		return p
	}
	return remoteAddr(bucket, strings.TrimSuffix(path.Dir("/" + key)[1:], "."))
}

// remoteOf returns the mount serving an address, and its bucket and key.
func remoteOf(p string) (mount, string, string, error) {
	bucket, key, err := SplitRemote(p)
	if err != nil {
		return mount{}, "", "", err
	}
	mountsMu.RLock()
	m, ok := mounts[bucket]
	mountsMu.RUnlock()
	if !ok {
		return mount{}, "", "", fmt.Errorf("%s: bucket %q is not configured here (root = \"s3://%s/...\" with an [s3] table)", p, bucket, bucket)
	}
	return m, bucket, key, nil
}

// remoteCtx bounds the requests that the path-based functions make.
// Reads and uploads of big snapshots need minutes; the remote's own
// per-request timeouts catch a dead connection sooner.
func remoteCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 6*time.Hour)
}

// listRemote lists an object-storage directory like ListDir, one level
// deep, or with tree the objects of its subdirectories too (one level).
func listRemote(dir string, tree bool) (Listing, error) {
	m, bucket, key, err := remoteOf(dir)
	if err != nil {
		return Listing{}, err
	}
	ctx, cancel := remoteCtx()
	defer cancel()
	prefix := key + "/"
	if key == "" {
		prefix = ""
	}
	objs, err := m.remote.List(ctx, bucket, prefix, tree)
	if err != nil {
		return Listing{}, err // the remote's errors name the bucket and key
	}
	var l Listing
	for _, o := range objs {
		rel := strings.TrimPrefix(o.Key, prefix)
		host, name, deep := strings.Cut(rel, "/")
		if !deep {
			host, name = "", rel
		}
		if o.Dir || name == "" || strings.Contains(name, "/") || strings.HasPrefix(name, ".") || strings.HasPrefix(host, ".") {
			continue
		}
		addr := remoteAddr(bucket, o.Key)
		pn, err := parseName(name)
		if err != nil {
			l.Undatable = append(l.Undatable, Undatable{Path: addr, Err: err})
			continue
		}
		l.Snapshots = append(l.Snapshots, Snapshot{
			Path: addr, Name: name, Host: host, Time: pn.Time, Seq: pn.Seq, Ext: pn.Ext,
			Codec: pn.Codec, Size: o.Size, Mtime: o.Mtime,
		})
	}
	sortSnapshots(l.Snapshots)
	return l, nil
}

// remoteSources lists the source directories of an object-storage root.
func remoteSources(root string) ([]string, error) {
	m, bucket, key, err := remoteOf(root)
	if err != nil {
		return nil, err
	}
	ctx, cancel := remoteCtx()
	defer cancel()
	prefix := key + "/"
	if key == "" {
		prefix = ""
	}
	objs, err := m.remote.List(ctx, bucket, prefix, false)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, o := range objs {
		name := strings.TrimSuffix(strings.TrimPrefix(o.Key, prefix), "/")
		if o.Dir && ValidateSourceName(name) == nil {
			names = append(names, name)
		}
	}
	return names, nil
}

// openRemote opens an object for reading its uncompressed content.
func openRemote(p string) (io.ReadCloser, error) {
	m, bucket, key, err := remoteOf(p)
	if err != nil {
		return nil, err
	}
	ctx, cancel := remoteCtx()
	body, err := m.remote.Open(ctx, bucket, key)
	if err != nil {
		cancel()
		return nil, err
	}
	d, err := NewDecompressor(body, CodecOf(p))
	if err != nil {
		body.Close()
		cancel()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &remoteReader{fileReader: fileReader{d: d, f: nil, path: p}, body: body, cancel: cancel}, nil
}

// remoteReader closes the decompressor, the object's body and its
// request.
type remoteReader struct {
	fileReader
	body   io.ReadCloser
	cancel context.CancelFunc
}

func (r *remoteReader) Close() error {
	err := r.d.Close()
	if cerr := r.body.Close(); err == nil {
		err = cerr
	}
	r.cancel()
	return err
}

// removeRemote deletes an object.
func removeRemote(p string) error {
	m, bucket, key, err := remoteOf(p)
	if err != nil {
		return err
	}
	ctx, cancel := remoteCtx()
	defer cancel()
	if err := m.remote.Remove(ctx, bucket, key); err != nil {
		return err
	}
	return nil
}

// errRemoteTooLarge: one PUT stores at most 5 GiB on AWS S3.
var errRemoteTooLarge = errors.New("larger than 5 GiB, the most one S3 PUT stores; hoard uploads each snapshot in one conditional PUT so that an existing object is never replaced")

// MaxRemoteSize is the largest snapshot hoard uploads: one PUT.
const MaxRemoteSize = 5 << 30
