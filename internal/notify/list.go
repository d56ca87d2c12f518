package notify

import (
	"context"
	"time"

	"mentorskap/internal/store"
)

// Delivery states of an email, as the administrator sees them.
const (
	StatusSent    = "sent"
	StatusWaiting = "waiting" // not tried yet, or being sent now
	StatusFailed  = "failed"  // the last try failed; it will be tried again
)

// Email is an outbox row as administrators see it: the envelope only. The
// body is not read at all, because it may hold what a pair wrote (an
// agenda, a message) or a link that logs the recipient in (a password
// reset, a welcome), and an administrator must see neither.
type Email struct {
	ID            int64
	To            Recipient
	Kind          string // the catalog name of the email, e.g. password_reset; empty on old rows
	Subject       string
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	SentAt        *time.Time
	LastError     string
}

// Status tells whether the email went out.
func (e *Email) Status() string {
	switch {
	case e.SentAt != nil:
		return StatusSent
	case e.LastError != "":
		return StatusFailed
	default:
		return StatusWaiting
	}
}

const emailCols = `id, to_email, to_name, language, kind, subject, created_at, attempts, next_attempt_at, sent_at, last_error`

func scanEmail(row interface{ Scan(...any) error }) (*Email, error) {
	var e Email
	err := row.Scan(&e.ID, &e.To.Email, &e.To.Name, &e.To.Lang, &e.Kind, &e.Subject, &e.CreatedAt,
		&e.Attempts, &e.NextAttemptAt, &e.SentAt, &e.LastError)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Emails lists the outbox's envelopes newest first, limit rows from
// offset, and the total number of rows. Callers check that the reader is
// an administrator: even the envelope says who is written to and why.
func Emails(ctx context.Context, q store.Q, offset, limit int) ([]Email, int, error) {
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+emailCols+` FROM outbox ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Email
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *e)
	}
	return out, total, rows.Err()
}

// EmailByID loads one outbox row's envelope.
func EmailByID(ctx context.Context, q store.Q, id int64) (*Email, error) {
	e, err := scanEmail(q.QueryRow(ctx, `SELECT `+emailCols+` FROM outbox WHERE id = ?`, id))
	return e, store.NotFound(err, "error.not_found")
}

// Counts is how many emails wait for delivery and how many of those failed
// their last try.
type Counts struct {
	Waiting int
	Failed  int
}

// CountPending counts the emails not yet sent.
func CountPending(ctx context.Context, q store.Q) (Counts, error) {
	var c Counts
	err := q.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN last_error = '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN last_error <> '' THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE sent_at IS NULL`).Scan(&c.Waiting, &c.Failed)
	return c, err
}
