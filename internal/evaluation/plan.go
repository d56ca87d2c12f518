package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"mentorskap/internal/store"
)

// FollowupAfter is when the follow-up falls due after an agreement first
// comes into force: a month in, both sides say whether it works for them.
const FollowupAfter = 30 * 24 * time.Hour

// What happened to a check point that no longer fits the pair's calendar.
const (
	OutcomeMerged  = "merged"  // asked together with the next check point
	OutcomeDropped = "dropped" // left out
)

// Reasons, as message keys that take the date the check point would have
// had as {date}.
const (
	ReasonFollowupMerged  = "checkpoint.reason.followup_merged"
	ReasonFollowupDropped = "checkpoint.reason.followup_dropped"
	ReasonMidpointDropped = "checkpoint.reason.midpoint_dropped"
)

// Timeline is what a pair's check point dates are worked out from.
type Timeline struct {
	// Signed is when an agreement first came into force: the follow-up
	// counts from it, however many versions follow.
	Signed time.Time
	// Start and End are the planned period: the agreement's dates, else
	// the program's. A pair matched late has a start of its own.
	Start, End time.Time
	// FirstMeeting is the pair's first confirmed meeting, held or booked,
	// when there is one: its chemistry check comes before everything else.
	FirstMeeting *time.Time
	// Followup, Midpoint and Final say which check points the program asks.
	Followup, Midpoint, Final bool
	// Answered names the kinds somebody in the pair has answered already:
	// those happened and are never merged or dropped.
	Answered map[string]bool
}

// Planned is one check point as the plan has it.
type Planned struct {
	Kind  string
	DueAt time.Time // for a merged one, the date of the one it joined
	// Natural is where the check point would fall by its own rule.
	Natural time.Time
	Into    string // merged: the kind it is asked with
	Dropped bool
	Reason  string // message key, for a merged or dropped check point
}

// Own reports whether the check point is asked on its own.
func (p Planned) Own() bool { return p.Into == "" && !p.Dropped }

func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// Plan works out a pair's follow-up, mid-point and final evaluation, in
// that order, from the pair's own calendar. It is the one place the rule
// lives:
//
//   - the final evaluation falls on the planned end;
//   - the mid-point half-way between the pair's own start (the planned
//     start, or the day the agreement came into force if later) and the end;
//   - the follow-up FollowupAfter the agreement first came into force;
//   - neither the follow-up nor the mid-point comes before the chemistry
//     check of the first meeting.
//
// The result is always in order: follow-up before mid-point before final,
// each at least OpenBefore before the next, so that two forms are never
// open in the same week. A follow-up that no longer fits before the final
// evaluation is dropped, as is a mid-point too close to the end; one that
// still fits before the end but not before the mid-point is merged into
// the mid-point (its questions are asked there, while there is still time
// to change the agreement).
// Check points someone has answered are never merged or dropped: a date
// of theirs that falls out of order moves back instead, which changes
// nothing for anyone. Kinds the program does not ask are left out.
func Plan(t Timeline) []Planned {
	start, end := day(t.Start), day(t.End)
	if s := day(t.Signed); s.After(start) {
		start = s
	}
	if end.Before(start) {
		end = start // signed on the last day: no time left
	}
	var floor time.Time
	if t.FirstMeeting != nil {
		floor = t.FirstMeeting.UTC().Add(ChemistryWindow)
	}
	later := func(a, b time.Time) time.Time {
		if b.After(a) {
			return b
		}
		return a
	}
	fin := end
	midNatural := day(start.Add(end.Sub(start) / 2))
	mid := later(midNatural, floor)
	if mid.After(fin) {
		mid = fin
	}
	midOwn := t.Midpoint && (t.Answered[KindMidpoint] || fin.Sub(mid) >= OpenBefore)
	var out []Planned
	if t.Followup {
		natural := later(t.Signed.UTC().Add(FollowupAfter), floor)
		p := Planned{Kind: KindFollowup, DueAt: natural, Natural: natural}
		switch {
		case t.Answered[KindFollowup]:
			next := fin
			if midOwn {
				next = mid
			}
			if p.DueAt.After(next) {
				p.DueAt = next
			}
		case fin.Sub(natural) < OpenBefore:
			p.DueAt, p.Dropped, p.Reason = time.Time{}, true, ReasonFollowupDropped
		case midOwn && mid.Sub(natural) < OpenBefore:
			p.DueAt, p.Into, p.Reason = mid, KindMidpoint, ReasonFollowupMerged
		}
		out = append(out, p)
	}
	if t.Midpoint {
		p := Planned{Kind: KindMidpoint, DueAt: mid, Natural: mid}
		if !midOwn {
			p.DueAt, p.Dropped, p.Reason = time.Time{}, true, ReasonMidpointDropped
		}
		out = append(out, p)
	}
	if t.Final {
		out = append(out, Planned{Kind: KindFinal, DueAt: fin, Natural: fin})
	}
	return out
}

