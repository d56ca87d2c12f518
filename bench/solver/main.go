// Command solver benchmarks the exact assignment solver
// (internal/matching/assign) on a seeded synthetic cohort and, with
// -scipy, compares it with SciPy's linear_sum_assignment on the same
// matrix. See README.md.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"mentorskap/bench/measure"
	"mentorskap/internal/matching/assign"
	"mentorskap/internal/matching/assign/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	mentees, mentors, capacity int
	seed                       uint64
	k, workers                 int
	method                     string
	verify, scipy, keep        bool
	python, dir                string
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("solver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.mentees, "mentees", 2000, "number of mentees (rows)")
	fs.IntVar(&o.mentors, "mentors", 1000, "number of mentors (columns)")
	fs.IntVar(&o.capacity, "cap", 2, "places per mentor")
	fs.Uint64Var(&o.seed, "seed", 1, "cohort seed")
	fs.IntVar(&o.k, "k", 0, "candidates per mentee for the sparse path (0: solver default)")
	fs.IntVar(&o.workers, "workers", 0, "goroutines calling Score (0: GOMAXPROCS)")
	fs.StringVar(&o.method, "method", "auto", "auto, dense or sparse")
	fs.BoolVar(&o.verify, "verify", false, "check the dual certificate afterwards (one more pass over all pairs)")
	fs.BoolVar(&o.scipy, "scipy", false, "also solve with SciPy's linear_sum_assignment and compare")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python with SciPy, for -scipy")
	fs.StringVar(&o.dir, "dir", "", "directory for the matrix file written for -scipy (default: a temporary one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the matrix file written for -scipy")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	methods := map[string]assign.Method{"auto": assign.Auto, "dense": assign.Dense, "sparse": assign.Sparse}
	method, ok := methods[o.method]
	if !ok || o.mentees < 0 || o.mentors < 1 || o.capacity < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "solver: bad arguments; see -help")
		return 2
	}
	if err := bench(o, method, stdout); err != nil {
		fmt.Fprintln(stderr, "solver:", err)
		return 1
	}
	return 0
}

func bench(o options, method assign.Method, out io.Writer) error {
	c := synth.New(o.mentees, o.mentors, o.capacity, o.seed)
	p := assign.Problem{
		Mentees:             c.Mentees,
		Mentors:             c.Mentors,
		Capacity:            c.Capacity,
		Score:               c.Score,
		MaxCardinality:      true,
		CandidatesPerMentee: o.k,
		Method:              method,
		Workers:             o.workers,
	}
	fmt.Fprintf(out, "cohort     %d mentees × %d mentors, capacity %d (%d places), seed %d, GOMAXPROCS %d\n",
		o.mentees, o.mentors, o.capacity, o.mentors*o.capacity, o.seed, runtime.GOMAXPROCS(0))

	runtime.GC()
	heap := measure.StartHeapSampler()
	cpu0 := measure.CPUTime()
	t0 := time.Now()
	sol, err := assign.Solve(p)
	wall := time.Since(t0)
	cpu := measure.CPUTime() - cpu0
	peakHeap := heap.Stop()
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := sol.Stats
	pairs := float64(o.mentees) * float64(o.mentors)
	fmt.Fprintf(out, "solve      %v wall, %v CPU (%s path)\n", wall.Round(time.Millisecond), cpu.Round(time.Millisecond), st.Method)
	fmt.Fprintf(out, "result     %d matched, total %s\n", sol.Matched, strconv.FormatFloat(sol.Total, 'f', -1, 64))
	fmt.Fprintf(out, "scores     %d calls, %.2f per pair\n", st.ScoreCalls, float64(st.ScoreCalls)/pairs)
	if st.Method == assign.Sparse {
		fmt.Fprintf(out, "graph      %d candidate pairs, %d added by %d pricing passes (%d full)\n",
			st.Candidates, st.Added, st.PricingPasses, st.FullPasses)
	}
	fmt.Fprintf(out, "memory     peak RSS %.1f MiB, peak Go heap %.1f MiB (sampled), %.1f MiB allocated in all\n",
		float64(measure.MaxRSS())/(1<<20), float64(peakHeap)/(1<<20), float64(ms.TotalAlloc)/(1<<20))

	if o.verify {
		t := time.Now()
		if err := assign.Verify(p, sol); err != nil {
			return fmt.Errorf("certificate check failed: %w", err)
		}
		fmt.Fprintf(out, "verify     dual certificate holds (%v)\n", time.Since(t).Round(time.Millisecond))
	}
	if o.scipy {
		return compareSciPy(o, c, sol, wall, out)
	}
	return nil
}

