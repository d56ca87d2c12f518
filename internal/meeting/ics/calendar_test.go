package ics

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

// parseICS reads a calendar with an independent parser and fails the test
// on anything it cannot read.
func parseICS(t *testing.T, data []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the file: %v\n%s", err, data)
	}
	return cal
}

// checkLines holds every line to RFC 5545's shape: CRLF endings and at most
// 75 octets, never cut inside a UTF-8 character.
func checkLines(t *testing.T, data []byte) {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("file does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d holds a bare line break: %q", i, line)
		}
		if len(line) > 75 {
			t.Fatalf("line %d is %d octets: %q", i, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Fatalf("line %d cut inside a character: %q", i, line)
		}
	}
}

func oneEvent(t *testing.T, cal *ical.Calendar) ical.Event {
	t.Helper()
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return evs[0]
}

func propText(t *testing.T, ev ical.Event, name string) string {
	t.Helper()
	p := ev.Props.Get(name)
	if p == nil {
		t.Fatalf("event has no %s", name)
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func sampleEvent() CalendarEvent {
	return CalendarEvent{
		UID: "0123abcd@mentorskap", Sequence: 3, Status: EventConfirmed,
		Start: time.Date(2026, 3, 28, 16, 30, 0, 0, time.UTC), Minutes: 90, TZID: "Europe/Oslo",
		Summary: "Mentoring with Kari Nordmann", Location: "Café Åpent", Description: "Agenda: https://mentor.example.org/pairs/1/meetings/2",
		URL:     "https://meet.example.org/abc",
		Created: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Modified: time.Date(2026, 3, 3, 10, 15, 0, 0, time.UTC),
	}
}

func TestCalendarParsesWithAnIndependentReader(t *testing.T) {
	data := Calendar("Mentoring meetings", []CalendarEvent{sampleEvent()})
	checkLines(t, data)
	cal := parseICS(t, data)
	if v, _ := cal.Props.Get("VERSION").Text(); v != "2.0" {
		t.Errorf("VERSION %q", v)
	}
	if m, _ := cal.Props.Get("METHOD").Text(); m != "PUBLISH" {
		t.Errorf("METHOD %q", m)
	}
	ev := oneEvent(t, cal)
	if got := propText(t, ev, "UID"); got != "0123abcd@mentorskap" {
		t.Errorf("UID %q", got)
	}
	if seq, err := ev.Props.Get("SEQUENCE").Int(); err != nil || seq != 3 {
		t.Errorf("SEQUENCE %d, %v", seq, err)
	}
	if st, err := ev.Status(); err != nil || st != ical.EventConfirmed {
		t.Errorf("STATUS %v, %v", st, err)
	}
	start := ev.Props.Get("DTSTART")
	if start.Params.Get("TZID") != "Europe/Oslo" || start.Value != "20260328T173000" {
		t.Errorf("DTSTART %v %q", start.Params, start.Value)
	}
	got, err := ev.DateTimeStart(nil)
	if err != nil || !got.Equal(sampleEvent().Start) {
		t.Errorf("start reads as %v, %v", got, err)
	}
	end, err := ev.DateTimeEnd(nil)
	if err != nil || end.Sub(got) != 90*time.Minute {
		t.Errorf("end reads as %v, %v", end, err)
	}
	stamp, err := ev.Props.Get("DTSTAMP").DateTime(time.UTC)
	if err != nil || !stamp.Equal(sampleEvent().Modified) {
		t.Errorf("DTSTAMP %v, %v", stamp, err)
	}
	if s := propText(t, ev, "SUMMARY"); s != "Mentoring with Kari Nordmann" {
		t.Errorf("SUMMARY %q", s)
	}
	if s := propText(t, ev, "LOCATION"); s != "Café Åpent" {
		t.Errorf("LOCATION %q", s)
	}
	if u, err := ev.Props.Get("URL").URI(); err != nil || u.String() != "https://meet.example.org/abc" {
		t.Errorf("URL %v, %v", u, err)
	}
	// The same input gives the same bytes, so a calendar sees no change
	// where there was none.
	if again := Calendar("Mentoring meetings", []CalendarEvent{sampleEvent()}); !bytes.Equal(again, data) {
		t.Error("output is not stable")
	}
}

func TestCalendarCancelled(t *testing.T) {
	e := sampleEvent()
	e.Status, e.Sequence = EventCancelled, 4
	ev := oneEvent(t, parseICS(t, Calendar("", []CalendarEvent{e})))
	if st, err := ev.Status(); err != nil || st != ical.EventCancelled {
		t.Fatalf("STATUS %v, %v", st, err)
	}
	if seq, _ := ev.Props.Get("SEQUENCE").Int(); seq != 4 {
		t.Fatalf("SEQUENCE %d", seq)
	}
}

// TestCalendarHostileText feeds text that tries to end a property and
// start another, and lines long enough to need folding.
func TestCalendarHostileText(t *testing.T) {
	e := sampleEvent()
	e.Summary = "Mentoring with Ola; Kari, and \\ friends\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
	e.Location = strings.Repeat("Møterom på Økern, ", 20) + "\x00\x07\x1b[31m"
	e.Description = "Line one\nLine two\rLine three\r\n" + strings.Repeat("ø", 200) + "\xff\xfe"
	e.URL = "https://meet.example.org/a b\r\nX-INJECT:1"
	e.TZID = `Europe/Oslo"; X=1`
	data := Calendar("Name, with; specials\nand a break", []CalendarEvent{e})
	checkLines(t, data)
	raw := string(data)
	for _, bad := range []string{"\r\nEND:VEVENT\r\nBEGIN:VEVENT", "\r\nSUMMARY:injected", "\r\nX-INJECT", "\x00", "\x1b"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("hostile text %q reached the file:\n%s", bad, raw)
		}
	}
	cal := parseICS(t, data)
	ev := oneEvent(t, cal)
	if s := propText(t, ev, "SUMMARY"); s != "Mentoring with Ola; Kari, and \\ friends\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected" {
		t.Errorf("SUMMARY reads back as %q", s)
	}
	if s := propText(t, ev, "LOCATION"); s != strings.Repeat("Møterom på Økern, ", 20)+"[31m" {
		t.Errorf("LOCATION reads back as %q", s)
	}
	if s := propText(t, ev, "DESCRIPTION"); s != "Line one\nLine two\nLine three\n"+strings.Repeat("ø", 200) {
		t.Errorf("DESCRIPTION reads back as %q", s)
	}
	if name, _ := cal.Props.Get("X-WR-CALNAME").Text(); name != "Name, with; specials\nand a break" {
		t.Errorf("calendar name reads back as %q", name)
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		`a\b`:       `a\\b`,
		"a;b,c":     `a\;b\,c`,
		"a\r\nb":    `a\nb`,
		"a\rb\nc":   `a\nb\nc`,
		"tab\there": "tab\there",
		"bell\x07":  "bell",
		"bad\xffok": "badok",
		"ÆØÅ æøå":   "ÆØÅ æøå",
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldingKeepsCharactersWhole(t *testing.T) {
	var w icsWriter
	w.line("DESCRIPTION:" + strings.Repeat("å", 100) + strings.Repeat("x", 3) + strings.Repeat("😀", 30))
	checkLines(t, w.buf.Bytes())
	unfolded := strings.ReplaceAll(w.buf.String(), "\r\n ", "")
	if unfolded != "DESCRIPTION:"+strings.Repeat("å", 100)+"xxx"+strings.Repeat("😀", 30)+"\r\n" {
		t.Fatalf("unfolds to %q", unfolded)
	}
	var short icsWriter
	short.line(strings.Repeat("a", 75))
	if short.buf.String() != strings.Repeat("a", 75)+"\r\n" {
		t.Fatal("a line of exactly 75 octets was folded")
	}
}

// observance is one STANDARD or DAYLIGHT block of a VTIMEZONE.
type observance struct {
	start    string // local DTSTART, before the change
	from, to string
}

func observances(t *testing.T, cal *ical.Calendar, tzid string) []observance {
	t.Helper()
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		if id, _ := c.Props.Get("TZID").Text(); id != tzid {
			continue
		}
		var out []observance
		for _, o := range c.Children {
			if o.Name != "STANDARD" && o.Name != "DAYLIGHT" {
				t.Fatalf("unexpected %s in VTIMEZONE", o.Name)
			}
			out = append(out, observance{o.Props.Get("DTSTART").Value, o.Props.Get("TZOFFSETFROM").Value, o.Props.Get("TZOFFSETTO").Value})
		}
		return out
	}
	t.Fatalf("no VTIMEZONE for %s", tzid)
	return nil
}

// offsetAt applies a VTIMEZONE as a calendar would: the last observance
// whose onset (in UTC) is not after t gives the offset.
func offsetAt(t *testing.T, obs []observance, at time.Time) string {
	t.Helper()
	off := ""
	var last time.Time
	for _, o := range obs {
		local, err := time.Parse(localLayout, o.start)
		if err != nil {
			t.Fatalf("DTSTART %q: %v", o.start, err)
		}
		from, err := time.Parse("-0700", o.from)
		if err != nil {
			t.Fatalf("TZOFFSETFROM %q: %v", o.from, err)
		}
		_, secs := from.Zone()
		onset := local.Add(-time.Duration(secs) * time.Second)
		if onset.Before(last) {
			t.Fatalf("observances out of order at %s", o.start)
		}
		last = onset
		if !onset.After(at) {
			off = o.to
		}
	}
	if off == "" {
		t.Fatalf("no observance covers %v", at)
	}
	return off
}

// TestTimezonesMatchGo checks each VTIMEZONE against Go's own zone data
// for every hour of the years it covers, so a calendar that trusts the
// file (and not its own tz database) shows the right local time.
func TestTimezonesMatchGo(t *testing.T) {
	for _, tz := range []string{"Europe/Oslo", "Asia/Jakarta", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"} {
		t.Run(tz, func(t *testing.T) {
			e := sampleEvent()
			e.TZID = tz
			later := e
			later.UID, later.Start = "later@mentorskap", time.Date(2027, 11, 5, 8, 0, 0, 0, time.UTC)
			cal := parseICS(t, Calendar("", []CalendarEvent{e, later}))
			obs := observances(t, cal, tz)
			loc, _ := time.LoadLocation(tz)
			for at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc); at.Year() < 2028; at = at.Add(time.Hour) {
				_, secs := at.Zone()
				if got, want := offsetAt(t, obs, at), utcOffset(secs); got != want {
					t.Fatalf("%v: VTIMEZONE says %s, Go says %s", at, got, want)
				}
			}
			for _, ev := range cal.Events() {
				if p := ev.Props.Get("DTSTART"); p.Params.Get("TZID") != tz {
					t.Fatalf("DTSTART TZID %q", p.Params.Get("TZID"))
				}
			}
		})
	}
	// Oslo's change to summer time in 2026: 02:00 local becomes 03:00.
	cal := parseICS(t, Calendar("", []CalendarEvent{sampleEvent()}))
	found := false
	for _, o := range observances(t, cal, "Europe/Oslo") {
		if o == (observance{"20260329T020000", "+0100", "+0200"}) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no daylight onset on 29 March 2026: %+v", observances(t, cal, "Europe/Oslo"))
	}
}

func TestUTCOffset(t *testing.T) {
	for secs, want := range map[int]string{0: "+0000", 3600: "+0100", -5 * 3600: "-0500", 19800: "+0530", 2580 + 14: "+004314"} {
		if got := utcOffset(secs); got != want {
			t.Errorf("utcOffset(%d) = %s, want %s", secs, got, want)
		}
	}
}
