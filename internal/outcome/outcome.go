// Package outcome follows participants up after their mentoring: a short,
// fixed questionnaire sent 3 and 6 months after a person's last pair in a
// program has ended (early or as planned), so that a program can tell its
// funders what people went on to do. A program turns it on; it is off by
// default, and asks mentees unless the coordinator includes mentors.
//
// Each questionnaire is one row of outcome_surveys, unique per program,
// person and round: the periodic sweep (a job, see Register) inserts the
// row and queues the email in one transaction, so any number of instances
// send it once. The answer lands in the same row. Coordinators see counts
// only; the optional comment is theirs to read, never the report's, and
// never beside a name.
package outcome

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// The rounds: months after the end of the person's last pair.
const (
	Round3 = 3
	Round6 = 6
)

// Rounds lists the rounds in the order they come.
var Rounds = []int{Round3, Round6}

// Window is how long a questionnaire stays open after it is sent, and how
// late after its due day the sweep still sends it: a program that turns
// the follow-up on does not ask people whose round is long past.
const Window = 60 * 24 * time.Hour

// What the person does now: the answers of the first question.
const (
	StatusWork    = "work"
	StatusStudy   = "study"
	StatusBoth    = "both"
	StatusLooking = "looking"
	StatusOther   = "other"
)

// Statuses lists the answers of "what are you doing now?" in the order the
// form and the report show them.
var Statuses = []string{StatusWork, StatusStudy, StatusBoth, StatusLooking, StatusOther}

// Scale is the answers of "did the mentoring help you get there?": 1 (not
// at all) to 5 (very much).
var Scale = []int{1, 2, 3, 4, 5}

// MaxCommentLen bounds the optional comment, in characters.
const MaxCommentLen = 2000

// Service runs the use cases of this package, one transaction each.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox // nil sends nothing; ReportTables needs its Bundle
}

// Settings is whether a program sends the follow-up, and to whom.
type Settings struct {
	Enabled        bool `json:"enabled"`
	IncludeMentors bool `json:"include_mentors"`
}

// GetSettings reads a program's settings; a program that never saved any
// has the follow-up off.
func GetSettings(ctx context.Context, q store.Q, programID int64) (Settings, error) {
	var s Settings
	err := q.QueryRow(ctx, `SELECT enabled, include_mentors FROM outcome_settings WHERE program_id = ?`, programID).
		Scan(&s.Enabled, &s.IncludeMentors)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, nil
	}
	return s, err
}

// Settings reads a program's settings for one of its coordinators.
func (s *Service) Settings(ctx context.Context, actor *account.User, programID int64) (*program.Program, Settings, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, Settings{}, err
	}
	st, err := GetSettings(ctx, s.DB, programID)
	return prog, st, err
}

// SetSettings turns the follow-up on or off for a program. Turning it off
// sends nothing more; questionnaires already sent stay open to answer.
func (s *Service) SetSettings(ctx context.Context, actor *account.User, programID int64, in Settings) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		return PutSettings(ctx, tx, programID, in, now)
	})
}

// PutSettings stores a program's settings in the caller's transaction; it
// does not check who asks (a program made from a template gets them so).
func PutSettings(ctx context.Context, q store.Q, programID int64, in Settings, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO outcome_settings (program_id, enabled, include_mentors, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (program_id) DO UPDATE SET enabled = excluded.enabled, include_mentors = excluded.include_mentors,
		updated_at = excluded.updated_at`, programID, in.Enabled, in.IncludeMentors, now.UTC())
	return err
}

// CopySettings gives program to the follow-up settings of program from,
// inside the caller's transaction: a cohort copied from another asks the
// same people. A program that never saved settings copies nothing. It does
// not check who asks.
func CopySettings(ctx context.Context, q store.Q, from, to int64, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO outcome_settings (program_id, enabled, include_mentors, updated_at)
		SELECT ?, enabled, include_mentors, ? FROM outcome_settings WHERE program_id = ?
		ON CONFLICT (program_id) DO UPDATE SET enabled = excluded.enabled, include_mentors = excluded.include_mentors,
		updated_at = excluded.updated_at`, to, now.UTC(), from)
	return err
}

// Survey is one questionnaire sent to one person.
type Survey struct {
	ID, ProgramID, UserID int64
	ProgramName           string
	Side                  string // the person's side in their last pair
	Round                 int    // Round3 or Round6
	EndedAt               time.Time
	SentAt, ClosesAt      time.Time
	AnsweredAt            *time.Time
	Status                string // "" until answered
	Helped                int    // 0 until answered
	Comment               string
}

// Answered reports whether the person has answered.
func (v *Survey) Answered() bool { return v.AnsweredAt != nil }

