package kindle

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source"
)

func clippings(t testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "My Clippings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformance(t *testing.T) {
	dectest.Run(t, dectest.Case{Decoder: Decoder, Ext: "txt", Golden: "testdata/golden.txt", Sample: clippings})
}

type rec struct {
	ID, Book, Type, Meta, Text string
	Author, Page, Location     *string
	Added                      *string
}

func (r rec) String() string {
	s := func(p *string) string {
		if p == nil {
			return "∅"
		}
		return *p
	}
	return strings.Join([]string{r.Type, r.Book, s(r.Author), "p" + s(r.Page), "l" + s(r.Location), s(r.Added), strings.ReplaceAll(r.Text, "\n", `\n`)}, " | ")
}

func decode(t *testing.T, data []byte) ([]rec, []error) {
	t.Helper()
	p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", data)
	r := dectest.Records(t, Decoder, p, dal.Spec{})
	var out []rec
	for _, x := range r.Records {
		var c rec
		if err := json.Unmarshal([]byte(x.Raw), &c); err != nil {
			t.Fatal(err)
		}
		if x.Kind != c.Type+"s" {
			t.Errorf("record of type %s has kind %s", c.Type, x.Kind)
		}
		out = append(out, c)
	}
	return out, r.Errs
}

// TestEveryLanguage: each generation and language of the details line
// gives the kind, page, location and exact time (UTC by default).
func TestEveryLanguage(t *testing.T) {
	got, errs := decode(t, clippings(t))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []string{
		"highlight | The Hitchhiker's Guide to the Galaxy | Douglas Adams | p∅ | l433-34 | 2012-03-07T22:00:00 | Space is big. You just won't believe how vastly, hugely, mind-bogglingly big it is.",
		"bookmark | The Hitchhiker's Guide to the Galaxy | Douglas Adams | p12 | l170 | 2012-04-16T09:13:00 | ",
		"note | The Hitchhiker's Guide to the Galaxy | Douglas Adams | p∅ | l1203 | 2012-04-16T00:05:00 | 42 — but what is the question?",
		"highlight | Sapiens: A Brief History of Humankind | Harari, Yuval Noah | p23 | l156-158 | 2021-01-01T12:00:00 | The Cognitive Revolution was a turning point.\\nHistory began when humans invented gods.",
		"note | Sapiens: A Brief History of Humankind | Harari, Yuval Noah | p23 | l158 | 2021-01-01T12:01:13 | Compare with Diamond 🤔",
		"highlight | Sapiens: A Brief History of Humankind | Harari, Yuval Noah | p23 | l156-158 | 2021-01-01T12:00:00 | The Cognitive Revolution was a turning point.\\nHistory began when humans invented gods.",
		"highlight | A Book (with Brackets) | Doe, Jane | p1 | l10-12 | 2024-12-30T14:46:33 | Call me Ishmael.",
		"highlight | Clean Architecture | Robert C. Martin | p∅ | l2983-2984 | 2022-05-17T21:00:35 | initial entry point of the system.",
		"bookmark | Der Rithmatist: Roman (German Edition) | Sanderson, Brandon | p307 | l3793 | 2019-10-16T11:34:47 | ",
		"note | Die Reise nach Rußland | Muster, Hans | p12 | l183 | 2025-03-03T22:16:40 | Vgl. Stumpp, S. 40 — Straße, Maß, Öl",
		"highlight | Le Retour du roi | J.R.R. Tolkien | p200 | l3054-3056 | 2017-08-16T02:14:10 | Il ne nous appartient toutefois pas de rassembler toutes les marées du monde.",
		"highlight | Freedom, Inc. | Brian M. Carney;Isaac Getz | p∅ | l307-307 | 2012-12-17T08:27:45 | un portrait plutôt vrai tellement il est généraliste",
		"highlight | Cien años de soledad | Gabriel García Márquez | p12 | l100-102 | 2021-01-05T10:30:00 | Muchos años después, frente al pelotón de fusilamiento.",
		"highlight | How To Win Friends and Influence People | Carnegie, Dale | p79 | l1293-1295 | 2022-08-30T19:40:15 | 7. An Easy Way to Become a Good Conversationalist",
		"bookmark | Cien años de soledad | Gabriel García Márquez | p80 | l1300 | 2021-01-06T09:05:00 | ",
		"highlight | Il nome della rosa | Umberto Eco | p6 | l36-40 | 2019-09-30T18:00:39 | Stat rosa pristina nomine, nomina nuda tenemus.",
		"highlight | イシューからはじめよ | 安宅和人 | p25 | l372-373 | 2025-04-02T21:05:10 | 答えを出す前に問いを見極める",
		"bookmark | イシューからはじめよ | 安宅和人 | p30 | l400 | 2025-04-02T21:06:00 | ",
		"note | 千羽鶴 | 川端康成 | p∅ | l38-39 | 2017-08-28T07:51:55 | ちか子は少しぼんやり茶をたてた。",
		"highlight | 三体 | 刘慈欣 | p∅ | l101-104 | 2024-05-02T20:15:30 | 给岁月以文明，而不是给文明以岁月。",
		"highlight | my-notes-2023.pdf | ∅ | pxiv | l∅ | 2023-11-05T08:00:00 | Roman numerals for the preface.",
		"clip | The Economist | 2024-02-03 | p3 | l∅ | 2024-02-03T07:30:00 | A clipped article paragraph.",
		"highlight | Sapiens: A Brief History of Humankind | Harari, Yuval Noah | p400 | l6100-6105 | 2024-02-10T23:59:59 | <You have reached the clipping limit for this item>",
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, r.String())
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got[3].ID != got[5].ID || got[3].ID == got[4].ID || len(got[0].ID) != 16 {
		t.Errorf("ids: the repeated clipping %s/%s, another %s", got[3].ID, got[5].ID, got[4].ID)
	}
}

