package assign

import (
	"fmt"
	"math"
)

// verifySlack loosens the solver's tolerance so that Verify never rejects
// what the solver accepted merely because of rounding.
const verifySlack = 10

// Verify checks that s is an optimal solution of p without trusting the
// solver: it checks the assignment is feasible and that s's duals form an
// LP certificate (dual feasibility for every allowed pair and
// complementary slackness), which by weak duality proves no assignment
// does better. See the package documentation for the LP. It calls
// p.Score for every pair, so it costs about as much as one pricing pass.
// Float comparisons allow a relative error of 1e-8 of the largest score
// magnitude.
func Verify(p Problem, s Solution) error {
	in, err := newInstance(p)
	if err != nil {
		return err
	}
	n, m := in.n, in.m
	if len(s.MentorOf) != n {
		return fmt.Errorf("assign: solution has %d mentees, problem %d", len(s.MentorOf), n)
	}
	if len(s.U) != n || len(s.V) != m {
		return fmt.Errorf("assign: certificate has %d+%d potentials, want %d+%d", len(s.U), len(s.V), n, m)
	}
	lex := p.MaxCardinality
	if lex && (len(s.UCard) != n || len(s.VCard) != m) {
		return fmt.Errorf("assign: lexicographic certificate needs %d+%d cardinality potentials, has %d+%d",
			n, m, len(s.UCard), len(s.VCard))
	}
	if !lex && (s.UCard != nil || s.VCard != nil) {
		return fmt.Errorf("assign: penalty-mode certificate has cardinality potentials")
	}
	card := func(a []int, i int) int {
		if a == nil {
			return 0
		}
		return a[i]
	}
	for _, x := range [][]float64{s.U, s.V} {
		for _, v := range x {
			if !finite(v) {
				return fmt.Errorf("assign: certificate potential %v is not finite", v)
			}
		}
	}

	// Primal feasibility.
	cnt := make([]int32, m)
	total, matched := 0.0, 0
	for i, j := range s.MentorOf {
		if j == -1 {
			continue
		}
		if j < -1 || j >= m {
			return fmt.Errorf("assign: mentee %d has mentor %d, out of range", i, j)
		}
		if in.cap[j] == 0 {
			return fmt.Errorf("assign: mentee %d has mentor %d, who has no capacity", i, j)
		}
		sc, ok := p.Score(i, j)
		if !ok {
			return fmt.Errorf("assign: mentee %d has mentor %d, a forbidden pair", i, j)
		}
		if !finite(sc) {
			return &scoreError{i, j, sc}
		}
		total += sc
		matched++
		cnt[j]++
	}
	for j := range m {
		if cnt[j] > in.cap[j] {
			return fmt.Errorf("assign: mentor %d has %d mentees, capacity %d", j, cnt[j], in.cap[j])
		}
	}
	if matched != s.Matched {
		return fmt.Errorf("assign: solution says %d matched, MentorOf has %d", s.Matched, matched)
	}

	// Dual feasibility for every allowed pair: U_i + V_j >= (kap, score),
	// recording the worst slack, since the tolerance depends on the
	// largest score, which is only known after seeing all of them.
	type perWorker struct {
		maxAbs      float64
		worstK      int
		worstC      float64
		worstI      int
		worstJ      int
		err         *scoreError
		initialised bool
	}
	ws := make([]perWorker, in.workers)
	forChunks(n, in.workers, 16, func(w, lo, hi int) {
		pw := &ws[w]
		for i := lo; i < hi; i++ {
			for j := range m {
				if in.cap[j] == 0 {
					continue
				}
				sc, ok := p.Score(i, j)
				if !ok {
					continue
				}
				if !finite(sc) {
					pw.err = firstError(pw.err, &scoreError{i, j, sc})
					continue
				}
				pw.maxAbs = max(pw.maxAbs, math.Abs(sc))
				k := card(s.UCard, i) + card(s.VCard, j) - in.kap
				c := s.U[i] + s.V[j] - sc
				if !pw.initialised || lexLess(k, c, pw.worstK, pw.worstC) {
					pw.worstK, pw.worstC, pw.worstI, pw.worstJ, pw.initialised = k, c, i, j, true
				}
			}
		}
	})
	maxAbs := math.Abs(in.pen)
	var first *scoreError
	for _, pw := range ws {
		first = firstError(first, pw.err)
		maxAbs = max(maxAbs, pw.maxAbs)
	}
	if first != nil {
		return first
	}
	tol := verifySlack * tolerance(maxAbs)
	var worst *perWorker
	for w := range ws {
		pw := &ws[w]
		if pw.initialised && (worst == nil || lexLess(pw.worstK, pw.worstC, worst.worstK, worst.worstC) ||
			pw.worstK == worst.worstK && pw.worstC == worst.worstC && pw.worstI < worst.worstI) {
			worst = pw
		}
	}
	if worst != nil && lexLess(worst.worstK, worst.worstC, 0, -tol) {
		return fmt.Errorf("assign: dual infeasible at mentee %d, mentor %d: U+V-score = (%d, %g)",
			worst.worstI, worst.worstJ, worst.worstK, worst.worstC)
	}
	if math.Abs(total-s.Total) > tol*float64(max(n, 1)) {
		return fmt.Errorf("assign: solution total %v, pairs sum to %v", s.Total, total)
	}

	// Dual sign constraints and complementary slackness.
	for j := range m {
		k, c := card(s.VCard, j), s.V[j]
		if lexLess(k, c, 0, -tol) {
			return fmt.Errorf("assign: mentor %d has negative potential (%d, %g)", j, k, c)
		}
		if lexLess(0, tol, k, c) && cnt[j] < in.cap[j] {
			return fmt.Errorf("assign: mentor %d has positive potential (%d, %g) but a free place", j, k, c)
		}
	}
	for i, j := range s.MentorOf {
		k, c := card(s.UCard, i), s.U[i]+in.pen
		if lexLess(k, c, 0, -tol) {
			return fmt.Errorf("assign: mentee %d potential (%d, %g) is below the unmatched value", i, card(s.UCard, i), s.U[i])
		}
		if j < 0 {
			if k != 0 || math.Abs(c) > tol {
				return fmt.Errorf("assign: unmatched mentee %d has potential (%d, %g) above the unmatched value", i, card(s.UCard, i), s.U[i])
			}
			continue
		}
		sc, _ := p.Score(i, j)
		k = card(s.UCard, i) + card(s.VCard, j) - in.kap
		c = s.U[i] + s.V[j] - sc
		if k != 0 || math.Abs(c) > tol {
			return fmt.Errorf("assign: pair (%d, %d) is not tight: U+V-score = (%d, %g)", i, j, k, c)
		}
	}
	return nil
}
