package question

import (
	"context"

	"mentorskap/internal/store"
)

// Rule is a choice question that counts in matching, with every answer
// given to it, for internal/matching.
type Rule struct {
	Question Question
	// Answers maps participant id → the options they chose.
	Answers map[int64][]int64
}

// Rules reads the program's live questions that count in matching, with
// their answers. It does not check who is asking.
func Rules(ctx context.Context, q store.Q, programID int64) ([]Rule, error) {
	qs, err := List(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, qu := range qs {
		if qu.Matching() {
			out = append(out, Rule{Question: qu, Answers: map[int64][]int64{}})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	all, err := Answers(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	for pid, ans := range all {
		for k := range out {
			if v, ok := ans[out[k].Question.ID]; ok {
				if ids := out[k].Question.Chosen(v); len(ids) > 0 {
					out[k].Answers[pid] = ids
				}
			}
		}
	}
	return out, nil
}

// Points is what a mentee who chose a and a mentor who chose b score on
// the rule, 0..100, and whether it can be judged at all (both answered).
// Several choices on either side: the best pairing counts for same and
// table, any option in common rules out different.
func (r Rule) Points(a, b []int64) (int, bool) {
	if len(a) == 0 || len(b) == 0 {
		return 0, false
	}
	q := r.Question
	switch q.MatchMode {
	case MatchSame, MatchDifferent:
		shared := false
		for _, x := range a {
			for _, y := range b {
				shared = shared || x == y
			}
		}
		if shared == (q.MatchMode == MatchSame) {
			return MaxPoints, true
		}
		return 0, true
	case MatchTable:
		best := 0
		for _, x := range a {
			for _, y := range b {
				best = max(best, q.Points[[2]int64{x, y}])
			}
		}
		return best, true
	}
	return 0, false
}
