package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/paths"
	"github.com/hoard-dev/hoard/internal/web"
	"github.com/spf13/cobra"
)

// webOpts are the web app's settings, shared by serve and up.
type webOpts struct {
	Listen     string   // "" means web.listen, else web.DefaultListen
	TokenFile  string   // "" means web.token_file
	AllowHosts []string // more names the Host header may carry
}

func (o *webOpts) addFlags(cmd *cobra.Command, listenFlag string) {
	cmd.Flags().StringVar(&o.Listen, listenFlag, "", "address of the web app (default web.listen in the config, else "+web.DefaultListen+")")
	cmd.Flags().StringVar(&o.TokenFile, "token-file", "", "require the token in this file (mode 0600; created with a random token if missing); required for a non-loopback address")
	cmd.Flags().StringSliceVar(&o.AllowHosts, "allow-host", nil, "another host name the browser may use for this server (the Host header is checked)")
}

func newServeCmd(g *Globals) *cobra.Command {
	var o webOpts
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app: dashboard, timeline, search, map, and an HTTP API",
		Long: `Serves a read-only web app over the configured sources: a dashboard of every
source (state, runs, snapshots, items per day, gaps, the doctor's findings),
a page per source with an item browser, a timeline of every source merged by
time, full-text search, a map of the items that carry coordinates, and an
HTTP API (GET /api/sources, GET /api/items: the JSON lines of
'hoard items --format jsonl').

It listens on 127.0.0.1:8383 unless told otherwise. Any address that other
machines can reach requires --token-file: every request must then carry the
token (header 'Authorization: Bearer TOKEN', or a cookie set by the one-time
login URL printed on start). The Host header must name this server. The app
never writes a snapshot or the config. See docs/web.md.`,
		Example: `  hoard serve
  hoard serve --listen 127.0.0.1:9000
  hoard serve --listen 0.0.0.0:8383 --token-file ~/.config/hoard/web-token
  curl -s 'http://127.0.0.1:8383/api/items?source=firefox&q=sqlite&limit=5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), g, o)
		},
	}
	o.addFlags(cmd, "listen")
	return cmd
}

func runServe(ctx context.Context, g *Globals, o webOpts) error {
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	srv, ln, err := startWeb(g, a, o)
	if err != nil {
		return err
	}
	go srv.Warm(ctx)
	fmt.Fprintf(g.Stderr, "Serving the web app (read-only) at %s; Ctrl-C stops it.\n", srv.BaseURL())
	printLogin(g, srv)
	return web.Serve(ctx, ln, srv)
}

// startWeb checks the address and the token, listens, and builds the web
// app over a.
func startWeb(g *Globals, a *app.App, o webOpts) (*web.Server, net.Listener, error) {
	listen := firstNonEmpty(o.Listen, firstNonEmpty(a.Config.Web.Listen, web.DefaultListen))
	tokenFile := o.TokenFile
	if tokenFile == "" {
		tokenFile = a.Config.Web.TokenFile
	} else {
		p, err := paths.Expand(tokenFile)
		if err != nil {
			return nil, nil, usageErr("--token-file: %v", err)
		}
		tokenFile = p
	}
	if err := web.CheckListen(listen, tokenFile != ""); err != nil {
		return nil, nil, &ExitError{Code: ExitUsage, Err: err}
	}
	var token string
	if tokenFile != "" {
		tok, created, err := web.LoadToken(tokenFile)
		if err != nil {
			return nil, nil, &ExitError{Code: ExitUsage, Err: err}
		}
		if created {
			fmt.Fprintf(g.Stderr, "Wrote a new random token to %s (mode 0600).\n", tokenFile)
		}
		token = tok
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, nil, fmt.Errorf("web app: %w", err)
	}
	srv, err := web.New(web.Options{
		App: a, Addr: ln.Addr(), Listen: listen, AllowHosts: o.AllowHosts, Token: token,
		Tiles: a.Config.Web.Tiles, TilesAttribution: a.Config.Web.TilesAttribution,
		Log: slog.New(slog.NewTextHandler(g.Stderr, nil)),
	})
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	return srv, ln, nil
}

// printLogin prints the one-time login URL of a server with a token.
func printLogin(g *Globals, srv *web.Server) {
	if u := srv.LoginURL(); u != srv.BaseURL()+"/" {
		fmt.Fprintf(g.Stderr, "Log in once with %s\n(programs send the header 'Authorization: Bearer TOKEN' with the token from the token file).\n", u)
	}
}
