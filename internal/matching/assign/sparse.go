package assign

import (
	"math"
	"slices"
)

// The sparse path never holds the n×m scores. It solves the problem
// restricted to a candidate graph, then prices every pair outside the
// graph against the duals of that solution. A pair with negative reduced
// cost (a "violator") could improve the solution, so it joins the graph
// and the solution is repaired from where it stands; when a pass finds no
// violator, the duals are feasible for every pair and the restricted
// optimum is the global one (LP duality, see Verify).

// sparse is the candidate graph with its solver scratch space.
type sparse struct {
	*state
	tol   float64 // pricing slack tolerance, see tolerance
	near  float64 // reduced cost up to which a priced pair joins the graph
	flatK bool    // every mentor potential has cardinality part 0

	// Candidate graph, by mentee and by mentor. Scores, not costs.
	rs []int32
	rj []int32
	rw []float64
	cs []int32
	ci []int32
	cw []float64

	// Dijkstra scratch. Entries are valid only where the stamp equals the
	// current epoch, so a search costs what it touches, not O(n+m).
	epoch  uint32
	heap   lheap
	fin    []int32 // mentors settled in this search
	seen   []uint32
	done   []uint32
	dK     []int
	dC     []float64
	pred   []int32
	predW  []float64
	rseen  []uint32
	rdone  []uint32
	rdK    []int
	rdC    []float64
	rpred  []int32
	rpredW []float64
	moves  []pathMove

	// Best end of the current reverse search.
	endK      int
	endC      float64
	endRow    int32
	endMentor int32

	// Pricing records, see price.
	aK    []int
	aC    []float64
	sK    []int
	sC    []float64
	bK    []int
	bC    []float64
	force []bool // mentee had more violators than were added: price it fully
	found [][]violator
}

type pathMove struct {
	i, j int32
	w    float64
}

// Candidate-graph sizing, tuned on the synth cohorts (see bench_test.go):
// a mentee's own top K keeps the graph close to the optimum for most
// mentees, and each mentor's best few mentees give unpopular mentors
// edges. Larger K makes the first solve slower without saving a pricing
// pass: where the top lists fall short, they fall short by far.
const (
	defaultK         = 10
	mentorCandidates = 4
	randomPerMentee  = 3
	// Priced pairs whose reduced cost is within nearFactor of the largest
	// score magnitude join the graph even if they do not violate. They
	// are the next best options of their mentee, and having them in the
	// graph gives the mentee slack: later passes need not price it again
	// unless its potential moves by more than that.
	nearFactor = 0.02
)

func solveSparse(in *instance, k int) (*state, Stats, error) {
	st := newState(in)
	var stats Stats
	if in.n == 0 || in.m == 0 {
		for i := range st.x {
			st.x[i] = unmatched
		}
		return st, stats, nil
	}
	if k == 0 {
		k = defaultK
	}
	k = min(k, in.m)
	g := &sparse{state: st}
	if err := g.candidates(k, min(mentorCandidates, in.n), &stats); err != nil {
		return nil, stats, err
	}
	stats.Candidates = len(g.rj)
	g.scratch()
	for i := range int32(in.n) {
		g.greedy(i)
	}
	for i := range int32(in.n) {
		if g.x[i] == free {
			g.augment(i)
		}
	}
	all := true
	for {
		added, err := g.price(all, k, &stats)
		if err != nil {
			return nil, stats, err
		}
		if !added {
			break
		}
		g.repair()
		all = false
	}
	return st, stats, nil
}

// tolerance is the slack below which a reduced cost counts as zero: far
// above the rounding of potentials that are sums of a few hundred score
// differences, far below any difference a person would care about. With
// integer (or other binary-exact) scores every computation is exact and
// the optimum is exact too.
func tolerance(maxAbs float64) float64 { return 1e-9 * maxAbs }

