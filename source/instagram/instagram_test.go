package instagram

import (
	"slices"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
	"github.com/hoard-dev/hoard/source/internal/takeoutkit/kittest"
)

func TestConformance(t *testing.T) {
	kittest.Conformance(t, Decoder, []kittest.Sample{
		{Name: "instagram-2020", Ext: "zip", Data: kittest.ArchiveOf("instagram-2020")},
		{Name: "instagram-2023", Ext: "zip", Data: kittest.ArchiveOf("instagram-2023")},
		{Name: "instagram-2025", Ext: "zip", Data: kittest.ArchiveOf("instagram-2025")},
		{Name: "liked_posts", Ext: "json", Data: kittest.TestdataOf("instagram-2023/your_instagram_activity/likes/liked_posts.json")},
	})
}

// TestGenerations: the exports of 2020, 2023 and 2025, whose lists have
// three shapes: a like, comment or saved post in several is one item,
// keyed by what every generation writes; text repaired; exact UTC times.
func TestGenerations(t *testing.T) {
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "instagram-2020")},
		kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "instagram-2023")}, kittest.Snap{Ext: "zip", Data: kittest.Archive(t, "instagram-2025")})
	got := kittest.Lines(res, "")
	want := []string{
		`likes | ["nordlicht_norge","2019-06-20T03:06:40Z"] | 2019-06-20T03:06:40Z | nordlicht_norge | `,
		`saved | ["kochen_mit_oma","2019-10-02T07:06:40Z"] | 2019-10-02T07:06:40Z | kochen_mit_oma | `,
		`likes | ["zoë.fotografie","2020-01-01T14:46:40Z"] | 2020-01-01T14:46:40Z | zoë.fotografie | `,
		`comments | ["2020-01-01T14:55:00Z","Wunderschön! 😍"] | 2020-01-01T14:55:00Z | zoë.fotografie | Wunderschön! 😍`,
		`likes | ["Café Größenwahn","2022-12-31T23:59:59Z"] | 2022-12-31T23:59:59Z | Café Größenwahn | `,
		`likes | ["tokyo_streets","2023-09-08T12:26:40Z"] | 2023-09-08T12:26:40Z | tokyo_streets | `,
		`comments | ["2023-09-08T12:28:20Z","すごい！🗼"] | 2023-09-08T12:28:20Z | tokyo_streets | すごい！🗼`,
		`saved | ["tokyo_streets","2023-09-08T12:30:00Z"] | 2023-09-08T12:30:00Z | tokyo_streets | `,
		`messages | [1694176800000,"Hast du das gesehen? Schön, oder?"] | 2023-09-08T12:40:00Z | zoë.fotografie | Hast du das gesehen? Schön, oder?`,
		`messages | [1694176900123,null] | 2023-09-08T12:41:40.123Z | zoë.fotografie | `,
		`messages | [1694177000000,"Danke dir! Bis bald 👋"] | 2023-09-08T12:43:20Z | zoë.fotografie | Danke dir! Bis bald 👋`,
		`likes | ["zoë.fotografie","2025-02-19T21:20:00Z"] | 2025-02-19T21:20:00Z | zoë.fotografie | `,
		`comments | ["2025-02-19T21:21:40Z","Frühling! 🌸"] | 2025-02-19T21:21:40Z | zoë.fotografie | Frühling! 🌸`,
		`saved | ["kochen_mit_oma","2025-02-19T21:28:20Z"] | 2025-02-19T21:28:20Z | kochen_mit_oma | `,
	}
	if !slices.Equal(got, want) || len(res.Errors()) > 0 {
		t.Errorf("errors %v\n%s", res.Errors(), kittest.Diff(got, want))
	}
	for _, m := range res.Items {
		switch m.Key {
		case `["zoë.fotografie","2020-01-01T14:46:40Z"]`: // in 2020's and 2023's: 2023's version, with its link
			if m.URL != "https://www.instagram.com/p/B7a1Xyz/" || !m.FirstSeen.Equal(dectest.Day(0)) || !m.LastSeen.Equal(dectest.Day(1)) {
				t.Errorf("like: %s %s %v %v", m.Raw, m.URL, m.FirstSeen, m.LastSeen)
			}
		case `["tokyo_streets","2023-09-08T12:26:40Z"]`: // 2025's label record
			if m.URL != "https://www.instagram.com/p/Cq9Tokyo/" || !strings.Contains(string(m.Raw), `"Shibuya bei Nacht 🌃"`) {
				t.Errorf("like: %s", m.Raw)
			}
		case `["nordlicht_norge","2019-06-20T03:06:40Z"]`: // 2020's array, held as it was written
			if string(m.Raw) != `{"hoard":{"time":"2019-06-20T03:06:40Z","owner":"nordlicht_norge"},"item":[
      "2019-06-20T03:06:40+00:00",
      "nordlicht_norge"
    ]}` {
				t.Errorf("old like: %s", m.Raw)
			}
		}
	}
}

// TestOneFile: a list imported on its own is read by what it holds; a
// list of label records cannot say which kind it is.
func TestOneFile(t *testing.T) {
	res := kittest.Merge(t, Decoder, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "instagram-2020/saved.json")},
		kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "instagram-2023/your_instagram_activity/comments/post_comments_1.json")})
	if c := kittest.Counts(res); c["saved"] != 1 || c["comments"] != 2 || len(res.Errors()) > 0 {
		t.Errorf("%v %v", c, res.Errors())
	}
	res = kittest.Merge(t, Decoder, kittest.Snap{Ext: "json", Data: kittest.Testdata(t, "instagram-2025/your_instagram_activity/saved/saved_posts.json")})
	if errs := kittest.Errors(res); len(errs) != 1 || !strings.Contains(errs[0], "a list of label records does not say whether it holds likes or saved posts: import the whole export") {
		t.Errorf("%v", errs)
	}
}

func TestDetect(t *testing.T) {
	f := Source.Detect(kittest.Home(t, "Downloads/instagram-me.myself-2025-06-13-YOudpLi7.zip"))
	if len(f) != 1 || f[0].Name != "instagram" || !strings.Contains(f[0].Stanza, `watch = "~/Downloads/instagram-*.zip"`) {
		t.Errorf("%+v", f)
	}
}
