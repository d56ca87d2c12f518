package program

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// When a pair ends, its meetings still ahead end with it: a confirmed
// meeting or an open proposal of an ended pair would otherwise stay in
// everyone's calendar, on the pair's page and in the reminders. The
// meetings table belongs to package meeting, but meeting imports program,
// so the one change an ending makes to it is written here, in the two
// statements of callOffMeetings: each such meeting is cancelled as
// meeting.Cancel cancels one (status, cancelled_at, SEQUENCE raised so that
// calendars holding it drop it), marked ended_with_pair instead of carrying
// a person's reason, never counted as late, and its history records the
// cancellation under nobody's name.

// callOffMeetings cancels the pair's confirmed and proposed meetings that
// start after at. A meeting already under way counts as held and stays.
func callOffMeetings(ctx context.Context, tx *store.Tx, pairID int64, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO meeting_events (meeting_id, pair_id, kind, user_id, starts_at, reason, late, created_at)
		SELECT id, pair_id, 'cancelled', NULL, starts_at, '', ?, ? FROM meetings
		WHERE pair_id = ? AND status IN ('confirmed', 'proposed') AND starts_at > ?`, false, at, pairID, at); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE meetings SET status = 'cancelled', ended_with_pair = ?, cancel_reason = '',
		cancelled_by = NULL, cancelled_at = ?, late_cancel = ?, sequence = sequence + 1, updated_at = ?
		WHERE pair_id = ? AND status IN ('confirmed', 'proposed') AND starts_at > ?`, true, at, false, at, pairID, at)
	return err
}

// CalledOffMeeting is one meeting a pair's ending called off, as it stands
// after the cancelling.
type CalledOffMeeting struct {
	ID, PairID           int64
	UID                  string
	Sequence             int
	StartsAt             time.Time
	Timezone             string
	Minutes              int
	Place, OnlineURL     string
	CreatedAt, UpdatedAt time.Time
}

// CalledOff is what the emails that tell a pair's members of its ending
// add about the meetings it called off: a list of them in the reader's
// language and time zone, and each meeting's calendar file marked
// cancelled so that a calendar that imported it drops it.
type CalledOff struct {
	Pair     *Pair
	Meetings []CalledOffMeeting // soonest first; empty when nothing was booked
	out      *notify.Outbox
	zones    map[int64]string // the members' time zones
}

// ReadCalledOff reads the meetings that p's ending called off, after
// Close, in the same transaction, for the ending emails sent through out
// (which Send needs; reading alone takes nil).
func ReadCalledOff(ctx context.Context, q store.Q, out *notify.Outbox, p *Pair) (*CalledOff, error) {
	c := &CalledOff{Pair: p, out: out, zones: map[int64]string{}}
	rows, err := q.Query(ctx, `SELECT id, pair_id, uid, sequence, starts_at, timezone, minutes, place, online_url,
		created_at, updated_at FROM meetings WHERE pair_id = ? AND ended_with_pair = ? ORDER BY starts_at, id`, p.ID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m CalledOffMeeting
		if err := rows.Scan(&m.ID, &m.PairID, &m.UID, &m.Sequence, &m.StartsAt, &m.Timezone, &m.Minutes,
			&m.Place, &m.OnlineURL, &m.CreatedAt, &m.UpdatedAt); err != nil {
			return nil, err
		}
		m.StartsAt = m.StartsAt.UTC()
		c.Meetings = append(c.Meetings, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(c.Meetings) == 0 {
		return c, nil
	}
	zs, err := q.Query(ctx, `SELECT u.id, u.timezone FROM users u JOIN pair_members pm ON pm.user_id = u.id WHERE pm.pair_id = ?`, p.ID)
	if err != nil {
		return nil, err
	}
	defer zs.Close()
	for zs.Next() {
		var id int64
		var tz string
		if err := zs.Scan(&id, &tz); err != nil {
			return nil, err
		}
		c.zones[id] = tz
	}
	return c, zs.Err()
}

// Send sends one member's ending email of the given kind, as out.Send
// would, with its {meetings} placeholder filled: empty when the ending
// called nothing off, else a paragraph listing the meetings in the
// reader's language and zone, each meeting's calendar file attached.
func (c *CalledOff) Send(ctx context.Context, q store.Q, now time.Time, to notify.Recipient, userID int64, kind string, args ...any) error {
	if len(c.Meetings) == 0 {
		return c.out.Send(ctx, q, now, to, kind, append(args, "meetings", "")...)
	}
	l := c.out.Bundle.Locale(to.Lang)
	tz := c.zones[userID]
	if tz == "" {
		tz = "UTC"
	}
	others := namesOrFormer(l, c.Pair.Others(userID))
	var list strings.Builder
	files := make([]notify.Attachment, 0, len(c.Meetings))
	for _, m := range c.Meetings {
		list.WriteString("\n- " + l.When(m.StartsAt, tz))
		ev := m.Event(l, others, c.out.Link(fmt.Sprintf("/pairs/%d/meetings/%d", m.PairID, m.ID)))
		files = append(files, notify.Attachment{Name: ics.FileName(m.ID), ContentType: ics.ContentType,
			Data: ics.Calendar("", []ics.CalendarEvent{ev})})
	}
	text := "\n\n" + l.N("ending.called_off", len(c.Meetings), "list", list.String())
	return c.out.SendWith(ctx, q, now, to, kind, files, append(args, "meetings", text)...)
}

// Event is the meeting's calendar entry for one reader, cancelled: the
// same entry meeting.EventFor makes of a cancelled meeting (a test holds
// the two together), so the attached file and the one the meeting's page
// serves say the same. A cancelled .ics is sent as METHOD:PUBLISH with
// STATUS:CANCELLED and the raised SEQUENCE, as a cancellation by hand is:
// METHOD:CANCEL belongs to iTIP scheduling, which wants an ORGANIZER the
// files do not have.
func (m CalledOffMeeting) Event(l *i18n.Locale, others, link string) ics.CalendarEvent {
	desc := l.T("calendar.description", "link", link)
	if m.OnlineURL != "" {
		desc = l.T("calendar.online", "url", m.OnlineURL) + "\n\n" + desc
	}
	desc = l.T("calendar.cancelled") + "\n\n" + desc
	loc := m.Place
	if loc == "" {
		loc = m.OnlineURL
	}
	return ics.CalendarEvent{
		UID: m.UID, Sequence: m.Sequence, Status: ics.EventCancelled,
		Start: m.StartsAt, Minutes: m.Minutes, TZID: m.Timezone,
		Summary:  l.T("calendar.summary", "names", others),
		Location: loc, Description: desc, URL: m.OnlineURL,
		Created: m.CreatedAt, Modified: m.UpdatedAt,
	}
}

// namesOrFormer joins names, calling a deleted account (no name left) a
// former participant, as the pages do.
func namesOrFormer(l *i18n.Locale, ms []PairMember) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
		if m.Name == "" {
			names[i] = l.T("privacy.former_participant")
		}
	}
	return strings.Join(names, ", ")
}
