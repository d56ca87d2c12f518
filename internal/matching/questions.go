package matching

import (
	"strconv"
	"strings"

	"mentorskap/internal/i18n"
	"mentorskap/internal/question"
)

// A program's own choice questions can count in matching (see
// internal/question): each is one more criterion, worth 0..100 points per
// pair times its weight, judged when both the mentee and the mentor
// answered it. A weight of MustMatch makes it a hard rule like the
// built-in criteria's.

// qrule is a question criterion prepared for scoring: the options each
// person chose as a bitset over the question's options.
type qrule struct {
	rule   question.Rule
	w      int64
	must   bool
	mentee []uint64 // per mentee index
	mentor []uint64 // per mentor index
	// points[x][y] for mentee option x and mentor option y (indices).
	points [][]int64
}

// QuestionCriterion is the criterion of a question in reasons: its label
// in the reader's language.
func questionCriterion(q question.Question) Criterion {
	return Criterion("question." + strconv.FormatInt(q.ID, 10))
}

func (s *Scorer) prepareQuestions(rules []question.Rule) {
	for _, r := range rules {
		q := r.Question
		if len(q.Options) > 64 || q.MatchWeight <= 0 {
			continue
		}
		idx := map[int64]int{}
		for k, o := range q.Options {
			idx[o.ID] = k
		}
		bitsOf := func(p int64) uint64 {
			var b uint64
			for _, id := range r.Answers[p] {
				if k, ok := idx[id]; ok {
					b |= 1 << k
				}
			}
			return b
		}
		qr := qrule{rule: r, w: int64(q.MatchWeight), must: q.MatchWeight >= MustMatch,
			mentee: make([]uint64, len(s.mentees)), mentor: make([]uint64, len(s.mentors))}
		for i, p := range s.mentees {
			qr.mentee[i] = bitsOf(p.ID)
		}
		for j, p := range s.mentors {
			qr.mentor[j] = bitsOf(p.ID)
		}
		if q.MatchMode == question.MatchTable {
			qr.points = make([][]int64, len(q.Options))
			for x, a := range q.Options {
				qr.points[x] = make([]int64, len(q.Options))
				for y, b := range q.Options {
					qr.points[x][y] = int64(q.Points[[2]int64{a.ID, b.ID}])
				}
			}
		}
		s.qs = append(s.qs, qr)
		s.max += qr.w * full
		s.anyMust = s.anyMust || qr.must
	}
}

// qPoints is what the pair scores on question criterion k (0..100), and
// whether it can be judged (both answered).
func (s *Scorer) qPoints(k, i, j int) (int64, bool) {
	qr := &s.qs[k]
	a, b := qr.mentee[i], qr.mentor[j]
	if a == 0 || b == 0 {
		return 0, false
	}
	switch qr.rule.Question.MatchMode {
	case question.MatchSame:
		return full * nz(a&b), true
	case question.MatchDifferent:
		return full * (1 - nz(a&b)), true
	}
	var best int64
	for x := range qr.points {
		if a&(1<<x) == 0 {
			continue
		}
		for y, p := range qr.points[x] {
			if b&(1<<y) != 0 {
				best = max(best, p)
			}
		}
	}
	return best, true
}

// questionScore adds the question criteria to a pair's score; ok is false
// when a must-match question rules the pair out.
func (s *Scorer) questionScore(i, j int) (total int64, ok bool) {
	for k := range s.qs {
		p, judged := s.qPoints(k, i, j)
		if s.qs[k].must && judged && p == 0 {
			return 0, false
		}
		total += s.qs[k].w * p
	}
	return total, true
}

// failsQuestionMust returns the first must-match question the pair answered
// differently on, or -1.
func (s *Scorer) failsQuestionMust(i, j int) int {
	for k := range s.qs {
		if p, judged := s.qPoints(k, i, j); s.qs[k].must && judged && p == 0 {
			return k
		}
	}
	return -1
}

// answerList renders chosen options (a bitset) by their labels in the
// reader's language.
type answerList struct {
	q    question.Question
	bits uint64
}

func (a answerList) Localize(l *i18n.Locale) string {
	var ids []string
	for k, o := range a.q.Options {
		if a.bits&(1<<k) != 0 {
			ids = append(ids, strconv.FormatInt(o.ID, 10))
		}
	}
	return a.q.Display(strings.Join(ids, ","), l.Lang())
}

// questionReasons explains the question criteria for a pair, and the
// must-match questions it breaks (rules).
func (s *Scorer) questionReasons(i, j int) (reasons, rules []Reason) {
	for k := range s.qs {
		qr := &s.qs[k]
		p, judged := s.qPoints(k, i, j)
		if !judged {
			continue
		}
		q := qr.rule.Question
		crit := questionCriterion(q)
		mentee, mentor := answerList{q, qr.mentee[i]}, answerList{q, qr.mentor[j]}
		args := []any{"question", q.Name(), "mentee", mentee, "mentor", mentor, "answer", answerList{q, qr.mentee[i] & qr.mentor[j]}}
		if qr.must && p == 0 {
			rules = append(rules, Reason{Key: "score.rule.must", Args: []any{"criterion", q.Name()}, Criterion: crit, Rule: true})
		}
		r := Reason{Criterion: crit, Points: qr.w * p, Args: args}
		switch {
		case q.MatchMode == question.MatchSame && p > 0:
			r.Key = "question.why.same"
		case q.MatchMode == question.MatchSame:
			r.Key = "question.miss.same"
		case q.MatchMode == question.MatchDifferent && p > 0:
			r.Key = "question.why.different"
		case q.MatchMode == question.MatchDifferent:
			r.Key = "question.miss.different"
		case p > 0:
			r.Key = "question.why.table"
		default:
			r.Key = "question.miss.table"
		}
		reasons = append(reasons, r)
	}
	return reasons, rules
}
