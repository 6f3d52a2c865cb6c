package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/pathtmpl"
	"github.com/hoard-dev/hoard/snapshot"
)

// Storage holds the top-level keys about where and how snapshots are
// kept. See docs/storage.md.
//
//	root = "s3://my-bucket/exports"   # or a directory
//	host = "laptop"                   # default: the machine's host name
//	after_run = ["restic", "backup", "{root}"]
//
//	[s3]
//	endpoint = "https://s3.eu-central-1.amazonaws.com"
//	region = "eu-central-1"
//	secrets = "~/.config/hoard/secrets/s3.toml"
type Storage struct {
	// Host names this machine in the exports root: a per_host source's
	// snapshots go to ROOT/<source>/<Host>/. It is a valid source name.
	Host string
	// AfterRun is the command run after runs that saved new snapshots
	// (placeholders {root} and {host}); nil: none.
	AfterRun []string
	// S3 is set when root is an s3:// address.
	S3 *S3
}

// S3 is where an object-storage root lives and how to reach it.
type S3 struct {
	Bucket   string // from root = "s3://BUCKET/PREFIX"
	Prefix   string // "" or a key prefix without leading or trailing "/"
	Endpoint string // host[:port]
	Secure   bool   // https (the default); false for an http:// endpoint
	Region   string // default "us-east-1"
	// Secrets is the secrets file holding access_key_id and
	// secret_access_key (and session_token, if any).
	Secrets string
}

// DefaultS3Endpoint is the endpoint when [s3] names none.
const DefaultS3Endpoint = "https://s3.amazonaws.com"

// storageShape is how the storage keys are written.
type storageShape struct {
	Host     string   `toml:"host"`
	AfterRun []string `toml:"after_run"`
	S3       *s3Shape `toml:"s3"`
}

type s3Shape struct {
	Endpoint string `toml:"endpoint"`
	Region   string `toml:"region"`
	Secrets  string `toml:"secrets"`
}

// applyStorage resolves root, host, after_run and [s3]; relative paths are
// relative to dir.
func (c *Config) applyStorage(sh storageShape, root, dir string) error {
	var err error
	if snapshot.IsRemote(root) {
		if c.S3, err = parseS3(root, sh.S3, dir); err != nil {
			return err
		}
		c.Root = snapshot.CleanPath(root)
	} else {
		if sh.S3 != nil {
			return keyError{[]string{"s3"}, errors.New(`[s3] is only read when root is an s3:// address, e.g. root = "s3://my-bucket/exports"`)}
		}
		if c.Root, err = paths.ExpandFrom(dir, root); err != nil {
			return keyError{[]string{"root"}, fmt.Errorf("root: %w", err)}
		}
	}
	if sh.Host != "" {
		if err := snapshot.ValidateSourceName(sh.Host); err != nil {
			return keyError{[]string{"host"}, fmt.Errorf("host = %q: a host is a directory name: use letters, digits, '.', '_' and '-'", sh.Host)}
		}
		c.Host = sh.Host
	} else {
		c.Host = HostName()
	}
	if sh.AfterRun != nil {
		if err := validateCommand(sh.AfterRun); err != nil {
			return keyError{[]string{"after_run"}, errors.New(`after_run: give a program and its arguments, e.g. after_run = ["restic", "backup", "{root}"]`)}
		}
		vars := map[string]string{"root": c.Root, "host": c.Host}
		for _, arg := range sh.AfterRun {
			if _, err := pathtmpl.Expand(arg, vars); err != nil {
				return keyError{[]string{"after_run"}, fmt.Errorf("after_run: %w", err)}
			}
		}
		c.AfterRun = sh.AfterRun
	}
	return nil
}

// HostName returns this machine's host name made into a directory name
// (characters other than letters, digits, '.', '_' and '-' become '-'),
// or "" when it cannot be found.
func HostName() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	b := []byte(h)
	for i, ch := range b {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-'
		if !ok {
			b[i] = '-'
		}
	}
	h = strings.Trim(string(b), ".-_")
	if snapshot.ValidateSourceName(h) != nil {
		return ""
	}
	return h
}

// parseS3 reads root = "s3://BUCKET/PREFIX" and the [s3] table.
func parseS3(root string, sh *s3Shape, dir string) (*S3, error) {
	bucket, prefix, err := snapshot.SplitRemote(root)
	if err != nil {
		return nil, keyError{[]string{"root"}, fmt.Errorf("root: %w", err)}
	}
	if sh == nil {
		return nil, keyError{[]string{"root"}, errors.New(`root is an s3:// address: add an [s3] table with at least secrets = "FILE" (access_key_id and secret_access_key), and endpoint and region unless it is AWS in us-east-1`)}
	}
	s := &S3{Bucket: bucket, Prefix: prefix, Region: sh.Region}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	ep := sh.Endpoint
	if ep == "" {
		ep = DefaultS3Endpoint
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" {
		return nil, keyError{[]string{"s3", "endpoint"}, fmt.Errorf("s3.endpoint = %q: give the service's address, e.g. \"https://s3.eu-central-1.amazonaws.com\" or \"http://127.0.0.1:7070\" (no path, no credentials)", ep)}
	}
	s.Endpoint, s.Secure = u.Host, u.Scheme == "https"
	if sh.Secrets == "" {
		return nil, keyError{[]string{"s3"}, errors.New(`[s3]: missing key "secrets": the file holding access_key_id and secret_access_key (chmod 600)`)}
	}
	if s.Secrets, err = paths.ExpandFrom(dir, sh.Secrets); err != nil {
		return nil, keyError{[]string{"s3", "secrets"}, fmt.Errorf("s3.secrets: %w", err)}
	}
	return s, nil
}

// storageKey returns the key an error of applyStorage is about.
func storageKey(err error) []string {
	var ke keyError
	if errors.As(err, &ke) {
		return ke.key
	}
	return nil
}
