// Package announce lets a program's coordinators write to its people: to
// everyone, to the mentors or the mentees, to the pairs behind their
// meeting plan, or to the people who have not answered a check point that
// is open. Each recipient gets it once by email, in the language it was
// written in, and sees it on their start page until they put it away or it
// is ShowDays old.
package announce

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Segments: who an announcement goes to.
const (
	SegmentAll        = "all"        // every approved participant
	SegmentMentors    = "mentors"    // approved mentors
	SegmentMentees    = "mentees"    // approved mentees
	SegmentBehind     = "behind"     // both sides of the running pairs behind their meeting plan
	SegmentCheckpoint = "checkpoint" // people with a check point open now that they have not answered
)

// Segments lists the segments in the order a form offers them.
var Segments = []string{SegmentAll, SegmentMentors, SegmentMentees, SegmentBehind, SegmentCheckpoint}

// Limits.
const (
	MaxSubject = 200
	MaxBody    = 5000
	// ShowDays is how long an announcement stays on a recipient's start
	// page if they do not put it away themselves.
	ShowDays = 30
	// HomeLimit is how many announcements the start page shows at most.
	HomeLimit = 5
)

// Draft is what the coordinator writes. SendKey, when set, makes sending
// the same draft twice (a form sent again) send nothing the second time.
type Draft struct {
	Segment  string
	Language string
	Subject  string
	Body     string
	SendKey  string
}

// Announcement is one sent announcement.
type Announcement struct {
	ID          int64
	ProgramID   int64
	ProgramName string
	AuthorName  string
	Segment     string
	Language    string
	Subject     string
	Body        string
	Recipients  int
	CreatedAt   time.Time
}

// Person is one recipient.
type Person struct {
	ID          int64
	Email, Name string
}

// Service is the announcement use cases.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox // nil sends no email
}

// Normalize fills in the defaults: the program's default language and
// everyone.
func (d *Draft) Normalize(prog *program.Program) {
	d.Subject = strings.TrimSpace(d.Subject)
	d.Body = strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n"))
	if d.Language == "" {
		d.Language = prog.DefaultLanguage
	}
	if d.Segment == "" {
		d.Segment = SegmentAll
	}
}

// Validate checks the draft, field by field.
func (d *Draft) Validate() error {
	var v errs.Validation
	v.Check(slices.Contains(Segments, d.Segment), "segment", "announce.error.segment")
	v.Check(i18n.Supported(d.Language), "language", "announce.error.language")
	v.Check(d.Subject != "", "subject", "announce.error.subject_missing")
	v.Check(utf8.RuneCountInString(d.Subject) <= MaxSubject, "subject", "announce.error.subject_long", "max", MaxSubject)
	v.Check(d.Body != "", "body", "announce.error.body_missing")
	v.Check(utf8.RuneCountInString(d.Body) <= MaxBody, "body", "announce.error.body_long", "max", MaxBody)
	v.Check(len(d.SendKey) <= 100, "send_key", "announce.error.send_key")
	return v.Err()
}

