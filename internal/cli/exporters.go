package cli

// Exporter kinds that live in their own packages register themselves from
// an init function; importing them here makes them available to every
// command that reads hoard.toml.
import (
	_ "github.com/hoard-dev/hoard/internal/exporter/rest"
)
