package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hoard-dev/hoard/internal/app"
	"github.com/hoard-dev/hoard/internal/authflow"
	"github.com/hoard-dev/hoard/internal/httpx"
	"github.com/hoard-dev/hoard/secret"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type authOpts struct {
	Name      string
	Port      int
	NoBrowser bool
	Timeout   time.Duration
}

func newAuthCmd(g *Globals) *cobra.Command {
	var o authOpts
	cmd := &cobra.Command{
		Use:   "auth SOURCE",
		Short: "Authorise an OAuth2 source (Spotify, Strava, Monzo, ...) and write its secrets file",
		Long: `Runs OAuth2's authorization-code flow for a configured source whose service
uses it: hoard asks for your app's client id and secret (or takes them from
the source's secrets file), shows the service's authorization page in your
browser, receives the redirect on http://127.0.0.1:PORT/callback, exchanges
the code, and writes client_id, client_secret, refresh_token, access_token
and authorized_at into the secrets file (mode 0600, atomically; other keys
are kept, and replaced ones are named).

The port is any free one for services that accept any loopback port
(Spotify, Strava), else the one the source's docs say to register (8976),
or --port. When the browser runs on another machine, paste the address it
ended on (the failed http://127.0.0.1:... page) at the prompt instead.

Client id and secret are never read from the command line.`,
		Example: `  hoard auth spotify
  hoard auth monzo --port 9000   # registered as http://127.0.0.1:9000/callback
  hoard auth strava --no-browser # print the URL, do not start a browser`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			return runAuth(cmd.Context(), g, o)
		},
	}
	cmd.Flags().IntVar(&o.Port, "port", 0, "loopback `PORT` of the redirect URI (default: the source's, else any free port)")
	cmd.Flags().BoolVar(&o.NoBrowser, "no-browser", false, "only print the authorization URL")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 10*time.Minute, "how long to wait for the browser")
	return cmd
}

func runAuth(ctx context.Context, g *Globals, o authOpts) error {
	a, err := g.loadApp()
	if err != nil {
		return err
	}
	t, err := a.AuthTarget(o.Name)
	if err != nil {
		return err
	}
	old, err := secret.Load(t.Secrets)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f := t.Flow
	fmt.Fprintf(g.Stderr, "Authorising %s (%s) with OAuth2.\n", t.Name, t.Source.Title)
	port := f.Port
	if o.Port != 0 {
		port = o.Port
	}
	if port != 0 {
		fmt.Fprintf(g.Stderr, "The app must be registered with the redirect URI %s\n", authflow.RedirectURI(port))
	}
	in := bufio.NewReader(g.Stdin)
	id := old["client_id"]
	secretValue, haveSecret := old["client_secret"]
	if id == "" || !haveSecret {
		fmt.Fprintln(g.Stderr, f.Register)
	} else {
		fmt.Fprintf(g.Stderr, "Using client_id and client_secret from %s.\n", t.Secrets)
	}
	if id == "" {
		if id, err = prompt(g, in, "Client ID: ", false, false); err != nil {
			return err
		}
	}
	if !haveSecret {
		// Empty for a public client (PKCE only, or Reddit's installed apps).
		if secretValue, err = prompt(g, in, "Client secret (empty for none): ", true, true); err != nil {
			return err
		}
	}
	flow := &authflow.Flow{
		AuthURL: f.AuthURL, TokenURL: f.TokenURL, ClientID: id, ClientSecret: secretValue,
		Scope: f.Scope, ClientAuth: f.ClientAuth, PKCE: f.PKCE, Params: f.Params, Port: port,
		Timeout: o.Timeout, UserAgent: httpx.UserAgent(), Paste: in,
		Open: func(u string) error {
			fmt.Fprintf(g.Stderr, "Open this address in your browser and allow access:\n  %s\n", u)
			if !o.NoBrowser && isTerminal(g.Stderr) {
				startBrowser(u)
			}
			fmt.Fprintf(g.Stderr, "Waiting for the browser (or paste the address it ended on here) ...\n")
			return nil
		},
	}
	tok, err := flow.Run(ctx)
	if err != nil {
		return fmt.Errorf("hoard auth %s: %w", t.Name, err)
	}
	return saveAuth(g, t, id, secretValue, tok)
}

// saveAuth writes the secrets and says what changed.
func saveAuth(g *Globals, t *app.AuthTarget, id, secretValue string, tok *authflow.Token) error {
	set := map[string]string{"client_id": id, "client_secret": secretValue, "refresh_token": tok.RefreshToken,
		"access_token": tok.AccessToken, "authorized_at": time.Now().UTC().Format(time.RFC3339)}
	replaced, err := authflow.WriteSecrets(t.Secrets, set)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.Stderr, "Wrote client_id, client_secret, refresh_token, access_token and authorized_at to %s (mode 0600).\n", t.Secrets)
	if rest := slices.DeleteFunc(replaced, func(k string) bool { return k == "authorized_at" }); len(rest) > 0 {
		fmt.Fprintf(g.Stderr, "Replaced the old %s; other keys in the file are unchanged.\n", strings.Join(rest, ", "))
	}
	if t.Flow.After != "" {
		fmt.Fprintln(g.Stderr, strings.ReplaceAll(t.Flow.After, "NAME", t.Name))
	} else {
		fmt.Fprintf(g.Stderr, "Then: hoard run %s\n", t.Name)
	}
	return nil
}

// prompt reads one line; a secret is read without echo on a terminal.
func prompt(g *Globals, in *bufio.Reader, label string, hidden, empty bool) (string, error) {
	fmt.Fprint(g.Stderr, label)
	if f, ok := g.Stdin.(*os.File); ok && hidden && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.Stderr)
		if err != nil {
			return "", err
		}
		if v := strings.TrimSpace(string(b)); v != "" || empty {
			return v, nil
		}
		return "", usageErr("%s is empty", strings.TrimSuffix(label, ": "))
	}
	line, err := in.ReadString('\n')
	if f, ok := g.Stdin.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(g.Stderr) // nothing echoed the answer's newline
	}
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", usageErr("no answer to %q on standard input: paste it at the prompt, or put it in the secrets file", strings.TrimSuffix(label, ": "))
	}
	v := strings.TrimSpace(line)
	if v == "" && !empty {
		return "", usageErr("%s is empty", strings.TrimSuffix(label, ": "))
	}
	return v, nil
}

// startBrowser opens u in the desktop's browser, if there is one; it
// does not wait, and a failure only means the user opens it by hand.
func startBrowser(u string) {
	var name string
	switch {
	case runtime.GOOS == "darwin":
		name = "open"
	case os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "":
		name = "xdg-open"
	default:
		return
	}
	cmd := exec.Command(name, u)
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}
