package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"mentorskap/bench/cohort"
	"mentorskap/bench/measure"
	"mentorskap/internal/matching"
	"mentorskap/internal/matching/assign"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	mentees, mentors := cohort.Generate(n, n/2, 2, 1)
	sc := matching.NewScorer(mentees, mentors, matching.DefaultSettings())
	p := sc.Problem()
	for _, k := range os.Args[2:] {
		p.CandidatesPerMentee, _ = strconv.Atoi(k)
		c0 := measure.CPUTime()
		t0 := time.Now()
		sol, err := assign.Solve(p)
		fmt.Println("K", k, time.Since(t0).Round(time.Millisecond), "cpu", (measure.CPUTime() - c0).Round(time.Millisecond), err, sol.Matched, sol.Total, sol.Stats)
	}
}
