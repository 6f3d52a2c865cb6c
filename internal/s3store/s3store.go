// Package s3store is the snapshot.Remote of S3 and compatible services
// (MinIO, versitygw, SeaweedFS, Garage, ...), on github.com/minio/minio-go.
// Every snapshot is stored with one conditional PUT (If-None-Match: *),
// so an existing object is never replaced, and with its Content-MD5, so
// the service refuses bytes damaged on the way. The client retries
// transient failures (5xx, resets, throttling) with backoff.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Config is how to reach the service.
type Config struct {
	Endpoint string // host[:port]
	Secure   bool   // https
	Region   string
	// AccessKey, SecretKey and SessionToken (optional) are the
	// credentials, from a secrets file.
	AccessKey, SecretKey, SessionToken string
	// Transport, when set, carries the requests (tests); nil: a default
	// transport with connection and header timeouts.
	Transport http.RoundTripper
}

// Secrets file keys.
const (
	KeyAccess  = "access_key_id"
	KeySecret  = "secret_access_key"
	KeySession = "session_token"
)

// FromSecrets fills the credentials from a loaded secrets file; a missing
// key is an error naming it and the file.
func (c *Config) FromSecrets(s secret.Secrets, path string) error {
	c.AccessKey, c.SecretKey, c.SessionToken = s[KeyAccess], s[KeySecret], s[KeySession]
	var missing []string
	if c.AccessKey == "" {
		missing = append(missing, KeyAccess)
	}
	if c.SecretKey == "" {
		missing = append(missing, KeySecret)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing %s (the S3 credentials: %s = \"...\" and %s = \"...\")", path, strings.Join(missing, " and "), KeyAccess, KeySecret)
	}
	return nil
}

// Store is a snapshot.Remote. It is safe for concurrent use.
type Store struct {
	c   *minio.Client
	red *secret.Redactor
}

var _ snapshot.Remote = (*Store)(nil)

// New returns the store of a service. It does not touch the network.
func New(cfg Config) (*Store, error) {
	tr := cfg.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 2 * time.Minute
		t.MaxIdleConnsPerHost = 8
		tr = t
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:    cfg.Secure,
		Region:    cfg.Region,
		Transport: tr,
		// Path-style requests work with every S3-compatible service
		// and with bucket names that hold dots.
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 endpoint %q: %w", cfg.Endpoint, err)
	}
	red := &secret.Redactor{}
	red.AddSecrets(secret.Secrets{KeyAccess: cfg.AccessKey, KeySecret: cfg.SecretKey, KeySession: cfg.SessionToken})
	return &Store{c: c, red: red}, nil
}

// fail turns a client error into hoard's: a missing object is
// fs.ErrNotExist, the service's message is kept, credentials are masked.
func (s *Store) fail(op, bucket, key string, err error) error {
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.StatusCode == http.StatusNotFound && (resp.Code == "NoSuchKey" || resp.Code == "NotFound" || resp.Code == ""):
		return fmt.Errorf("%s s3://%s/%s: %w", op, bucket, key, fs.ErrNotExist)
	case resp.Code == "NoSuchBucket":
		return fmt.Errorf("%s s3://%s/%s: the bucket %q does not exist (create it first; hoard never creates buckets)", op, bucket, key, bucket)
	case resp.StatusCode == http.StatusForbidden:
		return s.red.Error(fmt.Errorf("%s s3://%s/%s: access denied (%s): check the credentials and the bucket's policy", op, bucket, key, resp.Code))
	}
	return s.red.Error(fmt.Errorf("%s s3://%s/%s: %w", op, bucket, key, err))
}

// List implements snapshot.Remote.
func (s *Store) List(ctx context.Context, bucket, prefix string, recursive bool) ([]snapshot.Object, error) {
	var out []snapshot.Object
	if !recursive {
		return s.list(ctx, bucket, prefix, false, out)
	}
	// One level of subdirectories (the hosts of a per-host source): a
	// flat listing, then each subdirectory's.
	top, err := s.list(ctx, bucket, prefix, false, nil)
	if err != nil {
		return nil, err
	}
	for _, o := range top {
		if !o.Dir {
			out = append(out, o)
			continue
		}
		if out, err = s.list(ctx, bucket, o.Key, false, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) list(ctx context.Context, bucket, prefix string, recursive bool, out []snapshot.Object) ([]snapshot.Object, error) {
	for o := range s.c.ListObjectsIter(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: recursive}) {
		if o.Err != nil {
			return nil, s.fail("listing", bucket, prefix, o.Err)
		}
		dir := strings.HasSuffix(o.Key, "/") && o.Size == 0 && o.ETag == ""
		out = append(out, snapshot.Object{Key: o.Key, Size: o.Size, Mtime: o.LastModified, Dir: dir})
	}
	return out, nil
}

// Open implements snapshot.Remote. The object is read in one request; a
// missing object is reported at once (fs.ErrNotExist), not at the first
// read.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	o, err := s.c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.fail("reading", bucket, key, err)
	}
	if _, err := o.Stat(); err != nil {
		o.Close()
		return nil, s.fail("reading", bucket, key, err)
	}
	return &object{o: o, s: s, bucket: bucket, key: key}, nil
}

// object names the object and masks credentials in read errors.
type object struct {
	o           *minio.Object
	s           *Store
	bucket, key string
}

func (r *object) Read(p []byte) (int, error) {
	n, err := r.o.Read(p)
	if err != nil && err != io.EOF {
		err = r.s.fail("reading", r.bucket, r.key, err)
	}
	return n, err
}

func (r *object) Close() error { return r.o.Close() }

// conflictRetries bounds the retries of a PUT that the service refused
// because another conditional write of the key was in progress (409).
const conflictRetries = 5

// Create implements snapshot.Remote: one PUT with If-None-Match: * and
// Content-MD5. A 412 (Precondition Failed) means the key is taken.
func (s *Store) Create(ctx context.Context, bucket, key string, r io.Reader, size int64) error {
	rs, seekable := r.(io.ReadSeeker)
	for try := 0; ; try++ {
		opts := minio.PutObjectOptions{DisableMultipart: true, SendContentMd5: true, ContentType: "application/octet-stream"}
		opts.SetMatchETagExcept("*")
		_, err := s.c.PutObject(ctx, bucket, key, r, size, opts)
		if err == nil {
			return nil
		}
		resp := minio.ToErrorResponse(err)
		switch {
		case resp.StatusCode == http.StatusPreconditionFailed || resp.Code == "PreconditionFailed":
			return fmt.Errorf("s3://%s/%s: %w", bucket, key, fs.ErrExist)
		case resp.StatusCode == http.StatusConflict && seekable && try < conflictRetries:
			if _, serr := rs.Seek(0, io.SeekStart); serr != nil {
				return s.fail("storing", bucket, key, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(try+1) * 200 * time.Millisecond):
			}
			continue
		}
		return s.fail("storing", bucket, key, err)
	}
}

// Remove implements snapshot.Remote.
func (s *Store) Remove(ctx context.Context, bucket, key string) error {
	if err := s.c.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if errors.Is(s.fail("", bucket, key, err), fs.ErrNotExist) {
			return nil
		}
		return s.fail("removing", bucket, key, err)
	}
	return nil
}
