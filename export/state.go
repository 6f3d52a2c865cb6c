package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/hoard-dev/hoard/internal/atomicfile"
)

// State is an incremental exporter's saved cursor (any JSON value). An
// exporter reads it with Load and proposes the next value with Stage; the
// runner writes the staged value with Commit only after the snapshot that
// holds the data it covers is durable. A failed attempt's staged value is
// dropped, so the saved state never runs ahead of the data on disk.
//
// State is safe for concurrent use.
type State struct {
	path   string // "" means in memory only (e.g. capture)
	mu     sync.Mutex
	staged json.RawMessage
}

// NewState returns the state stored at path (which need not exist yet).
// An empty path gives a state that is never persisted.
func NewState(path string) *State { return &State{path: path} }

// Load decodes the committed state into v and reports whether there was
// one. A corrupt state file is an error naming it, never a silent restart.
func (s *State) Load(v any) (bool, error) {
	if s.path == "" {
		return false, nil
	}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("state file %s is corrupt (%v); move it away to start over from scratch", s.path, err)
	}
	return true, nil
}

// Stage records v as the state to commit if this attempt's snapshot becomes
// durable. A later Stage replaces an earlier one.
func (s *State) Stage(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.staged = b
	s.mu.Unlock()
	return nil
}

// discard drops the staged value (the attempt failed).
func (s *State) discard() {
	s.mu.Lock()
	s.staged = nil
	s.mu.Unlock()
}

// commit atomically writes the staged value, if any.
func (s *State) commit() error {
	s.mu.Lock()
	b := s.staged
	s.staged = nil
	s.mu.Unlock()
	if b == nil || s.path == "" {
		return nil
	}
	return atomicfile.Write(s.path, b, 0o600)
}
