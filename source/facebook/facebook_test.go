package facebook

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit/kittest"
)

func TestConformance(t *testing.T) {
	kittest.Conformance(t, Decoder, []kittest.Sample{
		{Name: "facebook-2020", Ext: "zip", Data: kittest.ArchiveOf("facebook-2020")},
		{Name: "thread", Ext: "json", Data: kittest.TestdataOf("facebook-2020/messages/inbox/alicemueller_ab12cd34ef/message_1.json")},
		{Name: "posts", Ext: "json", Data: kittest.TestdataOf("facebook-2020/posts/your_posts_1.json")},
	})
}

// TestExports: an export of 2020 and one of 2024 (folders moved, the
// conversation's folder renamed, a thread in two files, comments_v2, a
// top-level array of reactions, the account renamed): Latin-1-escaped
// UTF-8 repaired, each message, post, comment and reaction once, exact
// UTC times, the file cut short named.
func TestExports(t *testing.T) {
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "facebook-2020")}, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "facebook-2024")})
	got := kittest.Lines(res, "")
	want := []string{
		`reactions | [1257938031,"LIKE"] | 2009-11-11T11:13:51Z | Me Myself gefällt der Link von Bob Ødegård. | LIKE`,
		`posts | 1325790129 | 2012-01-05T19:02:09Z |  | Lesenswert`,
		`posts | 1338000000 | 2012-05-26T02:40:00Z | Me Myself hat mit Alice Müller Freundschaft geschlossen. | `,
		`comments | 1457387286 | 2016-03-07T21:48:06Z | Me Myself hat auf den Kommentar von Bob Ødegård geantwortet. | `,
		`messages | [1546300800000,"Schön, dass du da warst!"] | 2019-01-01T00:00:00Z | Alice Müller | Schön, dass du da warst!`,
		`posts | 1560000000 | 2019-06-08T13:20:00Z | Me Myself hat ein neues Foto hinzugefügt. | Fjord 🌊`,
		`messages | [1577833140123,null] | 2019-12-31T22:59:00.123Z | Alice Müller | `,
		`messages | [1577833200500,"Bis gleich – ich bringe Käse 🧀 mit"] | 2019-12-31T23:00:00.5Z | Alice Müller | Bis gleich – ich bringe Käse 🧀 mit`,
		`messages | [1577836800000,"Frohes neues Jahr! 🎆"] | 2020-01-01T00:00:00Z | Alice Müller | Frohes neues Jahr! 🎆`,
		`posts | 1577890000 | 2020-01-01T14:46:40Z | Me Müller hat seinen Status aktualisiert. | Neujahrsvorsatz: endlich Backups machen. 💾`,
		`comments | 1580000000 | 2020-01-26T00:53:20Z | Me Müller hat den Beitrag von Alice Müller kommentiert. | Großartig! 👏`,
		`reactions | [1580000100,"LIKE"] | 2020-01-26T00:55:00Z | Me Myself gefällt der Beitrag von Alice Müller. | LIKE`,
		`reactions | [1580000100,"HAHA"] | 2020-01-26T00:55:00Z | Me Myself hat mit Haha auf den Kommentar von Bob Ødegård reagiert. | HAHA`,
		`messages | [1589990000000,"Alice Müller hat die Gruppe erstellt."] | 2020-05-20T15:53:20Z | Backup nerds 💾 | Alice Müller hat die Gruppe erstellt.`,
		`messages | [1589999999999,null] | 2020-05-20T18:39:59.999Z | Backup nerds 💾 | `,
		`messages | [1590000000000,"Rule 1: 3-2-1 😎"] | 2020-05-20T18:40:00Z | Backup nerds 💾 | Rule 1: 3-2-1 😎`,
		`posts | 1700000000 | 2023-11-14T22:13:20Z | Me Müller hat seinen Status aktualisiert. | Meine Daten gehören mir. 🔐`,
		`comments | 1700000500 | 2023-11-14T22:21:40Z | Me Müller hat den Beitrag von Bob Ødegård kommentiert. | Danke für den Tipp 🙏`,
		`reactions | [1700000600,"LOVE"] | 2023-11-14T22:23:20Z | Me Müller gefällt der Beitrag von Bob Ødegård. | LOVE`,
		`reactions | [1700000700,"WOW"] | 2023-11-14T22:25:00Z | Me Müller hat mit Wow reagiert. | WOW`,
		`messages | [1704067200000,"Frohes neues 2024! ✨"] | 2024-01-01T00:00:00Z | Alice Müller | Frohes neues 2024! ✨`,
		`messages | [1709290000000,"Noch da? 😄"] | 2024-03-01T10:46:40Z | Alice Müller | Noch da? 😄`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s", kittest.Diff(got, want))
	}
	for _, m := range res.Items {
		if m.Key == `[1577836800000,"Frohes neues Jahr! 🎆"]` {
			// the 2024 export's version, repaired, with its thread
			if !strings.HasPrefix(string(m.Raw), `{"hoard":{"thread":"alicemueller_10153948362940284","title":"Alice Müller"},`) || !strings.Contains(string(m.Raw), `"actor": "Me Müller"`) ||
				!m.FirstSeen.Equal(dectest.Day(0)) || !m.LastSeen.Equal(dectest.Day(1)) {
				t.Errorf("%s first %v last %v", m.Raw, m.FirstSeen, m.LastSeen)
			}
		}
	}
	errs := kittest.Errors(res)
	if len(errs) != 1 || !strings.Contains(errs[0], `20240102T120000Z.zip: member "your_facebook_activity/comments_and_reactions/likes_and_reactions_2.json": line 14, byte 240: unexpected end of file inside the value starting here (truncated?) (in item 2 of items)`) {
		t.Errorf("errors %v", errs)
	}
}

// TestOneFile: each kind's file imported on its own is told by what it
// holds.
func TestOneFile(t *testing.T) {
	for name, kind := range map[string]string{
		"facebook-2020/comments/comments.json":                                                              "comments",
		"facebook-2020/likes_and_reactions/posts_and_comments.json":                                         "reactions",
		"facebook-2024/your_facebook_activity/comments_and_reactions/comments.json":                         "comments",
		"facebook-2024/your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json":            "reactions",
		"facebook-2024/your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json":        "posts",
		"facebook-2024/your_facebook_activity/messages/inbox/alicemueller_10153948362940284/message_2.json": "messages",
	} {
		res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, name)})
		if c := kittest.Counts(res); len(c) != 1 || c[kind] == 0 || len(res.Errors()) > 0 {
			t.Errorf("%s: %v, errors %v", name, c, res.Errors())
		}
	}
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "facebook-2020/profile_information/profile_information.json")})
	if errs := kittest.Errors(res); len(errs) != 1 || !strings.Contains(errs[0], `not a file of Facebook's JSON export`) {
		t.Errorf("profile: %v", errs)
	}
}

func TestDetect(t *testing.T) {
	f := Source.Detect(kittest.Home(t, "Downloads/facebook-memyself-2024-03-01-AbCdEfGh.zip"))
	if len(f) != 1 || f[0].Name != "facebook" || !strings.Contains(f[0].Stanza, `watch = "~/Downloads/facebook-*.zip"`) {
		t.Errorf("%+v", f)
	}
}
