package assign

// denseSolver runs the shortest augmenting path method on the full score
// matrix, one mentor (not one place) per column: capacities never become
// duplicate columns, so memory is n×m whatever the capacities are.
type denseSolver struct {
	*state
	cost []float64 // row-major n×m: -score, or +Inf if the pair is forbidden
	cols []int32   // JV's column list: [0,low) scanned, [low,up) at the current minimum, [up,m) to do
	dK   []int
	dC   []float64
	pred []int32
}

func solveDense(in *instance) (*state, Stats, error) {
	st := newState(in)
	d := &denseSolver{state: st}
	calls, err := d.fill()
	if err != nil {
		return nil, Stats{}, err
	}
	d.cols = make([]int32, in.m)
	d.dK = make([]int, in.m)
	d.dC = make([]float64, in.m)
	d.pred = make([]int32, in.m)
	for i := range int32(in.n) {
		d.greedy(i)
	}
	for i := range int32(in.n) {
		if d.x[i] == free {
			d.augment(i)
		}
	}
	return st, Stats{ScoreCalls: calls}, nil
}

func (d *denseSolver) fill() (int64, error) {
	n, m := d.n, d.m
	d.cost = make([]float64, n*m)
	errs := make([]*scoreError, d.workers)
	forChunks(n, d.workers, 16, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			row := d.cost[i*m : (i+1)*m]
			for j := range row {
				row[j] = inf
				if d.cap[j] == 0 {
					continue
				}
				s, ok := d.score(i, j)
				if !ok {
					continue
				}
				if !finite(s) {
					errs[w] = firstError(errs[w], &scoreError{i, j, s})
					continue
				}
				row[j] = -s
			}
		}
	})
	var first *scoreError
	for _, e := range errs {
		first = firstError(first, e)
	}
	if first != nil {
		return 0, first
	}
	return int64(n) * int64(m), nil
}

func (d *denseSolver) greedy(i int32) {
	row := d.cost[int(i)*d.m : int(i+1)*d.m]
	bestJ, bestC, bestRoom := int32(-1), inf, false
	for j, c := range row {
		if c == inf || c > bestC {
			continue
		}
		if c < bestC || !bestRoom && d.room(int32(j)) {
			bestJ, bestC, bestRoom = int32(j), c, d.room(int32(j))
		}
	}
	d.greedyPick(i, bestJ, bestC)
}

// augment inserts free mentee r along a shortest augmenting path
// (Jonker & Volgenant 1987, augmentation phase) in reduced costs
// c - u - v, with Crouse's (2016) rectangular rule that only mentors with
// room may end a path and their potentials stay zero. Two extensions:
// a scanned mentor releases all its mentees at once (capacities), and
// every reached mentee offers a path end through its unmatched option,
// which is what lets a newcomer displace someone into being unmatched.
func (d *denseSolver) augment(r int32) {
	m := d.m
	kap := d.kap
	row := d.cost[int(r)*m : int(r+1)*m]
	for j := range m {
		d.cols[j] = int32(j)
		d.pred[j] = r
		if c := row[j]; c != inf {
			d.dK[j], d.dC[j] = -kap-d.vK[j], c-d.vC[j]
		} else {
			d.dK[j], d.dC[j] = infK, inf
		}
	}
	// The root's potential is taken as 0, so its unmatched option costs pen.
	exitK, exitC, exitRow := 0, d.pen, r
	low, up := 0, 0
	muK, muC := 0, 0.0
	sink := int32(-1)
search:
	for {
		if low == up {
			// Gather all unscanned mentors at the new minimum distance;
			// processing ties as one batch is what makes JV fast on the
			// many equal scores real cohorts have.
			muK, muC = infK, inf
			for t := up; t < m; t++ {
				j := d.cols[t]
				k, c := d.dK[j], d.dC[j]
				if k > muK || k == muK && c > muC {
					continue
				}
				if k < muK || c < muC {
					muK, muC = k, c
					up = low
				}
				d.cols[t], d.cols[up] = d.cols[up], j
				up++
			}
			if muK == infK || lexLess(exitK, exitC, muK, muC) {
				break search
			}
			for t := low; t < up; t++ {
				if d.room(d.cols[t]) {
					sink = d.cols[t]
					break search
				}
			}
			if exitK == muK && exitC == muC {
				break search
			}
		}
		j := d.cols[low]
		low++
		for _, k := range d.occupants(j) {
			// Mentee k sits at distance d_j; b = d_k - u_k.
			bK := d.dK[j] + kap + d.vK[j]
			bC := d.dC[j] + d.xs[k] + d.vC[j]
			if lexLess(bK, bC+d.pen, exitK, exitC) {
				exitK, exitC, exitRow = bK, bC+d.pen, k
			}
			bK -= kap
			rowk := d.cost[int(k)*m : int(k+1)*m]
			for t := up; t < m; t++ {
				j2 := d.cols[t]
				c := rowk[j2]
				if c == inf {
					continue
				}
				hK, hC := bK-d.vK[j2], bC+c-d.vC[j2]
				if hK < d.dK[j2] || hK == d.dK[j2] && hC < d.dC[j2] {
					d.dK[j2], d.dC[j2], d.pred[j2] = hK, hC, k
					if hK == muK && hC == muC {
						if d.room(j2) {
							sink = j2
							break search
						}
						d.cols[t], d.cols[up] = d.cols[up], j2
						up++
					}
				}
			}
		}
	}

	endK, endC := exitK, exitC
	if sink >= 0 {
		endK, endC = d.dK[sink], d.dC[sink]
	}
	for _, j := range d.cols[:low] {
		d.vK[j] -= endK - d.dK[j]
		d.vC[j] -= endC - d.dC[j]
	}

	if sink < 0 {
		if exitRow == r {
			d.x[r] = unmatched
			return
		}
		sink = d.x[exitRow]
		d.take(exitRow)
		d.x[exitRow] = unmatched
	}
	for j := sink; ; {
		k := d.pred[j]
		old := d.x[k]
		d.move(k, j, -d.cost[int(k)*m+int(j)])
		if k == r {
			return
		}
		j = old
	}
}