// Open reports whether the questionnaire can still be answered at now.
func (v *Survey) Open(now time.Time) bool { return v.AnsweredAt == nil && now.Before(v.ClosesAt) }

// Path is the questionnaire's page.
func (v *Survey) Path() string { return Path(v.ID) }

// Path is the page of questionnaire id.
func Path(id int64) string { return "/outcomes/" + strconv.FormatInt(id, 10) }

const surveyCols = `o.id, o.program_id, o.user_id, p.name, o.side, o.round, o.ended_at, o.sent_at, o.closes_at,
	o.answered_at, COALESCE(o.status, ''), COALESCE(o.helped, 0), o.comment`

func scanSurvey(row interface{ Scan(...any) error }) (*Survey, error) {
	var v Survey
	err := row.Scan(&v.ID, &v.ProgramID, &v.UserID, &v.ProgramName, &v.Side, &v.Round, &v.EndedAt, &v.SentAt, &v.ClosesAt,
		&v.AnsweredAt, &v.Status, &v.Helped, &v.Comment)
	return &v, err
}

func listSurveys(ctx context.Context, q store.Q, where string, args ...any) ([]Survey, error) {
	rows, err := q.Query(ctx, `SELECT `+surveyCols+` FROM outcome_surveys o JOIN programs p ON p.id = o.program_id
		WHERE `+where+` ORDER BY o.sent_at, o.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Survey
	for rows.Next() {
		v, err := scanSurvey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// OpenFor lists the questionnaires waiting for the person's answer at now,
// in one query: the start page shows them.
func OpenFor(ctx context.Context, q store.Q, userID int64, now time.Time) ([]Survey, error) {
	return listSurveys(ctx, q, `o.user_id = ? AND o.answered_at IS NULL AND o.closes_at > ?`, userID, now.UTC())
}

// Mine lists every questionnaire sent to the person, answered or not.
func (s *Service) Mine(ctx context.Context, actor *account.User) ([]Survey, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	return listSurveys(ctx, s.DB, `o.user_id = ?`, actor.ID)
}

// Get loads a questionnaire for the person it was sent to. Anyone else,
// coordinators included, gets NotFound: the answer is the person's own,
// and coordinators read the program's counts instead.
func (s *Service) Get(ctx context.Context, actor *account.User, id int64) (*Survey, *program.Program, error) {
	return get(ctx, s.DB, actor, id)
}

func get(ctx context.Context, q store.Q, actor *account.User, id int64) (*Survey, *program.Program, error) {
	if actor == nil {
		return nil, nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	v, err := scanSurvey(q.QueryRow(ctx, `SELECT `+surveyCols+` FROM outcome_surveys o JOIN programs p ON p.id = o.program_id
		WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v.UserID != actor.ID) {
		return nil, nil, errs.E(errs.NotFound, "outcome.error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	prog, err := program.Get(ctx, q, v.ProgramID)
	if err != nil {
		return nil, nil, err
	}
	return v, prog, nil
}

// Answer is what the form or the API sends: the status, the scale as
// text ("1"–"5") and the optional comment.
type Answer struct {
	Status  string `json:"status"`
	Helped  int    `json:"helped"`
	Comment string `json:"comment"`
}

// ParseHelped reads the scale from a form value; anything else is 0,
// which the answer refuses.
func ParseHelped(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

func (a Answer) validate() (Answer, error) {
	var v errs.Validation
	a.Comment = strings.TrimSpace(a.Comment)
	v.Check(contains(Statuses, a.Status), "status", "outcome.error.status")
	v.Check(a.Helped >= 1 && a.Helped <= 5, "helped", "outcome.error.helped")
	v.Check(utf8.RuneCountInString(a.Comment) <= MaxCommentLen, "comment", "outcome.error.comment_long", "max", MaxCommentLen)
	return a, v.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Submit records the person's answer. A questionnaire is answered once: a
// second answer is refused (Conflict), and so is one after it has closed.
func (s *Service) Submit(ctx context.Context, actor *account.User, id int64, a Answer) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		v, _, err := get(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		switch {
		case v.Answered():
			return errs.E(errs.Conflict, "outcome.error.answered")
		case !v.Open(now):
			return errs.E(errs.Conflict, "outcome.error.closed")
		}
		if a, err = a.validate(); err != nil {
			return err
		}
		// The condition keeps a second answer sent at the same moment
		// (another tab, another instance) from overwriting the first.
		res, err := tx.Exec(ctx, `UPDATE outcome_surveys SET answered_at = ?, status = ?, helped = ?, comment = ?
			WHERE id = ? AND answered_at IS NULL`, now, a.Status, a.Helped, a.Comment, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errs.E(errs.Conflict, "outcome.error.answered")
		}
		return nil
	})
}
