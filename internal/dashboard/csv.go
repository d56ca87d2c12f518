package dashboard

import (
	"context"
	"database/sql"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/audit"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// The exports carry facts about pairs and meeting dates only: never notes,
// agendas, goals, messages, evaluation answers or ending reasons, which the
// pairs wrote for themselves.

// PairRow is one line of the pairs export.
type PairRow struct {
	PairID           int64
	Mentors, Mentees []string
	Created          time.Time
	Ended            *time.Time
	State            string
	Signed           *time.Time // when the agreement in force was signed by both sides
	Held             int
	Last, Next       *time.Time
}

// MeetingRow is one line of the meetings export.
type MeetingRow struct {
	PairID     int64
	StartsAt   time.Time
	Minutes    int
	Status     string // MeetingHeld, MeetingPlanned, MeetingProposed or MeetingCancelled
	LateCancel bool
}

// Meeting statuses in the export: a confirmed meeting is held once it has
// started and planned before.
const (
	MeetingHeld      = "held"
	MeetingPlanned   = "planned"
	MeetingProposed  = "proposed"
	MeetingCancelled = "cancelled"
)

// ExportPairs returns the pairs export of a program for its coordinators
// and administrators, and records the export in the audit log in the same
// transaction: no file leaves without its trace.
func ExportPairs(ctx context.Context, db *store.DB, actor *account.User, programID int64, now time.Time) (*program.Program, []PairRow, error) {
	var prog *program.Program
	var rows []PairRow
	err := db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if prog, err = program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		if rows, err = PairRows(ctx, tx, programID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor.ID, audit.ActionExport, programID, 0, 0, "pairs.csv")
	})
	return prog, rows, err
}

// ExportMeetings returns the meetings export of a program for its
// coordinators and administrators, recorded in the audit log.
func ExportMeetings(ctx context.Context, db *store.DB, actor *account.User, programID int64, now time.Time) (*program.Program, []MeetingRow, error) {
	var prog *program.Program
	var rows []MeetingRow
	err := db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if prog, err = program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		if rows, err = MeetingRows(ctx, tx, programID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor.ID, audit.ActionExport, programID, 0, 0, "meetings.csv")
	})
	return prog, rows, err
}

// PairRows reads the pairs export of a program, oldest pair first. It does
// not check who asks.
func PairRows(ctx context.Context, q store.Q, programID int64, now time.Time) ([]PairRow, error) {
	rows, err := q.Query(ctx, `SELECT p.id, p.created_at, p.ended_at, `+stateSQL+`
		FROM pairs p LEFT JOIN pair_endings e ON e.pair_id = p.id
		WHERE p.program_id = ? ORDER BY p.id`, programID)
	if err != nil {
		return nil, err
	}
	var out []PairRow
	index := map[int64]int{}
	for rows.Next() {
		var r PairRow
		if err := rows.Scan(&r.PairID, &r.Created, &r.Ended, &r.State); err != nil {
			rows.Close()
			return nil, err
		}
		index[r.PairID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := addMembers(ctx, q, programID, out, index); err != nil {
		return nil, err
	}
	if err := addSigned(ctx, q, programID, out, index); err != nil {
		return nil, err
	}
	return out, addMeetingFacts(ctx, q, programID, now, out, index)
}

// addMembers fills in the names of the program's pairs, each side's in
// name order.
func addMembers(ctx context.Context, q store.Q, programID int64, out []PairRow, index map[int64]int) error {
	err := eachMember(ctx, q, programID, nil, func(pairID int64, mentor bool, name string) {
		if i, ok := index[pairID]; ok {
			addName(&out[i].Mentors, &out[i].Mentees, mentor, name)
		}
	})
	if err != nil {
		return err
	}
	for i := range out {
		slices.Sort(out[i].Mentors)
		slices.Sort(out[i].Mentees)
	}
	return nil
}

// addSigned sets when each pair's agreement in force was signed: the last
// signature on the newest version both sides signed.
func addSigned(ctx context.Context, q store.Q, programID int64, out []PairRow, index map[int64]int) error {
	rows, err := q.Query(ctx, `SELECT v.pair_id, MAX(s.signed_at)
		FROM agreement_versions v JOIN agreement_signatures s ON s.version_id = v.id
		JOIN pairs p ON p.id = v.pair_id
		WHERE p.program_id = ?
		GROUP BY v.pair_id, v.id, v.number
		HAVING COUNT(DISTINCT s.side) = 2
		ORDER BY v.pair_id, v.number`, programID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at any
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].Signed = timeOf(at)
		}
	}
	return rows.Err()
}