// TestRussian: Russian Kindles start the details line with an en dash
// and write location ranges with one ("– Ваш выделенный отрывок на
// странице 8 | Место 243–245 | Добавлено: пятница, 26 февраля 2016 г. в
// 11:00:57", the form of a real file's highlight).
func TestRussian(t *testing.T) {
	in := "\ufeffМастер и Маргарита (Булгаков, Михаил)\r\n" +
		"– Ваш выделенный отрывок на странице 8 | Место 243–245 | Добавлено: пятница, 26 февраля 2016 г. в 11:00:57\r\n\r\n" +
		"Никогда и ничего не просите!\r\n==========\r\n" +
		"Мастер и Маргарита (Булгаков, Михаил)\r\n" +
		"– Ваша заметка на странице 8 | Место 245 | Добавлено: суббота, 27 февраля 2016 г. в 0:05:09\r\n\r\n" +
		"сильно\r\n==========\r\n" +
		"Мастер и Маргарита (Булгаков, Михаил)\r\n" +
		"– Ваша закладка на странице 9 | Место 260 | Добавлено: суббота, 27 февраля 2016 г. в 0:06:00\r\n\r\n\r\n==========\r\n"
	got, errs := decode(t, []byte(in))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []string{
		"highlight | Мастер и Маргарита | Булгаков, Михаил | p8 | l243-245 | 2016-02-26T11:00:57 | Никогда и ничего не просите!",
		"note | Мастер и Маргарита | Булгаков, Михаил | p8 | l245 | 2016-02-27T00:05:09 | сильно",
		"bookmark | Мастер и Маргарита | Булгаков, Михаил | p9 | l260 | 2016-02-27T00:06:00 | ",
	}
	var lines []string
	for _, r := range got {
		lines = append(lines, r.String())
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestMergeAndIDs: the repeated clipping is one item; a copy of the file
// with \n line endings and no BOM, from which the user deleted the first
// clippings, keeps every id, and the union keeps every clipping.
func TestMergeAndIDs(t *testing.T) {
	full := clippings(t)
	trimmed := strings.ReplaceAll(strings.TrimPrefix(string(full), "\ufeff"), "\r\n", "\n")
	trimmed = trimmed[strings.Index(trimmed, "Clean Architecture"):]
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "txt", full)
	dectest.WriteSnap(t, dir, 1, "txt", []byte(trimmed))
	res := dectest.Merge(t, dir, dal.Spec{Source: "kindle", Decoder: Decoder})
	if errs := res.Errors(); len(errs) > 0 {
		t.Fatal(errs)
	}
	kinds := map[string]int{}
	last := map[int]int{}
	for _, m := range res.Items {
		kinds[m.Kind]++
		last[m.Last.Snap]++
	}
	if len(res.Items) != 22 || kinds["highlights"] != 13 || kinds["notes"] != 4 || kinds["bookmarks"] != 4 || kinds["clips"] != 1 {
		t.Errorf("%d items, kinds %v", len(res.Items), kinds)
	}
	if last[0] != 6 || last[1] != 16 {
		t.Errorf("last seen: %v (the 6 clippings before Clean Architecture only in the first snapshot)", last)
	}
	first := res.Items[0]
	if first.Title != "The Hitchhiker's Guide to the Galaxy" || first.Time.Format("2006-01-02T15:04:05Z07:00") != "2012-03-07T22:00:00Z" || len(first.Key) != 16 {
		t.Errorf("first item %+v", first.Item)
	}
}

// TestTimeZone: the Kindle's clock is read in the source's time_zone
// (UTC by default); the records and the keys do not change with it.
func TestTimeZone(t *testing.T) {
	dir := t.TempDir()
	dectest.WriteSnap(t, dir, 0, "txt", clippings(t))
	byZone := map[string]map[string]string{}
	for _, zone := range []string{"", "Europe/Berlin", "Asia/Tokyo"} {
		res := dectest.Merge(t, dir, dal.Spec{Source: "kindle", Decoder: Decoder, TimeZone: zone})
		if errs := res.Errors(); len(errs) > 0 {
			t.Fatal(errs)
		}
		byZone[zone] = map[string]string{}
		for _, m := range res.Items {
			byZone[zone][m.Key] = m.Time.Format(time.RFC3339)
		}
	}
	hitchhiker, clean, japanese := "07f277f2016f8756", "", ""
	for key, when := range byZone[""] {
		switch when {
		case "2022-05-17T21:00:35Z":
			clean = key
		case "2025-04-02T21:05:10Z":
			japanese = key
		}
	}
	for _, c := range []struct{ zone, key, want string }{
		{"", hitchhiker, "2012-03-07T22:00:00Z"},
		{"Europe/Berlin", hitchhiker, "2012-03-07T21:00:00Z"}, // CET
		{"Europe/Berlin", clean, "2022-05-17T19:00:35Z"},      // CEST
		{"Asia/Tokyo", japanese, "2025-04-02T12:05:10Z"},
	} {
		if got := byZone[c.zone][c.key]; got != c.want {
			t.Errorf("%s in %q: %s, want %s", c.key, c.zone, got, c.want)
		}
	}
	if len(byZone["Europe/Berlin"]) != len(byZone[""]) {
		t.Error("the zone changed the keys")
	}
}

// TestDamage: what a damaged or unusual file gives: each bad clipping is
// an error naming its line, the others are read.
func TestDamage(t *testing.T) {
	for _, c := range []struct {
		name, in string
		n        int
		err      string
	}{
		{"empty", "", 0, ""},
		{"only a BOM", "\ufeff", 0, ""},
		{"cut short", "A (B)\n- Your Highlight on page 1 | Added on Monday, 1 January 2024 10:00:00\n\ntext\n==========\nC (D)\n- Your Highlight on page 2 | Added on Mo", 1,
			"line 6: the last clipping has no ========== after it: the file was cut short"},
		{"no details line", "A (B)\nsome text\n==========\nC (D)\n- Your Note on page 2 | Added on Monday, 1 January 2024 10:00:00\n\nn\n==========\n", 1,
			`line 1: the clipping of "A (B)": its second line "some text" is not the details line`},
		{"unknown language", "A (B)\n- Sizin vurgulamanız sayfa 5 | Eklendi 1 Ocak 2024 10:00:00\n\nx\n==========\n", 0,
			`line 1: the clipping of "A (B)": cannot tell highlight, note, bookmark or clip from "- Sizin vurgulamanız sayfa 5 | Eklendi 1 Ocak 2024 10:00:00" (a language hoard does not know yet?)`},
		{"unreadable time", "A (B)\n- Your Highlight on page 5 | Added on sometime\n\nx\n==========\n", 1,
			`line 1: the clipping of "A (B)": cannot read the time in "Added on sometime"`},
		{"impossible date", "A (B)\n- Your Highlight on page 5 | Added on Friday, 31 February 2024 10:00:00\n\nx\n==========\n", 1,
			"cannot read the time"},
		{"blank entries", "==========\n\n==========\nA (B)\n- Your Bookmark on page 9 | Added on Monday, 1 January 2024 10:00:00\n\n\n==========\n", 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := dectest.WriteSnap(t, t.TempDir(), 0, "txt", []byte(c.in))
			r := dectest.Records(t, Decoder, p, dal.Spec{})
			if len(r.Records) != c.n {
				t.Errorf("%d records, want %d: %v", len(r.Records), c.n, r.Records)
			}
			dectest.OneError(t, r.Errs, c.err, p)
		})
	}
}

