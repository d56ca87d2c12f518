package assign

import (
	"errors"
	"fmt"
	"math"
	"runtime"
)

// Method selects the algorithm Solve uses. Every method returns an optimal
// solution with a dual certificate; they differ only in time and memory.
type Method int

const (
	// Auto picks Dense for small cohorts and Sparse otherwise.
	Auto Method = iota
	// Dense materialises the full mentees × mentors score matrix.
	Dense
	// Sparse solves a top-K candidate graph and prices every pair against
	// its duals, growing the graph until no pair improves the solution.
	Sparse
)

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Dense:
		return "dense"
	case Sparse:
		return "sparse"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// denseLimit is the largest mentees×mentors product Auto solves densely.
// Up to about there both paths take the same time on the synth cohorts;
// beyond it the sparse path is faster (its searches touch O(K) pairs per
// mentee, not m, though it reads each score about 2.7 times instead of
// once) and needs O(n·K) memory instead of the dense 8·n·m bytes.
const denseLimit = 1 << 20

// Problem describes one cohort. Mentees are rows, mentors are columns.
type Problem struct {
	Mentees, Mentors int

	// Capacity holds the number of mentees each mentor accepts. nil means
	// 1 for everyone; otherwise len(Capacity) must equal Mentors and every
	// entry must be >= 0 (0 takes the mentor out of the cohort).
	Capacity []int

	// Score reports the value of pairing mentee i with mentor j (higher is
	// better; any finite value, negative included) or ok=false if the pair
	// is forbidden. It must be deterministic, since the sparse path asks
	// for a pair more than once, and safe for concurrent use unless
	// Workers is 1. A NaN or infinite score makes Solve fail.
	Score func(i, j int) (score float64, ok bool)

	// MaxCardinality selects the lexicographic objective: match as many
	// mentees as possible and, among those assignments, maximise the total
	// score. UnmatchedPenalty is then ignored.
	MaxCardinality bool

	// UnmatchedPenalty is subtracted from the objective for every mentee
	// left without a mentor when MaxCardinality is false: matching a
	// mentee is worth the pair's score plus the penalty.
	UnmatchedPenalty float64

	// CandidatesPerMentee is K for the sparse path: each mentee's K best
	// mentors (plus every mentor's best mentees) seed the candidate graph.
	// 0 picks a default. It affects speed only, never the optimum (among
	// equally good assignments it may change which one is returned).
	CandidatesPerMentee int

	// Method chooses the algorithm; the zero value is Auto.
	Method Method

	// Workers bounds the goroutines that call Score concurrently; 0 means
	// runtime.GOMAXPROCS(0). The solution does not depend on it.
	Workers int
}

// Solution is an optimal assignment together with the LP dual certificate
// that proves it optimal (see Verify and the package documentation).
type Solution struct {
	// MentorOf[i] is mentee i's mentor, or -1 if i is unmatched.
	MentorOf []int
	// Matched counts mentees with a mentor.
	Matched int
	// Total is the sum of the scores of the chosen pairs. It does not
	// include the unmatched penalty; the objective is
	// Total - UnmatchedPenalty*(Mentees-Matched) in penalty mode.
	Total float64

	// U (per mentee) and V (per mentor) are the real parts of the dual
	// solution, in maximisation form. In lexicographic mode UCard and VCard
	// hold the integer cardinality parts; they are nil in penalty mode.
	U, V         []float64
	UCard, VCard []int

	Stats Stats
}

// Stats describes how a solution was found. It is informational only.
type Stats struct {
	Method     Method // the method actually used
	ScoreCalls int64  // calls of Problem.Score
	// Sparse path only.
	Candidates    int // edges in the initial candidate graph
	Added         int // edges added by pricing
	PricingPasses int // passes that priced pairs outside the graph
	FullPasses    int // of which priced every pair
}

// instance is a validated Problem in the solver's internal minimisation
// form: a pair costs (-kap, -score) and leaving a mentee unmatched costs
// (0, pen), both lexicographic pairs.
type instance struct {
	n, m    int
	cap     []int32 // clamped to n: a mentor can never use more places
	kap     int
	pen     float64
	score   func(i, j int) (float64, bool)
	workers int
}

func newInstance(p Problem) (*instance, error) {
	if p.Mentees < 0 || p.Mentors < 0 {
		return nil, fmt.Errorf("assign: negative problem size %d×%d", p.Mentees, p.Mentors)
	}
	if p.Mentees > math.MaxInt32 || p.Mentors > math.MaxInt32 {
		return nil, fmt.Errorf("assign: problem size %d×%d too large", p.Mentees, p.Mentors)
	}
	if p.Capacity != nil && len(p.Capacity) != p.Mentors {
		return nil, fmt.Errorf("assign: %d capacities for %d mentors", len(p.Capacity), p.Mentors)
	}
	if p.Score == nil && p.Mentees > 0 && p.Mentors > 0 {
		return nil, errors.New("assign: nil Score function")
	}
	if !p.MaxCardinality && (math.IsNaN(p.UnmatchedPenalty) || math.IsInf(p.UnmatchedPenalty, 0)) {
		return nil, fmt.Errorf("assign: unmatched penalty %v is not finite", p.UnmatchedPenalty)
	}
	if p.CandidatesPerMentee < 0 {
		return nil, fmt.Errorf("assign: negative CandidatesPerMentee %d", p.CandidatesPerMentee)
	}
	if p.Method < Auto || p.Method > Sparse {
		return nil, fmt.Errorf("assign: unknown method %v", p.Method)
	}
	in := &instance{n: p.Mentees, m: p.Mentors, score: p.Score, workers: p.Workers}
	in.cap = make([]int32, p.Mentors)
	for j := range in.cap {
		c := 1
		if p.Capacity != nil {
			c = p.Capacity[j]
		}
		if c < 0 {
			return nil, fmt.Errorf("assign: mentor %d has negative capacity %d", j, c)
		}
		in.cap[j] = int32(min(c, p.Mentees))
	}
	if p.MaxCardinality {
		in.kap = 1
	} else {
		in.pen = p.UnmatchedPenalty
	}
	if in.workers <= 0 {
		in.workers = runtime.GOMAXPROCS(0)
	}
	return in, nil
}

// scoreError reports the first (in row-major order) non-finite score.
type scoreError struct {
	i, j int
	s    float64
}

func (e *scoreError) Error() string {
	return fmt.Sprintf("assign: score of mentee %d and mentor %d is %v, not a finite number", e.i, e.j, e.s)
}

// firstError keeps the row-major smallest of two score errors so that the
// reported error does not depend on which worker found its error first.
func firstError(a, b *scoreError) *scoreError {
	if a == nil {
		return b
	}
	if b == nil || a.i < b.i || a.i == b.i && a.j < b.j {
		return a
	}
	return b
}

func finite(s float64) bool { return !math.IsNaN(s) && !math.IsInf(s, 0) }

// Solve returns an optimal assignment for p. Equal inputs give equal
// outputs, whatever Workers and the scheduler do.
func Solve(p Problem) (Solution, error) {
	in, err := newInstance(p)
	if err != nil {
		return Solution{}, err
	}
	method := p.Method
	if method == Auto {
		method = Sparse
		if int64(in.n)*int64(in.m) <= denseLimit {
			method = Dense
		}
	}
	var st *state
	var stats Stats
	switch method {
	case Dense:
		st, stats, err = solveDense(in)
	default:
		st, stats, err = solveSparse(in, p.CandidatesPerMentee)
	}
	if err != nil {
		return Solution{}, err
	}
	stats.Method = method
	sol := st.solution()
	sol.Stats = stats
	return sol, nil
}
