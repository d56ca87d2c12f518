package assign

import (
	"math"
	"slices"
	"sort"
)

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

// price prices the pairs outside the graph that plan selects (all of them
// in the first pass) and collects, per mentee, its limit most violated
// pairs and its limit nearly tight ones (full rows only; see nearFactor).
// It reports whether any pair violates; if so the pairs are left in
// g.found for repair.
func (g *sparse) price(all bool, limit int, stats *Stats) (bool, error) {
	n, m := g.n, g.m
	g.flatK = true
	for j := range m {
		g.flatK = g.flatK && g.vK[j] == 0
	}
	rows, cols := g.plan(all)
	some := false
	for _, r := range rows {
		some = some || r
	}
	if !some && len(cols) == 0 {
		return false, nil
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
			for j, c := range g.cap {
				if c == 0 {
					pw.mark[j] = math.MaxUint32 // never priced
				}
			}
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
	added, violating := 0, false
	for _, vs := range found {
		added += len(vs)
		violating = violating || len(vs) > 0 && g.violates(vs[0])
	}
	if !violating {
		return false, nil
	}
	stats.Added += added
	g.found = found
	return true, nil
}

type lexv struct {
	k int
	c float64
}

func (a lexv) less(b lexv) bool { return lexLess(a.k, a.c, b.k, b.c) }

// plan chooses the rows and columns a pass prices, and moves the pricing
// records to the current potentials.
//
// Take a pair outside the graph, last priced with slack at least sigma_i
// against records a_i, b_j. Its reduced cost now is at least
// sigma_i - (u_i - a_i) - (v_j - b_j), and for any shift delta that is
// >= 0 if u_i - a_i - delta <= sigma_i (the row is clean) and
// v_j - b_j + delta <= 0 (the column is clean). The shift matters: when
// every mentor is full, the duals are only determined up to moving all
// mentee potentials up and all mentor potentials down by the same amount,
// and a repair typically does just that, which with delta = 0 would make
// every row look dirty while no reduced cost changed. plan picks the delta
// that minimises the pairs to price: dirty rows cost m each, dirty
// columns n each. Clean rows then have a_i raised by delta, all columns
// get b_j = v_j, and pricing the dirty columns lowers the clean rows'
// sigma where needed, which keeps the statement true for the next pass.
func (g *sparse) plan(all bool) (rows []bool, cols []int32) {
	n, m := g.n, g.m
	rows = make([]bool, n)
	if all {
		for i := range rows {
			rows[i] = true
		}
		for j := range m {
			g.bK[j], g.bC[j] = g.vK[j], g.vC[j]
		}
		return rows, nil
	}
	// Row i is clean iff y_i <= delta, column j iff delta <= x_j.
	x := make([]lexv, m)
	for j := range m {
		x[j] = lexv{g.bK[j] - g.vK[j], g.bC[j] - g.vC[j]}
	}
	y := make([]lexv, n)
	never := lexv{-infK, math.Inf(-1)}
	for i := range int32(n) {
		switch {
		case g.force[i]:
			y[i] = lexv{infK, inf}
		case g.sK[i] == infK:
			y[i] = never // nothing outside the graph
		default:
			uK, uC := g.u(i)
			y[i] = lexv{uK - g.aK[i] - g.sK[i], uC - g.aC[i] - g.sC[i] - g.tol}
		}
	}
	xs := slices.Clone(x)
	ys := slices.Clone(y)
	cmp := func(a, b lexv) int {
		if a.less(b) {
			return -1
		}
		if b.less(a) {
			return 1
		}
		return 0
	}
	slices.SortFunc(xs, cmp)
	slices.SortFunc(ys, cmp)
	cost := func(d lexv) int64 {
		dirtyCols, _ := slices.BinarySearchFunc(xs, d, cmp) // x < d
		cleanRows := sort.Search(len(ys), func(t int) bool { return d.less(ys[t]) })
		return int64(dirtyCols)*int64(n) + int64(n-cleanRows)*int64(m)
	}
	best, bestCost := lexv{}, cost(lexv{})
	for _, d := range [][]lexv{xs, ys} {
		for _, c := range d {
			if c == never || c.k == infK {
				continue
			}
			if k := cost(c); k < bestCost {
				best, bestCost = c, k
			}
		}
	}
	for i := range n {
		if best.less(y[i]) {
			rows[i] = true
		} else {
			g.aK[i] += best.k
			g.aC[i] += best.c
		}
	}
	for j := range m {
		if x[j].less(best) {
			cols = append(cols, int32(j))
		}
		g.bK[j], g.bC[j] = g.vK[j], g.vC[j]
	}
	return rows, cols
}

// pricer is one pricing worker's scratch space.
type pricer struct {
	mark  []uint32 // mark[j] >= stamp: skip (row, j), it is in the graph or j has no capacity
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
	score, vK, vC := g.score, g.vK, g.vC
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
	calls := int64(0)
	if rk := -kap - uK; g.flatK && rk >= 0 {
		// Every pair of the row has the same cardinality part rk, so the
		// loop compares floats only; pairs that violate or are nearly
		// tight (rare) take the general path below.
		rare := near
		if rk > 0 {
			rare = math.Inf(-1) // nothing can violate or be near
		}
		minK = rk
		for t := range nj {
			j := t
			if !full {
				j = int(cols[t])
			}
			if mark[j] >= stamp {
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
			rc := -s - uC - vC[j]
			if rc > rare {
				minC = min(minC, rc)
				continue
			}
			if rc < -tol {
				var dropped bool
				vs, dropped = insertViolator(vs, violator{int32(j), rk, rc, s}, limit)
				over = over || dropped
				continue
			}
			if full {
				var out violator
				var dropped bool
				ns, out, dropped = insertNear(ns, violator{int32(j), rk, rc, s}, limit)
				if !dropped {
					continue
				}
				rc = out.rc
			}
			minC = min(minC, rc)
		}
		if minC == inf {
			minK = infK
		}
	} else {
		for t := range nj {
			j := t
			if !full {
				j = int(cols[t])
			}
			if mark[j] >= stamp {
				continue
			}
			s, ok := score(i, j)
			calls++
			if !ok {
				continue
			}
			if !(s >= -math.MaxFloat64 && s <= math.MaxFloat64) {
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
	}
	pw.calls += calls
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

// repair adds the found pairs to the graph and restores an optimal
// solution of the larger graph from the current one. Only mentees with a
// violating new pair break dual feasibility, so only they are taken out;
// everyone else keeps their place. Taking a mentee out can leave a hole:
// room at a mentor whose potential is nonzero. The mentees are inserted
// again first, because an augmenting path may end in a hole as well as
// at a free place (see augment), and in a cohort with as many places as
// mentees that is where they all end; holes left after that are closed
// by fillHole. Closing holes first would lower the holes' potentials only
// for the insertions to raise them again, and each lowered potential
// means a mentor column to price again.
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