func (g *sparse) scratch() {
	n, m := g.n, g.m
	g.seen = make([]uint32, m)
	g.done = make([]uint32, m)
	g.dK = make([]int, m)
	g.dC = make([]float64, m)
	g.pred = make([]int32, m)
	g.predW = make([]float64, m)
	g.rseen = make([]uint32, n)
	g.rdone = make([]uint32, n)
	g.rdK = make([]int, n)
	g.rdC = make([]float64, n)
	g.rpred = make([]int32, n)
	g.rpredW = make([]float64, n)
	g.aK = make([]int, n)
	g.aC = make([]float64, n)
	g.sK = make([]int, n)
	g.sC = make([]float64, n)
	g.bK = make([]int, m)
	g.bC = make([]float64, m)
	g.force = make([]bool, n)
}

// cand is a scored pair in a bounded best-of list. The lists rank by
// score, then by a hash of the pair, then by index: a total order, so the
// selection does not depend on how rows are split among workers, and the
// hash spreads the many equal scores of real cohorts over all tied
// mentors instead of piling every mentee onto the lowest-numbered ones.
type cand struct {
	w  float64
	h  uint32
	id int32 // the other end of the pair
}

func pairHash(i, j int) uint32 {
	x := uint64(i)<<32 | uint64(uint32(j))
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return uint32(x)
}

func (a *cand) better(b *cand) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	if a.h != b.h {
		return a.h < b.h
	}
	return a.id < b.id
}

