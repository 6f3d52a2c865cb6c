package httpx

import (
	"net/url"
	"strings"
)

// Query parameters whose values are masked in logs, errors and saved URLs
// even when they are not known secrets (e.g. a token a server put into a
// next-page link): names containing one of sensitiveParts, or equal to one
// of sensitiveNames.
var (
	sensitiveParts = []string{"token", "secret", "password", "passwd", "apikey", "api_key", "signature", "session", "credential"}
	sensitiveNames = []string{"key", "sig", "auth", "code", "access_key", "private_key"}
)

func sensitiveParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range sensitiveParts {
		if strings.Contains(n, s) {
			return true
		}
	}
	for _, s := range sensitiveNames {
		if n == s {
			return true
		}
	}
	return false
}

// RedactURL renders u for logs and errors: the password of its user info,
// the values of token-like query parameters and every known secret are
// masked.
func (c *Client) RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	if v.User != nil {
		if _, has := v.User.Password(); has {
			v.User = url.UserPassword(v.User.Username(), "REDACTED")
		}
	}
	if v.RawQuery != "" {
		v.RawQuery = redactQuery(v.RawQuery)
	}
	return c.o.Redactor.String(v.String())
}

// redactQuery masks values of sensitive parameters, keeping the order and
// encoding of everything else.
func redactQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if hasValue && sensitiveParam(name) {
			parts[i] = p[:strings.Index(p, "=")+1] + "REDACTED"
		}
	}
	return strings.Join(parts, "&")
}
