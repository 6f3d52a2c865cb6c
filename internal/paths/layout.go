package paths

import "path/filepath"

// Layout is where hoard keeps its own files: every path of the state and
// cache directories is named here and nowhere else.
//
//	STATE/journal.jsonl              one line per run (internal/journal)
//	STATE/locks/<source>.lock        per-source run locks
//	STATE/state/<source>.json        incremental cursors
//	STATE/watch/<source>.json        the files a watch source imported
//	STATE/daemon.lock                held by the running daemon
//	STATE/notify-state.json          what was last notified, per source
//	STATE/schedule-manifest.json     what 'hoard schedule install' wrote
//	CACHE/index.sqlite               the index (a cache: deleting it loses nothing)
type Layout struct {
	State string // $XDG_STATE_HOME/hoard
	Cache string // $XDG_CACHE_HOME/hoard
}

// DefaultLayout returns the XDG layout of the current user.
func DefaultLayout() (Layout, error) {
	state, err := StateDir()
	if err != nil {
		return Layout{}, err
	}
	cache, err := CacheDir()
	if err != nil {
		return Layout{}, err
	}
	return Layout{State: state, Cache: cache}, nil
}

// Journal is the journal of runs.
func (l Layout) Journal() string { return filepath.Join(l.State, "journal.jsonl") }

// Lock is the lock file of a source.
func (l Layout) Lock(source string) string {
	return filepath.Join(l.State, "locks", source+".lock")
}

// Cursor is the incremental state file of a source.
func (l Layout) Cursor(source string) string {
	return filepath.Join(l.State, "state", source+".json")
}

// Watched lists the files a watch source (the file exporter's watch
// mode) has imported.
func (l Layout) Watched(source string) string {
	return filepath.Join(l.State, "watch", source+".json")
}

// DaemonLock is held by the running daemon. It is not in locks/, where a
// source may be named "daemon".
func (l Layout) DaemonLock() string { return filepath.Join(l.State, "daemon.lock") }

// NotifyState records what was last notified.
func (l Layout) NotifyState() string { return filepath.Join(l.State, "notify-state.json") }

// ScheduleManifest lists what 'hoard schedule install' wrote.
func (l Layout) ScheduleManifest() string {
	return filepath.Join(l.State, "schedule-manifest.json")
}

// CronLog is where cron entries append their output.
func (l Layout) CronLog() string { return filepath.Join(l.State, "cron.log") }

// Index is the index file.
func (l Layout) Index() string { return filepath.Join(l.Cache, "index.sqlite") }
