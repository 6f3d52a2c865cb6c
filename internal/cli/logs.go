package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/bytesize"
)

// Log formats (--log-format).
const (
	logAuto  = "auto"  // human on a terminal, text elsewhere
	logHuman = "human" // one plain line per event, for people
	logText  = "text"  // key=value lines (log/slog's text handler)
	logJSON  = "json"  // one JSON object per line
)

// resolveLogFormat returns the log format to use on w: auto becomes human
// on a terminal and text elsewhere.
func resolveLogFormat(format string, w io.Writer) (string, error) {
	switch format {
	case "", logAuto:
		if isTerminal(w) {
			return logHuman, nil
		}
		return logText, nil
	case logHuman, logText, logJSON:
		return format, nil
	}
	return "", usageErr("--log-format %q: use auto, human, text or json", format)
}

// newLogger returns a logger writing format (resolved) lines to w, at
// debug level with -v. Human lines go through rep when it is given, so
// that they never break a progress line.
func (g *Globals) newLogger(w io.Writer, format string, rep *reporter) (*slog.Logger, error) {
	format, err := resolveLogFormat(format, w)
	if err != nil {
		return nil, err
	}
	level := slog.LevelInfo
	if g.Verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case logText:
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case logJSON:
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	if rep == nil {
		rep = &reporter{w: w}
	}
	return slog.New(&humanHandler{rep: rep, level: level}), nil
}

// humanHandler renders log records as plain lines for a person:
// "github: http: retrying (attempt 2, wait 2s, url https://...): 503 ...".
// The source comes first, the error last; no time, no level, no quoting.
type humanHandler struct {
	rep   *reporter
	level slog.Level
	attrs []slog.Attr
	skip  []string // messages not shown (the reporter says the same)
}

func (h *humanHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *humanHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(slices.Clip(h.attrs), as...)
	return &c
}

// WithGroup is not used by hoard: group names are dropped, attributes kept.
func (h *humanHandler) WithGroup(string) slog.Handler { return h }

func (h *humanHandler) Handle(_ context.Context, r slog.Record) error {
	if slices.Contains(h.skip, r.Message) {
		return nil
	}
	var source, errText string
	var parts []string
	add := func(a slog.Attr) bool {
		switch a.Key {
		case "source":
			source = a.Value.String()
		case "error":
			errText = a.Value.String()
		default:
			if a.Key != "" {
				parts = append(parts, a.Key+" "+humanValue(a))
			}
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	var b strings.Builder
	if source != "" {
		b.WriteString(source + ": ")
	}
	if r.Level >= slog.LevelWarn && source == "" {
		b.WriteString("hoard: ")
	}
	b.WriteString(r.Message)
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if errText != "" {
		b.WriteString(": " + errText)
	}
	h.rep.line("%s", b.String())
	return nil
}

// humanValue formats an attribute's value for a person: durations
// rounded, byte counts in KiB/MiB, times in local time.
func humanValue(a slog.Attr) string {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindDuration:
		d := v.Duration()
		switch {
		case d >= time.Minute:
			d = d.Round(time.Second)
		case d >= time.Second:
			d = d.Round(100 * time.Millisecond)
		default:
			d = d.Round(time.Millisecond)
		}
		return d.String()
	case slog.KindInt64:
		if a.Key == "bytes" {
			return bytesize.Format(v.Int64())
		}
	case slog.KindTime:
		return v.Time().Local().Format("2006-01-02 15:04:05 MST")
	}
	return fmt.Sprint(v.Any())
}
