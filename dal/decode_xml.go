package dal

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
)

// xmlRecords yields each element at one of spec.Items (element names
// joined by dots from the root, e.g. "rss.channel.item") as a JSON object:
// attributes as "@name", child elements by name (an array when repeated),
// text-only children as strings, other text as "#text".
func xmlStream(ctx context.Context, r io.Reader, path string, spec *Spec) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		paths, kinds := itemPaths(spec)
		if len(paths) == 0 {
			yield(Record{}, &ReadError{File: path, Err: errors.New("an XML snapshot needs items = [...] naming the item elements, e.g. \"rss.channel.item\"")})
			return
		}
		items := make([]string, len(paths))
		for i, p := range paths {
			items[i] = p.String()
		}
		rc := newInput(ctx, r)
		rc.limit = spec.ItemLimit()
		d := xml.NewDecoder(bufio.NewReaderSize(rc, chunkSize))
		d.Strict = true
		xmlWalk(ctx, path, d, items, rc.startItem, func(rec Record, err error) bool {
			if err == nil {
				rec.Kind = kinds[slices.Index(items, rec.Kind)]
			}
			return yield(rec, err)
		})
	}
}

// xmlWalk yields the items of d; startItem is called before each token
// outside items, and so before each item, which bounds the bytes one
// item (or one token between items) may take.
func xmlWalk(ctx context.Context, path string, d *xml.Decoder, items []string, startItem func(), yield func(Record, error) bool) {
	var stack []string
	var buf []byte
	for n := 0; ; n++ {
		startItem()
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			line, col := d.InputPos()
			yield(Record{}, &ReadError{File: path, Where: fmt.Sprintf("line %d, column %d", line, col), Err: err})
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if len(stack) > maxDepth {
				line, col := d.InputPos()
				yield(Record{}, &ReadError{File: path, Where: fmt.Sprintf("line %d, column %d", line, col), Err: errTooDeep})
				return
			}
			kind := matchKind(stack, items)
			if kind == "" {
				continue
			}
			node, err := readNode(d, t, len(stack))
			stack = stack[:len(stack)-1]
			if err != nil {
				line, col := d.InputPos()
				yield(Record{}, &ReadError{File: path, Where: fmt.Sprintf("line %d, column %d", line, col), Err: err})
				return
			}
			buf = node.render(buf[:0])
			if !yield(Record{Kind: kind, Raw: buf}, nil) {
				return
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
		if n%4096 == 0 && ctx.Err() != nil {
			yield(Record{}, ctx.Err())
			return
		}
	}
}

// errTooDeep is the error of elements nested deeper than maxDepth (JSON's
// nesting limit too): checked as they are read, before they take memory.
var errTooDeep = fmt.Errorf("elements nested deeper than %d levels", maxDepth)

func matchKind(stack, items []string) string {
	// joining the stack for every element would be quadratic in depth:
	// only a stack as deep as some item path can match
	depthOK := false
	for _, it := range items {
		if strings.Count(it, ".")+1 == len(stack) {
			depthOK = true
			break
		}
	}
	if !depthOK {
		return ""
	}
	p := strings.Join(stack, ".")
	for _, it := range items {
		if it == p {
			return it
		}
	}
	return ""
}

// xmlNode is an element turned into ordered members.
type xmlNode struct {
	names []string
	vals  map[string][]any // string or *xmlNode
	text  strings.Builder
}

func (n *xmlNode) add(name string, v any) {
	if n.vals == nil {
		n.vals = map[string][]any{}
	}
	if _, ok := n.vals[name]; !ok {
		n.names = append(n.names, name)
	}
	n.vals[name] = append(n.vals[name], v)
}

// readNode reads the element whose start was just consumed, at nesting
// depth depth.
func readNode(d *xml.Decoder, start xml.StartElement, depth int) (*xmlNode, error) {
	n := &xmlNode{}
	for _, a := range start.Attr {
		n.add("@"+a.Name.Local, a.Value)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				err = errors.New("unexpected end of file inside an element (truncated?)")
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth >= maxDepth {
				return nil, errTooDeep
			}
			c, err := readNode(d, t, depth+1)
			if err != nil {
				return nil, err
			}
			n.add(t.Name.Local, c.simplify())
		case xml.CharData:
			n.text.Write(t)
		case xml.EndElement:
			return n, nil
		}
	}
}

// simplify turns a text-only element into its text.
func (n *xmlNode) simplify() any {
	if len(n.names) == 0 {
		return strings.TrimSpace(n.text.String())
	}
	return n
}

func (n *xmlNode) render(buf []byte) []byte {
	buf = append(buf, '{')
	for i, name := range n.names {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(appendJSONString(buf, name), ':')
		vs := n.vals[name]
		if len(vs) == 1 {
			buf = renderXMLValue(buf, vs[0])
			continue
		}
		buf = append(buf, '[')
		for j, v := range vs {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = renderXMLValue(buf, v)
		}
		buf = append(buf, ']')
	}
	if t := strings.TrimSpace(n.text.String()); t != "" {
		if len(n.names) > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(append(buf, `"#text":`...), t)
	}
	return append(buf, '}')
}

func renderXMLValue(buf []byte, v any) []byte {
	if s, ok := v.(string); ok {
		return appendJSONString(buf, s)
	}
	return v.(*xmlNode).render(buf)
}
