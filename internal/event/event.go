// Package event holds a program's gatherings: kick-offs, mentor trainings,
// network meetings and closings. Coordinators plan them for everyone, for
// the mentors or for the mentees; the audience is invited by email in each
// person's language with a calendar file, answers yes, no or maybe, and is
// reminded the day before. A full event keeps a waiting list: a place that
// comes free goes to the first in line, who is told. After the event the
// coordinator marks who came, and the funder report counts it
// (ReportTables).
package event

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Service is the event use cases.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox // nil sends no email (tests of the rules alone)
	Bundle *i18n.Bundle   // for the report's tables
}

// Kinds of event, in the order forms offer them.
const (
	KindKickoff  = "kickoff"
	KindTraining = "training"
	KindNetwork  = "network"
	KindClosing  = "closing"
	KindOther    = "other"
)

// Kinds lists every kind of event.
var Kinds = []string{KindKickoff, KindTraining, KindNetwork, KindClosing, KindOther}

// Audiences: who an event is for.
const (
	AudienceAll     = "all"
	AudienceMentors = "mentors"
	AudienceMentees = "mentees"
)

// Audiences lists every audience.
var Audiences = []string{AudienceAll, AudienceMentors, AudienceMentees}

// Responses a person can give, and the one a yes becomes when the event is
// full.
const (
	Yes     = "yes"
	No      = "no"
	Maybe   = "maybe"
	Waiting = "waiting"
)

// Answers are the responses a person chooses from, in the order the page
// offers them.
var Answers = []string{Yes, Maybe, No}

// Limits on what coordinators type.
const (
	MaxTitle       = 200
	MaxDescription = 5000
	MaxPlace       = 200
	MaxURL         = 500
	MaxCapacity    = 10000
	// MaxAhead keeps a mistyped year from planning an event decades away.
	MaxAhead = 2 * 366 * 24 * time.Hour
	// MaxLength keeps a mistyped end date from making a month-long event.
	MaxLength = 7 * 24 * time.Hour
)

// Event is one gathering of a program.
type Event struct {
	ID, ProgramID        int64
	Kind, Title          string
	Description          string
	StartsAt, EndsAt     time.Time // UTC
	Timezone             string    // the zone it was planned in
	Place, OnlineURL     string
	Audience             string
	Capacity             int // 0: no limit
	UID                  string
	Sequence             int
	CancelledAt          *time.Time
	AttendanceAt         *time.Time // when attendance was last saved
	CreatedAt, UpdatedAt time.Time

	// Counts of the invitations, filled by the reads that list events.
	Invited, Yes, Maybe, No, Waiting, Attended int
}

// Cancelled reports whether the event was called off.
func (e *Event) Cancelled() bool { return e.CancelledAt != nil }

// Started reports whether the event has begun at now: from then on it can
// no longer be changed or answered, and attendance can be marked.
func (e *Event) Started(now time.Time) bool { return !now.Before(e.StartsAt) }

// Full reports whether every place is taken.
func (e *Event) Full() bool { return e.Capacity > 0 && e.Yes >= e.Capacity }

// PlacesLeft is how many places are free; -1 when there is no limit.
func (e *Event) PlacesLeft() int {
	if e.Capacity == 0 {
		return -1
	}
	return max(e.Capacity-e.Yes, 0)
}

// For reports whether the event is meant for a participant in role
// (program.RoleMentor or program.RoleMentee).
func (e *Event) For(role string) bool {
	return e.Audience == AudienceAll || e.Audience == role+"s"
}

// Input is what a coordinator fills in. Dates and times arrive as typed so
// that a malformed value becomes a message on its field; they are read in
// Timezone.
type Input struct {
	Kind        string
	Title       string
	Description string
	Date        string // YYYY-MM-DD
	Start, End  string // HH:MM
	EndDate     string // YYYY-MM-DD; empty for the same day
	Timezone    string // IANA name
	Place       string
	OnlineURL   string
	Audience    string
	Capacity    int
}

// InputOf fills the form that edits e, in the event's own zone.
func InputOf(e *Event) Input {
	s, en := i18n.In(e.StartsAt, e.Timezone), i18n.In(e.EndsAt, e.Timezone)
	in := Input{Kind: e.Kind, Title: e.Title, Description: e.Description, Date: s.Format("2006-01-02"),
		Start: s.Format("15:04"), End: en.Format("15:04"), Timezone: e.Timezone, Place: e.Place,
		OnlineURL: e.OnlineURL, Audience: e.Audience, Capacity: e.Capacity}
	if d := en.Format("2006-01-02"); d != in.Date {
		in.EndDate = d
	}
	return in
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// oneLine trims s and folds line breaks and other control characters into
// spaces: a title or a place is one line wherever it is shown.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToValidUTF8(s, ""), func(r rune) bool { return r == ' ' || isControl(r) }), " ")
}

