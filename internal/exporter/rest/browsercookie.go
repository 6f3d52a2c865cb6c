package rest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strings"

	"github.com/hoard-dev/hoard/clock"
	"github.com/hoard-dev/hoard/export"
	"github.com/hoard-dev/hoard/internal/browser"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/internal/paths"
)

// checkBrowserCookie validates auth.type = "browser_cookie".
func checkBrowserCookie(a AuthParams) error {
	switch {
	case !slices.Contains(browser.Names, a.Browser):
		return fmt.Errorf("auth.browser = %q: browser_cookie needs the browser whose cookies to read: %s", a.Browser, strings.Join(browser.Names, ", "))
	case a.Domain == "":
		return errors.New(`auth.type = "browser_cookie" needs auth.domain, the host the session cookie belongs to (e.g. "news.ycombinator.com")`)
	case strings.ContainsAny(a.Domain, "/:"):
		return fmt.Errorf("auth.domain = %q: give a host name, not a URL", a.Domain)
	}
	return nil
}

// checkCookieOverHTTP refuses to send a browser's session cookie over
// plain HTTP to anything but this machine.
func checkCookieOverHTTP(p *Params) error {
	if p.Auth.Type != "browser_cookie" {
		return nil
	}
	u, _ := url.Parse(p.BaseURL)
	if u.Scheme == "https" || isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("base_url = %q: browser_cookie sends your session cookie, so base_url must be https", p.BaseURL)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// browserCookieAuth reads the cookies of auth.domain from a consistent
// copy of the browser's cookie database, once per run, and sends them as
// the Cookie header. Every value is added to the redactor.
func browserCookieAuth(ctx context.Context, a AuthParams, env *export.Env, clk clock.Clock) (httpx.Auth, error) {
	if clk == nil {
		clk = clock.System
	}
	home, err := paths.Home()
	if err != nil {
		return nil, permanent("auth.type = \"browser_cookie\": %v", err)
	}
	profile := a.Profile
	if profile != "" {
		if profile, err = paths.Expand(profile); err != nil {
			return nil, permanent("auth.profile: %v", err)
		}
	}
	cookies, used, err := browser.Read(ctx, browser.Query{
		Browser: a.Browser, Profile: profile, Domain: a.Domain, Names: a.Cookies,
		Home: home, GOOS: runtime.GOOS, Now: clk.Now(),
	})
	if err != nil {
		return nil, permanent("auth.type = \"browser_cookie\": %v", err)
	}
	for _, c := range cookies {
		env.Redactor.Add(c.Value)
	}
	header := browser.Header(cookies)
	env.Redactor.Add(header)
	env.Log.Info("rest: cookies read from the browser", "browser", a.Browser, "profile", used, "domain", a.Domain, "cookies", len(cookies))
	return httpx.Header{Name: "Cookie", Value: header}, nil
}
