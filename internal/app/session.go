package app

import (
	"context"
	"fmt"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/internal/index"
)

// Session reads several queries of the same targets, as one page of the
// web app does (a page of items, the nearest days before and after): the
// snapshots are listed and the index refreshed once, and the index stays
// open until Close. Without an index (or when it cannot be used) each
// source is merged once and every query selects from the merge. Reads of
// a session give what Reader.Read gives for the same query. A Session is
// not safe for concurrent use.
type Session struct {
	rd      Reader
	sources []string
	x       *index.Index
	damaged bool
	// Uncached: the merges, made once.
	results  []*dal.Result
	bySource map[string]*dal.Result
	// Problems and Warnings are those of every read (see Reading).
	Problems []string
	Warnings []string
}

// Open lists the targets' snapshots and refreshes the index (or merges
// the snapshots, without one).
func (rd Reader) Open(ctx context.Context, ts []Target) (*Session, error) {
	s := &Session{rd: rd}
	var srcs []index.Source
	for _, t := range ts {
		snaps, warns, err := t.list()
		if err != nil {
			return nil, err
		}
		s.Warnings = append(s.Warnings, warns...)
		srcs = append(srcs, index.Source{Spec: t.Spec, Snaps: snaps})
		s.sources = append(s.sources, t.Spec.Source)
	}
	if rd.Index != "" && !rd.NoCache {
		var errs []string
		x, err := openIndex(ctx, rd.Index, func(x *index.Index) error {
			if err := rd.refresh(ctx, x, srcs); err != nil {
				return err
			}
			var err error
			errs, err = x.Errors(ctx, s.sources)
			return err
		})
		if err == nil {
			s.x, s.Problems = x, errs
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("the index cannot be used (%v); read the snapshots directly", err))
	}
	s.bySource = map[string]*dal.Result{}
	for _, src := range srcs {
		res, err := dal.Merge(ctx, src.Spec, src.Snaps, dal.Options{LazyText: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Spec.Source, err)
		}
		for _, e := range res.Errors() {
			s.Problems = append(s.Problems, e.Error())
		}
		s.results = append(s.results, res)
		s.bySource[src.Spec.Source] = res
	}
	return s, nil
}

// Read reads the items q selects. Close the reading before the session.
func (s *Session) Read(ctx context.Context, q dal.Query) (*Reading, error) {
	r := &Reading{Problems: s.Problems, Warnings: s.Warnings}
	if s.x == nil {
		items, err := selectMerged(ctx, s.results, s.bySource, q)
		if err != nil {
			return nil, err
		}
		r.Items = items
		return r, nil
	}
	iq := index.Query{Sources: s.sources, Query: q}
	r.Items = indexItems(ctx, s.x, iq, s.rd.Index, &s.damaged)
	return r, nil
}

// Close closes the index (and deletes it when a read found it damaged).
func (s *Session) Close() {
	if s.x == nil {
		return
	}
	s.x.Close()
	s.x = nil
	if s.damaged {
		index.Remove(s.rd.Index)
	}
}
