// Package ics writes iCalendar files (RFC 5545): pure, with no project
// imports, so that every package that sends a meeting to a calendar can
// use it. The meeting package decides what an event says; program uses it
// to attach the calendar files of the meetings a pair's ending calls off.
package ics

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar files follow RFC 5545. Each meeting keeps one UID for its whole
// life and raises SEQUENCE on every change, so a calendar that imported an
// earlier file updates its entry instead of adding a second one. Times are
// written in the zone the meeting was planned in (DTSTART;TZID=…) with a
// VTIMEZONE built from Go's time zone data, so a calendar shows the right
// local time even across daylight-saving changes.

// CalendarEvent is one meeting as a calendar file shows it. Summary and
// Description are already in the reader's language.
type CalendarEvent struct {
	UID         string
	Sequence    int
	Status      string // TENTATIVE, CONFIRMED or CANCELLED
	Start       time.Time
	Minutes     int
	TZID        string // IANA name; the meeting's zone
	Summary     string
	Location    string
	Description string
	URL         string // the online link, if any
	Created     time.Time
	Modified    time.Time // also the DTSTAMP: when this version came to be
}

// ContentType is what a calendar file is sent as, in an email or a
// download.
const ContentType = "text/calendar; charset=utf-8; method=PUBLISH"

// FileName names the calendar file of one meeting.
func FileName(meetingID int64) string { return fmt.Sprintf("meeting-%d.ics", meetingID) }

// iCalendar event statuses.
const (
	EventTentative = "TENTATIVE"
	EventConfirmed = "CONFIRMED"
	EventCancelled = "CANCELLED"
)

// Calendar writes a VCALENDAR holding events and a VTIMEZONE for each zone
// they use, covering the years they fall in. name becomes the calendar's
// display name (X-WR-CALNAME) when not empty. The output depends only on its
// input, so the same meeting gives the same bytes.
func Calendar(name string, events []CalendarEvent) []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//Mentorskap//Mentorskap//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	if name != "" {
		w.line("X-WR-CALNAME:" + escapeText(name))
	}
	type span struct{ from, to time.Time }
	zones := map[string]*span{}
	var order []string
	for _, e := range events {
		s, ok := zones[e.TZID]
		if !ok {
			s = &span{e.Start, e.Start}
			zones[e.TZID] = s
			order = append(order, e.TZID)
		}
		if e.Start.Before(s.from) {
			s.from = e.Start
		}
		if end := e.Start.Add(time.Duration(e.Minutes) * time.Minute); end.After(s.to) {
			s.to = end
		}
	}
	for _, tz := range order {
		writeTimezone(&w, tz, zones[tz].from, zones[tz].to)
	}
	for _, e := range events {
		writeEvent(&w, e)
	}
	w.line("END:VCALENDAR")
	return w.buf.Bytes()
}

func writeEvent(w *icsWriter, e CalendarEvent) {
	loc := location(e.TZID)
	tzid := tzParam(e.TZID)
	w.line("BEGIN:VEVENT")
	w.line("UID:" + escapeText(e.UID))
	w.line("DTSTAMP:" + utcStamp(e.Modified))
	if !e.Created.IsZero() {
		w.line("CREATED:" + utcStamp(e.Created))
	}
	w.line("LAST-MODIFIED:" + utcStamp(e.Modified))
	w.line("SEQUENCE:" + fmt.Sprint(e.Sequence))
	w.line("STATUS:" + e.Status)
	w.line("DTSTART;TZID=" + tzid + ":" + e.Start.In(loc).Format(localLayout))
	end := e.Start.Add(time.Duration(e.Minutes) * time.Minute)
	w.line("DTEND;TZID=" + tzid + ":" + end.In(loc).Format(localLayout))
	w.line("SUMMARY:" + escapeText(e.Summary))
	if e.Location != "" {
		w.line("LOCATION:" + escapeText(e.Location))
	}
	if e.Description != "" {
		w.line("DESCRIPTION:" + escapeText(e.Description))
	}
	if u := cleanURI(e.URL); u != "" {
		w.line("URL:" + u)
	}
	w.line("TRANSP:OPAQUE")
	w.line("END:VEVENT")
}