// Recipients lists who the segment of the program holds now, by id. It
// does not check who asks.
func Recipients(ctx context.Context, q store.Q, prog *program.Program, segment string, now time.Time) ([]Person, error) {
	switch segment {
	case SegmentAll, SegmentMentors, SegmentMentees:
		query := `SELECT u.id, u.email, u.name FROM participants pa JOIN users u ON u.id = pa.user_id
			WHERE pa.program_id = ? AND pa.status = 'approved' AND u.deleted_at IS NULL`
		args := []any{prog.ID}
		if segment != SegmentAll {
			query += ` AND pa.role = ?`
			args = append(args, strings.TrimSuffix(segment, "s"))
		}
		return people(ctx, q, query+` ORDER BY u.id`, args...)
	case SegmentBehind:
		pairs, err := dashboard.Behind(ctx, q, prog, now)
		if err != nil || len(pairs) == 0 {
			return nil, err
		}
		args := make([]any, 0, len(pairs)+1)
		args = append(args, prog.ID)
		for _, id := range pairs {
			args = append(args, id)
		}
		return people(ctx, q, `SELECT DISTINCT u.id, u.email, u.name FROM pair_members pm
			JOIN pairs p ON p.id = pm.pair_id JOIN users u ON u.id = pm.user_id
			WHERE p.program_id = ? AND u.deleted_at IS NULL AND pm.pair_id IN (?`+strings.Repeat(", ?", len(pairs)-1)+`)
			ORDER BY u.id`, args...)
	case SegmentCheckpoint:
		due, err := evaluation.DueIn(ctx, q, program.ActivePairsOf(prog.ID), now)
		if err != nil {
			return nil, err
		}
		var ids []any
		for _, byUser := range due {
			for uid, c := range byUser {
				if len(c.Waiting) > 0 && !slices.Contains(ids, any(uid)) {
					ids = append(ids, uid)
				}
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		return people(ctx, q, `SELECT u.id, u.email, u.name FROM users u
			WHERE u.deleted_at IS NULL AND u.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY u.id`, ids...)
	}
	return nil, errs.E(errs.Invalid, "announce.error.segment")
}

func people(ctx context.Context, q store.Q, query string, args ...any) ([]Person, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Email, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Preview checks the draft and counts who it would go to now.
func (s *Service) Preview(ctx context.Context, actor *account.User, programID int64, d *Draft) (int, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return 0, err
	}
	d.Normalize(prog)
	if err := d.Validate(); err != nil {
		return 0, err
	}
	list, err := Recipients(ctx, s.DB, prog, d.Segment, s.Clock.Now())
	return len(list), err
}

// Send checks the draft, fixes its recipients and queues one email to
// each, all in one transaction: either everyone is sent it or no one. A
// draft whose SendKey was sent before returns that announcement and sends
// nothing. A segment that holds nobody is refused.
func (s *Service) Send(ctx context.Context, actor *account.User, programID int64, d *Draft) (a *Announcement, again bool, err error) {
	now := s.Clock.Now()
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		d.Normalize(prog)
		if err := d.Validate(); err != nil {
			return err
		}
		if d.SendKey != "" {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM announcements WHERE program_id = ? AND send_key = ?`, prog.ID, d.SendKey).Scan(&id)
			if err == nil {
				again = true
				a, err = Get(ctx, tx, prog.ID, id)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		list, err := Recipients(ctx, tx, prog, d.Segment, now)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
				Fields: map[string]errs.Msg{"segment": {Key: "announce.error.nobody"}}}
		}
		var key any
		if d.SendKey != "" {
			key = d.SendKey
		}
		a = &Announcement{ProgramID: prog.ID, ProgramName: prog.Name, AuthorName: actor.Name, Segment: d.Segment,
			Language: d.Language, Subject: d.Subject, Body: d.Body, Recipients: len(list), CreatedAt: now}
		if err := tx.QueryRow(ctx, `INSERT INTO announcements (program_id, author_id, segment, language, subject, body, send_key, recipients, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, prog.ID, actor.ID, d.Segment, d.Language, d.Subject, d.Body, key,
			len(list), now).Scan(&a.ID); err != nil {
			if store.IsUnique(err) {
				return errs.E(errs.Conflict, "announce.error.already_sent")
			}
			return err
		}
		for _, p := range list {
			if _, err := tx.Exec(ctx, `INSERT INTO announcement_recipients (announcement_id, user_id) VALUES (?, ?)`, a.ID, p.ID); err != nil {
				return err
			}
			// The email is in the language it was written in, whatever
			// the recipient's own: its text is the coordinator's.
			if s.Outbox == nil {
				continue // no email (the demo's invented people)
			}
			to := program.Recipient(p.Email, p.Name, d.Language, prog)
			if err := s.Outbox.Send(ctx, tx, now, to, "announcement", "name", p.Name, "author", actor.Name,
				"program", prog.Name, "subject", d.Subject, "text", d.Body, "link", s.Outbox.Link("/")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return a, again, nil
}

const cols = `a.id, a.program_id, pr.name, COALESCE(u.name, ''), a.segment, a.language, a.subject, a.body, a.recipients, a.created_at`
const from = ` FROM announcements a JOIN programs pr ON pr.id = a.program_id LEFT JOIN users u ON u.id = a.author_id`

func scan(rows interface{ Scan(...any) error }) (Announcement, error) {
	var a Announcement
	err := rows.Scan(&a.ID, &a.ProgramID, &a.ProgramName, &a.AuthorName, &a.Segment, &a.Language, &a.Subject, &a.Body,
		&a.Recipients, &a.CreatedAt)
	return a, err
}

func list(ctx context.Context, q store.Q, query string, args ...any) ([]Announcement, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Announcement) { readList(r, out, query, args...) })
}

func readList(r *store.Reads, out *[]Announcement, query string, args ...any) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			a, err := scan(rows)
			if err != nil {
				return err
			}
			*out = append(*out, a)
		}
		return nil
	}, query, args...)
}

// Get loads one announcement of the program. It does not check who asks.
func Get(ctx context.Context, q store.Q, programID, id int64) (*Announcement, error) {
	a, err := scan(q.QueryRow(ctx, `SELECT `+cols+from+` WHERE a.program_id = ? AND a.id = ?`, programID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	return &a, err
}

// Sent lists the program's announcements, newest first, for its
// coordinators.
func (s *Service) Sent(ctx context.Context, actor *account.User, programID int64) ([]Announcement, error) {
	if _, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID); err != nil {
		return nil, err
	}
	return list(ctx, s.DB, `SELECT `+cols+from+` WHERE a.program_id = ? ORDER BY a.created_at DESC, a.id DESC`, programID)
}

// ForHome lists what the person's start page shows: the announcements
// sent to them in the last ShowDays that they have not put away, newest
// first. One query.
func ForHome(ctx context.Context, q store.Q, userID int64, now time.Time) ([]Announcement, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Announcement) { ReadForHome(r, userID, now, out) })
}

// ReadForHome queues the read of ForHome, which fills in *out.
func ReadForHome(r *store.Reads, userID int64, now time.Time, out *[]Announcement) {
	readList(r, out, `SELECT `+cols+from+` JOIN announcement_recipients r ON r.announcement_id = a.id
		WHERE r.user_id = ? AND r.dismissed_at IS NULL AND a.created_at > ?
		ORDER BY a.created_at DESC, a.id DESC LIMIT ?`, userID, now.AddDate(0, 0, -ShowDays), HomeLimit)
}

// Dismiss takes the announcement off the person's start page. An
// announcement not sent to them is not found.
func Dismiss(ctx context.Context, q store.Q, userID, id int64, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE announcement_recipients SET dismissed_at = COALESCE(dismissed_at, ?)
		WHERE announcement_id = ? AND user_id = ?`, now, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}
