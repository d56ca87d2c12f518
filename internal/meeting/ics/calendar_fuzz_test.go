package ics

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

// FuzzCalendar writes one event from arbitrary text and checks the file
// format holds: CRLF only, lines of at most 75 octets, no property
// smuggled in, and go-ical reads back the summary.
func FuzzCalendar(f *testing.F) {
	f.Add("Coffee", "Oslo; café, room 2", "line1\nline2", "https://meet.example/x", "Europe/Oslo", int64(0), 60)
	f.Add("x\r\nATTENDEE:mailto:evil@example.org", "\"><img onerror=alert(1)>", "<script>", "javascript:alert(1)\r\nX:y", "Asia/Jakarta", int64(86400*200), 45)
	f.Add(strings.Repeat("æøå€😀", 40), "\xff\xfe\x00", "a\\b,c;d", "http://a b", "No/Such_Zone", int64(-1), 0)
	f.Fuzz(func(t *testing.T, summary, place, desc, link, tz string, offset int64, minutes int) {
		start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC).Add(time.Duration(offset%(400*86400)) * time.Second)
		if minutes < 0 || minutes > 24*60 {
			minutes = 60
		}
		ev := CalendarEvent{UID: "m1@mentorskap.test", Sequence: 2, Status: EventConfirmed, Start: start, Minutes: minutes,
			TZID: tz, Summary: summary, Location: place, Description: desc, URL: link, Created: start, Modified: start}
		out := Calendar(summary, []CalendarEvent{ev})
		if !utf8.Valid(out) {
			t.Fatal("invalid UTF-8 in the file")
		}
		if !bytes.HasSuffix(out, []byte("\r\n")) {
			t.Fatal("file does not end with CRLF")
		}
		for _, line := range bytes.Split(out[:len(out)-2], []byte("\r\n")) {
			if len(line) > 75 {
				t.Fatalf("line of %d octets: %q", len(line), line)
			}
			if bytes.ContainsAny(line, "\r\n") {
				t.Fatalf("bare CR or LF in %q", line)
			}
		}
		cal, err := ical.NewDecoder(bytes.NewReader(out)).Decode()
		if err != nil {
			t.Fatalf("go-ical: %v\n%s", err, out)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%d events", len(events))
		}
		if n := len(events[0].Props["ATTENDEE"]); n != 0 {
			t.Fatal("text became a property")
		}
		got, err := events[0].Props.Text(ical.PropSummary)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(strings.ToValidUTF8(summary, "")))
		if strings.TrimSpace(stripControl(got)) != strings.TrimSpace(stripControl(want)) {
			t.Fatalf("summary %q read back as %q", summary, got)
		}
	})
}

func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if isControl(r) || r == '\n' {
			return -1
		}
		return r
	}, s)
}