const localLayout = "20060102T150405"

func utcStamp(t time.Time) string { return t.UTC().Format(localLayout) + "Z" }

// location loads a zone already checked when the meeting was planned; UTC
// covers a name the running system no longer knows.
func location(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		return loc
	}
	return time.UTC
}

// tzParam makes a TZID parameter value. IANA names never need quoting, but a
// name with characters a parameter cannot hold is quoted rather than trusted.
func tzParam(tz string) string {
	tz = strings.ToValidUTF8(tz, "")
	if tz == "" {
		return "UTC"
	}
	if strings.ContainsAny(tz, ":;,\"") || strings.IndexFunc(tz, isControl) >= 0 {
		return `"` + strings.Map(func(r rune) rune {
			if r == '"' || isControl(r) {
				return -1
			}
			return r
		}, tz) + `"`
	}
	return tz
}

// writeTimezone writes the VTIMEZONE for tz covering from..to: the
// observance in force at the start of from's year, then one STANDARD or
// DAYLIGHT block for each change of offset up to the end of to's year. Each
// block is a single onset (no RRULE), read straight from Go's zone data, so
// it is right for past rule changes too.
func writeTimezone(w *icsWriter, tz string, from, to time.Time) {
	loc := location(tz)
	start := time.Date(from.In(loc).Year(), 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to.In(loc).Year()+1, 1, 1, 0, 0, 0, 0, loc)
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + escapeText(strings.Trim(tzParam(tz), `"`)))
	first, next := start.ZoneBounds()
	if first.IsZero() {
		// The zone has never changed (or not within Go's data): one
		// observance from the epoch of the calendar.
		_, off := start.Zone()
		writeObservance(w, start, off, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off)*time.Second))
	} else {
		_, prev := first.Add(-time.Second).Zone()
		writeObservance(w, first, prev, first)
	}
	for !next.IsZero() && next.Before(end) {
		_, prev := next.Add(-time.Second).Zone()
		writeObservance(w, next.In(loc), prev, next)
		_, next = next.In(loc).ZoneBounds()
	}
	w.line("END:VTIMEZONE")
}

// writeObservance writes the zone in force at t (in its location), which
// began at onset coming from offset prevOff. DTSTART is the local time of
// the onset on the clock before the change, as RFC 5545 wants.
func writeObservance(w *icsWriter, t time.Time, prevOff int, onset time.Time) {
	name, off := t.Zone()
	kind := "STANDARD"
	if t.IsDST() {
		kind = "DAYLIGHT"
	}
	w.line("BEGIN:" + kind)
	w.line("DTSTART:" + onset.UTC().Add(time.Duration(prevOff)*time.Second).Format(localLayout))
	w.line("TZOFFSETFROM:" + utcOffset(prevOff))
	w.line("TZOFFSETTO:" + utcOffset(off))
	if name != "" {
		w.line("TZNAME:" + escapeText(name))
	}
	w.line("END:" + kind)
}

// utcOffset writes seconds east of UTC as ±HHMM, or ±HHMMSS when the
// offset has seconds (old local mean times do).
func utcOffset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign = "-"
		secs = -secs
	}
	s := fmt.Sprintf("%s%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf("%02d", secs%60)
	}
	return s
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// escapeText makes a TEXT value: backslash, semicolon and comma escaped,
// every kind of line break written as \n, other control characters and
// invalid UTF-8 removed so that no text can start a property of its own.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanURI keeps a URI value on its line. Links were checked to be http or
// https when saved; this only guards the file format.
func cleanURI(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if isControl(r) || r == ' ' {
			return -1
		}
		return r
	}, s)
}

// icsWriter ends lines with CRLF and folds them at 75 octets, never inside
// a UTF-8 sequence (RFC 5545 section 3.1).
type icsWriter struct {
	buf bytes.Buffer
}

func (w *icsWriter) line(s string) {
	const limit = 75
	max := limit
	for len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		max = limit - 1 // the leading space counts
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}
