// Package synth generates seeded synthetic cohorts whose scores look like
// mentor matching scores, for the solver's benchmarks and tests. It is not
// the application's scoring.
//
// Each person has a field, a region, an organisation, a set of languages
// and a set of interests; mentors also have a popularity bonus drawn from a
// skewed distribution, so that many mentees compete for the same few
// mentors as they do in real programmes. A pair scores
//
//	30·[same field] + 5·min(shared interests, 6) + 10·[same region]
//	+ 10·[a shared language] + bonus(mentor)
//
// an integer in 0..95, and is forbidden when both work for the same
// organisation (one of 20, so about 5% of pairs).
package synth

import (
	"math/bits"
	"math/rand/v2"
)

// Cohort holds the people's features. Score is safe for concurrent use.
type Cohort struct {
	Mentees, Mentors int
	Capacity         []int

	// Struct of arrays: the solver's pricing pass streams over every
	// pair, so the features a score reads should share cache lines.
	aField, aRegion, aOrg, aLang []uint8
	aInterest                    []uint64
	bField, bRegion, bOrg, bLang []uint8
	bInterest                    []uint64
	bBonus                       []uint8
}

// New generates a cohort; equal arguments give equal cohorts.
func New(mentees, mentors, capacity int, seed uint64) *Cohort {
	r := rand.New(rand.NewPCG(seed, 0x6d656e746f72))
	c := &Cohort{Mentees: mentees, Mentors: mentors, Capacity: make([]int, mentors)}
	for j := range c.Capacity {
		c.Capacity[j] = capacity
	}
	person := func(n int) (field, region, org, lang []uint8, interest []uint64) {
		field, region, org, lang = make([]uint8, n), make([]uint8, n), make([]uint8, n), make([]uint8, n)
		interest = make([]uint64, n)
		for i := range n {
			field[i] = uint8(r.IntN(12))
			region[i] = uint8(r.IntN(8))
			org[i] = uint8(r.IntN(20))
			for range 1 + r.IntN(3) {
				lang[i] |= 1 << (r.IntN(6))
			}
			for bits.OnesCount64(interest[i]) < 10 {
				interest[i] |= 1 << r.IntN(64)
			}
		}
		return
	}
	c.aField, c.aRegion, c.aOrg, c.aLang, c.aInterest = person(mentees)
	c.bField, c.bRegion, c.bOrg, c.bLang, c.bInterest = person(mentors)
	c.bBonus = make([]uint8, mentors)
	for j := range c.bBonus {
		u := r.Float64()
		c.bBonus[j] = uint8(15 * u * u * u)
	}
	return c
}

// Score returns the pair's score, or false if the pair is forbidden.
func (c *Cohort) Score(i, j int) (float64, bool) {
	if c.aOrg[i] == c.bOrg[j] {
		return 0, false
	}
	s := int(c.bBonus[j]) + 5*min(bits.OnesCount64(c.aInterest[i]&c.bInterest[j]), 6)
	if c.aField[i] == c.bField[j] {
		s += 30
	}
	if c.aRegion[i] == c.bRegion[j] {
		s += 10
	}
	if c.aLang[i]&c.bLang[j] != 0 {
		s += 10
	}
	return float64(s), true
}
