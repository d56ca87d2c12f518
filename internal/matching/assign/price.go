package assign

import "math"

// violator is a pair outside the candidate graph whose reduced cost
// (rk, rc) is negative: adding it could improve the solution.
type violator struct {
	j  int32
	rk int
	rc float64
	w  float64
}

func (a violator) before(b violator) bool {
	if a.rk != b.rk {
		return a.rk < b.rk
	}
	if a.rc != b.rc {
		return a.rc < b.rc
	}
	return a.j < b.j
}

// insertViolator keeps vs sorted, most violated first, at most limit long.
// It reports whether an entry was dropped.
func insertViolator(vs []violator, v violator, limit int) ([]violator, bool) {
	if len(vs) == limit && !v.before(vs[limit-1]) {
		return vs, true
	}
	p := len(vs)
	for p > 0 && v.before(vs[p-1]) {
		p--
	}
	dropped := len(vs) == limit
	if !dropped {
		vs = append(vs, violator{})
	}
	copy(vs[p+1:], vs[p:len(vs)-1])
	vs[p] = v
	return vs, dropped
}

// insertNear is insertViolator for nearly tight pairs; it also returns
// the entry that did not fit, if any.
func insertNear(vs []violator, v violator, limit int) ([]violator, violator, bool) {
	if len(vs) == limit {
		last := vs[limit-1]
		if !v.before(last) {
			return vs, v, true
		}
		vs, _ = insertViolator(vs, v, limit)
		return vs, last, true
	}
	vs, _ = insertViolator(vs, v, limit)
	return vs, violator{}, false
}

func lexMin(ak int, ac float64, bk int, bc float64) (int, float64) {
	if lexLess(bk, bc, ak, ac) {
		return bk, bc
	}
	return ak, ac
}

// price looks for violators. The first pass prices every pair. Later
// passes rely on two facts about a pair priced non-violating: it stays so
// while neither potential rises, and it can absorb a rise of its mentee's
// potential up to its slack. So each mentee keeps the potential it was
// last priced at (a) and the least slack of its pairs outside the graph
// (sigma), each mentor the potential it was last priced at (b); a pass
// prices the full row of a mentee whose potential rose beyond its slack
// (or who had violators left out), and the full column of a mentor whose
// potential rose. Each mentee keeps its limit most violated pairs. price
// returns whether any were found; they are left in g.found for repair.
func (g *sparse) price(all bool, limit int, stats *Stats) (bool, error) {
	n, m := g.n, g.m
	var cols []int32 // mentors whose column is priced
	for j := range int32(m) {
		if all || lexLess(g.bK[j], g.bC[j], g.vK[j], g.vC[j]) {
			cols = append(cols, j)
		}
		// Lowering b is always safe; raising it is safe once the column
		// has been priced, which this pass does.
		g.bK[j], g.bC[j] = g.vK[j], g.vC[j]
	}
	rows := make([]bool, n)
	some := false
	for i := range int32(n) {
		uK, uC := g.u(i)
		rows[i] = all || g.force[i] || lexLess(g.sK[i], g.sC[i], uK-g.aK[i], uC-g.aC[i])
		some = some || rows[i]
	}
	if !some && len(cols) == 0 {
		return false, nil
	}
	if trace != nil {
		nr := 0
		for _, r := range rows {
			if r {
				nr++
			}
		}
		trace("pass: rows %d cols %d", nr, len(cols))
	}
	stats.PricingPasses++
	if all {
		stats.FullPasses++
		cols = nil // the rows cover every pair
	}

	found := make([][]violator, n)
	ws := make([]pricer, g.workers)
	forChunks(n, g.workers, 16, func(w, lo, hi int) {
		pw := &ws[w]
		if pw.mark == nil {
			pw.mark = make([]uint32, m)
		}
		for i := lo; i < hi; i++ {
			if !rows[i] && len(cols) == 0 {
				continue
			}
			if vs := pw.priceRow(g, i, rows[i], cols, limit); len(vs) > 0 {
				found[i] = append([]violator(nil), vs...)
			}
		}
	})
	var first *scoreError
	for _, pw := range ws {
		first = firstError(first, pw.err)
		stats.ScoreCalls += pw.calls
	}
	if first != nil {
		return false, first
	}
	added, violating := 0, 0
	for _, vs := range found {
		added += len(vs)
		if len(vs) > 0 && g.violates(vs[0]) {
			violating++
		}
	}
	stats.Added += added
	if violating == 0 {
		return false, nil
	}
	if trace != nil {
		nr := 0
		for _, vs := range found {
			if len(vs) > 0 {
				nr++
			}
		}
		trace("  violators+near %d in %d rows, %d rows violating", added, nr, violating)
		if debugViol != nil {
			debugViol(g, found)
		}
	}
	g.found = found
	return true, nil
}

