// Package measure holds what the benchmark commands share: CPU time, peak
// memory, and running SciPy's linear_sum_assignment on a score matrix for
// comparison.
package measure

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// CPUTime is the process's user and system time so far.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MaxRSS is the process's peak resident set size in bytes (Linux reports
// ru_maxrss in KiB).
func MaxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

// HeapSampler records the largest HeapInuse seen every few milliseconds:
// MemStats alone only tells the heap at the end.
type HeapSampler struct {
	peak atomic.Uint64
	done chan struct{}
	wg   sync.WaitGroup
}

// StartHeapSampler starts sampling until Stop.
func StartHeapSampler() *HeapSampler {
	h := &HeapSampler{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *HeapSampler) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > h.peak.Load() {
		h.peak.Store(ms.HeapInuse)
	}
}

// Stop ends sampling and returns the peak in bytes.
func (h *HeapSampler) Stop() uint64 {
	close(h.done)
	h.wg.Wait()
	h.sample()
	return h.peak.Load()
}

// Dense is a score matrix as SciPy reads it: rows × cols float64, little
// endian; -Inf forbids a pair.
type Dense struct {
	Rows, Cols int
	// At gives row i's value in column c.
	At func(i, c int) float64
}

// SciPyResult is what scipy_lsa.py reports.
type SciPyResult struct {
	Total        float64 `json:"total"`
	Matched      int     `json:"matched"`
	LoadSeconds  float64 `json:"load_seconds"`
	SolveSeconds float64 `json:"solve_seconds"`
	PeakRSS      int64   `json:"peak_rss_bytes"`
	SciPy        string  `json:"scipy"`
	Chosen       []int   `json:"-"`
}

// RunSciPy writes m to a file in dir and solves it with scipy_lsa.py
// (bench/solver) under python, maximising.
func RunSciPy(python, dir string, m Dense) (SciPyResult, error) {
	var res SciPyResult
	path := filepath.Join(dir, fmt.Sprintf("matrix-%dx%d.f64", m.Rows, m.Cols))
	f, err := os.Create(path)
	if err != nil {
		return res, err
	}
	defer os.Remove(path)
	w := bufio.NewWriterSize(f, 1<<20)
	var buf [8]byte
	for i := range m.Rows {
		for c := range m.Cols {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(m.At(i, c)))
			w.Write(buf[:])
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return res, err
	}
	if err := f.Close(); err != nil {
		return res, err
	}
	script := filepath.Join(SourceDir("solver"), "scipy_lsa.py")
	cmd := exec.Command(python, script, path, fmt.Sprint(m.Rows), fmt.Sprint(m.Cols))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return res, fmt.Errorf("%s %s: %w", python, script, err)
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return res, fmt.Errorf("scipy_lsa.py output %q: %w", raw, err)
	}
	return res, nil
}

// SourceDir finds bench/<name> both from the module root (go run) and
// from inside bench/ (go test runs in the package's directory).
func SourceDir(name string) string {
	for _, d := range []string{filepath.Join("bench", name), filepath.Join("..", name), "."} {
		if _, err := os.Stat(filepath.Join(d, "scipy_lsa.py")); err == nil {
			return d
		}
	}
	return filepath.Join("bench", name)
}
