package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// pageNames are the pages a member opens often, for -page: each person
// opens their own pair's page of that name.
var pageNames = []string{"home", "pair", "meetings", "meeting", "notes", "goals", "messages"}

// pageURL is the address of the named page for p. The notes page is the
// agenda for a mentee, as in the mix: each side keeps its own document.
func pageURL(p *person, name string) string {
	pair := fmt.Sprintf("%s/pairs/%d", p.base, p.pairID)
	meeting := fmt.Sprintf("%s/meetings/%d", pair, p.meeting)
	switch name {
	case "home":
		return p.base + "/"
	case "pair":
		return pair
	case "meetings":
		return pair + "/meetings"
	case "meeting":
		return meeting
	case "notes":
		if p.mentee {
			return meeting + "/agenda"
		}
		return meeting + "/notes"
	case "goals":
		return pair + "/goals"
	case "messages":
		return pair + "/messages"
	}
	panic("no page " + name)
}

// allPages measures each page alone for the set duration, each against a
// bare handler serving a page of its size, and prints a table with the
// geometric mean of the ratios.
func allPages(cfg config, transport http.RoundTripper, people []*person, pid int, where string) error {
	type result struct {
		name             string
		rate, bare, cpu  float64
		p50, p99, errors string
		size             int
	}
	var results []result
	failed := 0
	for _, name := range pageNames {
		log.Printf("page %q alone for %s", name, cfg.duration)
		use := measureProcess(pid)
		app := drive(people, cfg.duration, 0, 0, func(p *person, _ *rand.Rand, rec *recorder) { rec.get(p.client, name, pageURL(p, name)) })
		app.print(fmt.Sprintf("mentorskap serve (%s), page %q alone", where, name))
		cpu := use.cpuPerRequest(pid, app.total())
		close(use.stopped)
		failed += app.errors()
		r := result{name: name, rate: app.rate(), cpu: cpu, size: app.meanPage()}
		app.mu.Lock()
		all := app.lat[name]
		app.mu.Unlock()
		r.p50, r.p99 = pct(all, 0.5).Round(10*time.Microsecond).String(), pct(all, 0.99).Round(10*time.Microsecond).String()
		if cfg.baseline > 0 {
			bare := newRecorder()
			if err := bareBaseline(bare, transport, len(people), r.size, cfg.baseline); err != nil {
				return err
			}
			r.bare = bare.rate()
		}
		results = append(results, r)
	}
	fmt.Printf("\n| page | bytes | req/s | bare req/s | ratio | p50 | p99 | serve CPU per request |\n|---|---|---|---|---|---|---|---|\n")
	logSum, n := 0.0, 0
	for _, r := range results {
		ratio := "–"
		if r.bare > 0 {
			ratio = fmt.Sprintf("%.1f %%", 100*r.rate/r.bare)
			logSum += math.Log(r.rate / r.bare)
			n++
		}
		fmt.Printf("| %s | %d | %.0f | %.0f | %s | %s | %s | %.0f µs |\n", r.name, r.size, r.rate, r.bare, ratio, r.p50, r.p99, r.cpu)
	}
	if n > 0 {
		fmt.Printf("\ngeometric mean of the ratios: %.1f %%\n", 100*math.Exp(logSum/float64(n)))
	}
	if failed > 0 {
		return fmt.Errorf("%d errors", failed)
	}
	return nil
}

// usage is a serve process's CPU time at the start of a measurement, and
// the most memory it held since, sampled every 100 ms (the kernel's own
// peak would count the logins before, each an Argon2id hash of 19 MiB).
type usage struct {
	ticks   int64
	maxRSS  *atomic.Int64 // KiB
	stopped chan struct{}
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux this runs on.
const clockTicks = 100

func measureProcess(pid int) usage {
	u := usage{ticks: cpuTicks(pid), maxRSS: new(atomic.Int64), stopped: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			rss, _ := memory(pid)
			if kb := int64(rss * 1024); kb > u.maxRSS.Load() {
				u.maxRSS.Store(kb)
			}
			select {
			case <-u.stopped:
				return
			case <-t.C:
			}
		}
	}()
	return u
}

// cpuTicks reads utime+stime of pid from /proc; 0 where there is none.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces; fields count from
	// after it: state is field 3, utime 14 and stime 15.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}

// cpuPerRequest is serve's CPU time since u per request, in microseconds.
func (u usage) cpuPerRequest(pid, requests int) float64 {
	if requests == 0 {
		return 0
	}
	return float64(cpuTicks(pid)-u.ticks) / clockTicks * 1e6 / float64(requests)
}

// memory reads serve's resident memory now and at its peak, in MiB.
func memory(pid int) (rss, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return rss, peak
}

// print reports serve's CPU time per request and its memory. With several
// instances only the first is read.
func (u usage) print(pid, requests, instances int) {
	close(u.stopped)
	rss, peak := memory(pid)
	which := "serve"
	if instances > 1 {
		which = "the first serve"
	}
	fmt.Printf("%s: %.0f µs CPU per request (user+system); memory under the load at most %.0f MiB resident, %.0f MiB now, %.0f MiB at the process's peak (logins included)\n",
		which, u.cpuPerRequest(pid, requests/instances), float64(u.maxRSS.Load())/1024, rss, peak)
}
