package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Reasons a pair shows in the coordinator's digest.
const (
	ReasonGap        = "gap"        // longer without a meeting than the limit allows
	ReasonUnsigned   = "unsigned"   // agreement still unsigned after UnsignedAfter
	ReasonEvaluation = "evaluation" // someone's check point is overdue
	ReasonNoMeeting  = "no_meeting" // no meeting at all after BookAfter
)

// Attention is a pair that needs the coordinator's attention and why.
type Attention struct {
	Pair    *program.Pair
	Reasons []string
}

// NeedsAttention lists the program's active pairs that need attention at
// now. It reads only dates and states, never what a pair wrote, so it is
// fine for every coordinator whatever the pair agreed to share.
func NeedsAttention(ctx context.Context, q store.Q, programID int64, now time.Time) ([]Attention, error) {
	rows, err := q.Query(ctx, `SELECT id FROM pairs WHERE program_id = ? AND status = 'active' ORDER BY id`, programID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Attention
	for _, id := range ids {
		f, err := pairFacts(ctx, q, id, now)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var why []string
		if end, ok := f.gapDeadline(); ok && !now.Before(end) {
			why = append(why, ReasonGap)
		}
		if f.last == nil && !f.upcoming && !now.Before(f.pair.CreatedAt.Add(BookAfter)) {
			why = append(why, ReasonNoMeeting)
		}
		if f.status.InForce == nil && !now.Before(f.pair.CreatedAt.Add(UnsignedAfter)) {
			why = append(why, ReasonUnsigned)
		}
		for _, u := range members(f.pair) {
			ds, err := evaluation.DueFor(ctx, q, id, u.UserID, now)
			if err != nil {
				return nil, err
			}
			if len(ds) > 0 && ds[0].Overdue {
				why = append(why, ReasonEvaluation)
				break
			}
		}
		if len(why) > 0 {
			out = append(out, Attention{Pair: f.pair, Reasons: why})
		}
	}
	return out, nil
}

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

// writeDigest writes one coordinator's digest; a week where no pair needs
// attention sends nothing. The person must still coordinate the program.
func (r *Reminders) writeDigest(ctx context.Context, tx *store.Tx, now time.Time, to notify.Recipient, prog *program.Program, m reminder) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM program_coordinators WHERE program_id = ? AND user_id = ?`, prog.ID, m.UserID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	list, err := NeedsAttention(ctx, tx, prog.ID, now)
	if err != nil || len(list) == 0 {
		return err
	}
	l := r.Outbox.Bundle.Locale(to.Lang)
	var b strings.Builder
	for _, a := range list {
		why := make([]string, len(a.Reasons))
		for i, x := range a.Reasons {
			why[i] = l.T("reminder.reason." + x)
		}
		fmt.Fprintf(&b, "- %s / %s: %s\n", program.Names(a.Pair.Mentors), program.Names(a.Pair.Mentees), strings.Join(why, "; "))
	}
	return r.Outbox.Send(ctx, tx, now, to, "digest_weekly", "name", to.Name, "program", prog.Name,
		"count", len(list), "pairs", strings.TrimRight(b.String(), "\n"),
		"link", r.Outbox.Link(fmt.Sprintf("/programs/%d/pairs", prog.ID)), "settings", r.Outbox.Link(SettingsPath))
}
