package dashboard

import (
	"context"
	"slices"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Pair states as the analytics count them: the agreement's state for
// running pairs, and how the pair ended for ended ones.
const (
	PairNotStarted   = agreement.StateNotStarted
	PairDrafting     = agreement.StateDrafting
	PairWaiting      = agreement.StateWaiting
	PairActive       = agreement.StateActive
	PairEndedEarly   = "ended_early"
	PairEndedPlanned = "ended_planned"
)

// PairStates lists the pair states in the order charts and exports show them.
var PairStates = []string{PairNotStarted, PairDrafting, PairWaiting, PairActive, PairEndedEarly, PairEndedPlanned}

// FirstMeetingBuckets are the upper bounds, in days, of the time-to-first-
// meeting histogram; a last open bucket takes everything longer.
var FirstMeetingBuckets = []int{7, 14, 30, 60}

// maxMonths bounds the meetings-per-month chart to the latest months.
const maxMonths = 36

// Analytics are a program's figures, all counted in the database.
type Analytics struct {
	Months       []Month
	PairStates   []StateCount
	Pairs        int
	Goals        GoalCounts
	Chemistry    ChoiceCounts // the chemistry check's answers: yes, unsure, no
	Checkpoints  []Completion
	FirstMeeting FirstMeeting
	// Evaluation pools the answers to the program's evaluation questions;
	// free text stays out of the analytics whatever the program shares.
	Evaluation evaluation.Results
}

// Month counts the meetings held and cancelled in one calendar month (UTC).
// A meeting called off by its pair's ending is not a cancellation anyone
// made, and is not counted.
type Month struct {
	Month     string // YYYY-MM
	Held      int
	Cancelled int
}

// StateCount is how many pairs are in one state.
type StateCount struct {
	State string
	Count int
}

// GoalCounts counts a program's top-level goals by outcome.
type GoalCounts struct {
	Reached, Open, Dropped int
}

// ChoiceCounts counts the answers to a yes / unsure / no question.
type ChoiceCounts struct {
	Yes, Unsure, No int
}

// Completion is how many of the answers due at one kind of check point
// have been given.
type Completion struct {
	Kind     string
	Expected int
	Answered int
}

// FirstMeeting is the time from a pair's creation to its first held
// meeting: a histogram over FirstMeetingBuckets plus the median.
type FirstMeeting struct {
	Buckets    []int // len(FirstMeetingBuckets)+1
	MedianDays float64
	Met        int // pairs that have held a meeting
	NotYet     int // pairs that have not
}

// Load returns the analytics of a program for one of its coordinators or
// an administrator. It reads outside a transaction: SQLite's transactions
// here take the write lock, and figures a moment apart are good enough.
func Load(ctx context.Context, db *store.DB, actor *account.User, programID int64, now time.Time) (*program.Program, *Analytics, error) {
	prog, err := program.RequireCoordinatorTx(ctx, db, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	a, err := ProgramAnalytics(ctx, db, programID, now)
	return prog, a, err
}

// ProgramAnalytics counts a program's figures. It does not check who asks.
func ProgramAnalytics(ctx context.Context, q store.Q, programID int64, now time.Time) (*Analytics, error) {
	a := &Analytics{}
	var err error
	if a.Months, err = meetingMonths(ctx, q, programID, now); err != nil {
		return nil, err
	}
	if a.PairStates, err = pairStates(ctx, q, programID); err != nil {
		return nil, err
	}
	for _, s := range a.PairStates {
		a.Pairs += s.Count
	}
	gc, err := goal.ProgramCounts(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	a.Goals = GoalCounts{Reached: gc.Reached, Open: gc.Total - gc.Reached, Dropped: gc.Dropped}
	if a.Chemistry, err = chemistryCounts(ctx, q, programID); err != nil {
		return nil, err
	}
	if a.Checkpoints, err = checkpointCompletion(ctx, q, programID, now); err != nil {
		return nil, err
	}
	if a.FirstMeeting, err = firstMeetings(ctx, q, programID, now, a.Pairs); err != nil {
		return nil, err
	}
	if a.Evaluation, err = evaluation.ProgramResults(ctx, q, programID); err != nil {
		return nil, err
	}
	for i := range a.Evaluation.Kinds {
		for j := range a.Evaluation.Kinds[i].Questions {
			a.Evaluation.Kinds[i].Questions[j].Texts = nil
		}
	}
	return a, nil
}

// heldSQL is true for a meeting that took place: confirmed and started.
const heldSQL = `m.status = 'confirmed' AND m.starts_at <= ?`

func meetingMonths(ctx context.Context, q store.Q, programID int64, now time.Time) ([]Month, error) {
	// Times are stored in UTC (the meeting package converts them), so on
	// SQLite the month is the text's first seven characters: much cheaper
	// than parsing every date with strftime.
	month := `substr(m.starts_at, 1, 7)`
	if q.Dialect() == store.Postgres {
		month = `to_char(m.starts_at AT TIME ZONE 'UTC', 'YYYY-MM')`
	}
	rows, err := q.Query(ctx, `SELECT `+month+`,
		SUM(CASE WHEN `+heldSQL+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'cancelled' AND m.ended_with_pair = ? THEN 1 ELSE 0 END)
		FROM meetings m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? GROUP BY 1 ORDER BY 1`, now, false, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []Month
	for rows.Next() {
		var m Month
		if err := rows.Scan(&m.Month, &m.Held, &m.Cancelled); err != nil {
			return nil, err
		}
		if m.Held+m.Cancelled > 0 {
			found = append(found, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return fillMonths(found), nil
}

// fillMonths adds the empty months between the first and the last one with
// meetings, so that a quiet month shows as a gap and not as nothing, and
// keeps the latest maxMonths.
func fillMonths(found []Month) []Month {
	if len(found) == 0 {
		return nil
	}
	first, err1 := time.Parse("2006-01", found[0].Month)
	last, err2 := time.Parse("2006-01", found[len(found)-1].Month)
	if err1 != nil || err2 != nil {
		return found
	}
	if start := last.AddDate(0, -(maxMonths - 1), 0); first.Before(start) {
		first = start
	}
	byMonth := make(map[string]Month, len(found))
	for _, m := range found {
		byMonth[m.Month] = m
	}
	var out []Month
	for t := first; !t.After(last); t = t.AddDate(0, 1, 0) {
		key := t.Format("2006-01")
		m, ok := byMonth[key]
		if !ok {
			m = Month{Month: key}
		}
		out = append(out, m)
	}
	return out
}

// stateSQL is the state of pair p (joined with its ending e) as one SQL
// expression, so that counting and exporting agree. It follows
// agreement.StatusOf: a version signed on both sides is in force; else the
// newest version with a signature is waiting, without one drafting.
const stateSQL = `CASE
	WHEN p.status = 'ended' AND e.how = 'planned' THEN 'ended_planned'
	WHEN p.status = 'ended' THEN 'ended_early'
	WHEN EXISTS (SELECT 1 FROM agreement_versions v WHERE v.pair_id = p.id
		AND EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = v.id AND s.side = 'mentor')
		AND EXISTS (SELECT 1 FROM agreement_signatures s WHERE s.version_id = v.id AND s.side = 'mentee')) THEN 'active'
	WHEN EXISTS (SELECT 1 FROM agreement_signatures s JOIN agreement_versions v ON v.id = s.version_id
		WHERE v.pair_id = p.id AND v.number = (SELECT MAX(v2.number) FROM agreement_versions v2 WHERE v2.pair_id = p.id)) THEN 'waiting'
	WHEN EXISTS (SELECT 1 FROM agreement_versions v WHERE v.pair_id = p.id) THEN 'drafting'
	ELSE 'not_started' END`

func pairStates(ctx context.Context, q store.Q, programID int64) ([]StateCount, error) {
	rows, err := q.Query(ctx, `SELECT `+stateSQL+`, COUNT(*)
		FROM pairs p LEFT JOIN pair_endings e ON e.pair_id = p.id
		WHERE p.program_id = ? GROUP BY 1`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		counts[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]StateCount, len(PairStates))
	for i, s := range PairStates {
		out[i] = StateCount{State: s, Count: counts[s]}
	}
	return out, nil
}

func chemistryCounts(ctx context.Context, q store.Q, programID int64) (ChoiceCounts, error) {
	var c ChoiceCounts
	err := q.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN a.answer = 'yes' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.answer = 'unsure' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.answer = 'no' THEN 1 ELSE 0 END), 0)
		FROM chemistry_answers a JOIN checkpoints c ON c.id = a.checkpoint_id JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ?`, programID).Scan(&c.Yes, &c.Unsure, &c.No)
	return c, err
}

// CheckpointKinds are the check points in the order of a pair's life.
var CheckpointKinds = evaluation.Kinds

// checkpointCompletion counts, per kind of check point that has come due,
// the answers owed by the pairs' members and those given.
func checkpointCompletion(ctx context.Context, q store.Q, programID int64, now time.Time) ([]Completion, error) {
	rows, err := q.Query(ctx, `SELECT c.kind, COUNT(*), COUNT(r.user_id)
		FROM checkpoints c JOIN pairs p ON p.id = c.pair_id
		JOIN pair_members pm ON pm.pair_id = c.pair_id
		LEFT JOIN checkpoint_responses r ON r.checkpoint_id = c.id AND r.user_id = pm.user_id
		WHERE p.program_id = ? AND c.due_at <= ? GROUP BY c.kind`, programID, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKind := map[string]Completion{}
	for rows.Next() {
		var c Completion
		if err := rows.Scan(&c.Kind, &c.Expected, &c.Answered); err != nil {
			return nil, err
		}
		byKind[c.Kind] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Completion, len(CheckpointKinds))
	for i, k := range CheckpointKinds {
		c := byKind[k]
		c.Kind = k
		out[i] = c
	}
	return out, nil
}

// firstMeetings measures, for every pair that has held a meeting, the days
// from its creation to the first one. pairs is the program's pair count.
func firstMeetings(ctx context.Context, q store.Q, programID int64, now time.Time, pairs int) (FirstMeeting, error) {
	fm := FirstMeeting{Buckets: make([]int, len(FirstMeetingBuckets)+1)}
	rows, err := q.Query(ctx, `SELECT p.created_at, MIN(m.starts_at)
		FROM pairs p JOIN meetings m ON m.pair_id = p.id
		WHERE p.program_id = ? AND `+heldSQL+` GROUP BY p.id, p.created_at`, programID, now)
	if err != nil {
		return fm, err
	}
	defer rows.Close()
	var all []float64
	for rows.Next() {
		var created time.Time
		var first any
		if err := rows.Scan(&created, &first); err != nil {
			return fm, err
		}
		t := timeOf(first)
		if t == nil {
			continue
		}
		// A meeting booked before the pair was recorded counts as day 0.
		d := max(t.Sub(created).Hours()/24, 0)
		all = append(all, d)
		fm.Buckets[bucketOf(d)]++
	}
	if err := rows.Err(); err != nil {
		return fm, err
	}
	fm.Met = len(all)
	fm.NotYet = max(pairs-fm.Met, 0)
	fm.MedianDays = median(all)
	return fm, nil
}

// bucketOf is the histogram bucket of a number of days: a pair that met
// within 7 days (counting part days as whole ones) is in the first.
func bucketOf(days float64) int {
	for i, upper := range FirstMeetingBuckets {
		if days <= float64(upper) {
			return i
		}
	}
	return len(FirstMeetingBuckets)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
