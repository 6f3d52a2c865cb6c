package kindle

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
)

// BenchmarkDecode reads 50,000 clippings (about 12 MB: a decade of heavy
// reading), in four languages.
func BenchmarkDecode(b *testing.B) {
	var s strings.Builder
	s.WriteString("\ufeff")
	metas := []string{
		"- Your Highlight on page %d | Location %d-%d | Added on Monday, 1 January 2024 10:00:00 AM",
		"- Ihre Markierung bei Position %[2]d-%[3]d | Hinzugefügt am Montag, 1. Januar 2024 10:00:00",
		"- Votre surlignement sur la page %d | emplacement %d-%d | Ajouté le lundi 1 janvier 2024 10:00:00",
		"- %dページ|位置No. %d-%dのハイライト |作成日: 2024年1月1日月曜日 10:00:00",
	}
	for i := range 50000 {
		fmt.Fprintf(&s, "Book %d (Author %d)\r\n", i%300, i%97)
		fmt.Fprintf(&s, metas[i%4]+"\r\n\r\n", i%400, i, i+3)
		fmt.Fprintf(&s, "A highlighted passage number %d, long enough to be a real sentence of a real book, with ünïcödé.\r\n==========\r\n", i)
	}
	p := filepath.Join(b.TempDir(), "20240101T000000Z.txt")
	if err := os.WriteFile(p, []byte(s.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	dectest.Bench(b, Decoder, p, 50000)
}
