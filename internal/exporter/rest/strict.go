package rest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// The config loader reports unknown keys of a source table itself but not
// those of tables nested deeper (endpoints, auth, http), so those types
// decode themselves strictly: a typo such as "pagnation" is an error
// naming the key, not a silently ignored setting.

// UnmarshalTOML decodes one endpoint table strictly.
func (e *EndpointParams) UnmarshalTOML(data any) error {
	type plain EndpointParams
	return strictDecode(data, (*plain)(e))
}

// UnmarshalTOML decodes the auth table strictly.
func (a *AuthParams) UnmarshalTOML(data any) error {
	type plain AuthParams
	return strictDecode(data, (*plain)(a))
}

// UnmarshalTOML decodes the http table strictly.
func (h *HTTPParams) UnmarshalTOML(data any) error {
	type plain HTTPParams
	return strictDecode(data, (*plain)(h))
}

// strictDecode decodes an already parsed TOML table into v and fails on
// keys that v has no field for.
func strictDecode(data any, v any) error {
	if _, ok := data.(map[string]any); !ok {
		return fmt.Errorf("expected a table, not %T", data)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(data); err != nil {
		return err
	}
	md, err := toml.NewDecoder(&buf).Decode(v)
	if err != nil {
		return err
	}
	if und := md.Undecoded(); len(und) > 0 {
		names := make([]string, len(und))
		for i, k := range und {
			names[i] = fmt.Sprintf("%q", k.String())
		}
		return fmt.Errorf("unknown key %s", strings.Join(names, ", "))
	}
	return nil
}
