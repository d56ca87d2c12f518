package outcome

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"mentorskap/internal/jobs"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// JobScan is the periodic job that sends the questionnaires due.
const JobScan = "outcomes.scan"

// ScanEvery is how often the sweep looks for questionnaires due. A round
// is months away from the pair's end, so an hour late is on time.
const ScanEvery = time.Hour

// Register adds the sweep to the worker: a job of its own beside the
// reminders, queued once an hour by whichever instance looks first.
func Register(w *jobs.Worker, out *notify.Outbox) {
	w.Handle(JobScan, func(ctx context.Context, db *store.DB, _ *jobs.Job) error {
		n, err := Scan(ctx, db, out, w.Clock.Now())
		if n > 0 {
			w.Log.Info("outcome questionnaires sent", "count", n)
		}
		return err
	})
	w.Every(JobScan, ScanEvery)
}

// DueAt is when a round falls due for a person whose last pair ended at
// ended.
func DueAt(ended time.Time, round int) time.Time { return ended.UTC().AddDate(0, round, 0) }

// finished is a participant of a program with the follow-up on, whose
// pairs there have all ended, and when the last one did.
type finished struct {
	programID, userID int64
	side              string
	ended             time.Time
}

// due lists, in one query, the people the follow-up may ask now: in a
// program that has it on, with a pair there that has ended and none that
// still runs (a mentee who was matched again is asked when the new pair
// ends), still a participant, and with an account.
func due(ctx context.Context, q store.Q) ([]finished, error) {
	rows, err := q.Query(ctx, `SELECT pm.user_id, p.program_id, x.role, MAX(p.ended_at)
		FROM pairs p
		JOIN pair_members pm ON pm.pair_id = p.id
		JOIN outcome_settings s ON s.program_id = p.program_id
		JOIN participants x ON x.program_id = p.program_id AND x.user_id = pm.user_id
		JOIN users u ON u.id = pm.user_id
		WHERE s.enabled = ? AND p.status = 'ended' AND p.ended_at IS NOT NULL AND u.deleted_at IS NULL
			AND (x.role = 'mentee' OR s.include_mentors = ?)
			AND NOT EXISTS (SELECT 1 FROM pairs a JOIN pair_members am ON am.pair_id = a.id
				WHERE a.program_id = p.program_id AND am.user_id = pm.user_id AND a.status = 'active')
		GROUP BY pm.user_id, p.program_id, x.role
		ORDER BY p.program_id, pm.user_id`, true, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []finished
	for rows.Next() {
		var f finished
		var at store.AnyTime
		if err := rows.Scan(&f.userID, &f.programID, &f.side, &at); err != nil {
			return nil, err
		}
		if at.T == nil {
			continue
		}
		f.ended = *at.T
		out = append(out, f)
	}
	return out, rows.Err()
}

type sentKey struct {
	programID, userID int64
	round             int
}

// sent reads which rounds the programs with the follow-up on have sent,
// so that the steady state, where nearly everyone due was asked by an
// earlier sweep, writes nothing.
func sent(ctx context.Context, q store.Q) (map[sentKey]bool, error) {
	rows, err := q.Query(ctx, `SELECT o.program_id, o.user_id, o.round FROM outcome_surveys o
		JOIN outcome_settings s ON s.program_id = o.program_id WHERE s.enabled = ?`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[sentKey]bool{}
	for rows.Next() {
		var k sentKey
		if err := rows.Scan(&k.programID, &k.userID, &k.round); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// Scan sends every questionnaire due at now and returns how many it sent.
// A round is due from DueAt until Window after it; a round whose time has
// passed is not sent late. Each questionnaire is inserted and its email
// queued in one transaction, and the row's unique key (program, person,
// round) makes a second sweep, on this or another instance, send nothing.
func Scan(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time) (int, error) {
	return ScanProgram(ctx, db, out, now, 0)
}

// ScanProgram is Scan for one program's people only (all programs when
// programID is 0); the demo sends its own program's follow-up with it.
func ScanProgram(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time, programID int64) (int, error) {
	now = now.UTC()
	people, err := due(ctx, db)
	if err != nil {
		return 0, err
	}
	done, err := sent(ctx, db)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range people {
		if programID != 0 && f.programID != programID {
			continue
		}
		for _, round := range Rounds {
			at := DueAt(f.ended, round)
			if now.Before(at) || !now.Before(at.Add(Window)) || done[sentKey{f.programID, f.userID, round}] {
				continue
			}
			added, err := send(ctx, db, out, now, f, round)
			if err != nil {
				return n, err
			}
			if added {
				n++
			}
		}
	}
	return n, nil
}

// send inserts one questionnaire and queues its email, unless another
// sweep got there first.
func send(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time, f finished, round int) (bool, error) {
	added := false
	err := db.Tx(ctx, func(tx *store.Tx) error {
		added = false
		var id int64
		closes := now.Add(Window)
		err := tx.QueryRow(ctx, `INSERT INTO outcome_surveys (program_id, user_id, side, round, ended_at, sent_at, closes_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, user_id, round) DO NOTHING RETURNING id`,
			f.programID, f.userID, f.side, round, f.ended, now, closes).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // sent already
		}
		if err != nil {
			return err
		}
		added = true
		if out == nil {
			return nil
		}
		prog, err := program.Get(ctx, tx, f.programID)
		if err != nil {
			return err
		}
		var email, name, lang string
		if err := tx.QueryRow(ctx, `SELECT email, name, language FROM users WHERE id = ?`, f.userID).Scan(&email, &name, &lang); err != nil {
			return err
		}
		to := program.Recipient(email, name, lang, prog)
		l := out.Bundle.Locale(to.Lang)
		return out.Send(ctx, tx, now, to, "outcome_survey", "name", name, "program", prog.Name, "months", round,
			"date", l.Date(closes), "link", out.Link(Path(id)))
	})
	return added, err
}
