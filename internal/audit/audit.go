// Package audit keeps the trail the confidentiality promise rests on: every
// time someone outside a pair (a coordinator or an administrator) opens the
// pair's record, and every export of data. Administrators read the whole
// trail; each participant reads the part about them.
package audit

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Actions written to the log.
const (
	ActionPairView   = "pair.view"   // a non-member read a pair's page or endpoint
	ActionPairChange = "pair.change" // a non-member changed something in a pair
	ActionExport     = "export"      // data left the system as a file
)

// MaxPage bounds one page of the log.
const MaxPage = 200

// Entry is one row of the log, with the names a reader needs.
type Entry struct {
	ID            int64
	At            time.Time
	ActorID       int64
	ActorName     string
	Action        string
	ProgramID     int64
	ProgramName   string
	PairID        int64
	SubjectUserID int64
	SubjectName   string
	Detail        string
}

// Record adds one row. A zero id means "none" and is stored as NULL. It runs
// in the caller's transaction, so the trace and the access share one fate.
func Record(ctx context.Context, q store.Q, at time.Time, actorID int64, action string, programID, pairID, subjectUserID int64, detail string) error {
	if len(detail) > 500 {
		detail = detail[:500]
	}
	if w, ok := ctx.Value(watchKey{}).(*Watch); ok {
		w.recorded = true
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, action, program_id, pair_id, subject_user_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, at.UTC(), null(actorID), action, null(programID), null(pairID), null(subjectUserID), strings.ToValidUTF8(detail, ""))
	return err
}

type watchKey struct{}

// Watch tells a caller whether anything below it wrote to the log, so that
// the web layer's catch-all recording does not write a second row for an
// action a domain package already recorded in its own transaction.
type Watch struct{ recorded bool }

// Recorded reports whether Record ran with the watched context.
func (w *Watch) Recorded() bool { return w.recorded }

// WithWatch returns a context under which Record marks the returned Watch.
func WithWatch(ctx context.Context) (context.Context, *Watch) {
	w := &Watch{}
	return context.WithValue(ctx, watchKey{}, w), w
}

func null(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

// Filter narrows the administrator's view. Before pages backwards: only rows
// with a smaller id are listed.
type Filter struct {
	ActorID, ProgramID, PairID int64
	Action                     string
	Before                     int64
	Limit                      int
}

const selectEntries = `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.action,
	COALESCE(a.program_id, 0), COALESCE(p.name, ''), COALESCE(a.pair_id, 0),
	COALESCE(a.subject_user_id, 0), COALESCE(s.name, ''), a.detail
	FROM audit_log a
	LEFT JOIN users u ON u.id = a.actor_id
	LEFT JOIN users s ON s.id = a.subject_user_id
	LEFT JOIN programs p ON p.id = a.program_id`

// List returns the newest rows matching f, for administrators only.
func List(ctx context.Context, q store.Q, actor *account.User, f Filter) ([]Entry, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	if !actor.IsAdmin() {
		return nil, errs.E(errs.Forbidden, "audit.error.admin_only")
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.ActorID > 0 {
		add("a.actor_id = ?", f.ActorID)
	}
	if f.ProgramID > 0 {
		add("a.program_id = ?", f.ProgramID)
	}
	if f.PairID > 0 {
		add("a.pair_id = ?", f.PairID)
	}
	if f.Action != "" {
		add("a.action = ?", f.Action)
	}
	if f.Before > 0 {
		add("a.id < ?", f.Before)
	}
	query := selectEntries
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return scan(ctx, q, query+" ORDER BY a.id DESC LIMIT ?", append(args, limit(f.Limit))...)
}

// AboutMe returns what others did with the person's data: accesses to any
// pair they are or were in, and exports naming them. Their own actions are
// left out; they know what they did.
func AboutMe(ctx context.Context, q store.Q, actor *account.User, before int64, n int) ([]Entry, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	query := selectEntries + ` WHERE (a.pair_id IN (SELECT pair_id FROM pair_members WHERE user_id = ?) OR a.subject_user_id = ?)
		AND (a.actor_id IS NULL OR a.actor_id <> ?)`
	args := []any{actor.ID, actor.ID, actor.ID}
	if before > 0 {
		query += " AND a.id < ?"
		args = append(args, before)
	}
	return scan(ctx, q, query+" ORDER BY a.id DESC LIMIT ?", append(args, limit(n))...)
}

func limit(n int) int {
	if n <= 0 || n > MaxPage {
		return MaxPage
	}
	return n
}

func scan(ctx context.Context, q store.Q, query string, args ...any) ([]Entry, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ProgramID, &e.ProgramName,
			&e.PairID, &e.SubjectUserID, &e.SubjectName, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PairAccess records that the actor reached a pair's record, unless the
// actor is in the pair: members reading their own pair leave no trace. It
// reports whether a row was written.
func PairAccess(ctx context.Context, q store.Q, at time.Time, actorID, pairID int64, action, detail string) (bool, error) {
	var programID int64
	var member int
	err := q.QueryRow(ctx, `SELECT p.program_id,
		(SELECT COUNT(*) FROM pair_members m WHERE m.pair_id = p.id AND m.user_id = ?)
		FROM pairs p WHERE p.id = ?`, actorID, pairID).Scan(&programID, &member)
	if err != nil {
		return false, store.NotFound(err, "pair.error.not_found")
	}
	if member > 0 {
		return false, nil
	}
	return true, Record(ctx, q, at, actorID, action, programID, pairID, 0, detail)
}