// validURL accepts only absolute http and https links, so a "javascript:"
// link can never reach a page or a calendar.
func validURL(s string) bool {
	if len(s) > MaxURL || strings.IndexFunc(s, func(r rune) bool { return isControl(r) || r == ' ' }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// check cleans and validates in at now and returns the start and end in UTC.
func (in *Input) check(now time.Time) (start, end time.Time, err error) {
	var v errs.Validation
	in.Kind = strings.TrimSpace(in.Kind)
	in.Title = oneLine(in.Title)
	in.Description = strings.TrimSpace(strings.ToValidUTF8(in.Description, ""))
	in.Place = oneLine(in.Place)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.Timezone = strings.TrimSpace(in.Timezone)
	in.Audience = strings.TrimSpace(in.Audience)
	v.Check(oneOf(in.Kind, Kinds), "kind", "event.error.kind")
	v.Check(in.Title != "", "title", "event.error.title_required")
	v.Check(utf8.RuneCountInString(in.Title) <= MaxTitle, "title", "error.too_long", "max", MaxTitle)
	v.Check(utf8.RuneCountInString(in.Description) <= MaxDescription, "description", "error.too_long", "max", MaxDescription)
	day, derr := time.Parse("2006-01-02", strings.TrimSpace(in.Date))
	from, serr := time.Parse("15:04", strings.TrimSpace(in.Start))
	to, eerr := time.Parse("15:04", strings.TrimSpace(in.End))
	endDay, edErr := day, error(nil)
	if strings.TrimSpace(in.EndDate) != "" {
		endDay, edErr = time.Parse("2006-01-02", strings.TrimSpace(in.EndDate))
	}
	v.Check(derr == nil, "date", "event.error.date_invalid")
	v.Check(edErr == nil, "end_date", "event.error.date_invalid")
	v.Check(serr == nil, "start", "event.error.time_invalid")
	v.Check(eerr == nil, "end", "event.error.time_invalid")
	v.Check(account.ValidTimezone(in.Timezone), "timezone", "error.timezone_invalid")
	if !v.Has("date") && !v.Has("end_date") && !v.Has("start") && !v.Has("end") && !v.Has("timezone") {
		loc, _ := time.LoadLocation(in.Timezone)
		start = time.Date(day.Year(), day.Month(), day.Day(), from.Hour(), from.Minute(), 0, 0, loc).UTC()
		end = time.Date(endDay.Year(), endDay.Month(), endDay.Day(), to.Hour(), to.Minute(), 0, 0, loc).UTC()
		v.Check(start.After(now), "date", "event.error.in_past")
		v.Check(start.Before(now.Add(MaxAhead)), "date", "event.error.too_far")
		v.Check(end.After(start), "end", "event.error.end_before_start")
		v.Check(end.Sub(start) <= MaxLength, "end", "event.error.too_long")
	}
	v.Check(in.Place != "" || in.OnlineURL != "", "place", "event.error.where_required")
	v.Check(utf8.RuneCountInString(in.Place) <= MaxPlace, "place", "error.too_long", "max", MaxPlace)
	v.Check(in.OnlineURL == "" || validURL(in.OnlineURL), "online_url", "event.error.url_invalid")
	v.Check(oneOf(in.Audience, Audiences), "audience", "event.error.audience")
	v.Check(in.Capacity >= 0 && in.Capacity <= MaxCapacity, "capacity", "event.error.capacity", "max", MaxCapacity)
	return start, end, v.Err()
}

// newUID makes an event's iCalendar UID: random, so it reveals nothing,
// and kept for the event's whole life.
func newUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) + "@mentorskap-event"
}

const eventCols = `e.id, e.program_id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.timezone,
	e.place, e.online_url, e.audience, e.capacity, e.uid, e.sequence, e.cancelled_at, e.attendance_at,
	e.created_at, e.updated_at`

// countCols are the invitation counts of the event aliased e, as
// subqueries so that a list reads them in its one statement.
const countCols = `(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id),
	(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id AND i.response = 'yes'),
	(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id AND i.response = 'maybe'),
	(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id AND i.response = 'no'),
	(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id AND i.response = 'waiting'),
	(SELECT COUNT(*) FROM event_invites i WHERE i.event_id = e.id AND i.attended)`

