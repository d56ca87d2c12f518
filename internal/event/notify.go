package event

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/i18n"
	"mentorskap/internal/jobs"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// inviteAudience invites every approved participant the event is meant
// for who has no invitation yet, each by email in their language with the
// event's calendar file.
func (s *Service) inviteAudience(ctx context.Context, tx *store.Tx, now time.Time, prog *program.Program, e *Event, actor *account.User) error {
	rows, err := tx.Query(ctx, `SELECT p.user_id, u.name, u.email, u.language, u.timezone, p.role
		FROM participants p JOIN users u ON u.id = p.user_id
		WHERE p.program_id = ? AND p.status = 'approved' AND (? = 'all' OR ? = p.role || 's')
			AND NOT EXISTS (SELECT 1 FROM event_invites i WHERE i.event_id = ? AND i.user_id = p.user_id)
		ORDER BY p.user_id`, e.ProgramID, e.Audience, e.Audience, e.ID)
	if err != nil {
		return err
	}
	var people []Invite
	for rows.Next() {
		var in Invite
		if err := rows.Scan(&in.UserID, &in.Name, &in.Email, &in.Language, &in.Timezone, &in.Role); err != nil {
			rows.Close()
			return err
		}
		people = append(people, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range people {
		if _, err := tx.Exec(ctx, `INSERT INTO event_invites (event_id, user_id, response, invited_at) VALUES (?, ?, '', ?)`,
			e.ID, p.UserID, now); err != nil {
			return err
		}
	}
	return s.tell(ctx, tx, now, prog, e, people, "event_invite", nil, "by", actor.Name)
}

// Location says where an event happens in one line: the place, or the link
// when it is online only.
func (e *Event) Location() string {
	if e.Place != "" {
		return e.Place
	}
	return e.OnlineURL
}

// Where says where an event happens, one labelled line each for the place
// and the online link.
func Where(l *i18n.Locale, e *Event) string {
	var lines []string
	if e.Place != "" {
		lines = append(lines, l.T("event.email.place", "place", e.Place))
	}
	if e.OnlineURL != "" {
		lines = append(lines, l.T("event.email.online", "url", e.OnlineURL))
	}
	return strings.Join(lines, "\n")
}

// CalendarEvent is the event as a calendar file shows it to a reader in
// l's language; link is the event's page.
func CalendarEvent(e *Event, l *i18n.Locale, link string) ics.CalendarEvent {
	desc := l.T("event.calendar.description", "link", link)
	if e.Description != "" {
		desc = e.Description + "\n\n" + desc
	}
	if e.OnlineURL != "" {
		desc = l.T("event.email.online", "url", e.OnlineURL) + "\n\n" + desc
	}
	status := ics.EventConfirmed
	if e.Cancelled() {
		status = ics.EventCancelled
		desc = l.T("event.calendar.cancelled") + "\n\n" + desc
	}
	return ics.CalendarEvent{
		UID: e.UID, Sequence: e.Sequence, Status: status,
		Start: e.StartsAt, Minutes: int(e.EndsAt.Sub(e.StartsAt) / time.Minute), TZID: e.Timezone,
		Summary: e.Title, Location: e.Location(), Description: desc, URL: e.OnlineURL,
		Created: e.CreatedAt, Modified: e.UpdatedAt,
	}
}

// FileName names an event's calendar file.
func FileName(e *Event) string { return fmt.Sprintf("event-%d.ics", e.ID) }

// Calendar is the calendar file of one event for a reader in l's language.
func Calendar(e *Event, l *i18n.Locale, link string) []byte {
	return ics.Calendar("", []ics.CalendarEvent{CalendarEvent(e, l, link)})
}

// tell emails people about e, each in their language and time zone with
// the event's calendar file. kind is the email (email.<kind>.subject and
// .body); old is the event before a change, whose time the email repeats.
func (s *Service) tell(ctx context.Context, tx *store.Tx, now time.Time, prog *program.Program, e *Event,
	people []Invite, kind string, old *Event, extra ...any) error {
	if s.Outbox == nil || len(people) == 0 {
		return nil
	}
	link := s.Outbox.Link(Path(e.ProgramID, e.ID))
	if err := fillZones(ctx, tx, people); err != nil {
		return err
	}
	for _, p := range people {
		to := program.Recipient(p.Email, p.Name, p.Language, prog)
		l := s.Outbox.Bundle.Locale(to.Lang).WithRoles(to.Roles)
		file := notify.Attachment{Name: FileName(e), ContentType: ics.ContentType, Data: Calendar(e, l, link)}
		// The description, when there is one, is a paragraph of its own
		// after the place; the end is a clock time on the same day.
		desc := ""
		if e.Description != "" {
			desc = "\n\n" + e.Description
		}
		until := l.When(e.EndsAt, p.Timezone)
		if start, end := i18n.In(e.StartsAt, p.Timezone), i18n.In(e.EndsAt, p.Timezone); start.Format(time.DateOnly) == end.Format(time.DateOnly) {
			until = l.Time(end)
		}
		args := []any{"name", p.Name, "program", prog.Name, "title", e.Title,
			"kind", l.T("event.kind." + e.Kind), "when", l.When(e.StartsAt, p.Timezone),
			"until", until, "where", Where(l, e), "description", desc, "link", link}
		if old != nil {
			args = append(args, "old", l.When(old.StartsAt, p.Timezone))
		}
		args = append(args, extra...)
		if err := s.Outbox.SendWith(ctx, tx, now, to, kind, []notify.Attachment{file}, args...); err != nil {
			return err
		}
	}
	return nil
}

// fillZones reads the time zones of people whose invitation was read
// without them.
func fillZones(ctx context.Context, q store.Q, people []Invite) error {
	var ids []int64
	for _, p := range people {
		if p.Timezone == "" {
			ids = append(ids, p.UserID)
		}
	}
	zones, err := account.Timezones(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range people {
		if people[i].Timezone == "" {
			people[i].Timezone = zones[people[i].UserID]
		}
	}
	return nil
}

// The reminder goes out this long before an event, once, to everyone who
// said yes or maybe.
const (
	RemindAhead = 24 * time.Hour
	JobRemind   = "events.remind"
)

// reminder is the payload of a reminder job. The key names the start it
// was planned for: an event moved to another time gets a reminder of its
// own, and the old one, finding a different start, sends nothing.
type reminder struct {
	EventID   int64     `json:"event_id"`
	ProgramID int64     `json:"program_id"`
	StartsAt  time.Time `json:"starts_at"`
}

func reminderKey(e *Event) string {
	return fmt.Sprintf("event-remind:%d:%d", e.ID, e.StartsAt.Unix())
}

// scheduleReminder queues the reminder of e, unless its time has passed:
// an event planned for tomorrow has just been announced.
func scheduleReminder(ctx context.Context, tx *store.Tx, e *Event, now time.Time) error {
	at := e.StartsAt.Add(-RemindAhead)
	if !at.After(now) {
		return nil
	}
	_, err := jobs.Enqueue(ctx, tx, JobRemind, reminderKey(e), at, reminder{EventID: e.ID, ProgramID: e.ProgramID, StartsAt: e.StartsAt})
	return err
}

// Register adds the reminder job to a worker.
func (s *Service) Register(w *jobs.Worker) {
	w.Handle(JobRemind, func(ctx context.Context, db *store.DB, j *jobs.Job) error {
		return s.remind(ctx, db, j, w.Clock.Now().UTC())
	})
}

// remind sends one event's reminder in the same transaction that marks
// its job done, so that it goes out once however many workers run.
func (s *Service) remind(ctx context.Context, db *store.DB, j *jobs.Job, now time.Time) error {
	var m reminder
	if err := j.Decode(&m); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		if err := jobs.Finish(ctx, tx, j, now); err != nil {
			return err
		}
		e, err := load(ctx, tx, m.ProgramID, m.EventID, false)
		if err != nil {
			return nil // deleted with its program
		}
		if e.Cancelled() || !e.StartsAt.Equal(m.StartsAt) || e.Started(now) {
			return nil
		}
		prog, err := program.Get(ctx, tx, e.ProgramID)
		if err != nil {
			return err
		}
		people, err := invites(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		var coming []Invite
		for _, p := range people {
			if p.Response == Yes || p.Response == Maybe {
				coming = append(coming, p)
			}
		}
		return s.tell(ctx, tx, now, prog, e, coming, "event_reminder", nil)
	})
}