// Replan writes the plan for a pair whose agreement came into force (or
// changed its dates): it reads what somebody has answered and which check
// points exist, works the dates out with Plan and stores them, with the
// reason for each check point merged or dropped. A check point that
// exists, or was merged or dropped, keeps being planned even if the
// program has switched its kind off since. It does not check who asks:
// the use case that calls it has.
func Replan(ctx context.Context, tx *store.Tx, pairID int64, t Timeline) error {
	rows, err := tx.Query(ctx, `SELECT c.kind, EXISTS (SELECT 1 FROM checkpoint_responses r WHERE r.checkpoint_id = c.id)
		FROM checkpoints c WHERE c.pair_id = ? AND c.kind <> 'chemistry'`, pairID)
	if err != nil {
		return err
	}
	t.Answered = map[string]bool{}
	for rows.Next() {
		var kind string
		var answered bool
		if err := rows.Scan(&kind, &answered); err != nil {
			rows.Close()
			return err
		}
		t.Answered[kind] = answered
		switch kind {
		case KindFollowup:
			t.Followup = true
		case KindMidpoint:
			t.Midpoint = true
		case KindFinal:
			t.Final = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var adjusted int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM checkpoint_adjustments WHERE pair_id = ? AND kind = 'followup'`,
		pairID).Scan(&adjusted); err != nil {
		return err
	}
	t.Followup = t.Followup || adjusted > 0
	if t.FirstMeeting == nil {
		// ORDER BY rather than MIN: SQLite gives an aggregate no column
		// type, so the driver could not read it as a time.
		var first time.Time
		err := tx.QueryRow(ctx, `SELECT starts_at FROM meetings WHERE pair_id = ? AND status = 'confirmed'
			ORDER BY starts_at LIMIT 1`, pairID).Scan(&first)
		switch {
		case err == nil:
			first = first.UTC()
			t.FirstMeeting = &first
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	for _, p := range Plan(t) {
		if p.Dropped {
			// Only a check point nobody answered is ever dropped, so no
			// answer goes with the row.
			if _, err := tx.Exec(ctx, `DELETE FROM checkpoints WHERE pair_id = ? AND kind = ?`, pairID, p.Kind); err != nil {
				return err
			}
		} else if err := Schedule(ctx, tx, pairID, p.Kind, p.DueAt); err != nil {
			return err
		}
		if p.Own() {
			if _, err := tx.Exec(ctx, `DELETE FROM checkpoint_adjustments WHERE pair_id = ? AND kind = ?`, pairID, p.Kind); err != nil {
				return err
			}
			continue
		}
		outcome := OutcomeMerged
		if p.Dropped {
			outcome = OutcomeDropped
		}
		if _, err := tx.Exec(ctx, `INSERT INTO checkpoint_adjustments (pair_id, kind, outcome, into_kind, reason, natural_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT (pair_id, kind) DO UPDATE SET outcome = excluded.outcome,
			into_kind = excluded.into_kind, reason = excluded.reason, natural_at = excluded.natural_at, updated_at = excluded.updated_at`,
			pairID, p.Kind, outcome, p.Into, p.Reason, p.Natural.UTC()); err != nil {
			return err
		}
	}
	return nil
}

// Adjustment is why one of a pair's check points is not asked on its own.
type Adjustment struct {
	Kind    string
	Outcome string // OutcomeMerged or OutcomeDropped
	Into    string // the kind a merged check point is asked with
	Reason  string // message key taking {date}
	Natural time.Time
}

// Merged reports whether the check point is asked with another.
func (a Adjustment) Merged() bool { return a.Outcome == OutcomeMerged }

// adjustments reads the adjustments matching where, by pair and kind. Like
// Schedule, the row's updated_at comes from the database's clock: it only
// records when the row was written.
func adjustments(ctx context.Context, q store.Q, where string, args ...any) (map[int64]map[string]Adjustment, error) {
	rows, err := q.Query(ctx, `SELECT a.pair_id, a.kind, a.outcome, a.into_kind, a.reason, a.natural_at
		FROM checkpoint_adjustments a WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]Adjustment{}
	for rows.Next() {
		var pairID int64
		var a Adjustment
		if err := rows.Scan(&pairID, &a.Kind, &a.Outcome, &a.Into, &a.Reason, &a.Natural); err != nil {
			return nil, err
		}
		a.Natural = a.Natural.UTC()
		if out[pairID] == nil {
			out[pairID] = map[string]Adjustment{}
		}
		out[pairID][a.Kind] = a
	}
	return out, rows.Err()
}

// Adjustments reads why any of a pair's check points is merged or
// dropped, by kind. It does not check who asks.
func Adjustments(ctx context.Context, q store.Q, pairID int64) (map[string]Adjustment, error) {
	all, err := adjustments(ctx, q, `a.pair_id = ?`, pairID)
	return all[pairID], err
}

// ReadFollowupOpen queues a read that sets *open to whether the pair is in
// its follow-up at now: the follow-up, on its own or within the check
// point it was merged into, has opened and the check point after that has
// not. That is when a pair is offered its agreement review meeting. It
// does not check who asks.
func ReadFollowupOpen(r *store.Reads, pairID int64, now time.Time, open *bool) {
	r.Add(func(rows store.Rows) error {
		due, into := map[string]time.Time{}, map[string]string{}
		for rows.Next() {
			var kind, in string
			var at time.Time
			if err := rows.Scan(&kind, &at, &in); err != nil {
				return err
			}
			due[kind], into[kind] = at.UTC(), in
		}
		*open = followupOpen(due, into, now)
		return nil
	}, `SELECT c.kind, c.due_at, COALESCE(a.into_kind, '') FROM checkpoints c
		LEFT JOIN checkpoint_adjustments a ON a.pair_id = c.pair_id AND a.kind = c.kind AND a.outcome = 'merged'
		WHERE c.pair_id = ? AND c.kind <> 'chemistry'`, pairID)
}

func followupOpen(due map[string]time.Time, into map[string]string, now time.Time) bool {
	if _, ok := due[KindFollowup]; !ok {
		return false
	}
	carrier := KindFollowup
	if into[KindFollowup] != "" {
		carrier = into[KindFollowup]
	}
	if now.Before(opensAt(carrier, due[carrier])) {
		return false
	}
	for _, k := range QuestionKinds[slices.Index(QuestionKinds, carrier)+1:] {
		if at, ok := due[k]; ok && into[k] == "" {
			return now.Before(opensAt(k, at))
		}
	}
	return true
}
