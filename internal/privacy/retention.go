package privacy

import (
	"context"
	"errors"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/jobs"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// MaxRetentionMonths bounds the retention setting: ten years is longer than
// any program needs its pairs' content.
const MaxRetentionMonths = 120

// Retention is a program's retention rule as its coordinators see it.
type Retention struct {
	Program  *program.Program
	Months   int        // 0: pair content is kept
	PurgeAt  *time.Time // when content goes, if Months > 0
	PurgedAt *time.Time // the last time the purge removed something
}

// GetRetention loads the program's retention rule for its coordinators.
func GetRetention(ctx context.Context, q store.Q, actor *account.User, programID int64) (*Retention, error) {
	prog, err := program.RequireCoordinatorTx(ctx, q, actor, programID)
	if err != nil {
		return nil, err
	}
	r := &Retention{Program: prog}
	if err := q.QueryRow(ctx, `SELECT retention_months, retention_purged_at FROM programs WHERE id = ?`, programID).
		Scan(&r.Months, &r.PurgedAt); err != nil {
		return nil, err
	}
	if r.Months > 0 {
		at := PurgeDate(prog.End, r.Months)
		r.PurgeAt = &at
	}
	return r, nil
}

// PurgeDate is when a program that ends on end loses its pair content: the
// day after its last day, months later.
func PurgeDate(end time.Time, months int) time.Time {
	return end.AddDate(0, months, 1)
}

// SetRetention changes the program's retention rule; 0 keeps content.
func SetRetention(ctx context.Context, db *store.DB, actor *account.User, programID int64, months int) error {
	if months < 0 || months > MaxRetentionMonths {
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"months": {Key: "retention.error.months", Args: []any{"max", MaxRetentionMonths}}}}
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE programs SET retention_months = ? WHERE id = ?`, months, programID)
		return err
	})
}

// purgeSteps remove a pair's content, program by program. Each counts
// what it removed, for the coordinators' summary. Signed agreement versions
// stay whole: the database refuses to change or delete them, since their
// hash is the proof of what both sides agreed; unsigned drafts go.
var purgeSteps = []struct {
	what, query string
}{
	{"preparations", `DELETE FROM agreement_preparations WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`},
	{"drafts", `DELETE FROM agreement_versions WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)
		AND NOT EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = agreement_versions.id)`},
	{"private_notes", `DELETE FROM private_notes WHERE meeting_id IN (SELECT m.id FROM meetings m JOIN pairs p ON p.id = m.pair_id WHERE p.program_id = ?)`},
	{"notes", `DELETE FROM meeting_notes WHERE meeting_id IN (SELECT m.id FROM meetings m JOIN pairs p ON p.id = m.pair_id WHERE p.program_id = ?)`},
	{"agendas", `DELETE FROM agendas WHERE meeting_id IN (SELECT m.id FROM meetings m JOIN pairs p ON p.id = m.pair_id WHERE p.program_id = ?)`},
	{"actions", `DELETE FROM action_items WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`},
	{"goals", `DELETE FROM goals WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`},
	{"messages", `DELETE FROM messages WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`},
	{"answers", `DELETE FROM checkpoint_responses WHERE checkpoint_id IN (SELECT c.id FROM checkpoints c JOIN pairs p ON p.id = c.pair_id WHERE p.program_id = ?)`},
	{"reflections", `DELETE FROM pair_reflections WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`},
	{"meeting_texts", `UPDATE meetings SET place = '', online_url = '', cancel_reason = ''
		WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?) AND (place <> '' OR online_url <> '' OR cancel_reason <> '')`},
	{"meeting_texts", `UPDATE meeting_events SET reason = '' WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?) AND reason <> ''`},
	{"ending_reasons", `UPDATE pair_endings SET reason = '' WHERE pair_id IN (SELECT id FROM pairs WHERE program_id = ?) AND reason <> ''`},
}

// Purged is what the purge removed from one program.
type Purged struct {
	ProgramID int64
	Program   string
	Counts    map[string]int64
}

// Total is the number of records removed or cleared.
func (p Purged) Total() int64 {
	var n int64
	for _, c := range p.Counts {
		n += c
	}
	return n
}

// PurgeExpired removes the pair content of every program whose retention
// time has passed, one program per transaction, and emails its
// coordinators what went. Running it again removes nothing more and sends
// nothing, so it is safe to run as often as wanted, by any instance.
func PurgeExpired(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time) ([]Purged, error) {
	now = now.UTC()
	rows, err := db.Query(ctx, `SELECT id, end_date, retention_months FROM programs WHERE retention_months > 0 ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var due []int64
	for rows.Next() {
		var id int64
		var end string
		var months int
		if err := rows.Scan(&id, &end, &months); err != nil {
			rows.Close()
			return nil, err
		}
		endDay, err := program.ParseDate(end)
		if err != nil {
			continue // a malformed date is never reason enough to delete
		}
		if !now.Before(PurgeDate(endDay, months)) {
			due = append(due, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var done []Purged
	for _, id := range due {
		p, err := purgeProgram(ctx, db, out, now, id)
		if err != nil {
			return done, err
		}
		if p.Total() > 0 {
			done = append(done, p)
		}
	}
	// As after an account deletion: the purged text must not live on in
	// SQLite's write-ahead log.
	if len(done) > 0 {
		if err := db.Checkpoint(ctx); err != nil && !errors.Is(err, store.ErrCheckpointBusy) {
			return done, err
		}
	}
	return done, nil
}

func purgeProgram(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time, programID int64) (Purged, error) {
	p := Purged{ProgramID: programID, Counts: map[string]int64{}}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.Get(ctx, tx, programID)
		if err != nil {
			return err
		}
		p.Program = prog.Name
		for _, s := range purgeSteps {
			res, err := tx.Exec(ctx, s.query, programID)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			p.Counts[s.what] += n
		}
		if p.Total() == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE programs SET retention_purged_at = ? WHERE id = ?`, now, programID); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		coords, err := program.CoordinatorRecipients(ctx, tx, prog)
		if err != nil {
			return err
		}
		c := p.Counts
		for _, r := range coords {
			if err := out.Send(ctx, tx, now, r, "retention_purged", "name", r.Name, "program", prog.Name,
				"notes", c["notes"]+c["private_notes"], "agendas", c["agendas"], "messages", c["messages"],
				"goals", c["goals"]+c["actions"], "answers", c["answers"]+c["preparations"]+c["reflections"],
				"other", c["drafts"]+c["meeting_texts"]+c["ending_reasons"]); err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

// JobPurge is the periodic job that runs PurgeExpired.
const JobPurge = "privacy.purge"

// PurgeEvery is how often expired content is looked for. Purge dates are
// whole days, so a few hours' delay does not matter.
const PurgeEvery = 6 * time.Hour

// RegisterPurge adds the retention purge to the job worker. A failed purge
// is retried by the worker; what was already removed stays removed, and
// the next run finishes the rest.
func RegisterPurge(w *jobs.Worker, out *notify.Outbox) {
	w.Handle(JobPurge, func(ctx context.Context, db *store.DB, _ *jobs.Job) error {
		done, err := PurgeExpired(ctx, db, out, w.Clock.Now())
		for _, p := range done {
			w.Log.Info("retention purge removed pair content", "program", p.ProgramID, "records", p.Total())
		}
		return err
	})
	w.Every(JobPurge, PurgeEvery)
}
