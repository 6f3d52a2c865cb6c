package hackernews

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/jsonpath"
	"github.com/hoard-dev/hoard/snapshot/restfmt"
)

// listKind is the read default of the lists' stories; commentKind of
// comments (the API's and the lists').
var (
	storyKind   = dal.KindSpec{Key: []string{"id"}, Time: "time", Title: "title", URL: "url", Text: "text"}
	commentKind = dal.KindSpec{Key: []string{"id"}, Time: "time", Title: "story.title", URL: "hn_url", Text: "text"}
)

// Decoder reads the hackernews source's snapshots: the user record
// (profile), each submitted item (submissions, or comments for items of
// type comment), and the rows of the saved list pages (favorites,
// favorite_comments, upvoted, upvoted_comments), parsed from their HTML.
// Items are keyed by their id, which the API and the site share.
var Decoder = &dal.Decoder{
	Name: "hackernews", Version: 1,
	Kinds: map[string]dal.KindSpec{
		"profile":           {Key: []string{"id"}, Time: "created", Title: "id", Text: "about"},
		"submissions":       storyKind,
		"comments":          {Key: []string{"id"}, Time: "time", Text: "text"},
		"favorites":         storyKind,
		"favorite_comments": commentKind,
		"upvoted":           storyKind,
		"upvoted_comments":  commentKind,
	},
	Records: records,
}

var typePath = jsonpath.MustParse("type")

func records(ctx context.Context, path string, _ *dal.Spec) iter.Seq2[dal.Record, error] {
	return func(yield func(dal.Record, error) bool) {
		rc, err := dal.OpenRecords(ctx, path)
		if err != nil {
			yield(dal.Record{}, err)
			return
		}
		defer rc.Close()
		br := bufio.NewReaderSize(rc, 1<<16)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(b)) > 0 && !envelope(path, line, b, yield) {
				return
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(dal.Record{}, &dal.ReadError{File: path, Where: fmt.Sprintf("line %d", line), Err: err})
				return
			}
			if line%256 == 0 && ctx.Err() != nil {
				yield(dal.Record{}, ctx.Err())
				return
			}
		}
	}
}

// envelope yields the records of one line; false means stop.
func envelope(path string, line int, b []byte, yield func(dal.Record, error) bool) bool {
	fail := func(err error) bool {
		return yield(dal.Record{}, &dal.ReadError{File: path, Where: fmt.Sprintf("line %d", line), Err: err})
	}
	var env restfmt.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return fail(fmt.Errorf("not a response envelope: %w", err))
	}
	if env.Status < 200 || env.Status > 299 {
		return true
	}
	switch env.Endpoint {
	case "user":
		return object(env.Body, "profile", fail, yield)
	case "items":
		kind := "submissions"
		if v, ok := typePath.Lookup(env.Body); ok && string(v) == `"comment"` {
			kind = "comments"
		}
		return object(env.Body, kind, fail, yield)
	}
	var html string
	if err := json.Unmarshal(env.Body, &html); err != nil {
		return fail(fmt.Errorf("%s page %d: the body is not a saved page (a JSON string)", env.Endpoint, env.Page))
	}
	at, err := url.Parse(env.URL)
	if err != nil {
		return fail(fmt.Errorf("%s page %d: url %q: %w", env.Endpoint, env.Page, env.URL, err))
	}
	p, err := parsePage(html, at, isComments(env.Endpoint))
	if err != nil {
		return fail(fmt.Errorf("%s page %d: %w", env.Endpoint, env.Page, err))
	}
	for _, r := range p.rows {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return fail(err)
		}
		if !yield(dal.Record{Kind: env.Endpoint, Raw: bytes.TrimSpace(buf.Bytes())}, nil) {
			return false
		}
	}
	return true
}

// object yields an API body: an object is one record, null none.
func object(body json.RawMessage, kind string, fail func(error) bool, yield func(dal.Record, error) bool) bool {
	switch c := bytes.TrimSpace(body); {
	case jsonpath.IsNull(c):
		return true
	case len(c) > 0 && c[0] == '{':
		return yield(dal.Record{Kind: kind, Raw: c}, nil)
	}
	return fail(fmt.Errorf("%s: the body is not an object", kind))
}