func TestSplitTitle(t *testing.T) {
	for in, want := range map[string][2]string{
		"Book (Author)":                      {"Book", "Author"},
		"A Book (with Brackets) (Doe, Jane)": {"A Book (with Brackets)", "Doe, Jane"},
		"Nested (a (b) c)":                   {"Nested", "a (b) c"},
		"no author":                          {"no author", "∅"},
		"(only parens)":                      {"(only parens)", "∅"},
		"unbalanced b)":                      {"unbalanced b)", "∅"},
		"ＭＡＧＥＳ (講談社ラノベ文庫) (ＭＡＧＥＳ．;梅原英司)": {"ＭＡＧＥＳ (講談社ラノベ文庫)", "ＭＡＧＥＳ．;梅原英司"},
	} {
		b, a, ok := splitTitle(in)
		if !ok {
			a = "∅"
		}
		if b != want[0] || a != want[1] {
			t.Errorf("%q: %q, %q; want %q", in, b, a, want)
		}
	}
}

func TestDetect(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "media", "me", Volume)
	os.MkdirAll(filepath.Join(dir, "documents"), 0o755)
	os.WriteFile(filepath.Join(dir, ClippingsPath), clippings(t), 0o644)
	env := source.Env{Home: t.TempDir(), GOOS: "linux", Getenv: func(string) string { return "" }, Mounts: []string{filepath.Join(root, "media", "me")}}
	found := detect(env)
	if len(found) != 1 || found[0].Path != filepath.Join(dir, ClippingsPath) {
		t.Fatalf("found %+v", found)
	}
	found[0].Source = Source
	cfg := found[0].Config()
	for _, want := range []string{"[sources.kindle]", `exporter = "kindle"`, `when_present = "` + dir + `"`, `# time_zone = "Europe/Berlin"`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("stanza lacks %s:\n%s", want, cfg)
		}
	}
}
