// Package version holds hoard's version string, importable by any package
// (the HTTP client's User-Agent, the CLI's --version).
package version

// Version is set at build time with
// -ldflags "-X github.com/hoard-dev/hoard/internal/version.Version=v1.2.3".
var Version = "0.1.0-dev"
