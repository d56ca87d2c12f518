// Command match benchmarks whole-cohort matching as the application does
// it: a seeded cohort of participant profiles (bench/cohort) is scored by
// internal/matching's Scorer and solved exactly by internal/matching/assign,
// with time and peak memory reported; -scipy also solves the identical
// score matrix with SciPy's linear_sum_assignment and checks that both
// reach the same optimum. See README.md.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"mentorskap/bench/cohort"
	"mentorskap/bench/measure"
	"mentorskap/internal/matching"
	"mentorskap/internal/matching/assign"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	mentees, mentors, capacity int
	seed                       uint64
	verify, scipy, all         bool
	python                     string
}

// sizes are the cohorts of the performance goals, with their budgets.
var sizes = []struct {
	mentees, mentors int
	wall             time.Duration
	rss              int64
}{
	{2000, 1000, 500 * time.Millisecond, 100 << 20},
	{10000, 5000, 5 * time.Second, 300 << 20},
	{20000, 10000, 20 * time.Second, 1 << 30},
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.mentees, "mentees", 2000, "number of mentees")
	fs.IntVar(&o.mentors, "mentors", 1000, "number of mentors")
	fs.IntVar(&o.capacity, "cap", 2, "places per mentor")
	fs.Uint64Var(&o.seed, "seed", 1, "cohort seed")
	fs.BoolVar(&o.verify, "verify", false, "check the LP dual certificate afterwards")
	fs.BoolVar(&o.scipy, "scipy", false, "also solve the same matrix with SciPy and compare")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python with SciPy, for -scipy")
	fs.BoolVar(&o.all, "all", false, "run the three goal sizes, each in its own process so that peak memory is its own")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if o.mentees < 1 || o.mentors < 1 || o.capacity < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "match: bad arguments; see -help")
		return 2
	}
	if o.all {
		return runAll(o, stdout, stderr)
	}
	if err := bench(o, stdout); err != nil {
		fmt.Fprintln(stderr, "match:", err)
		return 1
	}
	return 0
}

// runAll runs each goal size in a child process of this same program.
func runAll(o options, stdout, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "match:", err)
		return 1
	}
	for _, sz := range sizes {
		args := []string{"-mentees", fmt.Sprint(sz.mentees), "-mentors", fmt.Sprint(sz.mentors),
			"-cap", fmt.Sprint(o.capacity), "-seed", fmt.Sprint(o.seed), "-python", o.python}
		if o.verify {
			args = append(args, "-verify")
		}
		// SciPy needs the dense matrix: 3.2 GB at the largest size.
		if o.scipy && sz.mentees <= 5000 {
			args = append(args, "-scipy")
		}
		fmt.Fprintf(stdout, "\n== goal: under %v and %d MiB\n", sz.wall, sz.rss>>20)
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(stderr, "match:", err)
			return 1
		}
	}
	if o.scipy {
		// The goals' middle size is too large for SciPy's dense matrix on
		// a small machine; 5,000 × 2,500 is the comparison's second size.
		fmt.Fprintf(stdout, "\n== SciPy comparison at 5,000 mentees\n")
		cmd := exec.Command(self, "-mentees", "5000", "-mentors", "2500", "-cap", fmt.Sprint(o.capacity),
			"-seed", fmt.Sprint(o.seed), "-python", o.python, "-scipy")
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(stderr, "match:", err)
			return 1
		}
	}
	return 0
}