// compareSciPy writes the cohort as the dense n × places matrix SciPy
// needs (each mentor repeated once per place, forbidden pairs -inf) and
// runs scipy_lsa.py on it.
func compareSciPy(o options, c *synth.Cohort, sol assign.Solution, wall time.Duration, out io.Writer) error {
	places := o.mentors * o.capacity
	if sol.Matched != min(o.mentees, places) {
		return fmt.Errorf("only %d of %d mentees can be matched; SciPy needs a complete assignment", sol.Matched, min(o.mentees, places))
	}
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "solver-bench-")
		if err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(d)
		}
		dir = d
	}
	path := filepath.Join(dir, fmt.Sprintf("cohort-%dx%d-cap%d-seed%d.f64", o.mentees, o.mentors, o.capacity, o.seed))
	if err := writeMatrix(path, c, o.capacity); err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(out, "matrix     %s (%d × %d float64, little endian)\n", path, o.mentees, places)
	}
	script := filepath.Join(sourceDir(), "scipy_lsa.py")
	cmd := exec.Command(o.python, script, path, fmt.Sprint(o.mentees), fmt.Sprint(places))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %w", o.python, script, err)
	}
	var res struct {
		Total        float64 `json:"total"`
		Matched      int     `json:"matched"`
		LoadSeconds  float64 `json:"load_seconds"`
		SolveSeconds float64 `json:"solve_seconds"`
		PeakRSS      int64   `json:"peak_rss_bytes"`
		SciPy        string  `json:"scipy"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("scipy_lsa.py output %q: %w", raw, err)
	}
	solve := time.Duration(res.SolveSeconds * float64(time.Second))
	fmt.Fprintf(out, "scipy      %s: linear_sum_assignment %v (loading the matrix %v), peak RSS %.1f MiB\n",
		res.SciPy, solve.Round(time.Millisecond), time.Duration(res.LoadSeconds*float64(time.Second)).Round(time.Millisecond),
		float64(res.PeakRSS)/(1<<20))
	fmt.Fprintf(out, "scipy      %d matched, total %s\n", res.Matched, strconv.FormatFloat(res.Total, 'f', -1, 64))
	if res.Matched != sol.Matched || math.Abs(res.Total-sol.Total) > 1e-9*math.Max(1, math.Abs(sol.Total)) {
		return fmt.Errorf("optima differ: ours %d matched, total %v; SciPy %d, %v", sol.Matched, sol.Total, res.Matched, res.Total)
	}
	fmt.Fprintf(out, "compare    same optimum; SciPy's solve call alone takes %.1f× our whole Solve (scores included)\n",
		res.SolveSeconds/wall.Seconds())
	return nil
}

func writeMatrix(path string, c *synth.Cohort, capacity int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf [8]byte
	for i := range c.Mentees {
		for j := range c.Mentors {
			v := math.Inf(-1)
			if s, ok := c.Score(i, j); ok {
				v = s
			}
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			for range capacity {
				w.Write(buf[:])
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sourceDir finds this program's directory, where scipy_lsa.py lives,
// both under "go run" (working directory is the module) and when run from
// bench/solver itself.
func sourceDir() string {
	for _, d := range []string{filepath.Join("bench", "solver"), "."} {
		if _, err := os.Stat(filepath.Join(d, "scipy_lsa.py")); err == nil {
			return d
		}
	}
	return filepath.Join("bench", "solver")
}
