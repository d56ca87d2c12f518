package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/health"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Digest queues this week's digest for every coordinator of a program with
// active pairs who has not turned it off. It returns how many it queued.
func Digest(ctx context.Context, db *store.DB, now time.Time) (int, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT c.program_id, c.user_id FROM program_coordinators c
		WHERE EXISTS (SELECT 1 FROM pairs p WHERE p.program_id = c.program_id AND p.status = 'active')
		AND NOT EXISTS (SELECT 1 FROM reminder_optouts o WHERE o.user_id = c.user_id AND o.kind = ?)
		ORDER BY c.program_id, c.user_id`, KindDigest)
	if err != nil {
		return 0, err
	}
	var rs []reminder
	week := now.Truncate(DigestEvery)
	for rows.Next() {
		r := reminder{Kind: KindDigest, At: week}
		if err := rows.Scan(&r.ProgramID, &r.UserID); err != nil {
			rows.Close()
			return 0, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		added, err := Enqueue(ctx, db, JobSend, r.key(), now, r)
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

func (r *Reminders) digest(w *Worker) Handler {
	return func(ctx context.Context, db *store.DB, _ *Job) error {
		_, err := Digest(ctx, db, w.Clock.Now().UTC())
		return err
	}
}

// writeDigest writes one coordinator's digest of the pairs the dashboard
// rates a warning or worse; a week where none is sends nothing. The person
// must still coordinate the program. Only names, states and dates go into
// it, never what a pair wrote.
func (r *Reminders) writeDigest(ctx context.Context, tx *store.Tx, now time.Time, to notify.Recipient, prog *program.Program, m reminder) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM program_coordinators WHERE program_id = ? AND user_id = ?`, prog.ID, m.UserID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	list, err := dashboard.NeedsAttention(ctx, tx, prog.ID, now)
	if err != nil || len(list) == 0 {
		return err
	}
	l := r.Outbox.Bundle.Locale(to.Lang)
	var b strings.Builder
	for _, row := range list {
		why := make([]string, 0, len(row.Health.Signals))
		for _, sig := range row.Health.Signals {
			if sig.Severity >= health.Warning {
				why = append(why, l.T(sig.Key, sig.Args...))
			}
		}
		fmt.Fprintf(&b, "- %s / %s: %s\n", strings.Join(row.Mentors, ", "), strings.Join(row.Mentees, ", "), strings.Join(why, "; "))
	}
	return r.Outbox.Send(ctx, tx, now, to, "digest_weekly", "name", to.Name, "program", prog.Name,
		"count", len(list), "pairs", strings.TrimRight(b.String(), "\n"),
		"link", r.Outbox.Link(fmt.Sprintf("/programs/%d/pairs", prog.ID)), "settings", r.Outbox.Link(SettingsPath))
}
