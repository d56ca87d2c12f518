package matching

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	cohortgen "mentorskap/bench/cohort"
)

// scoreAll scores every pair with one goroutine per processor, as the
// solver's pricing passes do, and returns the sum so the work is kept.
func scoreAll(sc *Scorer, n, m, workers int) int64 {
	var wg sync.WaitGroup
	sums := make([]int64, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sum int64
			for i := w; i < n; i += workers {
				for j := range m {
					if s, ok := sc.Score(i, j); ok {
						sum += s
					}
				}
			}
			sums[w] = sum
		}()
	}
	wg.Wait()
	var total int64
	for _, s := range sums {
		total += s
	}
	return total
}

func benchmarkScore(b *testing.B, n, m, workers int) {
	mentees, mentors := cohortgen.Generate(n, m, 2, 1)
	sc := NewScorer(mentees, mentors, DefaultSettings())
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		scoreAll(sc, n, m, workers)
	}
	pairs := float64(b.N) * float64(n*m)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/pairs, "ns/pair")
	// CPU time, because a shared machine stretches wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/pairs, "cpu-ns/pair")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScore10kx5k scores all 50 million pairs of a 10,000 × 5,000
// cohort (one operation), on one core and on all of them.
func BenchmarkScore10kx5k(b *testing.B) {
	b.Run("serial", func(b *testing.B) { benchmarkScore(b, 10000, 5000, 1) })
	b.Run("parallel", func(b *testing.B) { benchmarkScore(b, 10000, 5000, runtime.GOMAXPROCS(0)) })
}

// BenchmarkNewScorer10kx5k is the precomputation: words, vocabularies,
// bitsets and codes for 15,000 profiles.
func BenchmarkNewScorer10kx5k(b *testing.B) {
	mentees, mentors := cohortgen.Generate(10000, 5000, 2, 1)
	b.ReportAllocs()
	for b.Loop() {
		NewScorer(mentees, mentors, DefaultSettings())
	}
}
