package funder

import (
	"context"
	"database/sql"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// The figures count what happened in the period [From, To): people who
// enrolled or were approved or matched in it, pairs that ran during it, and
// what those pairs did in it. Nothing here reads what anyone wrote: no
// names, notes, goals' titles, free-text answers or ending notes.

// Period is a half-open span of time: From inclusive, To exclusive.
type Period struct {
	From, To time.Time
}

// Sides counts people by their side in the program.
type Sides struct {
	Mentors int `json:"mentors"`
	Mentees int `json:"mentees"`
}

// Total is both sides together.
func (s Sides) Total() int { return s.Mentors + s.Mentees }

// Ending reasons as the report counts them: who ended the pair, never why.
// A member owes nobody a reason, so the side is all the report can say.
const (
	EndedByMentor      = "mentor"
	EndedByMentee      = "mentee"
	EndedByCoordinator = "coordinator"
)

// EndingReasons are the neutral reasons in the order the report lists them.
var EndingReasons = []string{EndedByMentee, EndedByMentor, EndedByCoordinator}

// Meeting distribution buckets: pairs that held no meeting in the period,
// some but fewer than the program's minimum, or at least the minimum.
const (
	MetNone    = "none"
	MetBelow   = "below"
	MetMinimum = "minimum"
)

// MeetingBuckets are the buckets in the order the report lists them.
var MeetingBuckets = []string{MetMinimum, MetBelow, MetNone}

// Figures are a program's counts for one period.
type Figures struct {
	Enrolled Sides // applications or enrolments made in the period
	Approved Sides // approvals decided in the period
	Matched  Sides // people put into a pair formed in the period
	// Pairs that ran at some time in the period, those that ended early
	// in it (by reason) and those that reached their planned end in it.
	ActivePairs int
	EndedEarly  int
	EndedBy     map[string]int // EndingReasons → pairs
	Finished    int
	// Meetings held in the period by the pairs that ran in it, and how
	// many of those pairs met the program's minimum number of meetings.
	MinMeetings  int
	MeetingsHeld int
	PairsBy      map[string]int // MeetingBuckets → pairs
	// Check points that came due in the period: answers owed and given.
	Checkpoints []Completion
	Chemistry   map[string]int // yes / unsure / no, answered in the period
	// Evaluation answers given in the period, pooled per question.
	Evaluation []KindResult
	// Goals of the pairs that ran in the period (top level, not dropped)
	// and those of them reached; GoalReviews are the final evaluation's
	// re-assessments given in the period (reached, partly, not_reached).
	Goals        int
	GoalsReached int
	GoalReviews  map[string]int
}

// Completion is how many answers a kind of check point was owed and given.
type Completion struct {
	Kind     string `json:"kind"`
	Expected int    `json:"expected"`
	Answered int    `json:"answered"`
}

// KindResult pools one check point's answers given in the period.
type KindResult struct {
	Kind      string
	Questions []evaluation.QuestionResult // free text left out
}

// LoadFigures counts a program's figures for the period; now decides which
// meetings have been held and which check points have come due. It does not
// check who asks.
func LoadFigures(ctx context.Context, q store.Q, prog *program.Program, p Period, now time.Time) (*Figures, error) {
	f := &Figures{MinMeetings: prog.MinMeetings, EndedBy: map[string]int{}, PairsBy: map[string]int{},
		Chemistry: map[string]int{}, GoalReviews: map[string]int{}}
	id := prog.ID
	steps := []func() error{
		func() error {
			return sides(ctx, q, &f.Enrolled, `SELECT role, COUNT(*) FROM participants
				WHERE program_id = ? AND created_at >= ? AND created_at < ? GROUP BY role`, id, p.From, p.To)
		},
		func() error {
			return sides(ctx, q, &f.Approved, `SELECT role, COUNT(*) FROM participants
				WHERE program_id = ? AND status = 'approved' AND COALESCE(decided_at, created_at) >= ?
				AND COALESCE(decided_at, created_at) < ? GROUP BY role`, id, p.From, p.To)
		},
		func() error {
			return sides(ctx, q, &f.Matched, `SELECT pm.side, COUNT(DISTINCT pm.user_id) FROM pair_members pm
				JOIN pairs p ON p.id = pm.pair_id
				WHERE p.program_id = ? AND p.created_at >= ? AND p.created_at < ? GROUP BY pm.side`, id, p.From, p.To)
		},
		func() error {
			return q.QueryRow(ctx, `SELECT COUNT(*) FROM pairs p WHERE p.program_id = ? AND `+ranSQL,
				id, p.To, p.From).Scan(&f.ActivePairs)
		},
		func() error { return f.endings(ctx, q, id, p) },
		func() error { return f.meetings(ctx, q, id, p, now) },
		func() error { return f.checkpoints(ctx, q, id, p, now) },
		func() error { return f.evaluation(ctx, q, id, p) },
		func() error { return f.goals(ctx, q, id, p) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ranSQL is true for a pair p that existed at some time in [from, to); it
// takes to, then from.
const ranSQL = `p.created_at < ? AND (p.ended_at IS NULL OR p.ended_at >= ?)`

func sides(ctx context.Context, q store.Q, s *Sides, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var side string
		var n int
		if err := rows.Scan(&side, &n); err != nil {
			return err
		}
		switch side {
		case program.SideMentor:
			s.Mentors += n
		case program.SideMentee:
			s.Mentees += n
		}
	}
	return rows.Err()
}

func (f *Figures) endings(ctx context.Context, q store.Q, id int64, p Period) error {
	rows, err := q.Query(ctx, `SELECT e.how, e.side, COUNT(*) FROM pair_endings e JOIN pairs p ON p.id = e.pair_id
		WHERE p.program_id = ? AND e.ended_at >= ? AND e.ended_at < ? GROUP BY e.how, e.side`, id, p.From, p.To)
	if err != nil {
		return err
	}
	defer rows.Close()
	for _, r := range EndingReasons {
		f.EndedBy[r] = 0
	}
	for rows.Next() {
		var how, side string
		var n int
		if err := rows.Scan(&how, &side, &n); err != nil {
			return err
		}
		switch {
		case how == program.EndedAsPlanned:
			f.Finished += n
			continue
		case how == program.EndedByCoordinator:
			f.EndedBy[EndedByCoordinator] += n
		case side == program.SideMentor:
			f.EndedBy[EndedByMentor] += n
		default:
			f.EndedBy[EndedByMentee] += n
		}
		f.EndedEarly += n
	}
	return rows.Err()
}

// meetings counts, per pair that ran in the period, the meetings it held in
// the period (confirmed and started before now).
func (f *Figures) meetings(ctx context.Context, q store.Q, id int64, p Period, now time.Time) error {
	rows, err := q.Query(ctx, `SELECT p.id, COUNT(m.id) FROM pairs p
		LEFT JOIN meetings m ON m.pair_id = p.id AND m.status = 'confirmed' AND m.starts_at <= ?
			AND m.starts_at >= ? AND m.starts_at < ?
		WHERE p.program_id = ? AND `+ranSQL+` GROUP BY p.id`, now, p.From, p.To, id, p.To, p.From)
	if err != nil {
		return err
	}
	defer rows.Close()
	for _, b := range MeetingBuckets {
		f.PairsBy[b] = 0
	}
	for rows.Next() {
		var pair int64
		var n int
		if err := rows.Scan(&pair, &n); err != nil {
			return err
		}
		f.MeetingsHeld += n
		switch {
		case n == 0 && f.MinMeetings > 0:
			f.PairsBy[MetNone]++
		case n < f.MinMeetings:
			f.PairsBy[MetBelow]++
		default:
			f.PairsBy[MetMinimum]++
		}
	}
	return rows.Err()
}

// checkpoints counts, per kind, the answers owed by the members of pairs
// whose check point came due in the period, and those given by its end.
func (f *Figures) checkpoints(ctx context.Context, q store.Q, id int64, p Period, now time.Time) error {
	to := p.To
	if now.Before(to) {
		to = now
	}
	rows, err := q.Query(ctx, `SELECT c.kind, COUNT(*), COUNT(r.user_id)
		FROM checkpoints c JOIN pairs p ON p.id = c.pair_id
		JOIN pair_members pm ON pm.pair_id = c.pair_id
		LEFT JOIN checkpoint_responses r ON r.checkpoint_id = c.id AND r.user_id = pm.user_id AND r.submitted_at < ?
		WHERE p.program_id = ? AND c.due_at >= ? AND c.due_at <= ? AND c.due_at < ?
		GROUP BY c.kind`, p.To, id, p.From, to, p.To)
	if err != nil {
		return err
	}
	defer rows.Close()
	byKind := map[string]Completion{}
	for rows.Next() {
		var c Completion
		if err := rows.Scan(&c.Kind, &c.Expected, &c.Answered); err != nil {
			return err
		}
		byKind[c.Kind] = c
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range evaluation.Kinds {
		c := byKind[k]
		c.Kind = k
		f.Checkpoints = append(f.Checkpoints, c)
	}
	chem, err := q.Query(ctx, `SELECT a.answer, COUNT(*) FROM chemistry_answers a
		JOIN checkpoint_responses r ON r.checkpoint_id = a.checkpoint_id AND r.user_id = a.user_id
		JOIN checkpoints c ON c.id = a.checkpoint_id JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? AND r.submitted_at >= ? AND r.submitted_at < ? GROUP BY a.answer`, id, p.From, p.To)
	if err != nil {
		return err
	}
	defer chem.Close()
	for _, a := range []string{"yes", "unsure", "no"} {
		f.Chemistry[a] = 0
	}
	for chem.Next() {
		var a string
		var n int
		if err := chem.Scan(&a, &n); err != nil {
			return err
		}
		f.Chemistry[a] = n
	}
	return chem.Err()
}

// evaluation pools the answers given in the period to the program's scale,
// yes/no and choice questions. Free text never enters the report.
func (f *Figures) evaluation(ctx context.Context, q store.Q, id int64, p Period) error {
	byID := map[int64]*evaluation.QuestionResult{}
	for _, kind := range evaluation.QuestionKinds {
		qs, err := evaluation.ListQuestions(ctx, q, id, kind)
		if err != nil {
			return err
		}
		kr := KindResult{Kind: kind}
		for _, qu := range qs {
			n := 0
			switch qu.Type {
			case evaluation.TypeScale:
				n = 5
			case evaluation.TypeYesNo:
				n = 2
			case evaluation.TypeChoice:
				n = qu.OptionCount
			default:
				continue
			}
			kr.Questions = append(kr.Questions, evaluation.QuestionResult{Question: qu, Counts: make([]int, n)})
		}
		f.Evaluation = append(f.Evaluation, kr)
	}
	for i := range f.Evaluation {
		for j := range f.Evaluation[i].Questions {
			if r := &f.Evaluation[i].Questions[j]; r.ID != 0 {
				byID[r.ID] = r
			}
		}
	}
	rows, err := q.Query(ctx, `SELECT a.question_id, a.value, COUNT(*) FROM evaluation_answers a
		JOIN checkpoint_responses r ON r.checkpoint_id = a.checkpoint_id AND r.user_id = a.user_id
		JOIN evaluation_questions qu ON qu.id = a.question_id
		WHERE qu.program_id = ? AND qu.removed_at IS NULL AND a.value IS NOT NULL
		AND r.submitted_at >= ? AND r.submitted_at < ? GROUP BY a.question_id, a.value`, id, p.From, p.To)
	if err != nil {
		return err
	}
	defer rows.Close()
	sums := map[int64]int{}
	for rows.Next() {
		var qid int64
		var v sql.NullInt64
		var n int
		if err := rows.Scan(&qid, &v, &n); err != nil {
			return err
		}
		r := byID[qid]
		if r == nil || !v.Valid {
			continue
		}
		idx := int(v.Int64)
		if r.Type == evaluation.TypeScale {
			sums[qid] += idx * n
			idx--
		}
		if idx >= 0 && idx < len(r.Counts) {
			r.Counts[idx] += n
			r.Count += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for qid, r := range byID {
		if r.Type == evaluation.TypeScale && r.Count > 0 {
			r.Average = float64(sums[qid]) / float64(r.Count)
		}
	}
	return nil
}

// goals counts the top-level goals of the pairs that ran in the period and
// those reached (marked reached, or at 100 %), and the final evaluation's
// re-assessments given in the period.
func (f *Figures) goals(ctx context.Context, q store.Q, id int64, p Period) error {
	err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN g.status = 'reached' OR g.progress >= 100 THEN 1 ELSE 0 END), 0)
		FROM goals g JOIN pairs p ON p.id = g.pair_id
		WHERE p.program_id = ? AND g.parent_id IS NULL AND g.status <> 'dropped' AND `+ranSQL,
		id, p.To, p.From).Scan(&f.Goals, &f.GoalsReached)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT g.status, COUNT(*) FROM evaluation_goal_reviews g
		JOIN checkpoint_responses r ON r.checkpoint_id = g.checkpoint_id AND r.user_id = g.user_id
		JOIN checkpoints c ON c.id = g.checkpoint_id JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? AND r.submitted_at >= ? AND r.submitted_at < ? GROUP BY g.status`, id, p.From, p.To)
	if err != nil {
		return err
	}
	defer rows.Close()
	for _, s := range []string{"reached", "partly", "not_reached"} {
		f.GoalReviews[s] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return err
		}
		f.GoalReviews[s] = n
	}
	return rows.Err()
}