func scanEvent(row interface{ Scan(...any) error }, extra ...any) (*Event, error) {
	var e Event
	dest := []any{&e.ID, &e.ProgramID, &e.Kind, &e.Title, &e.Description, &e.StartsAt, &e.EndsAt, &e.Timezone,
		&e.Place, &e.OnlineURL, &e.Audience, &e.Capacity, &e.UID, &e.Sequence, &e.CancelledAt, &e.AttendanceAt,
		&e.CreatedAt, &e.UpdatedAt, &e.Invited, &e.Yes, &e.Maybe, &e.No, &e.Waiting, &e.Attended}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	return &e, nil
}

// load reads one event of a program with its counts. lock takes the row
// for the rest of tx on PostgreSQL, so that two answers to a nearly full
// event cannot both take the last place (SQLite's one writer already
// serialises them).
func load(ctx context.Context, q store.Q, programID, eventID int64, lock bool) (*Event, error) {
	if lock {
		if _, err := q.Exec(ctx, `UPDATE events SET sequence = sequence WHERE id = ?`, eventID); err != nil {
			return nil, err
		}
	}
	e, err := scanEvent(q.QueryRow(ctx, `SELECT `+eventCols+`, `+countCols+` FROM events e
		WHERE e.id = ? AND e.program_id = ?`, eventID, programID))
	return e, store.NotFound(err, "event.error.not_found")
}

// Viewer is who looks at a program's events and what they may do.
type Viewer struct {
	User        *account.User
	Program     *program.Program
	Coordinator bool   // coordinators and administrators
	Role        string // mentor or mentee for a participant
}

