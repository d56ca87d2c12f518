package meeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// PairPath is the pair's home page, where its meetings are listed.
func PairPath(pairID int64) string { return fmt.Sprintf("/pairs/%d", pairID) }

// MeetingPath is one meeting's page.
func MeetingPath(pairID, meetingID int64) string {
	return fmt.Sprintf("/pairs/%d/meetings/%d", pairID, meetingID)
}

// When writes a meeting's start for a reader: their language, the
// meeting's time zone, the day's name and the zone as people say it
// ("norsk tid", "WIB"), so that nobody has to guess.
func When(l *i18n.Locale, t time.Time, tz string) string { return l.When(t, tz) }

// Where says where a meeting happens, one labelled line each for the place
// and the online link: a link is not a place, and a reader looking for the
// address should not find a URL under that label.
func Where(l *i18n.Locale, m *Meeting) string {
	var lines []string
	if m.Place != "" {
		lines = append(lines, l.T("meeting.email.place", "place", m.Place))
	}
	if m.OnlineURL != "" {
		lines = append(lines, l.T("meeting.email.online", "url", m.OnlineURL))
	}
	return strings.Join(lines, "\n")
}

// eventStatus maps a meeting's status to the iCalendar one: a proposal is
// tentative until the other side says yes.
func eventStatus(status string) string {
	switch status {
	case StatusConfirmed:
		return ics.EventConfirmed
	case StatusCancelled:
		return ics.EventCancelled
	}
	return ics.EventTentative
}

// EventFor turns a meeting into a calendar event for one reader, whose
// language writes the summary and description. others names the people the
// reader meets; link is the meeting's page.
func EventFor(m *Meeting, l *i18n.Locale, others, link string) ics.CalendarEvent {
	desc := l.T("calendar.description", "link", link)
	if m.OnlineURL != "" {
		desc = l.T("calendar.online", "url", m.OnlineURL) + "\n\n" + desc
	}
	if m.Cancelled() {
		desc = l.T("calendar.cancelled") + "\n\n" + desc
	}
	loc := m.Place
	if loc == "" {
		loc = m.OnlineURL
	}
	return ics.CalendarEvent{
		UID: m.UID, Sequence: m.Sequence, Status: eventStatus(m.Status),
		Start: m.StartsAt, Minutes: m.Minutes, TZID: m.Timezone,
		Summary:  l.T("calendar.summary", "names", others),
		Location: loc, Description: desc, URL: m.OnlineURL,
		Created: m.CreatedAt, Modified: m.UpdatedAt,
	}
}

// ICSName is the file name of a meeting's calendar file.
func ICSName(m *Meeting) string { return ics.FileName(m.ID) }

// tell emails the people on the other side from actor about a change to
// m, each in their language and time zone, with the meeting's calendar
// file so that their calendar follows along. prev is the earlier start of a
// moved meeting.
func (s *Service) tell(ctx context.Context, tx *store.Tx, now time.Time, p *program.Pair, actor *account.User,
	m *Meeting, kind string, prev *time.Time, reason string) error {
	if s.Outbox == nil {
		return nil
	}
	prog, err := program.OfPair(ctx, tx, p)
	if err != nil {
		return err
	}
	others := p.Others(actor.ID)
	ids := make([]int64, len(others))
	for i, o := range others {
		ids[i] = o.UserID
	}
	// The readers' zones and the times offered, in one round trip.
	zones := map[int64]string{}
	opts := []time.Time{m.StartsAt}
	var r store.Reads
	account.ReadTimezones(&r, ids, zones)
	if m.Proposed() {
		readOptions(&r, m.ID, &opts)
	}
	if err := r.Run(ctx, tx); err != nil {
		return err
	}
	link := s.Outbox.Link(MeetingPath(p.ID, m.ID))
	for _, o := range others {
		to := program.Recipient(o.Email, o.Name, o.Lang, prog)
		l := s.Outbox.Bundle.Locale(to.Lang)
		tz := zones[o.UserID]
		ev := EventFor(m, l, program.Names(p.Others(o.UserID)), link)
		file := notify.Attachment{Name: ICSName(m), ContentType: ics.ContentType, Data: ics.Calendar("", []ics.CalendarEvent{ev})}
		when := When(l, m.StartsAt, tz)
		if len(opts) > 1 {
			// A proposal with several times names them all: the reader
			// picks one on the meeting's page.
			rest := make([]string, len(opts)-1)
			for i, t := range opts[1:] {
				rest[i] = When(l, t, tz)
			}
			when = l.T("schedule.when_options", "first", when, "others", strings.Join(rest, "; "))
		}
		args := []any{"name", o.Name, "by", actor.Name, "program", prog.Name, "when", when,
			"minutes", m.Minutes, "where", Where(l, m), "reason", reason, "link", link}
		if prev != nil {
			args = append(args, "old", When(l, *prev, tz))
		}
		if err := s.Outbox.SendWith(ctx, tx, now, to, kind, []notify.Attachment{file}, args...); err != nil {
			return err
		}
	}
	return nil
}
