package telegram

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
)

// bigAccount writes a whole-account result.json of chats chats of n
// messages each, as Telegram Desktop writes it (one-space indentation,
// date and date_unixtime, text as a string or as entities, text_entities).
func bigAccount(b *testing.B, chats, n int) (string, int64) {
	var sb strings.Builder
	sb.WriteString("{\n \"about\": \"Here is the data you requested.\",\n \"chats\": {\n  \"about\": \"This page lists all chats from this export.\",\n  \"list\": [\n")
	for c := range chats {
		if c > 0 {
			sb.WriteString(",\n")
		}
		fmt.Fprintf(&sb, "   {\n    \"name\": \"Чат %d 👋\",\n    \"type\": \"personal_chat\",\n    \"id\": %d,\n    \"messages\": [\n", c, 1000+c)
		for i := range n {
			if i > 0 {
				sb.WriteString(",\n")
			}
			t := time.Unix(1600000000+int64(c*n+i)*37, 0).UTC()
			text := fmt.Sprintf("\"Привет, сообщение %d\"", i)
			entities := fmt.Sprintf("[\n       {\n        \"type\": \"plain\",\n        \"text\": \"Привет, сообщение %d\"\n       }\n      ]", i)
			if i%3 == 0 {
				text = fmt.Sprintf("[\n       \"See \",\n       {\n        \"type\": \"link\",\n        \"text\": \"https://telegram.org/faq#%d\"\n       }\n      ]", i)
				entities = fmt.Sprintf("[\n       {\n        \"type\": \"plain\",\n        \"text\": \"See \"\n       },\n       {\n        \"type\": \"link\",\n        \"text\": \"https://telegram.org/faq#%d\"\n       }\n      ]", i)
			}
			fmt.Fprintf(&sb, "     {\n      \"id\": %d,\n      \"type\": \"message\",\n      \"date\": \"%s\",\n      \"date_unixtime\": \"%d\",\n      \"from\": \"Алиса\",\n      \"from_id\": \"user123456789\",\n      \"text\": %s,\n      \"text_entities\": %s\n     }",
				i+1, t.Format("2006-01-02T15:04:05"), t.Unix(), text, entities)
		}
		sb.WriteString("\n    ]\n   }")
	}
	sb.WriteString("\n  ]\n }\n}\n")
	path := filepath.Join(b.TempDir(), "20240301T000000Z.json")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, int64(sb.Len())
}

func records(b *testing.B, dec *dal.Decoder, path string, spec *dal.Spec) int {
	n := 0
	for _, err := range dec.Records(context.Background(), path, spec) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// BenchmarkAccount: 200,000 messages in 20 chats (about 80 MB) through
// the decoder, and through the plain JSON decoder (items =
// "chats.list[].messages"), the bar.
func BenchmarkAccount(b *testing.B) {
	const chats, n = 20, 10000
	path, size := bigAccount(b, chats, n)
	for _, c := range []struct {
		name string
		dec  *dal.Decoder
		spec *dal.Spec
	}{
		{"telegram", Decoder, &dal.Spec{}},
		{"json", dal.JSON, &dal.Spec{Items: []string{"chats.list[].messages"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if got := records(b, c.dec, path, c.spec); got != chats*n {
					b.Fatalf("%d records, want %d", got, chats*n)
				}
			}
		})
	}
}
