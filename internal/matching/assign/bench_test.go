package assign

import (
	"fmt"
	"testing"

	"mentorskap/internal/matching/assign/synth"
)

func benchmarkSolve(b *testing.B, mentees, mentors int, method Method) {
	c := synth.New(mentees, mentors, 2, 1)
	p := Problem{
		Mentees:        c.Mentees,
		Mentors:        c.Mentors,
		Capacity:       c.Capacity,
		Score:          c.Score,
		MaxCardinality: true,
		Method:         method,
	}
	b.ReportAllocs()
	var s Solution
	for b.Loop() {
		var err error
		if s, err = Solve(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Stats.ScoreCalls)/float64(mentees*mentors), "scores/pair")
	b.ReportMetric(float64(s.Stats.PricingPasses), "passes")
}

// The cohort sizes of the performance budget, capacity 2, lexicographic
// objective as the CLI uses it.
func BenchmarkSolve2000x1000(b *testing.B)  { benchmarkSolve(b, 2000, 1000, Auto) }
func BenchmarkSolve10000x5000(b *testing.B) { benchmarkSolve(b, 10000, 5000, Auto) }

// Dense and sparse on the same mid-size cohort, to place the Auto cut-off.
func BenchmarkMethods(b *testing.B) {
	for _, size := range [][2]int{{500, 250}, {1000, 500}, {2000, 1000}} {
		for _, m := range []Method{Dense, Sparse} {
			b.Run(fmt.Sprintf("%dx%d/%v", size[0], size[1], m), func(b *testing.B) {
				benchmarkSolve(b, size[0], size[1], m)
			})
		}
	}
}