func addMeetingFacts(ctx context.Context, q store.Q, programID int64, now time.Time, out []PairRow, index map[int64]int) error {
	rows, err := q.Query(ctx, `SELECT m.pair_id,
		SUM(CASE WHEN `+heldSQL+` THEN 1 ELSE 0 END),
		MAX(CASE WHEN `+heldSQL+` THEN m.starts_at END),
		MIN(CASE WHEN m.status <> 'cancelled' AND m.starts_at > ? THEN m.starts_at END)
		FROM meetings m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? GROUP BY m.pair_id`, now, now, now, programID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var held int
		var last, next any
		if err := rows.Scan(&id, &held, &last, &next); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].Held, out[i].Last, out[i].Next = held, timeOf(last), timeOf(next)
		}
	}
	return rows.Err()
}

// timeOf reads a timestamp that came out of an aggregate: PostgreSQL keeps
// its type, SQLite hands back the stored text.
func timeOf(v any) *time.Time {
	var a store.AnyTime
	if a.Scan(v) != nil {
		return nil
	}
	return a.T
}

// MeetingRows reads the meetings export of a program in date order. It
// does not check who asks.
func MeetingRows(ctx context.Context, q store.Q, programID int64, now time.Time) ([]MeetingRow, error) {
	rows, err := q.Query(ctx, `SELECT m.pair_id, m.starts_at, m.minutes, m.status, m.late_cancel
		FROM meetings m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? ORDER BY m.starts_at, m.id`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MeetingRow
	for rows.Next() {
		var r MeetingRow
		var late sql.NullBool
		if err := rows.Scan(&r.PairID, &r.StartsAt, &r.Minutes, &r.Status, &late); err != nil {
			return nil, err
		}
		r.LateCancel = late.Bool
		if r.Status == "confirmed" {
			r.Status = MeetingPlanned
			if !r.StartsAt.After(now) {
				r.Status = MeetingHeld
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Labels turns the export's codes and column names into words; the API
// uses the codes themselves, the pages the viewer's language.
type Labels struct {
	Column func(key string) string // "pair_id", "mentors", …
	Value  func(key string) string // a state, a meeting status, "yes" / "no"
}

// Codes are Labels that leave every code as it is.
var Codes = Labels{Column: func(k string) string { return k }, Value: func(k string) string { return k }}

// PairColumns are the pairs export's columns.
var PairColumns = []string{"pair_id", "mentors", "mentees", "created", "ended", "agreement_state", "signed", "meetings_held", "last_meeting", "next_meeting"}

// MeetingColumns are the meetings export's columns.
var MeetingColumns = []string{"pair_id", "starts_at", "minutes", "status", "late_cancel"}

// WritePairsCSV writes the pairs export. Times are UTC in RFC 3339 so that
// spreadsheets and scripts read them alike.
func WritePairsCSV(w io.Writer, rows []PairRow, l Labels) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(cells(l.Column, PairColumns)); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{
			strconv.FormatInt(r.PairID, 10), strings.Join(r.Mentors, "; "), strings.Join(r.Mentees, "; "),
			stamp(&r.Created), stamp(r.Ended), l.Value(r.State), stamp(r.Signed),
			strconv.Itoa(r.Held), stamp(r.Last), stamp(r.Next),
		}
		if err := cw.Write(cells(nil, rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteMeetingsCSV writes the meetings export.
func WriteMeetingsCSV(w io.Writer, rows []MeetingRow, l Labels) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(cells(l.Column, MeetingColumns)); err != nil {
		return err
	}
	for _, r := range rows {
		late := "no"
		if r.LateCancel {
			late = "yes"
		}
		rec := []string{strconv.FormatInt(r.PairID, 10), stamp(&r.StartsAt), strconv.Itoa(r.Minutes), l.Value(r.Status), l.Value(late)}
		if err := cw.Write(cells(nil, rec)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// cells maps and defuses a record.
func cells(f func(string) string, rec []string) []string {
	out := make([]string, len(rec))
	for i, c := range rec {
		if f != nil {
			c = f(c)
		}
		out[i] = SafeCell(c)
	}
	return out
}

// SafeCell keeps a spreadsheet from reading a cell as a formula: a cell
// that starts with = + - @ (or a tab or carriage return, which some
// programs skip before looking) gets a leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
