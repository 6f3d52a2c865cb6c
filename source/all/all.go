// Package all lists hoard's built-in sources. To add one, write its
// package under source/ and name it here.
package all

import (
	"github.com/hoard-dev/hoard/source"
	"github.com/hoard-dev/hoard/source/bash"
	"github.com/hoard-dev/hoard/source/bluemaestro"
	"github.com/hoard-dev/hoard/source/bluesky"
	"github.com/hoard-dev/hoard/source/chromium"
	"github.com/hoard-dev/hoard/source/facebook"
	"github.com/hoard-dev/hoard/source/fennec"
	"github.com/hoard-dev/hoard/source/firefox"
	"github.com/hoard-dev/hoard/source/fish"
	"github.com/hoard-dev/hoard/source/git"
	"github.com/hoard-dev/hoard/source/github"
	googletakeout "github.com/hoard-dev/hoard/source/google-takeout"
	"github.com/hoard-dev/hoard/source/gpx"
	"github.com/hoard-dev/hoard/source/hackernews"
	"github.com/hoard-dev/hoard/source/hypothesis"
	"github.com/hoard-dev/hoard/source/instagram"
	"github.com/hoard-dev/hoard/source/kindle"
	"github.com/hoard-dev/hoard/source/kobo"
	"github.com/hoard-dev/hoard/source/lastfm"
	"github.com/hoard-dev/hoard/source/mastodon"
	"github.com/hoard-dev/hoard/source/monzo"
	"github.com/hoard-dev/hoard/source/pinboard"
	"github.com/hoard-dev/hoard/source/reddit"
	"github.com/hoard-dev/hoard/source/safari"
	smsbackup "github.com/hoard-dev/hoard/source/sms-backup"
	"github.com/hoard-dev/hoard/source/spotify"
	"github.com/hoard-dev/hoard/source/strava"
	"github.com/hoard-dev/hoard/source/telegram"
	"github.com/hoard-dev/hoard/source/twitter"
	"github.com/hoard-dev/hoard/source/whatsapp"
	"github.com/hoard-dev/hoard/source/zsh"
)

// Sources are the built-in sources, in the order `hoard sources` and
// `hoard init` show them.
var Sources = source.NewRegistry(
	bash.Source,
	zsh.Source,
	fish.Source,
	firefox.Source,
	chromium.Source,
	git.Source,
	safari.Source,
	fennec.Source,
	// devices and phone apps
	kobo.Source,
	kindle.Source,
	smsbackup.Source,
	whatsapp.Source,
	bluemaestro.Source,
	gpx.Source,
	// web APIs and sites
	github.Source,
	reddit.Source,
	hypothesis.Source,
	mastodon.Source,
	bluesky.Source,
	hackernews.Source,
	lastfm.Source,
	spotify.Source,
	strava.Source,
	monzo.Source,
	pinboard.Source,
	// takeouts and archives
	googletakeout.Source,
	twitter.Source,
	facebook.Source,
	instagram.Source,
	telegram.Source,
)
