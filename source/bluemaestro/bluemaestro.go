// Package bluemaestro is the built-in source for BlueMaestro's
// temperature, humidity and pressure loggers (Tempo Disc and others): the
// readings of the database their Android app keeps.
//
// A logger holds its readings in a ring buffer of a few thousand: each
// download gets what is in it then, the oldest readings are overwritten,
// and the phone's database keeps what it was given. The union of copies of
// that database keeps every reading.
//
// The app's schema changed. The older app ("Tempo Utility") keeps one
// device's readings in a table "data" with local times written as text
// ("2018-Oct-01 07:07", month names in the phone's language, read in the
// source's time_zone) and the device in "info". The newer apps ("Tempo Plus", "bmLogger") keep one
// table per download, DEVICE_DOWNLOADMS_log, with Unix milliseconds and
// readings times ten, and DEVICE_info for the device.
package bluemaestro

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/internal/localtime"
	"github.com/hoard-dev/hoard/source/internal/sqlschema"
)

// Decoder yields one "readings" record per reading.
var Decoder = &dal.Decoder{
	Name: "bluemaestro", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"readings": {Key: []string{"device", "time"}, Time: "time", Title: "device_name"},
	},
	Records: records,
}

// Source describes the BlueMaestro app's database.
var Source = &source.Source{
	Name:     "bluemaestro",
	Title:    "BlueMaestro environment loggers: temperature, humidity, pressure, dew point readings (the Android app's database)",
	Category: source.Device,
	Needs:    "the app's database, copied off the phone",
	Decoder:  Decoder,
	Exporter: source.FileKind("bluemaestro", "sqlite"),
	// A copy of the app's database holds the downloads it still keeps:
	// copies taken too rarely, after the app pruned old downloads, leave
	// readings out, which hoard doctor reports as a gap.
	WindowKinds: []string{"readings"},
	Stanza: `# BlueMaestro logger readings: the app's database copied off the phone
# (edit the path; see docs/sources/bluemaestro.md)
[sources.NAME]
exporter = "bluemaestro"
path = "~/bluemaestro/bluemaestro.db"
# The older app writes local times without a zone: name the phone's zone,
# or they are read as UTC. (The newer apps write exact times.)
# time_zone = "Europe/London"
compression = "zstd"
`,
}

// logTable is a newer app's table of one download's readings.
var logTable = regexp.MustCompile(`^(.+)_([0-9]+)_log$`)

// ErrNotBlueMaestro is the error of a database that is not the app's.
var ErrNotBlueMaestro = errors.New("not a BlueMaestro app database")

func records(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		fail := func(err error) { yield(dal.Record{}, &dal.ReadError{File: path, Err: err}) }
		db, cleanup, err := dal.OpenSQLite(path)
		if err != nil {
			fail(err)
			return
		}
		defer cleanup()
		s, err := sqlschema.Read(ctx, db)
		if err != nil {
			fail(err)
			return
		}
		r := reader{ctx: ctx, db: db, path: path, yield: yield}
		logs := s.Tables(func(t string) bool {
			return logTable.MatchString(t) && !strings.Contains(t, "omnibus") &&
				s.Has(t, "unix", "tempReadings", "humiReadings", "pressReadings", "dewpReadings")
		})
		switch {
		case len(logs) > 0:
			r.newer(s, logs)
		case s.Has("data", "Time", "Temperature", "Humidity", "Pressure", "Dewpoint"):
			r.older(s)
		case len(s.Tables(logTable.MatchString)) > 0 || s.Has("settingsv2"):
			// the newer app before any download: no readings yet
		default:
			fail(fmt.Errorf("no table data (the older app) or DEVICE_MS_log (the newer ones) with readings: %w", ErrNotBlueMaestro))
		}
	}
}

type reader struct {
	ctx     context.Context
	db      *sql.DB
	path    string
	yield   func(dal.Record, error) bool
	stopped bool
}

func (r *reader) emit(rec dal.Record, err error) bool {
	if !r.stopped && !r.yield(rec, err) {
		r.stopped = true
	}
	return !r.stopped
}

