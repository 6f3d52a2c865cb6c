package telegram

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoard-dev/hoard/dal"
	"github.com/hoard-dev/hoard/dal/dectest"
)

// bigAccount writes a whole-account result.json of chats chats of n
// messages each, as Telegram Desktop writes it (one-space indentation,
// date and date_unixtime, text as a string or as entities, text_entities).
func bigAccount(b *testing.B, chats, n int) string {
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
	return dectest.WriteSnap(b, b.TempDir(), 0, "json", []byte(sb.String()))
}

// BenchmarkAccount: 200,000 messages in 20 chats (about 80 MB) through
// the decoder, and through the plain JSON decoder (items =
// "chats.list[].messages"), the bar.
func BenchmarkAccount(b *testing.B) {
	const chats, n = 20, 10000
	path := bigAccount(b, chats, n)
	b.Run("telegram", func(b *testing.B) { dectest.Bench(b, Decoder, path, chats*n) })
	b.Run("json", func(b *testing.B) {
		dectest.BenchSpec(b, dal.JSON, path, &dal.Spec{Items: []string{"chats.list[].messages"}}, chats*n)
	})
}
