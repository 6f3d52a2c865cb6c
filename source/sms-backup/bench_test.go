package smsbackup

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-dev/hoard/dal/dectest"
)

// BenchmarkDecode reads a backup of 100,000 SMS (emoji as UTF-16 halves
// in one in ten) and 2,000 MMS with a 100 KB photo each: about 235 MB,
// the size of years of messages with attachments.
func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"102000\">\n")
	photo := strings.Repeat("/9j/4AAQSkZJRgABAQEASABIAAD/", 100<<10/28)
	for i := range 100000 {
		emoji := ""
		if i%10 == 0 {
			emoji = " &#55357;&#56832;"
		}
		fmt.Fprintf(&buf, `  <sms protocol="0" address="+1555%07d" date="%d" type="%d" subject="null" body="message %d ünïcödé%s" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="Jan 1, 2020 12:00:00 AM" contact_name="Contact %d" />`+"\n",
			i%900, 1262304000000+int64(i)*1579311, 1+i%2, i, emoji, i%900)
		if i%50 == 0 {
			fmt.Fprintf(&buf, `  <mms date="%d" msg_box="1" address="+1555%07d" m_id="m%d"><parts><part seq="0" ct="image/jpeg" text="null" data="%s"/><part seq="0" ct="text/plain" text="photo %d"/></parts><addrs><addr address="+1555%07d" type="137" charset="106"/></addrs></mms>`+"\n",
				1262304000500+int64(i)*1579311, i%900, i, photo, i, i%900)
		}
	}
	buf.WriteString("</smses>\n")
	p := filepath.Join(b.TempDir(), "20240101T000000Z.xml")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	dectest.Bench(b, Decoder, p, 102000)
}