// offer adds c to the bounded heap h[:size] (capacity len(h)), whose root
// is the worst entry kept, and returns the new size.
func offer(h []cand, size int, c cand) int {
	if size < len(h) {
		p := size
		h[p] = c
		for p > 0 {
			q := (p - 1) / 2
			if !h[q].better(&h[p]) {
				break
			}
			h[p], h[q] = h[q], h[p]
			p = q
		}
		return size + 1
	}
	if !c.better(&h[0]) {
		return size
	}
	h[0] = c
	for p := 0; ; {
		c := 2*p + 1
		if c >= size {
			break
		}
		if c+1 < size && h[c].better(&h[c+1]) {
			c++
		}
		if !h[p].better(&h[c]) {
			break
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
	return size
}

// candidates streams over every pair once and builds the initial graph
// from each mentee's k best mentors and each mentor's kc best mentees.
func (g *sparse) candidates(k, kc int, stats *Stats) error {
	n, m, workers := g.n, g.m, g.workers
	rowC := make([]cand, n*k)
	rowN := make([]int32, n)
	type perWorker struct {
		mc         []cand    // per mentor, kc entries
		mn         []int32   // entries used per mentor
		mthr       []float64 // per mentor: scores below this cannot enter
		smin, smax float64
		err        *scoreError
		calls      int64
	}
	ws := make([]perWorker, workers)
	forChunks(n, workers, 32, func(w, lo, hi int) {
		pw := &ws[w]
		if pw.mc == nil {
			pw.mc = make([]cand, m*kc)
			pw.mn = make([]int32, m)
			pw.mthr = make([]float64, m)
			for j := range pw.mthr {
				pw.mthr[j] = math.Inf(-1)
				if g.cap[j] == 0 {
					pw.mthr[j] = inf
				}
			}
		}
		// Locals, so that the compiler need not reload them after every
		// call of score.
		mthr, calls, score := pw.mthr[:m], int64(0), g.score
		smin, smax := pw.smin, pw.smax
		for i := lo; i < hi; i++ {
			h := rowC[i*k : (i+1)*k]
			size := 0
			rthr := math.Inf(-1)
			for j := range mthr {
				if mthr[j] == inf { // no capacity
					continue
				}
				s, ok := score(i, j)
				calls++
				if !ok {
					continue
				}
				if !(s >= -math.MaxFloat64 && s <= math.MaxFloat64) { // NaN or ±Inf
					pw.err = firstError(pw.err, &scoreError{i, j, s})
					continue
				}
				if s < smin {
					smin = s
				}
				if s > smax {
					smax = s
				}
				rowIn, colIn := s >= rthr, s >= mthr[j]
				if !rowIn && !colIn {
					continue
				}
				ph := pairHash(i, j)
				if rowIn {
					if size = offer(h, size, cand{s, ph, int32(j)}); size == k {
						rthr = h[0].w
					}
				}
				if colIn {
					mh := pw.mc[j*kc : (j+1)*kc]
					if pw.mn[j] = int32(offer(mh, int(pw.mn[j]), cand{s, ph, int32(i)})); pw.mn[j] == int32(kc) {
						mthr[j] = mh[0].w
					}
				}
			}
			rowN[i] = int32(size)
		}
		pw.calls += calls
		pw.smin, pw.smax = smin, smax
	})
	var first *scoreError
	maxAbs := math.Abs(g.pen)
	for _, pw := range ws {
		first = firstError(first, pw.err)
		maxAbs = max(maxAbs, math.Abs(pw.smin), math.Abs(pw.smax))
		stats.ScoreCalls += pw.calls
	}
	if first != nil {
		return first
	}
	g.tol = tolerance(maxAbs)
	g.near = nearFactor * maxAbs

	// Each mentor's overall best kc mentees, merged across workers.
	type entry struct {
		j int32
		w float64
	}
	extra := make([][]entry, n)
	mh := make([]cand, kc)
	for j := range m {
		size := 0
		for _, pw := range ws {
			if pw.mc != nil {
				for _, c := range pw.mc[j*kc : j*kc+int(pw.mn[j])] {
					size = offer(mh, size, c)
				}
			}
		}
		for _, c := range mh[:size] {
			extra[c.id] = append(extra[c.id], entry{int32(j), c.w})
		}
	}

	// A few pseudo-random allowed mentors per mentee. Top lists crowd
	// onto popular mentors; if the graph cannot match as many mentees as
	// the full problem, the lexicographic duals of its optimum put whole
	// groups of mentees at cardinality level 0, every pair leading out of
	// such a group violates, and pricing needs many passes to undo it.
	// Random edges make the graph an expander that almost surely has a
	// maximum matching of the full size.
	if g.kap != 0 {
		for i := range n {
			got := 0
			for t := 0; t < 4*randomPerMentee && got < randomPerMentee; t++ {
				j := int(pairHash(i, -1-t) % uint32(m))
				if g.cap[j] == 0 {
					continue
				}
				s, ok := g.score(i, j)
				stats.ScoreCalls++
				if ok && finite(s) {
					extra[i] = append(extra[i], entry{int32(j), s})
					got++
				}
			}
		}
	}

	total := 0
	for i := range n {
		total += int(rowN[i]) + len(extra[i])
	}
	g.rs = make([]int32, n+1)
	g.rj = make([]int32, 0, total)
	g.rw = make([]float64, 0, total)
	type edge struct {
		j int32
		w float64
	}
	var buf []edge
	for i := range n {
		buf = buf[:0]
		for _, c := range rowC[i*k : i*k+int(rowN[i])] {
			buf = append(buf, edge{c.id, c.w})
		}
		for _, e := range extra[i] {
			buf = append(buf, edge{e.j, e.w})
		}
		slices.SortFunc(buf, func(a, b edge) int { return int(a.j) - int(b.j) })
		for t, e := range buf {
			if t == 0 || e.j != buf[t-1].j {
				g.rj = append(g.rj, e.j)
				g.rw = append(g.rw, e.w)
			}
		}
		g.rs[i+1] = int32(len(g.rj))
	}
	g.transpose()
	return nil
}

// transpose rebuilds the by-mentor view of the graph.
func (g *sparse) transpose() {
	m := g.m
	g.cs = make([]int32, m+2)
	for _, j := range g.rj {
		g.cs[j+2]++
	}
	for j := 2; j < m+2; j++ {
		g.cs[j] += g.cs[j-1]
	}
	g.ci = make([]int32, len(g.rj))
	g.cw = make([]float64, len(g.rj))
	for i := range int32(g.n) {
		for p := g.rs[i]; p < g.rs[i+1]; p++ {
			j := g.rj[p]
			q := g.cs[j+1]
			g.ci[q], g.cw[q] = i, g.rw[p]
			g.cs[j+1]++
		}
	}
	g.cs = g.cs[:m+1]
}

func (g *sparse) greedy(i int32) {
	bestJ, bestC, bestRoom := int32(-1), inf, false
	for p := g.rs[i]; p < g.rs[i+1]; p++ {
		j, c := g.rj[p], -g.rw[p]
		if c > bestC {
			continue
		}
		if c < bestC || !bestRoom && g.room(j) {
			bestJ, bestC, bestRoom = j, c, g.room(j)
		}
	}
	g.greedyPick(i, bestJ, bestC)
}

// relax offers mentor j the distance h via mentee from (pair score w).
func (g *sparse) relax(e uint32, j int32, hK int, hC float64, from int32, w float64) {
	if g.seen[j] == e && !lexLess(hK, hC, g.dK[j], g.dC[j]) {
		return
	}
	g.seen[j] = e
	g.dK[j], g.dC[j], g.pred[j], g.predW[j] = hK, hC, from, w
	tie := int32(1)
	if g.room(j) {
		tie = 0 // at equal distance, ending the path beats extending it
	}
	g.heap.push(hitem{hK, hC, tie, j})
}

// augment is denseSolver.augment on the candidate graph, with a binary
// heap in place of JV's column scan. During repair a mentor with room may
// be a hole (nonzero potential). A path may end there too: that fills the
// hole, and the potential update touches only mentors settled before the
// end, which are full, so other holes stay as they are.
func (g *sparse) augment(r int32) {
	g.epoch++
	e := g.epoch
	kap, pen := g.kap, g.pen
	g.heap = g.heap[:0]
	g.fin = g.fin[:0]
	for p := g.rs[r]; p < g.rs[r+1]; p++ {
		j := g.rj[p]
		g.relax(e, j, -kap-g.vK[j], -g.rw[p]-g.vC[j], r, g.rw[p])
	}
	exitK, exitC, exitRow := 0, pen, r
	sink := int32(-1)
	endK, endC := 0, 0.0
	for len(g.heap) > 0 {
		it := g.heap.pop()
		j := it.node
		if g.done[j] == e || it.k != g.dK[j] || it.c != g.dC[j] {
			continue // stale entry
		}
		if lexLess(exitK, exitC, it.k, it.c) {
			break
		}
		if g.room(j) {
			sink, endK, endC = j, it.k, it.c
			break
		}
		if exitK == it.k && exitC == it.c {
			break
		}
		g.done[j] = e
		g.fin = append(g.fin, j)
		for _, k := range g.occupants(j) {
			bK := it.k + kap + g.vK[j]
			bC := it.c + g.xs[k] + g.vC[j]
			if lexLess(bK, bC+pen, exitK, exitC) {
				exitK, exitC, exitRow = bK, bC+pen, k
			}
			bK -= kap
			for p := g.rs[k]; p < g.rs[k+1]; p++ {
				j2 := g.rj[p]
				if g.done[j2] != e {
					g.relax(e, j2, bK-g.vK[j2], bC-g.rw[p]-g.vC[j2], k, g.rw[p])
				}
			}
		}
	}
	if sink < 0 {
		endK, endC = exitK, exitC
	}
	for _, j := range g.fin {
		g.vK[j] -= endK - g.dK[j]
		g.vC[j] -= endC - g.dC[j]
	}
	if sink < 0 {
		if exitRow == r {
			g.x[r] = unmatched
			return
		}
		sink = g.x[exitRow]
		g.take(exitRow)
		g.x[exitRow] = unmatched
	}
	for j := sink; ; {
		k := g.pred[j]
		old := g.x[k]
		g.move(k, j, g.predW[j])
		if k == r {
			return
		}
		j = old
	}
}

// fillHole restores complementary slackness at mentor h, which has room
// but a negative potential (a mentee was taken off it). It is augment run
// backwards: a shortest alternating path from h that either ends at an
// unmatched mentee, who moves in, or at a mentor whose potential is raised
// to zero, where the hole may then stay. Mentees not placed yet (free)
// are not part of the current solution and are skipped.
func (g *sparse) fillHole(h int32) {
	g.epoch++
	e := g.epoch
	g.heap = g.heap[:0]
	g.fin = g.fin[:0]
	g.endK, g.endC, g.endRow, g.endMentor = -g.vK[h], -g.vC[h], -1, h
	g.done[h] = e
	g.dK[h], g.dC[h] = 0, 0
	g.fin = append(g.fin, h)
	g.relaxIn(e, h, 0, 0)
	for len(g.heap) > 0 {
		it := g.heap.pop()
		k := it.node
		if g.rdone[k] == e || it.k != g.rdK[k] || it.c != g.rdC[k] {
			continue
		}
		if !lexLess(it.k, it.c, g.endK, g.endC) {
			break
		}
		g.rdone[k] = e
		a := g.x[k]
		if g.done[a] == e {
			continue
		}
		// k leaves a, so a is reached at k's distance.
		g.done[a] = e
		g.dK[a], g.dC[a], g.pred[a] = it.k, it.c, k
		g.fin = append(g.fin, a)
		if tK, tC := it.k-g.vK[a], it.c-g.vC[a]; lexLess(tK, tC, g.endK, g.endC) {
			g.endK, g.endC, g.endRow, g.endMentor = tK, tC, -1, a
		}
		g.relaxIn(e, a, it.k, it.c)
	}
	for _, a := range g.fin {
		g.vK[a] += g.endK - g.dK[a]
		g.vC[a] += g.endC - g.dC[a]
		if g.vK[a] == 0 && g.vC[a] > 0 {
			g.vC[a] = 0 // rounding; the true value is <= 0
		}
	}
	g.moves = g.moves[:0]
	cur := g.endMentor
	if g.endRow >= 0 {
		k := g.endRow
		g.moves = append(g.moves, pathMove{k, g.rpred[k], g.rpredW[k]})
		cur = g.rpred[k]
	}
	for cur != h {
		k := g.pred[cur]
		g.moves = append(g.moves, pathMove{k, g.rpred[k], g.rpredW[k]})
		cur = g.rpred[k]
	}
	for t := len(g.moves) - 1; t >= 0; t-- {
		mv := g.moves[t]
		g.move(mv.i, mv.j, mv.w)
	}
}

// relaxIn offers every mentee with an edge to mentor j (reached at
// distance d) the move into j.
func (g *sparse) relaxIn(e uint32, j int32, dK int, dC float64) {
	kap := g.kap
	for p := g.cs[j]; p < g.cs[j+1]; p++ {
		k := g.ci[p]
		xk := g.x[k]
		if xk == j || xk == free || g.rdone[k] == e {
			continue
		}
		uK, uC := g.u(k)
		hK := dK - kap - uK - g.vK[j]
		hC := dC - g.cw[p] - uC - g.vC[j]
		if g.rseen[k] == e && !lexLess(hK, hC, g.rdK[k], g.rdC[k]) {
			continue
		}
		g.rseen[k] = e
		g.rdK[k], g.rdC[k], g.rpred[k], g.rpredW[k] = hK, hC, j, g.cw[p]
		if xk == unmatched {
			if lexLess(hK, hC, g.endK, g.endC) {
				g.endK, g.endC, g.endRow, g.endMentor = hK, hC, k, -1
			}
			continue
		}
		g.heap.push(hitem{hK, hC, 0, k})
	}
}
