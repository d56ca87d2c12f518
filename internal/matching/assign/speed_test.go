package assign

import (
	"fmt"
	"testing"
	"time"
	"syscall"

	"mentorskap/internal/matching/assign/synth"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestScoreSpeed(t *testing.T) {
	c := synth.New(10000, 5000, 2, 1)
	t0, c0 := time.Now(), cpuTime()
	sum := 0.0
	for i := 0; i < 10000; i++ {
		for j := 0; j < 5000; j++ {
			s, ok := c.Score(i, j)
			if ok {
				sum += s
			}
		}
	}
	fmt.Println("score pass wall", time.Since(t0), "cpu", cpuTime()-c0, sum)
	f := c.Score
	t0, c0 = time.Now(), cpuTime()
	for i := 0; i < 10000; i++ {
		for j := 0; j < 5000; j++ {
			s, ok := f(i, j)
			if ok {
				sum += s
			}
		}
	}
	fmt.Println("score pass via func value wall", time.Since(t0), "cpu", cpuTime()-c0, sum)
}