func (r *reader) fail(where string, err error) bool {
	return r.emit(dal.Record{}, &dal.ReadError{File: r.path, Where: where, Err: err})
}

// older reads the "data" table of the older app, whose times are the
// phone's local time, minute precision, with the month's name: they are
// given as zone-less text, which hoard reads in the source's time_zone.
func (r *reader) older(s sqlschema.Schema) {
	device, mac := "NULL", "NULL"
	if s.Has("info", "name", "address") {
		device, mac = "(SELECT name FROM info LIMIT 1)", "(SELECT address FROM info LIMIT 1)"
	}
	q := "SELECT " + device + ", " + mac + ", log_index, Time, Temperature, Humidity, Pressure, Dewpoint FROM data ORDER BY log_index"
	rows, err := r.db.QueryContext(r.ctx, q)
	if err != nil {
		r.fail("table data", err)
		return
	}
	defer rows.Close()
	var bad int
	var firstBad string
	var buf []byte
	for rows.Next() {
		var dev, addr, when sql.NullString
		var index sql.NullInt64
		var temp, hum, pres, dew sql.NullFloat64
		if err := rows.Scan(&dev, &addr, &index, &when, &temp, &hum, &pres, &dew); err != nil {
			r.fail("table data", err)
			return
		}
		b := append(buf[:0], `{"device":`...)
		b = str(b, dev)
		b = append(b, `,"device_name":`...)
		b = str(b, dev)
		b = append(b, `,"mac":`...)
		b = str(b, addr)
		b = append(b, `,"log_index":`...)
		b = integer(b, index)
		b = append(b, `,"time_local":`...)
		b = str(b, when)
		b = append(b, `,"time":`...)
		if t, ok := parseOld(when.String); ok && when.Valid {
			b = dal.AppendJSONString(b, localtime.Wall(t))
		} else {
			b = append(b, "null"...)
			if bad++; bad == 1 {
				firstBad = fmt.Sprintf("log_index %d: %q", index.Int64, when.String)
			}
		}
		b = readings(b, temp, hum, pres, dew)
		b = append(b, `,"table":"data"}`...)
		buf = b
		if !r.emit(dal.Record{Kind: "readings", Raw: b}, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		r.fail("table data", err)
		return
	}
	if bad > 0 {
		r.fail("table data", fmt.Errorf("%d readings have a time that cannot be read (the first, %s): they have no time", bad, firstBad))
	}
}

var oldTime = regexp.MustCompile(`^\s*(\d{4})-([^-\s]+)-(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$`)

// parseOld reads the older app's "2018-Oct-01 07:07" (the month as the
// phone's language abbreviates it: "Juli", "Aug.", "déc."), a wall time.
func parseOld(s string) (time.Time, bool) {
	m := oldTime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	month, ok := localtime.Month(m[2])
	if !ok {
		if n, err := strconv.Atoi(m[2]); err == nil && n >= 1 && n <= 12 {
			month, ok = time.Month(n), true
		}
	}
	y, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[3])
	h, _ := strconv.Atoi(m[4])
	mi, _ := strconv.Atoi(m[5])
	sec := 0
	if m[6] != "" {
		sec, _ = strconv.Atoi(m[6])
	}
	wall := time.Date(y, month, d, h, mi, sec, 0, time.UTC)
	if !ok || h > 23 || mi > 59 || sec > 59 || wall.Day() != d {
		return time.Time{}, false
	}
	return wall, true
}

