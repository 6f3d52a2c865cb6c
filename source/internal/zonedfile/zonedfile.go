// Package zonedfile is the exporter kind of a file-backed built-in source
// whose file holds wall-clock times without a zone (a Kindle's clippings,
// an old BlueMaestro database): the file exporter's path, and time_zone,
// the zone the device's clock was set to, which reaches the source's
// decoder as the option "time_zone" (dal.Spec.Options).
package zonedfile

import (
	"fmt"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/exporter/file"
	"github.com/hoard-dev/hoard/source/internal/localtime"
)

// Option is the name of the decoder option that holds the zone.
const Option = "time_zone"

// Params are the keys of such a source: path, and time_zone (an IANA
// name; UTC when unset).
type Params struct {
	file.Params
	TimeZone string `toml:"time_zone"`
}

// DecoderOptions passes time_zone on to the decoder, once checked.
func (p *Params) DecoderOptions() (map[string]string, error) {
	if _, err := localtime.LoadZone(p.TimeZone); err != nil {
		return nil, err
	}
	if p.TimeZone == "" {
		return nil, nil
	}
	return map[string]string{Option: p.TimeZone}, nil
}

// Kind returns the exporter kind named name, whose snapshots have the
// extension ext. It copies the file as the file exporter does, after
// checking time_zone.
func Kind(name, ext string) export.Kind {
	return export.Kind{
		Name: name, DefaultExt: ext,
		NewParams: func() any { return &Params{} },
		New: func(src export.Source) (export.Exporter, error) {
			p, ok := src.Params.(*Params)
			if !ok {
				return nil, fmt.Errorf("%s: parameters of type %T", name, src.Params)
			}
			if _, err := localtime.LoadZone(p.TimeZone); err != nil {
				return nil, err
			}
			src.Params = &p.Params
			return file.Kind.New(src)
		},
	}
}

// Zone returns the zone a spec's options name (UTC when none does).
func Zone(spec *dal.Spec) (*time.Location, error) {
	if spec == nil {
		return time.UTC, nil
	}
	return localtime.LoadZone(spec.Options[Option])
}
