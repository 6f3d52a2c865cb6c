package whatsapp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	return dectest.SQLiteScript(t, filepath.Join("testdata", name+".sql"))
}

var generations = []string{"msgstore-2017", "msgstore-2020", "msgstore-2024"}

func TestConformance(t *testing.T) {
	for _, g := range generations {
		t.Run(g, func(t *testing.T) {
			dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "sqlite", Golden: "testdata/" + g + ".golden",
				Sample: func(t testing.TB) []byte { return fixture(t, g) }})
		})
	}
}

func read(t *testing.T, names ...string) *dal.Result {
	t.Helper()
	dir := t.TempDir()
	for i, n := range names {
		dectest.WriteSnap(t, dir, i, "sqlite", fixture(t, n))
	}
	res := dectest.Merge(t, dir, dal.Spec{Source: "whatsapp", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	return res
}

func lines(res *dal.Result) string {
	var out []string
	for _, m := range res.Items {
		out = append(out, strings.Join([]string{m.Key, m.Time.Format(time.RFC3339Nano), m.Title, strings.ReplaceAll(m.Text, "\n", `\n`)}, " | "))
	}
	return strings.Join(out, "\n")
}

// TestGenerations: each schema generation gives the same members: chat,
// direction and id as the key, the exact millisecond, the chat's name
// (its group subject, else its address), the text or caption.
func TestGenerations(t *testing.T) {
	for name, want := range map[string][]string{
		"msgstore-2017": {
			`["491701234567-1466000000@g.us",0,"2A3B4C5D6E7F8091A2B3"] | 2016-06-15T14:13:20Z | Familie 👨‍👩‍👧 | `,
			`["491701234567@s.whatsapp.net",0,"3EB0C4A1F2D5E6B7A8C9"] | 2016-06-16T18:00:00.123Z | 491701234567@s.whatsapp.net | Hallo! Bist du schon in Berlin?`,
			`["491701234567@s.whatsapp.net",1,"9F1E2D3C4B5A69788776"] | 2016-06-16T18:01:01.5Z | 491701234567@s.whatsapp.net | Ja, seit gestern 😊\nTreffen um 8?`,
			`["491701234567-1466000000@g.us",0,"B1C2D3E4F5A6B7C8D9E0"] | 2017-07-01T09:06:40Z | Familie 👨‍👩‍👧 | Urlaub am Meer 🏖`,
			`["status@broadcast",0,"A0A0A0A0B1B1B1B1C2C2"] | 2017-07-14T02:40:00Z | status@broadcast | Sommer ☀️`,
			`["491701234567-1466000000@g.us",1,"C0FFEE0011223344AABB"] | 2017-11-18T10:13:20Z | Familie 👨‍👩‍👧 | `,
			`["491701234567-1466000000@g.us",0,"DD11EE22FF3300441122"] | 2017-11-18T10:15:00Z | Familie 👨‍👩‍👧 | Schön! Ünïcödé: Grüße aus Köln`,
		},
		"msgstore-2020": {
			`["491701234567@s.whatsapp.net",0,"3EB0C4A1F2D5E6B7A8C9"] | 2016-06-16T18:00:00.123Z | 491701234567@s.whatsapp.net | Hallo! Bist du schon in Berlin?`,
			`["491701234567-1466000000@g.us",0,"3EB0112233445566AABB"] | 2020-05-20T18:41:40Z | Familie 👨‍👩‍👧 | Wer kommt Sonntag? 🍰`,
			`["14155550123@s.whatsapp.net",1,"3EB0998877665544CCDD"] | 2020-05-20T18:43:20Z | 14155550123@s.whatsapp.net | See you in SF — 日本語もOK`,
		},
		"msgstore-2024": {
			`["491701234567@s.whatsapp.net",0,"3EB0C4A1F2D5E6B7A8C9"] | 2016-06-16T18:00:00.123Z | 491701234567@s.whatsapp.net | Hallo! Bist du schon in Berlin?`,
			`["491701234567-1466000000@g.us",0,"3EB0112233445566AABB"] | 2020-05-20T18:41:40Z | Familie 👨‍👩‍👧 2024 | Wer kommt Sonntag? 🍰`,
			`["14155550123@s.whatsapp.net",1,"3EB0998877665544CCDD"] | 2020-05-20T18:43:20Z | 14155550123@s.whatsapp.net | See you in SF — 日本語もOK`,
			`["status@broadcast",0,"3EB0E1E2E3E4E5E6E7E8"] | 2023-11-14T22:13:20Z | status@broadcast | `,
			`["491701234567@s.whatsapp.net",1,"3EB0A1A2A3A4A5A6A7A8"] | 2024-03-01T10:46:40Z | 491701234567@s.whatsapp.net | Frohe Ostern 🐣`,
			`["491701234567-1466000000@g.us",0,"3EB0B1B2B3B4B5B6B7B8"] | 2024-03-01T10:48:20Z | Familie 👨‍👩‍👧 2024 | Oma mit Torte 🎂`,
			`["491701234567-1466000000@g.us",1,"3EB0C1C2C3C4C5C6C7C8"] | 2024-03-01T10:50:00Z | Familie 👨‍👩‍👧 2024 | `,
			`["491701234567-1466000000@g.us",0,"3EB0D1D2D3D4D5D6D7D8"] | 2024-03-01T10:51:40.25Z | Familie 👨‍👩‍👧 2024 | Rezept.pdf`,
			`["819012345678@s.whatsapp.net",0,"3EB0F1F2F3F4F5F6F7F8"] | 2024-05-29T16:26:40.001Z | 819012345678@s.whatsapp.net | こんにちは！元気？`,
			`["491701234567-1466000000@g.us",0,"3EB0AABBCCDDEEFF0011"] | 2024-05-30T20:13:20Z | Familie 👨‍👩‍👧 2024 | `,
		},
	} {
		t.Run(name, func(t *testing.T) {
			if got := lines(read(t, name)); got != strings.Join(want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

// TestAcrossGenerations: copies of one phone's database over the years,
// each of another schema generation: a message migrated from "messages"
// to "message" is one item, first seen in the oldest copy.
func TestAcrossGenerations(t *testing.T) {
	res := read(t, generations...)
	byKey := map[string]dal.Merged{}
	for _, m := range res.Items {
		byKey[m.Key] = m
	}
	if len(res.Items) != 16 {
		t.Errorf("%d items, want 16 distinct messages (7 + 2 + 7 new)", len(res.Items))
	}
	hallo := byKey[`["491701234567@s.whatsapp.net",0,"3EB0C4A1F2D5E6B7A8C9"]`]
	if hallo.First.Snap != 0 || hallo.Last.Snap != 2 || !strings.Contains(string(hallo.Raw), `"table":"message"`) {
		t.Errorf("migrated message: first %d last %d raw %s", hallo.First.Snap, hallo.Last.Snap, hallo.Raw)
	}
	if photo := byKey[`["491701234567-1466000000@g.us",0,"B1C2D3E4F5A6B7C8D9E0"]`]; photo.Last.Snap != 0 {
		t.Errorf("a message only the 2017 copy holds: last seen %d", photo.Last.Snap)
	}
}

// TestMembers: sender, media, location; the media keys WhatsApp keeps
// are never read.
func TestMembers(t *testing.T) {
	p := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", fixture(t, "msgstore-2024"))
	raw := dectest.Records(t, Decoder, p, dal.Spec{}).String()
	for _, want := range []string{
		`"sender":"4915112345678@s.whatsapp.net"`,
		`"media_mime_type":"image/jpeg","media_name":null,"media_size":204811,"media_path":"Media/WhatsApp Images/IMG-20240301-WA0004.jpg"`,
		`"latitude":48.1351253,"longitude":11.5819805,"place_name":"Viktualienmarkt"`,
		`"chat":"819012345678@s.whatsapp.net"`,
		`"time":"2024-03-01T10:51:40.250Z"`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("no %s in\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "media_key") || strings.Contains(raw, "bWVkaWEta2V5") {
		t.Error("a media key was read")
	}
	old := dectest.Records(t, Decoder, dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", fixture(t, "msgstore-2017")), dal.Spec{}).String()
	for _, want := range []string{`"latitude":52.5200066,"longitude":13.404954`, `"sender":"4915112345678@s.whatsapp.net"`, `"type":1`, `"media_caption":"Urlaub am Meer 🏖"`} {
		if !strings.Contains(old, want) {
			t.Errorf("2017: no %s in\n%s", want, old)
		}
	}
	if strings.Contains(old, `"key_id":"-1"`) {
		t.Error("the placeholder row was read as a message")
	}
}

func TestNotWhatsApp(t *testing.T) {
	p := dectest.WriteSnap(t, t.TempDir(), 0, "sqlite", dectest.SQLite(t, "CREATE TABLE message (id INTEGER, body TEXT)"))
	dectest.OneError(t, dectest.Records(t, Decoder, p, dal.Spec{}).Errs, "no table message (2021 on) or messages (before) with the columns of WhatsApp's: not a WhatsApp msgstore.db", p)
}

func TestDetect(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "Downloads"), 0o700)
	os.WriteFile(filepath.Join(home, "Downloads", "msgstore.db"), fixture(t, "msgstore-2024"), 0o600)
	os.WriteFile(filepath.Join(home, "Downloads", "msgstore.db.crypt15"), []byte("encrypted"), 0o600)
	found := detect(source.Env{Home: home, GOOS: "linux", Getenv: func(string) string { return "" }})
	if len(found) != 1 || found[0].Name != "whatsapp" || filepath.Base(found[0].Path) != "msgstore.db" {
		t.Errorf("found %+v", found)
	}
}