// newer reads the newer apps' log tables: per device, its downloads in
// order. A download repeats the readings still in the ring buffer, with
// times the app assigned again at that download (counted back from the
// phone's clock), so that they can differ slightly from the earlier
// download's: a reading no later than the device's newest one already
// read is taken to be such a repeat, and left out.
func (r *reader) newer(s sqlschema.Schema, logs []string) {
	type download struct {
		table string
		ms    int64
	}
	byDevice := map[string][]download{}
	for _, t := range logs {
		m := logTable.FindStringSubmatch(t)
		ms, _ := strconv.ParseInt(m[2], 10, 64)
		byDevice[m[1]] = append(byDevice[m[1]], download{t, ms})
	}
	devices := make([]string, 0, len(byDevice))
	for d := range byDevice {
		devices = append(devices, d)
	}
	sort.Strings(devices)
	var buf []byte
	for _, dev := range devices {
		downloads := byDevice[dev]
		sort.Slice(downloads, func(i, j int) bool { return downloads[i].ms < downloads[j].ms })
		name, mac := r.info(s, dev)
		var newest int64
		for _, dl := range downloads {
			q := fmt.Sprintf(`SELECT id, unix, tempReadings / 10.0, humiReadings / 10.0, pressReadings / 10.0, dewpReadings / 10.0 FROM %s ORDER BY unix, id`, sqlschema.Quote(dl.table))
			rows, err := r.db.QueryContext(r.ctx, q)
			if err != nil {
				if !r.fail("table "+dl.table, err) {
					return
				}
				continue
			}
			for rows.Next() {
				var id, unix sql.NullInt64
				var temp, hum, pres, dew sql.NullFloat64
				if err := rows.Scan(&id, &unix, &temp, &hum, &pres, &dew); err != nil {
					r.fail("table "+dl.table, err)
					break
				}
				if !unix.Valid || unix.Int64 <= newest {
					continue
				}
				newest = unix.Int64
				b := append(buf[:0], `{"device":`...)
				b = dal.AppendJSONString(b, dev)
				b = append(b, `,"device_name":`...)
				b = str(b, name)
				b = append(b, `,"mac":`...)
				b = str(b, mac)
				b = append(b, `,"table":`...)
				b = dal.AppendJSONString(b, dl.table)
				b = append(b, `,"id":`...)
				b = integer(b, id)
				b = append(b, `,"unix":`...)
				b = strconv.AppendInt(b, unix.Int64, 10)
				b = append(b, `,"time":`...)
				b = dal.AppendJSONString(b, localtime.UnixMilli(unix.Int64))
				b = readings(b, temp, hum, pres, dew)
				b = append(b, `,"download":`...)
				b = dal.AppendJSONString(b, localtime.UnixMilli(dl.ms))
				b = append(b, '}')
				buf = b
				if !r.emit(dal.Record{Kind: "readings", Raw: b}, nil) {
					rows.Close()
					return
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil && !r.fail("table "+dl.table, err) {
				return
			}
		}
	}
}

// info returns the name its user gave a device and its address, from
// DEVICE_info when the database has it.
func (r *reader) info(s sqlschema.Schema, dev string) (name, mac sql.NullString) {
	t := dev + "_info"
	if !s.Has(t, "mac") {
		return sql.NullString{String: dev, Valid: true}, mac
	}
	nameCol := "name"
	if s.Has(t, "userName") {
		nameCol = "COALESCE(NULLIF(userName, ''), name)"
	}
	err := r.db.QueryRowContext(r.ctx, "SELECT "+nameCol+", mac FROM "+sqlschema.Quote(t)+" LIMIT 1").Scan(&name, &mac)
	if err != nil || !name.Valid || name.String == "" {
		name = sql.NullString{String: dev, Valid: true}
	}
	return name, mac
}

func readings(b []byte, temp, hum, pres, dew sql.NullFloat64) []byte {
	for _, f := range []struct {
		name string
		v    sql.NullFloat64
	}{{"temperature", temp}, {"humidity", hum}, {"pressure", pres}, {"dewpoint", dew}} {
		b = append(append(append(b, `,"`...), f.name...), `":`...)
		if f.v.Valid && !math.IsInf(f.v.Float64, 0) && !math.IsNaN(f.v.Float64) {
			b = strconv.AppendFloat(b, f.v.Float64, 'g', -1, 64)
		} else {
			b = append(b, "null"...)
		}
	}
	return b
}

func str(b []byte, s sql.NullString) []byte {
	if !s.Valid {
		return append(b, "null"...)
	}
	return dal.AppendJSONString(b, s.String)
}

func integer(b []byte, n sql.NullInt64) []byte {
	if !n.Valid {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, n.Int64, 10)
}
