package app

import (
	"fmt"

	"github.com/hoard-dev/hoard/internal/config"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/s3store"
	"github.com/hoard-dev/hoard/secret"
	"github.com/hoard-dev/hoard/snapshot"
)

// mountS3 makes an s3:// root's bucket resolve through an S3 client built
// from [s3] and its secrets file (the credentials never leave the
// client, which masks them in its errors). New snapshots are spooled in
// the cache directory before their upload. Nothing touches the network
// here.
func mountS3(cfg *config.Config, layout paths.Layout) error {
	s := cfg.S3
	secrets, err := secret.Load(s.Secrets)
	if err != nil {
		return fmt.Errorf("%s: [s3] secrets: %w", cfg.Path, err)
	}
	c := s3store.Config{Endpoint: s.Endpoint, Secure: s.Secure, Region: s.Region}
	if err := c.FromSecrets(secrets, s.Secrets); err != nil {
		return fmt.Errorf("%s: [s3] secrets: %w", cfg.Path, err)
	}
	st, err := s3store.New(c)
	if err != nil {
		return fmt.Errorf("%s: [s3]: %w", cfg.Path, err)
	}
	snapshot.Mount(s.Bucket, st, layout.Spool())
	return nil
}