// pricer is one pricing worker's scratch space.
type pricer struct {
	mark  []uint32 // mark[j] == stamp: (row, j) is in the graph
	stamp uint32
	buf   []violator
	nbuf  []violator
	err   *scoreError
	calls int64
}

// priceRow prices mentee i against every mentor (full) or against cols,
// updating the mentee's pricing record, and returns its violators.
func (pw *pricer) priceRow(g *sparse, i int, full bool, cols []int32, limit int) []violator {
	pw.stamp++
	mark, stamp := pw.mark, pw.stamp
	for p := g.rs[i]; p < g.rs[i+1]; p++ {
		mark[g.rj[p]] = stamp
	}
	uK, uC := g.u(int32(i))
	// Slack is measured against the recorded potential a, so that a later
	// rise of u of up to sigma keeps every pair non-violating.
	aK, aC := g.aK[i], g.aC[i]
	sK, sC := g.sK[i], g.sC[i]
	if full {
		aK, aC = uK, uC
		sK, sC = infK, inf
	}
	score, capacity, vK, vC := g.score, g.cap, g.vK, g.vC
	kap, tol, near := g.kap, g.tol, g.near
	vs := pw.buf[:0]
	ns := pw.nbuf[:0]
	over := false
	nj := len(cols)
	if full {
		nj = g.m
	}
	// Slack against a is the reduced cost shifted by u - a.
	dK, dC := uK-aK, uC-aC
	minK, minC := infK, inf
	for t := range nj {
		j := t
		if !full {
			j = int(cols[t])
		}
		if capacity[j] == 0 || mark[j] == stamp {
			continue
		}
		s, ok := score(i, j)
		pw.calls++
		if !ok {
			continue
		}
		if !(math.Abs(s) <= math.MaxFloat64) { // NaN or ±Inf
			pw.err = firstError(pw.err, &scoreError{i, j, s})
			continue
		}
		rk, rc := -kap-uK-vK[j], -s-uC-vC[j]
		if rk < 0 || rk == 0 && rc < -tol {
			var dropped bool
			vs, dropped = insertViolator(vs, violator{int32(j), rk, rc, s}, limit)
			over = over || dropped
			continue
		}
		if full && rk == 0 && rc <= near {
			// Nearly tight: join the graph too, so that small later
			// rises of u do not make the row need pricing again.
			var out violator
			var dropped bool
			ns, out, dropped = insertNear(ns, violator{int32(j), rk, rc, s}, limit)
			if !dropped {
				continue
			}
			rk, rc = out.rk, out.rc
		}
		if lexLess(rk, rc, minK, minC) {
			minK, minC = rk, rc
		}
	}
	if minK != infK {
		sK, sC = lexMin(sK, sC, minK+dK, minC+dC)
	}
	pw.nbuf = ns
	if len(vs) > 0 || len(ns) > 0 {
		vs = append(vs, ns...)
	}
	g.aK[i], g.aC[i], g.sK[i], g.sC[i] = aK, aC, sK, sC
	g.force[i] = over || !full && g.force[i]
	pw.buf = vs
	return vs
}

// repair adds the violators to the graph and restores an optimal solution
// of the larger graph from the current one: mentees with new pairs are
// taken out (their new pairs are the only infeasible ones), the holes
// they leave at mentors with nonzero potential are closed, and they are
// inserted again by augmentation. Everyone else keeps their place.
func (g *sparse) repair() {
	g.grow()
	for i, vs := range g.found {
		if len(vs) == 0 || !g.violates(vs[0]) {
			continue
		}
		if g.x[i] >= 0 {
			g.take(int32(i))
		} else {
			g.x[i] = free
		}
	}
	g.found = nil
	for i := range int32(g.n) {
		if g.x[i] == free {
			g.augment(i)
		}
	}
	for j := range int32(g.m) {
		for g.hole(j) {
			g.fillHole(j)
		}
	}
}

var trace func(format string, args ...any)
var debugViol func(g *sparse, found [][]violator)

func (g *sparse) violates(v violator) bool {
	return v.rk < 0 || v.rk == 0 && v.rc < -g.tol
}

// grow adds the pairs in g.found to the graph.
func (g *sparse) grow() {
	n := g.n
	extra := 0
	for _, vs := range g.found {
		extra += len(vs)
	}
	rs := make([]int32, n+1)
	rj := make([]int32, 0, len(g.rj)+extra)
	rw := make([]float64, 0, len(g.rj)+extra)
	for i := range n {
		rj = append(rj, g.rj[g.rs[i]:g.rs[i+1]]...)
		rw = append(rw, g.rw[g.rs[i]:g.rs[i+1]]...)
		for _, v := range g.found[i] {
			rj = append(rj, v.j)
			rw = append(rw, v.w)
		}
		rs[i+1] = int32(len(rj))
	}
	g.rs, g.rj, g.rw = rs, rj, rw
	g.transpose()
}
