package evaluation

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// QuestionResult pools every answer to one question across the program.
type QuestionResult struct {
	Question
	Count   int     // people who answered it
	Average float64 // scale questions only
	// Counts is the distribution: for a scale the answers 1 to 5, for
	// yes/no [no, yes], for a choice one per option.
	Counts []int
	// Texts are the free-text answers, sorted so their order says nothing
	// of who wrote them; only when the program shares them.
	Texts []string
}

// Yes and No read a yes/no question's counts.
func (r QuestionResult) Yes() int { return r.at(1) }
func (r QuestionResult) No() int  { return r.at(0) }

func (r QuestionResult) at(i int) int {
	if i < len(r.Counts) {
		return r.Counts[i]
	}
	return 0
}

// KindResults are a check point's pooled results.
type KindResults struct {
	Kind      string
	Responses int // people who submitted it
	Questions []QuestionResult
	// Goals counts the final evaluation's re-assessments by status.
	Goals map[string]int
}

// Results are a program's evaluation results, never one person's answers.
type Results struct {
	ProgramID int64
	ShareText bool
	Kinds     []KindResults
}

// Kind finds the results of one check point.
func (r Results) Kind(kind string) *KindResults {
	for i := range r.Kinds {
		if r.Kinds[i].Kind == kind {
			return &r.Kinds[i]
		}
	}
	return nil
}

