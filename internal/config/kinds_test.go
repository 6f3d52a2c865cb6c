package config_test

import (
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/command"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/internal/exporter/rest"
)

// kinds are the exporter kinds the tests' configs name.
var kinds = export.NewKinds(command.Kind, file.Kind, rest.Kind)
