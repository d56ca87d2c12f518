package assign

import (
	"math"
	"sync"
	"sync/atomic"
)

// Row (mentee) states besides a mentor index.
const (
	unmatched = -1 // on the mentee's private "no mentor" option
	free      = -2 // not (or no longer) placed by the solver
)

// infK marks an unreachable lexicographic distance.
const infK = math.MaxInt

var inf = math.Inf(1)

// lexLess orders the lexicographic pairs (ak, ac) and (bk, bc): integer
// part first. The integer part carries cardinality in MaxCardinality mode
// and is 0 in penalty mode, so one code path serves both objectives and
// no big-M constant ever mixes cardinality into the float part.
func lexLess(ak int, ac float64, bk int, bc float64) bool {
	return ak < bk || ak == bk && ac < bc
}

// state is an assignment of mentees to mentor places plus the mentor
// potentials v (minimisation form, v <= 0, v < 0 only for full mentors).
// Mentee potentials are not stored: a placed mentee's potential is
// determined by complementary slackness (see u), which keeps the pair it
// sits on exactly tight whatever rounding the potentials have seen.
type state struct {
	*instance
	start []int32 // occ[start[j] : start[j]+cnt[j]] are mentor j's mentees
	cnt   []int32
	occ   []int32
	pos   []int32 // index of mentee i in occ
	x     []int32 // mentor of mentee i, or unmatched, or free
	xs    []float64
	vK    []int
	vC    []float64
}

func newState(in *instance) *state {
	s := &state{
		instance: in,
		start:    make([]int32, in.m+1),
		cnt:      make([]int32, in.m),
		pos:      make([]int32, in.n),
		x:        make([]int32, in.n),
		xs:       make([]float64, in.n),
		vK:       make([]int, in.m),
		vC:       make([]float64, in.m),
	}
	total := int32(0)
	for j, c := range in.cap {
		s.start[j] = total
		total += c
	}
	s.start[in.m] = total
	s.occ = make([]int32, total)
	for i := range s.x {
		s.x[i] = free
	}
	return s
}

func (s *state) room(j int32) bool { return s.cnt[j] < s.cap[j] }

func (s *state) occupants(j int32) []int32 {
	return s.occ[s.start[j] : s.start[j]+s.cnt[j]]
}

// put places a mentee that is not on a mentor onto j, which must have room.
func (s *state) put(i, j int32, score float64) {
	p := s.start[j] + s.cnt[j]
	s.occ[p] = i
	s.pos[i] = p
	s.cnt[j]++
	s.x[i] = j
	s.xs[i] = score
}

// take removes mentee i from its mentor and marks it free.
func (s *state) take(i int32) {
	j := s.x[i]
	last := s.start[j] + s.cnt[j] - 1
	k := s.occ[last]
	s.occ[s.pos[i]] = k
	s.pos[k] = s.pos[i]
	s.cnt[j]--
	s.x[i] = free
}

// move puts mentee i on mentor j (which must have room), leaving its
// current mentor if any.
func (s *state) move(i, j int32, score float64) {
	if s.x[i] >= 0 {
		s.take(i)
	}
	s.put(i, j, score)
}

// u is mentee i's potential in minimisation form: the reduced cost of its
// own pair (or of its unmatched option) is zero by construction.
func (s *state) u(i int32) (int, float64) {
	if j := s.x[i]; j >= 0 {
		return -s.kap - s.vK[j], -s.xs[i] - s.vC[j]
	}
	return 0, s.pen
}

// hole reports whether mentor j has room but a nonzero potential, which
// complementary slackness forbids.
func (s *state) hole(j int32) bool {
	return s.room(j) && lexLess(s.vK[j], s.vC[j], 0, 0)
}

// greedyPick is the rectangular-safe part of Jonker–Volgenant's row
// reduction. With all mentor potentials still zero, a mentee may take its
// cheapest option outright: a best mentor with room, or its unmatched
// option when nothing beats it. Both leave every reduced cost >= 0 and
// every potential of a mentor with room at zero, which is exactly the
// invariant the augmentation phase needs. Among equal best mentors one
// with room is preferred. It returns false if the mentee must wait for an
// augmenting path.
func (s *state) greedyPick(i int32, bestJ int32, bestC float64) bool {
	pairBetter := bestJ >= 0 && lexLess(-s.kap, bestC, 0, s.pen)
	switch {
	case pairBetter && s.room(bestJ):
		s.put(i, bestJ, -bestC)
	case !pairBetter:
		s.x[i] = unmatched
	default:
		return false
	}
	return true
}

// solution converts the state to the public, maximisation-form Solution.
func (s *state) solution() Solution {
	sol := Solution{
		MentorOf: make([]int, s.n),
		U:        make([]float64, s.n),
		V:        make([]float64, s.m),
	}
	if s.kap != 0 {
		sol.UCard = make([]int, s.n)
		sol.VCard = make([]int, s.m)
	}
	for i := range s.n {
		j := s.x[i]
		sol.MentorOf[i] = int(j)
		if j >= 0 {
			sol.Matched++
			sol.Total += s.xs[i]
		}
		k, c := s.u(int32(i))
		sol.U[i] = 0 - c // 0 - x turns -0 into +0
		if sol.UCard != nil {
			sol.UCard[i] = -k
		}
	}
	for j := range s.m {
		sol.V[j] = 0 - s.vC[j]
		if sol.VCard != nil {
			sol.VCard[j] = -s.vK[j]
		}
	}
	return sol
}

// forChunks runs fn over [0, n) in chunks of rows from up to workers
// goroutines. fn must write only to per-row or per-worker storage. A panic
// in fn (for instance in Score) is re-raised in the caller's goroutine.
func forChunks(n, workers, chunk int, fn func(worker, lo, hi int)) {
	if workers > (n+chunk-1)/chunk {
		workers = (n + chunk - 1) / chunk
	}
	if workers <= 1 {
		fn(0, 0, n)
		return
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		panicMu  sync.Mutex
		panicVal any
		panicked bool
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					panicMu.Lock()
					if !panicked {
						panicked, panicVal = true, r
					}
					panicMu.Unlock()
					next.Store(int64(n)) // stop the others early
				}
			}()
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(w, lo, min(lo+chunk, n))
			}
		}()
	}
	wg.Wait()
	if panicked {
		panic(panicVal)
	}
}
