package assign

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// table is a test instance with an explicit score matrix.
type table struct {
	n, m int
	cap  []int
	s    [][]float64
	ok   [][]bool
}

func (t *table) problem(lex bool, pen float64, method Method, k int) Problem {
	return Problem{
		Mentees:             t.n,
		Mentors:             t.m,
		Capacity:            t.cap,
		Score:               func(i, j int) (float64, bool) { return t.s[i][j], t.ok[i][j] },
		MaxCardinality:      lex,
		UnmatchedPenalty:    pen,
		Method:              method,
		CandidatesPerMentee: k,
	}
}

func (t *table) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d×%d cap=%v\n", t.n, t.m, t.cap)
	for i := range t.n {
		for j := range t.m {
			if t.ok[i][j] {
				fmt.Fprintf(&b, "%6g ", t.s[i][j])
			} else {
				b.WriteString("     - ")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func randomTable(r *rand.Rand, maxN, maxM int) *table {
	t := &table{n: r.IntN(maxN + 1), m: r.IntN(maxM + 1)}
	if r.IntN(3) > 0 {
		t.cap = make([]int, t.m)
		for j := range t.cap {
			t.cap[j] = []int{0, 1, 1, 2, 2, 3}[r.IntN(6)]
		}
	}
	forbid := []float64{0, 0.1, 0.3, 0.6}[r.IntN(4)]
	ints := r.IntN(3) > 0 // small integers: lots of ties
	t.s = make([][]float64, t.n)
	t.ok = make([][]bool, t.n)
	for i := range t.n {
		t.s[i] = make([]float64, t.m)
		t.ok[i] = make([]bool, t.m)
		for j := range t.m {
			t.ok[i][j] = r.Float64() >= forbid
			if ints {
				t.s[i][j] = float64(r.IntN(9) - 3)
			} else {
				t.s[i][j] = math.Round((r.Float64()*20-5)*1000) / 1000
			}
		}
	}
	return t
}

// brute returns the optimum by exhaustive search over every assignment,
// memoised on (mentee, remaining capacities): for each mentee in turn,
// every mentor with room, or nobody. In lexicographic mode the value is
// (matched, total); otherwise card is 0 and val is total - pen*unmatched.
func brute(t *table, lex bool, pen float64) (card int, val float64) {
	caps := make([]int, t.m)
	for j := range caps {
		caps[j] = 1
		if t.cap != nil {
			caps[j] = t.cap[j]
		}
	}
	radix := make([]int, t.m+1)
	radix[0] = 1
	for j := range t.m {
		radix[j+1] = radix[j] * (caps[j] + 1)
	}
	type res struct {
		card int
		val  float64
		set  bool
	}
	memo := make([]res, (t.n+1)*radix[t.m])
	var rec func(i, code int) (int, float64)
	rec = func(i, code int) (int, float64) {
		if i == t.n {
			return 0, 0
		}
		if r := memo[i*radix[t.m]+code]; r.set {
			return r.card, r.val
		}
		bc, bv := rec(i+1, code)
		if !lex {
			bv -= pen
		}
		for j := range t.m {
			used := code / radix[j] % (caps[j] + 1)
			if !t.ok[i][j] || used == caps[j] {
				continue
			}
			c, v := rec(i+1, code+radix[j])
			v += t.s[i][j]
			if lex {
				c++
			}
			if c > bc || c == bc && v > bv {
				bc, bv = c, v
			}
		}
		memo[i*radix[t.m]+code] = res{bc, bv, true}
		return bc, bv
	}
	return rec(0, 0)
}

func mustSolve(t *testing.T, p Problem) Solution {
	t.Helper()
	s, err := Solve(p)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	if err := Verify(p, s); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return s
}

func TestAgainstBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	const instances = 5000
	for it := range instances {
		tb := randomTable(r, 8, 8)
		lex := it%2 == 0
		pen := []float64{0, 1, 2.5, -1, 100}[r.IntN(5)]
		wantCard, wantVal := brute(tb, lex, pen)
		for _, method := range []Method{Dense, Sparse} {
			k := 0
			if method == Sparse {
				k = 1 + r.IntN(2) // tiny K: pricing must do the work
			}
			p := tb.problem(lex, pen, method, k)
			s, err := Solve(p)
			if err != nil {
				t.Fatalf("instance %d %v: %v\n%v", it, method, err, tb)
			}
			if err := Verify(p, s); err != nil {
				t.Fatalf("instance %d %v lex=%v pen=%v: %v\n%v", it, method, lex, pen, err, tb)
			}
			gotCard, gotVal := 0, s.Total-pen*float64(tb.n-s.Matched)
			if lex {
				gotCard, gotVal = s.Matched, s.Total
			}
			if gotCard != wantCard || math.Abs(gotVal-wantVal) > 1e-9 {
				t.Fatalf("instance %d %v lex=%v pen=%v: got (%d, %v), brute force (%d, %v)\n%vMentorOf=%v",
					it, method, lex, pen, gotCard, gotVal, wantCard, wantVal, tb, s.MentorOf)
			}
		}
	}
}

// A newcomer must be able to push an earlier mentee out: lexicographic
// mode keeps both matched, penalty mode keeps only the better pair.
func TestDisplacement(t *testing.T) {
	t.Parallel()
	tb := &table{n: 2, m: 2,
		s:  [][]float64{{10, 1}, {8, 0}},
		ok: [][]bool{{true, true}, {true, false}},
	}
	for _, method := range []Method{Dense, Sparse} {
		// Mentee 1 can only have mentor 0, so mentee 0 must give it up.
		s := mustSolve(t, tb.problem(true, 0, method, 1))
		if s.Matched != 2 || s.Total != 9 || s.MentorOf[0] != 1 || s.MentorOf[1] != 0 {
			t.Errorf("%v lexicographic: got %+v", method, s)
		}
		// With penalty 0, (0→0) alone scores 10 > 8+1.
		s = mustSolve(t, tb.problem(false, 0, method, 1))
		if s.Total != 10 || s.Matched != 1 || s.MentorOf[0] != 0 {
			t.Errorf("%v penalty 0: got %+v", method, s)
		}
		// With penalty 5, leaving mentee 1 out costs 5: 8+1 > 10-5.
		s = mustSolve(t, tb.problem(false, 5, method, 1))
		if s.Total != 9 || s.Matched != 2 {
			t.Errorf("%v penalty 5: got %+v", method, s)
		}
	}
}

// With big scores and small differences, a big-M encoding of the
// lexicographic objective would lose the differences; the pair encoding
// must not.
func TestLexicographicNoBigMRounding(t *testing.T) {
	t.Parallel()
	const big = 1e15
	tb := &table{n: 3, m: 2,
		s:  [][]float64{{big, big + 0.25}, {big, big}, {-big, -big}},
		ok: [][]bool{{true, true}, {true, true}, {true, true}},
	}
	for _, method := range []Method{Dense, Sparse} {
		s := mustSolve(t, tb.problem(true, 0, method, 1))
		if s.Matched != 2 || s.Total != 2*big+0.25 {
			t.Errorf("%v: got matched %d total %v, want 2, %v", method, s.Matched, s.Total, 2*big+0.25)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	never := func(i, j int) (float64, bool) { return 0, false }
	cases := []struct {
		name    string
		p       Problem
		matched int
	}{
		{"empty", Problem{}, 0},
		{"no mentors", Problem{Mentees: 3, Score: never}, 0},
		{"no mentees", Problem{Mentors: 3, Score: never}, 0},
		{"all forbidden", Problem{Mentees: 3, Mentors: 2, Score: never, MaxCardinality: true}, 0},
		{"zero capacity", Problem{Mentees: 3, Mentors: 2, Capacity: []int{0, 0},
			Score: func(i, j int) (float64, bool) { return 1, true }, MaxCardinality: true}, 0},
		{"huge capacity", Problem{Mentees: 3, Mentors: 1, Capacity: []int{1 << 40},
			Score: func(i, j int) (float64, bool) { return 1, true }, MaxCardinality: true}, 3},
		{"negative scores, penalty", Problem{Mentees: 3, Mentors: 3, UnmatchedPenalty: 1,
			Score: func(i, j int) (float64, bool) { return -2, true }}, 0},
		{"negative scores, lexicographic", Problem{Mentees: 3, Mentors: 3, MaxCardinality: true,
			Score: func(i, j int) (float64, bool) { return -2, true }}, 3},
	}
	for _, c := range cases {
		for _, method := range []Method{Dense, Sparse} {
			c.p.Method = method
			s := mustSolve(t, c.p)
			if s.Matched != c.matched {
				t.Errorf("%s %v: matched %d, want %d", c.name, method, s.Matched, c.matched)
			}
		}
	}
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	one := func(i, j int) (float64, bool) { return 1, true }
	bad := []struct {
		name string
		p    Problem
		want string
	}{
		{"nan score", Problem{Mentees: 2, Mentors: 2, Score: func(i, j int) (float64, bool) {
			if i == 1 && j == 0 {
				return math.NaN(), true
			}
			return 1, true
		}}, "mentee 1 and mentor 0 is NaN"},
		{"inf score", Problem{Mentees: 2, Mentors: 2, Score: func(i, j int) (float64, bool) {
			return math.Inf(-1), true
		}}, "mentee 0 and mentor 0 is -Inf"},
		{"nan penalty", Problem{Mentees: 1, Mentors: 1, Score: one, UnmatchedPenalty: math.NaN()}, "penalty"},
		{"capacity length", Problem{Mentees: 1, Mentors: 2, Capacity: []int{1}, Score: one}, "capacities"},
		{"negative capacity", Problem{Mentees: 1, Mentors: 1, Capacity: []int{-1}, Score: one}, "negative capacity"},
		{"nil score", Problem{Mentees: 1, Mentors: 1}, "nil Score"},
		{"negative size", Problem{Mentees: -1, Score: one}, "negative"},
		{"method", Problem{Method: 7}, "unknown method"},
	}
	for _, c := range bad {
		for _, method := range []Method{Dense, Sparse} {
			if c.p.Method == Auto {
				c.p.Method = method
			}
			_, err := Solve(c.p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %v: error %v, want it to mention %q", c.name, method, err, c.want)
			}
		}
	}
	// A NaN that only pricing would meet (it is not a top candidate
	// score... it is never any candidate) must still be caught.
	p := Problem{Mentees: 50, Mentors: 50, Method: Sparse, CandidatesPerMentee: 1,
		Score: func(i, j int) (float64, bool) {
			if i == 49 && j == 49 {
				return math.NaN(), true
			}
			return float64((i * j) % 7), true
		}}
	if _, err := Solve(p); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN in sparse problem: error %v", err)
	}
}

// Verify must be able to fail: break a correct solution in different
// ways and expect each to be rejected.
func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	tb := &table{n: 6, m: 4, cap: []int{2, 1, 1, 2}}
	for i := range tb.n {
		tb.s = append(tb.s, make([]float64, tb.m))
		tb.ok = append(tb.ok, make([]bool, tb.m))
		for j := range tb.m {
			tb.s[i][j] = float64(r.IntN(1000))
			tb.ok[i][j] = true
		}
	}
	tb.ok[5][3] = false
	for _, lex := range []bool{true, false} {
		p := tb.problem(lex, 3, Dense, 0)
		good := mustSolve(t, p)
		clone := func() Solution {
			s := good
			s.MentorOf = append([]int(nil), good.MentorOf...)
			s.U = append([]float64(nil), good.U...)
			s.V = append([]float64(nil), good.V...)
			if lex {
				s.UCard = append([]int(nil), good.UCard...)
				s.VCard = append([]int(nil), good.VCard...)
			}
			return s
		}
		breakers := map[string]func(s *Solution){
			"lowered dual":   func(s *Solution) { s.U[0] -= 50 },
			"raised dual":    func(s *Solution) { s.U[1] += 50 },
			"negative V":     func(s *Solution) { s.V[0] -= 1e6; s.U[0] += 1e6; s.U[1] += 1e6 },
			"wrong total":    func(s *Solution) { s.Total++ },
			"wrong matched":  func(s *Solution) { s.Matched-- },
			"short":          func(s *Solution) { s.MentorOf = s.MentorOf[1:] },
			"out of range":   func(s *Solution) { s.MentorOf[0] = 9 },
			"over capacity":  func(s *Solution) { s.MentorOf[0], s.MentorOf[1], s.MentorOf[2] = 1, 1, 1 },
			"forbidden pair": func(s *Solution) { s.MentorOf[5] = 3 },
			"swapped mentors": func(s *Solution) {
				// Swap two mentees on different mentors: same totals are
				// possible, but then the tight pairs no longer are tight.
				for a := range s.MentorOf {
					for b := range s.MentorOf {
						ja, jb := s.MentorOf[a], s.MentorOf[b]
						if ja >= 0 && jb >= 0 && ja != jb && tb.ok[a][jb] && tb.ok[b][ja] &&
							tb.s[a][ja]+tb.s[b][jb] != tb.s[a][jb]+tb.s[b][ja] {
							s.MentorOf[a], s.MentorOf[b] = jb, ja
							s.Total += tb.s[a][jb] + tb.s[b][ja] - tb.s[a][ja] - tb.s[b][jb]
							return
						}
					}
				}
				panic("no swap")
			},
			"unmatched one": func(s *Solution) {
				for i, j := range s.MentorOf {
					if j >= 0 {
						s.MentorOf[i] = -1
						s.Matched--
						s.Total -= tb.s[i][j]
						return
					}
				}
			},
		}
		for name, br := range breakers {
			s := clone()
			br(&s)
			if err := Verify(p, s); err == nil {
				t.Errorf("lex=%v %s: Verify accepted a broken solution", lex, name)
			}
		}
	}
}

// structured builds an n×m cap-2 instance whose scores look like matching
// scores; adversarial makes every mentee prefer the same mentors and every
// mentor prefer the same mentees, so the top-K graph is far from enough.
func structured(seed uint64, n, m int, adversarial bool) *table {
	r := rand.New(rand.NewPCG(seed, 99))
	t := &table{n: n, m: m, cap: make([]int, m), s: make([][]float64, n), ok: make([][]bool, n)}
	for j := range t.cap {
		t.cap[j] = 2
	}
	fa := make([]uint64, n)
	fb := make([]uint64, m)
	for i := range fa {
		fa[i] = r.Uint64()
	}
	for j := range fb {
		fb[j] = r.Uint64()
	}
	for i := range n {
		t.s[i] = make([]float64, m)
		t.ok[i] = make([]bool, m)
		for j := range m {
			x := fa[i] ^ fb[j]
			sc := float64(64 - popcount(x))
			if adversarial {
				sc = float64(m-j)*3 + float64(n-i) + float64(x%3)
			}
			t.s[i][j] = sc
			t.ok[i][j] = r.IntN(20) != 0
		}
	}
	return t
}

func popcount(x uint64) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

func TestSparseMatchesDense(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		adversarial := seed%2 == 1
		n, m := 300, 150
		if seed >= 4 {
			n, m = 200, 150 // more places than mentees
		}
		tb := structured(seed, n, m, adversarial)
		for _, lex := range []bool{true, false} {
			dense := mustSolve(t, tb.problem(lex, 20, Dense, 0))
			for _, k := range []int{0, 1, 3} {
				sparse := mustSolve(t, tb.problem(lex, 20, Sparse, k))
				if sparse.Matched != dense.Matched || math.Abs(sparse.Total-dense.Total) > 1e-9 {
					t.Errorf("seed %d lex=%v k=%d: sparse (%d, %v), dense (%d, %v)",
						seed, lex, k, sparse.Matched, sparse.Total, dense.Matched, dense.Total)
				}
				if adversarial && sparse.Stats.Added == 0 {
					t.Errorf("seed %d lex=%v k=%d: adversarial instance needed no pricing", seed, lex, k)
				}
				if sparse.Stats.PricingPasses == 0 || sparse.Stats.FullPasses != 1 {
					t.Errorf("seed %d: stats %+v", seed, sparse.Stats)
				}
			}
		}
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	tb := structured(3, 400, 200, false)
	for i := range tb.n { // heavy ties
		for j := range tb.m {
			tb.s[i][j] = math.Floor(tb.s[i][j] / 8)
		}
	}
	for _, method := range []Method{Dense, Sparse} {
		var first Solution
		for run, workers := range []int{1, 2, 3, 8, 1, 8} {
			p := tb.problem(true, 0, method, 2)
			p.Workers = workers
			s := mustSolve(t, p)
			if run == 0 {
				first = s
				continue
			}
			if !reflect.DeepEqual(s, first) {
				t.Fatalf("%v: run %d with %d workers differs", method, run, workers)
			}
		}
	}
}

func TestAutoPicksBySize(t *testing.T) {
	t.Parallel()
	small := structured(1, 50, 20, false)
	s := mustSolve(t, small.problem(true, 0, Auto, 0))
	if s.Stats.Method != Dense {
		t.Errorf("small problem solved by %v", s.Stats.Method)
	}
	big := Problem{Mentees: 2000, Mentors: 1000, MaxCardinality: true,
		Score: func(i, j int) (float64, bool) { return float64((i*31 + j*17) % 101), (i+j)%19 != 0 }}
	s = mustSolve(t, big)
	if s.Stats.Method != Sparse || s.Matched != 1000 {
		t.Errorf("big problem: method %v, matched %d", s.Stats.Method, s.Matched)
	}
}

// Many random mid-size instances with tiny K, so that most solutions need
// several pricing passes, holes and the shifted re-pricing: the sparse
// optimum must equal the dense one and carry a valid certificate.
func TestSparseRandomMedium(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 3))
	maxPasses := 0
	for it := range 300 {
		tb := randomTable(r, 60, 40)
		lex := it%2 == 0
		pen := []float64{0, 2, 5}[r.IntN(3)]
		dense := mustSolve(t, tb.problem(lex, pen, Dense, 0))
		p := tb.problem(lex, pen, Sparse, 1+r.IntN(3))
		p.Workers = 1 + r.IntN(3)
		sparse := mustSolve(t, p)
		objective := func(s Solution) (int, float64) {
			if lex {
				return s.Matched, s.Total
			}
			return 0, s.Total - pen*float64(tb.n-s.Matched)
		}
		sk, sv := objective(sparse)
		dk, dv := objective(dense)
		if sk != dk || math.Abs(sv-dv) > 1e-9 {
			t.Fatalf("instance %d lex=%v: sparse (%d, %v), dense (%d, %v)\n%v",
				it, lex, sparse.Matched, sparse.Total, dense.Matched, dense.Total, tb)
		}
		maxPasses = max(maxPasses, sparse.Stats.PricingPasses)
	}
	if maxPasses < 3 {
		t.Errorf("at most %d pricing passes: the incremental re-pricing went untested", maxPasses)
	}
}

// A panic in Score, on whichever goroutine, reaches the caller.
func TestScorePanicPropagates(t *testing.T) {
	t.Parallel()
	for _, method := range []Method{Dense, Sparse} {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("%v: recovered %v, want boom", method, r)
				}
			}()
			Solve(Problem{Mentees: 200, Mentors: 10, Method: method, Workers: 2,
				Score: func(i, j int) (float64, bool) {
					if i == 150 {
						panic("boom")
					}
					return 1, true
				}})
		}()
	}
}
