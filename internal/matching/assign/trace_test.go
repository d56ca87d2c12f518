package assign

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/matching/assign/synth"
)

func TestTrace(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("TN"))
	m, _ := strconv.Atoi(os.Getenv("TM"))
	k, _ := strconv.Atoi(os.Getenv("TK"))
	if n == 0 {
		t.Skip()
	}
	start := time.Now()
	c0 := cpuTime()
	trace = func(f string, a ...any) { fmt.Printf("%7.3fs cpu %7.3fs ", time.Since(start).Seconds(), (cpuTime()-c0).Seconds()); fmt.Printf(f+"\n", a...) }
	c := synth.New(n, m, 2, 1)
	shown := 0
	debugViol = func(g *sparse, found [][]violator) {
		if shown > 0 {
			return
		}
		for i, vs := range found {
			if len(vs) == 0 || shown > 12 {
				continue
			}
			shown++
			uK, uC := g.u(int32(i))
			deg := g.rs[i+1] - g.rs[i]
			// row's candidate scores
			var cs []float64
			for p := g.rs[i]; p < g.rs[i+1]; p++ {
				cs = append(cs, g.rw[p])
			}
			fmt.Printf("row %d x=%d xs=%v U=(%d,%v) deg %d cands %v\n", i, g.x[i], g.xs[i], -uK, -uC, deg, cs)
			for _, v := range vs[:min(4, len(vs))] {
				fmt.Printf("    viol j=%d s=%v V=(%d,%v) rc=(%d,%v)\n", v.j, v.w, -g.vK[v.j], -g.vC[v.j], v.rk, v.rc)
			}
		}
		// histogram of V over mentors
		h := map[int]int{}
		for j := range g.m {
			h[int(-g.vC[j])/5*5]++
		}
		fmt.Println("V histogram", h)
	}
	defer func() { debugViol = nil }()
	p := Problem{Mentees: n, Mentors: m, Capacity: c.Capacity, Score: c.Score, MaxCardinality: true, Method: Sparse, CandidatesPerMentee: k}
	s, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	trace("end")
	fmt.Printf("%7.3fs done %+v matched %d total %v\n", time.Since(start).Seconds(), s.Stats, s.Matched, s.Total)
}

func TestRanks(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RN"))
	m, _ := strconv.Atoi(os.Getenv("RM"))
	if n == 0 {
		t.Skip()
	}
	c := synth.New(n, m, 2, 1)
	p := Problem{Mentees: n, Mentors: m, Capacity: c.Capacity, Score: c.Score, MaxCardinality: true, Method: Sparse}
	s, err := Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	// rank of assigned mentor in mentee's list (number of mentors strictly better) and vice versa
	rowRank := map[int]int{}
	colRank := map[int]int{}
	for i, j := range s.MentorOf {
		if j < 0 {
			continue
		}
		sc, _ := c.Score(i, j)
		r := 0
		for j2 := range m {
			if s2, ok := c.Score(i, j2); ok && (s2 > sc || s2 == sc && j2 < j) {
				r++
			}
		}
		rr := 0
		for i2 := range n {
			if s2, ok := c.Score(i2, j); ok && (s2 > sc || s2 == sc && i2 < i) {
				rr++
			}
		}
		rowRank[r]++
		colRank[rr]++
	}
	cum := func(h map[int]int) {
		tot := 0
		for _, th := range []int{4, 8, 12, 16, 24, 32, 48, 64, 100, 200, 500, 1000} {
			tot = 0
			for r, c := range h {
				if r < th {
					tot += c
				}
			}
			fmt.Printf("  <%d: %.3f", th, float64(tot)/float64(n))
		}
		fmt.Println()
	}
	cum(rowRank)
	cum(colRank)
	// either covered by row top-K or col top-Kc
	for _, kk := range [][2]int{{12, 4}, {16, 8}, {24, 8}, {32, 16}} {
		cov := 0
		for i, j := range s.MentorOf {
			sc, _ := c.Score(i, j)
			r, rr := 0, 0
			for j2 := range m {
				if s2, ok := c.Score(i, j2); ok && (s2 > sc || s2 == sc && j2 < j) {
					r++
				}
			}
			for i2 := range n {
				if s2, ok := c.Score(i2, j); ok && (s2 > sc || s2 == sc && i2 < i) {
					rr++
				}
			}
			if r < kk[0] || rr < kk[1] {
				cov++
			}
		}
		fmt.Println(kk, float64(cov)/float64(n))
	}
}
