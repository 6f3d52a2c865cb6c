package rest

// SecretKeys returns the keys the source's secrets file must hold for its
// auth table, so that a missing file or key is reported before a run.
func (p *Params) SecretKeys() []string {
	a := p.Auth
	switch a.Type {
	case "basic":
		return []string{keyUsername, keyPassword}
	case "oauth2":
		return []string{keyClientID, keyRefresh}
	case "bearer", "header", "query":
		return []string{firstNonEmpty(a.Secret, keyToken)}
	case "cookie":
		return []string{firstNonEmpty(a.Secret, keyCookie)}
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
