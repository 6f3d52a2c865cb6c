package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// compileKeys sets ep.keys from key or keys.
func (ep *endpoint) compileKeys() error {
	switch {
	case ep.Key != "" && len(ep.Keys) > 0:
		return errors.New("set key (one path) or keys (several), not both")
	case ep.Key != "":
		ep.keys = []Path{ep.key}
	}
	for i, k := range ep.Keys {
		p, err := ParsePath(k)
		if err != nil {
			return fmt.Errorf("keys[%d]: %w", i, err)
		}
		if p == nil {
			return fmt.Errorf("keys[%d] is empty", i)
		}
		ep.keys = append(ep.keys, p)
	}
	return nil
}

// keyText is the key setting as recorded in envelopes: the path, or the
// paths of keys separated by commas.
func (ep *endpoint) keyText() string {
	if ep.Key != "" {
		return ep.Key
	}
	return strings.Join(ep.Keys, ",")
}

// keyOf returns an item's key ("" and false when the endpoint has none or
// the item has none of the key's values).
func (ep *endpoint) keyOf(item json.RawMessage) (string, bool) {
	if len(ep.keys) == 0 {
		return "", false
	}
	parts := make([]string, len(ep.keys))
	any := false
	for i, p := range ep.keys {
		v := values(item, p)
		parts[i] = strings.Join(v, "\x00")
		any = any || len(v) > 0
	}
	return strings.Join(parts, "\x01"), any
}