func bench(o options, out io.Writer) error {
	mentees, mentors := cohort.Generate(o.mentees, o.mentors, o.capacity, o.seed)
	set := matching.DefaultSettings()
	fmt.Fprintf(out, "cohort     %d mentees × %d mentors, capacity %d (%d places), seed %d, GOMAXPROCS %d\n",
		o.mentees, o.mentors, o.capacity, o.mentors*o.capacity, o.seed, runtime.GOMAXPROCS(0))

	runtime.GC()
	heap := measure.StartHeapSampler()
	cpu0 := measure.CPUTime()
	t0 := time.Now()
	sc := matching.NewScorer(mentees, mentors, set)
	prep := time.Since(t0)
	p := sc.Problem()
	sol, err := assign.Solve(p)
	wall := time.Since(t0)
	cpu := measure.CPUTime() - cpu0
	peak := heap.Stop()
	if err != nil {
		return err
	}
	st := sol.Stats
	pairs := float64(o.mentees) * float64(o.mentors)
	fmt.Fprintf(out, "match      %v wall (profiles to scorer %v), %v CPU, %s path, default settings\n",
		wall.Round(time.Millisecond), prep.Round(time.Millisecond), cpu.Round(time.Millisecond), st.Method)
	fmt.Fprintf(out, "result     %d matched, total score %s, mean %d%% of a perfect pair\n", sol.Matched,
		strconv.FormatFloat(sol.Total, 'f', -1, 64), sc.Percent(int64(sol.Total)/int64(max(1, sol.Matched))))
	fmt.Fprintf(out, "scores     %d calls, %.2f per pair\n", st.ScoreCalls, float64(st.ScoreCalls)/pairs)
	fmt.Fprintf(out, "memory     peak RSS %.1f MiB, peak Go heap %.1f MiB (sampled)\n",
		float64(measure.MaxRSS())/(1<<20), float64(peak)/(1<<20))
	if o.verify {
		t := time.Now()
		if err := assign.Verify(p, sol); err != nil {
			return fmt.Errorf("certificate check failed: %w", err)
		}
		fmt.Fprintf(out, "verify     dual certificate holds (%v)\n", time.Since(t).Round(time.Millisecond))
	}
	if o.scipy {
		return compare(o, sc, out)
	}
	return nil
}

// bigM stands in for a forbidden pair in SciPy's matrix, which must allow
// a complete assignment: far more than any total of scores, so that SciPy
// uses as few forbidden pairs as it can and then maximises the scores,
// which is exactly our lexicographic objective.
const bigM = 1e9

// compare solves the cohort's score matrix both ways, lexicographically
// (as many mentees as possible, then the largest total): ours with
// mentors as columns with capacities, SciPy with each mentor's places as
// separate columns.
func compare(o options, sc *matching.Scorer, out io.Writer) error {
	p := sc.Problem()
	p.MaxCardinality = true
	t0 := time.Now()
	sol, err := assign.Solve(p)
	ours := time.Since(t0)
	if err != nil {
		return err
	}
	places := o.mentors * o.capacity
	if places < o.mentees {
		return fmt.Errorf("SciPy needs at least as many places (%d) as mentees (%d)", places, o.mentees)
	}
	dir, err := os.MkdirTemp("", "match-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, err := measure.RunSciPy(o.python, dir, measure.Dense{Rows: o.mentees, Cols: places, At: func(i, c int) float64 {
		s, ok := sc.Score(i, c/o.capacity)
		if !ok {
			return -bigM
		}
		return float64(s)
	}})
	if err != nil {
		return err
	}
	unmatched := float64(o.mentees - sol.Matched)
	fmt.Fprintf(out, "ours       lexicographic: %d matched, total %s, %v (scores included)\n",
		sol.Matched, strconv.FormatFloat(sol.Total, 'f', -1, 64), ours.Round(time.Millisecond))
	fmt.Fprintf(out, "scipy      %s: linear_sum_assignment %v (loading %v), peak RSS %.1f MiB, total %s\n",
		res.SciPy, time.Duration(res.SolveSeconds*float64(time.Second)).Round(time.Millisecond),
		time.Duration(res.LoadSeconds*float64(time.Second)).Round(time.Millisecond),
		float64(res.PeakRSS)/(1<<20), strconv.FormatFloat(res.Total, 'f', -1, 64))
	if math.Abs(res.Total-(sol.Total-bigM*unmatched)) > 0.5 {
		return fmt.Errorf("optima differ: ours %d matched, total %v; SciPy total %v (%v per forbidden pair)",
			sol.Matched, sol.Total, res.Total, -bigM)
	}
	fmt.Fprintf(out, "compare    same optimum; SciPy's solve call alone takes %.1f× our whole solve\n",
		res.SolveSeconds/ours.Seconds())
	return nil
}