// viewer decides what actor is in the program. People outside it get
// NotFound, so that ids reveal nothing; participants not (yet) approved
// are told why they see no events.
func viewer(ctx context.Context, q store.Q, actor *account.User, programID int64) (*Viewer, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	p, err := program.Get(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	v := &Viewer{User: actor, Program: p}
	if _, err := program.RequireCoordinatorTx(ctx, q, actor, programID); err == nil {
		v.Coordinator = true
		return v, nil
	} else if errs.KindOf(err) != errs.Forbidden {
		return nil, err
	}
	part, err := program.GetParticipant(ctx, q, programID, actor.ID)
	if err != nil {
		return nil, errs.E(errs.NotFound, "program.error.not_found")
	}
	if part.Status != program.StatusApproved {
		return nil, errs.E(errs.Forbidden, "event.error.not_approved")
	}
	v.Role = part.Role
	return v, nil
}

// Sees reports whether the viewer may see e: coordinators see every event
// of their program, participants those meant for them.
func (v *Viewer) Sees(e *Event) bool { return v.Coordinator || e.For(v.Role) }

// Mine is a participant's own invitation to an event, as lists show it.
type Mine struct {
	Response string // "" when not answered (or not invited yet)
	Attended bool
}

// Listed is one event in a program's list, with the viewer's own answer.
type Listed struct {
	Event
	Mine Mine
}

// List shows the program's events to actor: every one to its
// coordinators, those meant for them to participants, soonest first with
// past ones after.
func (s *Service) List(ctx context.Context, actor *account.User, programID int64) (*Viewer, []Listed, error) {
	v, err := viewer(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+eventCols+`, `+countCols+`,
		COALESCE((SELECT response FROM event_invites i WHERE i.event_id = e.id AND i.user_id = ?), ''),
		COALESCE((SELECT attended FROM event_invites i WHERE i.event_id = e.id AND i.user_id = ?), `+falseSQL(s.DB)+`)
		FROM events e WHERE e.program_id = ? ORDER BY e.starts_at, e.id`, actor.ID, actor.ID, programID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	now := s.Clock.Now()
	var upcoming, past []Listed
	for rows.Next() {
		var l Listed
		e, err := scanEvent(rows, &l.Mine.Response, &l.Mine.Attended)
		if err != nil {
			return nil, nil, err
		}
		if !v.Sees(e) {
			continue
		}
		l.Event = *e
		if e.EndsAt.After(now) {
			upcoming = append(upcoming, l)
		} else {
			past = append([]Listed{l}, past...) // latest first
		}
	}
	return v, append(upcoming, past...), rows.Err()
}

func falseSQL(q store.Q) string {
	if q.Dialect() == store.Postgres {
		return "FALSE"
	}
	return "0"
}

// Invite is one person's invitation as the coordinator sees it.
type Invite struct {
	UserID      int64
	Name, Email string
	Language    string
	Timezone    string
	Role        string // mentor or mentee
	Response    string
	RespondedAt *time.Time
	Attended    bool
}

// Detail is one event as its page shows it.
type Detail struct {
	Viewer *Viewer
	Event  *Event
	Mine   *Invite  // the participant's own invitation; nil when not invited yet
	People []Invite // coordinators only: everyone invited, by name
	// Position is the participant's place on the waiting list (1 is next).
	Position int
}

// Get shows one event to actor.
func (s *Service) Get(ctx context.Context, actor *account.User, programID, eventID int64) (*Detail, error) {
	v, err := viewer(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, err
	}
	e, err := load(ctx, s.DB, programID, eventID, false)
	if err != nil {
		return nil, err
	}
	if !v.Sees(e) {
		return nil, errs.E(errs.NotFound, "event.error.not_found")
	}
	d := &Detail{Viewer: v, Event: e}
	people, err := invites(ctx, s.DB, e.ID)
	if err != nil {
		return nil, err
	}
	pos := 0
	for i := range people {
		if people[i].Response == Waiting {
			pos++
		}
		if people[i].UserID == actor.ID {
			d.Mine = &people[i]
			if people[i].Response == Waiting {
				d.Position = pos
			}
		}
	}
	if v.Coordinator {
		d.People = people
	}
	return d, nil
}

// invites lists an event's invitations: answered first in the order they
// answered (which is the waiting list's order), then the rest by name.
func invites(ctx context.Context, q store.Q, eventID int64) ([]Invite, error) {
	rows, err := q.Query(ctx, `SELECT i.user_id, u.name, u.email, u.language, u.timezone, COALESCE(p.role, ''), i.response,
		i.responded_at, i.attended
		FROM event_invites i JOIN users u ON u.id = i.user_id
		JOIN events e ON e.id = i.event_id
		LEFT JOIN participants p ON p.program_id = e.program_id AND p.user_id = i.user_id
		WHERE i.event_id = ?
		ORDER BY CASE WHEN i.responded_at IS NULL THEN 1 ELSE 0 END, i.responded_at, u.name, u.id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invite
	for rows.Next() {
		var in Invite
		if err := rows.Scan(&in.UserID, &in.Name, &in.Email, &in.Language, &in.Timezone, &in.Role, &in.Response,
			&in.RespondedAt, &in.Attended); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// Upcoming is an event on a participant's start page.
type Upcoming struct {
	ID, ProgramID    int64
	ProgramName      string
	Kind, Title      string
	StartsAt, EndsAt time.Time
	Timezone         string
	Place, OnlineURL string
	Response         string
}

// MaxUpcoming is how many events the start page lists.
const MaxUpcoming = 5

// UpcomingFor lists, in one statement, the events still ahead at now that
// are meant for userID in the programs where they are an approved
// participant, leaving out those they said no to: the start page's list.
func UpcomingFor(ctx context.Context, q store.Q, userID int64, now time.Time) ([]Upcoming, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Upcoming) { ReadUpcomingFor(r, userID, now, out) })
}

// ReadUpcomingFor queues the read of UpcomingFor, which fills in *out.
func ReadUpcomingFor(r *store.Reads, userID int64, now time.Time, out *[]Upcoming) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var u Upcoming
			if err := rows.Scan(&u.ID, &u.ProgramID, &u.ProgramName, &u.Kind, &u.Title, &u.StartsAt, &u.EndsAt,
				&u.Timezone, &u.Place, &u.OnlineURL, &u.Response); err != nil {
				return err
			}
			*out = append(*out, u)
		}
		return nil
	}, `SELECT e.id, e.program_id, pr.name, e.kind, e.title, e.starts_at, e.ends_at, e.timezone,
		e.place, e.online_url, COALESCE(i.response, '')
		FROM events e
		JOIN participants p ON p.program_id = e.program_id AND p.user_id = ? AND p.status = 'approved'
		JOIN programs pr ON pr.id = e.program_id
		LEFT JOIN event_invites i ON i.event_id = e.id AND i.user_id = p.user_id
		WHERE e.cancelled_at IS NULL AND e.ends_at > ?
			AND (e.audience = 'all' OR e.audience = p.role || 's')
			AND COALESCE(i.response, '') <> 'no'
		ORDER BY e.starts_at, e.id LIMIT ?`, userID, now.UTC(), MaxUpcoming)
}