// ProgramResults pools the answers of every pair of the program per check
// point and question. Free text is included only when the program shares
// it. It does not check who asks.
func ProgramResults(ctx context.Context, q store.Q, programID int64) (Results, error) {
	res := Results{ProgramID: programID}
	var err error
	if res.ShareText, err = ShareText(ctx, q, programID); err != nil {
		return res, err
	}
	byID := map[int64]*QuestionResult{}
	for _, kind := range QuestionKinds {
		kr := KindResults{Kind: kind, Goals: map[string]int{}}
		qs, err := ListQuestions(ctx, q, programID, kind)
		if err != nil {
			return res, err
		}
		for _, qu := range qs {
			n := 0
			switch qu.Type {
			case TypeScale:
				n = 5
			case TypeYesNo:
				n = 2
			case TypeChoice:
				n = qu.OptionCount
			}
			kr.Questions = append(kr.Questions, QuestionResult{Question: qu, Counts: make([]int, n)})
		}
		res.Kinds = append(res.Kinds, kr)
	}
	for i := range res.Kinds {
		for j := range res.Kinds[i].Questions {
			r := &res.Kinds[i].Questions[j]
			if r.ID != 0 {
				byID[r.ID] = r
			}
		}
	}
	rows, err := q.Query(ctx, `SELECT a.question_id, a.value, a.text FROM evaluation_answers a
		JOIN evaluation_questions q ON q.id = a.question_id
		WHERE q.program_id = ? AND q.removed_at IS NULL`, programID)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	sums := map[int64]int{}
	for rows.Next() {
		var id int64
		var v sql.NullInt64
		var text string
		if err := rows.Scan(&id, &v, &text); err != nil {
			return res, err
		}
		r := byID[id]
		if r == nil {
			continue
		}
		r.Count++
		switch {
		case r.Type == TypeText:
			if res.ShareText {
				r.Texts = append(r.Texts, text)
			}
		case v.Valid:
			idx := int(v.Int64)
			if r.Type == TypeScale {
				sums[id] += idx
				idx--
			}
			if idx >= 0 && idx < len(r.Counts) {
				r.Counts[idx]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	for id, r := range byID {
		if r.Type == TypeScale && r.Count > 0 {
			r.Average = float64(sums[id]) / float64(r.Count)
		}
		slices.Sort(r.Texts)
	}
	counts, err := q.Query(ctx, `SELECT c.kind, COUNT(*) FROM checkpoint_responses r
		JOIN checkpoints c ON c.id = r.checkpoint_id
		JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? AND c.kind <> 'chemistry' GROUP BY c.kind`, programID)
	if err != nil {
		return res, err
	}
	defer counts.Close()
	for counts.Next() {
		var kind string
		var n int
		if err := counts.Scan(&kind, &n); err != nil {
			return res, err
		}
		if kr := res.Kind(kind); kr != nil {
			kr.Responses = n
		}
	}
	if err := counts.Err(); err != nil {
		return res, err
	}
	goals, err := q.Query(ctx, `SELECT g.status, COUNT(*) FROM evaluation_goal_reviews g
		JOIN checkpoints c ON c.id = g.checkpoint_id
		JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? GROUP BY g.status`, programID)
	if err != nil {
		return res, err
	}
	defer goals.Close()
	final := res.Kind(KindFinal)
	for goals.Next() {
		var status string
		var n int
		if err := goals.Scan(&status, &n); err != nil {
			return res, err
		}
		final.Goals[status] = n
	}
	return res, goals.Err()
}

// Responder is one member of a pair and when they answered a check point.
type Responder struct {
	UserID int64
	Name   string
	Side   string
	At     *time.Time // nil while not answered
}

// CheckCompletion is who of a pair answered one check point.
type CheckCompletion struct {
	Kind       string
	Scheduled  bool
	DueAt      time.Time
	Responders []Responder
	// Adjustment says why the check point is merged into another or left
	// out of the pair's calendar; nil when it is asked on its own.
	Adjustment *Adjustment
}

// Done counts the members who answered.
func (c CheckCompletion) Done() int {
	n := 0
	for _, r := range c.Responders {
		if r.At != nil {
			n++
		}
	}
	return n
}

// PairCompletion is one pair's completion of its check points.
type PairCompletion struct {
	Pair   program.Pair
	Label  string // mentors and mentees by name
	Checks []CheckCompletion
}

// ProgramCompletion says for every pair of the program who answered which
// check point and when; never what. It does not check who asks.
func ProgramCompletion(ctx context.Context, q store.Q, programID int64) ([]PairCompletion, error) {
	pairs, err := program.Pairs(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	type key struct {
		pair int64
		kind string
	}
	due := map[key]time.Time{}
	at := map[key]map[int64]time.Time{}
	rows, err := q.Query(ctx, `SELECT c.pair_id, c.kind, c.due_at, r.user_id, r.submitted_at FROM checkpoints c
		JOIN pairs p ON p.id = c.pair_id
		LEFT JOIN checkpoint_responses r ON r.checkpoint_id = c.id
		WHERE p.program_id = ? AND c.kind <> 'chemistry'`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var d time.Time
		var uid sql.NullInt64
		var sub sql.NullTime
		if err := rows.Scan(&k.pair, &k.kind, &d, &uid, &sub); err != nil {
			return nil, err
		}
		due[k] = d.UTC()
		if uid.Valid && sub.Valid {
			if at[k] == nil {
				at[k] = map[int64]time.Time{}
			}
			at[k][uid.Int64] = sub.Time.UTC()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	adj, err := adjustments(ctx, q, `a.pair_id IN (SELECT id FROM pairs WHERE program_id = ?)`, programID)
	if err != nil {
		return nil, err
	}
	out := make([]PairCompletion, 0, len(pairs))
	for _, p := range pairs {
		pc := PairCompletion{Pair: p, Label: program.Names(p.Mentors) + " – " + program.Names(p.Mentees)}
		for _, kind := range QuestionKinds {
			k := key{p.ID, kind}
			d, ok := due[k]
			c := CheckCompletion{Kind: kind, Scheduled: ok, DueAt: d}
			if a, ok := adj[p.ID][kind]; ok {
				c.Adjustment = &a
			}
			for _, m := range slices.Concat(p.Mentors, p.Mentees) {
				r := Responder{UserID: m.UserID, Name: m.Name, Side: m.Side}
				if t, ok := at[k][m.UserID]; ok {
					r.At = &t
				}
				c.Responders = append(c.Responders, r)
			}
			pc.Checks = append(pc.Checks, c)
		}
		out = append(out, pc)
	}
	return out, nil
}

// Overview is what a coordinator sees of a program's evaluations.
type Overview struct {
	Program    *program.Program
	Completion []PairCompletion
	Results    Results
}

// Overview shows a coordinator of the program completion per pair and the
// pooled results.
func (s *Service) Overview(ctx context.Context, actor *account.User, programID int64) (*Overview, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, err
	}
	o := &Overview{Program: prog}
	if o.Completion, err = ProgramCompletion(ctx, s.DB, programID); err != nil {
		return nil, err
	}
	if o.Results, err = ProgramResults(ctx, s.DB, programID); err != nil {
		return nil, err
	}
	return o, nil
}
