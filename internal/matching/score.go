package matching

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"mentorskap/internal/matching/assign"
	"mentorskap/internal/program"
)

// Scoring. Each criterion gives a pair 0..100 points, multiplied by its
// weight (0..10) and summed: a pair scores an integer between 0 and
// Max(), which keeps the solver's arithmetic exact. A criterion that
// cannot be judged because the mentee said nothing about it (no needs,
// no wishes) or either side left it blank gives no points; a weight of
// MustMatch turns "nothing in common" on a judged criterion into a hard
// rule. Everything that depends on one person only is computed once in
// NewScorer, so that Score is a handful of integer operations and ANDs.

// Points per criterion for the cases the pages explain.
const (
	full = 100

	placeCity   = 100 // same place: meeting in person is easy
	placeRegion = 70  // same region: in person now and then
	placeOnline = 40  // both happy to meet online, time zones close
	placeFar    = 20  // online, but hours apart
	closeZone   = 3 * 60

	fieldRelated = 50 // the fields share a word: "Software" and "Software testing"
	interestsCap = 3  // this many shared interests give full points
	maxNeeds     = 64 // needs beyond this are not scored (tags are one uint64)
)

// careerPoints by how many stages the mentor is ahead of the mentee
// (program.CareerStages order), from 4 behind to 4 ahead: one or two
// steps ahead is best, peers can still help each other, a mentor behind
// the mentee rarely works.
var careerPoints = [9]int64{0, 0, 0, 0, 30, 100, 100, 70, 50}

// ratio[total][part] is full*part/total, so that Score never divides.
var ratio = func() (t [maxNeeds + 1][maxNeeds + 1]int16) {
	for n := 1; n <= maxNeeds; n++ {
		for k := 0; k <= n; k++ {
			t[n][k] = int16(full * k / n)
		}
	}
	return
}()

// Scorer scores every pair of one cohort. Indices are positions in the
// mentees and mentors slices given to NewScorer. It is safe for
// concurrent use.
//
// Score runs tens of millions of times per cohort, so the data it reads
// is packed for it: each mentor is one small record plus one row of
// bitsets (languages, skills, goals and interests, field words side by
// side), read in that order for consecutive mentors; each mentee is one
// record plus a short list of entries against those rows.
type Scorer struct {
	mentees, mentors []program.Participant
	set              Settings
	w                [len8]int64 // weight per criterion, indexed like Criteria
	must             [len8]bool
	anyMust          bool
	max              int64

	a    []menteeRec
	b    []mentorRec
	ents []entry

	// Mentor rows: stride blocks each, the vocabularies at their offsets.
	rows                           []uint64
	stride                         int
	offLang, offNeed, offInt, offF int
	langs, needs, interests, field vocab

	// Per mentee, the mentor indices never to be proposed: the
	// coordinator's exclusions and former pairs together, so Score checks
	// one short list; nil when there are none. former holds the former
	// pairs alone, for explanations.
	excluded, former [][]int32

	// The program's own questions that count (questions.go).
	qs []qrule
}

type mentorRec struct {
	city, region, field, org int32
	zone                     int16
	stage                    int8 // -1: not given
	times                    uint8
	online, zoneOK           uint8 // 0 or 1, for arithmetic
	hasInt                   bool
}

type menteeRec struct {
	city, region, field, org int32
	zone                     int16
	stage                    int8 // -1: not given
	times                    uint8
	online, zoneOK           uint8 // 0 or 1, for arithmetic
	hasInt                   bool
	wishes                   uint8
	wishStage                int8
	needCount                int8
	wishLang                 int32 // block<<6|bit in the mentor rows; a bit never set when nobody speaks it
	// Entries: languages e[0]:e[1], needs e[1]:e[2], goals and interests
	// e[2]:e[3], field words e[3]:e[4].
	e [5]int32
}

const len8 = 8

// Criterion indices into Scorer.w.
const (
	cLanguage = iota
	cSkills
	cField
	cLocation
	cAvailability
	cInterests
	cCareer
	cPreference
)

// Wish bits of menteeRec.wishes.
const (
	wishField = 1 << iota
	wishInPerson
	wishLanguage
	wishStage
)

// NewScorer prepares scoring for a cohort under a program's settings.
func NewScorer(mentees, mentors []program.Participant, set Settings) *Scorer {
	s := &Scorer{mentees: mentees, mentors: mentors, set: set}
	for k, c := range Criteria {
		s.w[k] = int64(set.Weight(c))
		s.must[k] = s.w[k] >= MustMatch
		s.anyMust = s.anyMust || s.must[k]
		s.max += s.w[k] * full
	}
	n, m := len(mentees), len(mentors)
	s.a, s.b = make([]menteeRec, n), make([]mentorRec, m)

	// The words of each side, per criterion.
	aLang, bLang := make([][]string, n), make([][]string, m)
	aNeeds := make([][][]string, n)
	var aNeedWords [][]string
	bSkills := make([][]string, m)
	aInt, bInt := make([][]string, n), make([][]string, m)
	aField, bField := make([][]string, n), make([][]string, m)
	for i, p := range mentees {
		aLang[i] = p.Languages
		for k, l := range lines(p.Needs) {
			if k == maxNeeds {
				break
			}
			ws := words(l)
			aNeeds[i] = append(aNeeds[i], ws)
			aNeedWords = append(aNeedWords, ws)
		}
		aInt[i] = words(p.Goals + "\n" + p.Interests)
		aField[i] = words(p.Field)
	}
	for j, p := range mentors {
		bLang[j] = p.Languages
		bSkills[j] = words(p.Skills)
		bInt[j] = words(p.Goals + "\n" + p.Interests)
		bField[j] = words(p.Field)
	}
	s.langs, s.needs = newVocab(aLang, bLang), newVocab(aNeedWords, bSkills)
	s.interests, s.field = newVocab(aInt, bInt), newVocab(aField, bField)
	s.offNeed = s.offLang + s.langs.blocks()
	s.offInt = s.offNeed + s.needs.blocks()
	s.offF = s.offInt + s.interests.blocks()
	zero := s.offF + s.field.blocks() // a block left empty in every row
	s.stride = zero + 1

	s.rows = make([]uint64, m*s.stride)
	fc, pc, oc := codes{}, codes{}, codes{}
	zones := map[string]zoneOffset{}
	for j, p := range mentors {
		row := s.rows[j*s.stride : (j+1)*s.stride]
		setBits(row, s.langs, s.offLang, bLang[j])
		setBits(row, s.needs, s.offNeed, bSkills[j])
		setBits(row, s.interests, s.offInt, bInt[j])
		setBits(row, s.field, s.offF, bField[j])
		city, region := place(p.Location)
		b := &s.b[j]
		b.city, b.region = pc.of(city), pc.of(region)
		b.field, b.org = fc.of(norm(p.Field)), oc.of(norm(p.Organisation))
		b.zone, b.zoneOK = offsetOf(zones, p.Timezone)
		b.stage, b.times = stageOf(p.CareerStage), timeBits(p.MeetingTimes)
		b.online, b.hasInt = bit(p.OnlineOK), len(bInt[j]) > 0
	}
	for i, p := range mentees {
		a := &s.a[i]
		a.e[0] = int32(len(s.ents))
		s.ents = appendEntries(s.ents, s.langs, s.offLang, [][]string{aLang[i]})
		a.e[1] = int32(len(s.ents))
		s.ents = appendEntries(s.ents, s.needs, s.offNeed, aNeeds[i])
		a.e[2] = int32(len(s.ents))
		s.ents = appendEntries(s.ents, s.interests, s.offInt, [][]string{aInt[i]})
		a.e[3] = int32(len(s.ents))
		s.ents = appendEntries(s.ents, s.field, s.offF, [][]string{aField[i]})
		a.e[4] = int32(len(s.ents))

		city, region := place(p.Location)
		a.city, a.region = pc.of(city), pc.of(region)
		a.field, a.org = fc.of(norm(p.Field)), oc.of(norm(p.Organisation))
		a.zone, a.zoneOK = offsetOf(zones, p.Timezone)
		a.stage, a.times = stageOf(p.CareerStage), timeBits(p.MeetingTimes)
		a.online, a.hasInt = bit(p.OnlineOK), len(aInt[i]) > 0
		a.needCount = int8(len(aNeeds[i]))

		a.wishLang, a.wishStage = int32(zero)<<6, stageOf(p.WishStage)
		if p.WishSameField {
			a.wishes |= wishField
		}
		if p.WishInPerson {
			a.wishes |= wishInPerson
		}
		if p.WishLanguage != "" {
			a.wishes |= wishLanguage
			if id, ok := s.langs[p.WishLanguage]; ok {
				a.wishLang = int32(s.offLang)<<6 + id
			}
		}
		if a.wishStage >= 0 {
			a.wishes |= wishStage
		}
	}

	s.prepareQuestions(set.Questions)
	if len(set.Excluded) > 0 {
		pairs := make([][2]int64, len(set.Excluded))
		for k, e := range set.Excluded {
			pairs[k] = [2]int64{e.MenteeID, e.MentorID}
		}
		s.excluded = s.indexPairs(pairs, s.excluded)
	}
	return s
}

// ExcludeFormer rules out every mentee and mentor of the cohort who shared
// a pair before: a former pair is never proposed again, however well it
// scores. Call it before scoring.
func (s *Scorer) ExcludeFormer(former []program.FormerPair) {
	if len(former) == 0 {
		return
	}
	pairs := make([][2]int64, len(former))
	for k, f := range former {
		pairs[k] = [2]int64{f.MenteeID, f.MentorID}
	}
	s.former = s.indexPairs(pairs, s.former)
	s.excluded = s.indexPairs(pairs, s.excluded)
}

// indexPairs adds (mentee, mentor) user id pairs to a per-mentee list of
// mentor indices, leaving out people outside the cohort; into may be nil.
func (s *Scorer) indexPairs(pairs [][2]int64, into [][]int32) [][]int32 {
	menteeAt, mentorAt := map[int64][]int{}, map[int64][]int{}
	for i, p := range s.mentees {
		menteeAt[p.UserID] = append(menteeAt[p.UserID], i)
	}
	for j, p := range s.mentors {
		mentorAt[p.UserID] = append(mentorAt[p.UserID], j)
	}
	if into == nil {
		into = make([][]int32, len(s.mentees))
	}
	for _, pr := range pairs {
		for _, i := range menteeAt[pr[0]] {
			for _, j := range mentorAt[pr[1]] {
				if !slices.Contains(into[i], int32(j)) {
					into[i] = append(into[i], int32(j))
				}
			}
		}
	}
	return into
}

func bit(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// zoneOffset caches a time zone's offset; ok is 0 for a zone Go does not
// know.
type zoneOffset struct {
	min int16
	ok  uint8
}

// offsetOf gives a zone's offset from UTC in minutes, averaged over a
// winter and a summer day so that the answer does not depend on the day
// the cohort is scored and daylight saving counts half an hour.
func offsetOf(cache map[string]zoneOffset, name string) (int16, uint8) {
	if z, ok := cache[name]; ok {
		return z.min, z.ok
	}
	var z zoneOffset
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		_, w := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
		_, s := time.Date(2025, 7, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
		z = zoneOffset{min: int16((w + s) / 120), ok: 1}
	}
	cache[name] = z
	return z.min, z.ok
}

func timeBits(slots []string) uint8 {
	var b uint8
	for _, t := range slots {
		for k, s := range program.MeetingSlots {
			if t == s {
				b |= 1 << k
			}
		}
	}
	return b
}

func stageOf(s string) int8 {
	for k, c := range program.CareerStages {
		if s == c {
			return int8(k)
		}
	}
	return -1
}

// Max is the score of a perfect pair under the settings.
func (s *Scorer) Max() int64 { return s.max }

// Percent turns a score into a whole percentage of Max, for display.
func (s *Scorer) Percent(score int64) int {
	if s.max == 0 {
		return 0
	}
	return int((score*100 + s.max/2) / s.max)
}

// Penalty is the settings' unmatched penalty in score units.
func (s *Scorer) Penalty() int64 { return int64(s.set.UnmatchedPenalty) * s.max / 100 }

// Mentees and Mentors return the cohort as given to NewScorer.
func (s *Scorer) Mentees() []program.Participant { return s.mentees }
func (s *Scorer) Mentors() []program.Participant { return s.mentors }

// points holds one pair's points per criterion (0..100) and what
// explanations need besides.
type points struct {
	p          [len8]int64
	shareLang  bool
	covered    uint64 // needs covered, by tag
	placeLevel int64
	wishesMet  uint8
}

// Score returns the pair's score, or ok=false when a hard rule forbids it.
func (s *Scorer) Score(i, j int) (int64, bool) {
	a, b := &s.a[i], &s.b[j]
	if s.set.SeparateOrganisations && a.org != 0 && a.org == b.org {
		return 0, false
	}
	// Pairs without a language in common are common across regions and
	// cheap to rule out before everything else is measured.
	if s.set.RequireLanguage && !s.shareLang(a, j) {
		return 0, false
	}
	if s.excluded != nil && s.isExcluded(i, j) {
		return 0, false
	}
	var pt points
	s.measure(a, b, j, &pt)
	w := &s.w
	total := w[0]*pt.p[0] + w[1]*pt.p[1] + w[2]*pt.p[2] + w[3]*pt.p[3] +
		w[4]*pt.p[4] + w[5]*pt.p[5] + w[6]*pt.p[6] + w[7]*pt.p[7]
	if s.anyMust && s.failsMust(a, b, &pt) >= 0 {
		return 0, false
	}
	if len(s.qs) > 0 {
		extra, ok := s.questionScore(i, j)
		if !ok {
			return 0, false
		}
		total += extra
	}
	return total, true
}

// failsMust returns the first must-match criterion the pair has nothing
// in common on, or -1.
func (s *Scorer) failsMust(a *menteeRec, b *mentorRec, pt *points) int {
	judged := s.judged(a, b)
	for k := range len8 {
		if s.must[k] && judged[k] && pt.p[k] == 0 {
			return k
		}
	}
	return -1
}

// judged says which criteria can be judged for the pair: those on which
// neither side left the profile blank (and that weigh something).
func (s *Scorer) judged(a *menteeRec, b *mentorRec) (j [len8]bool) {
	j[cLanguage] = true
	j[cSkills] = a.needCount > 0
	j[cField] = a.field != 0 && b.field != 0
	j[cLocation] = true
	j[cAvailability] = a.times != 0 && b.times != 0
	j[cInterests] = a.hasInt && b.hasInt
	j[cCareer] = a.stage >= 0 && b.stage >= 0
	j[cPreference] = a.wishes != 0
	for k := range len8 {
		j[k] = j[k] && s.w[k] > 0
	}
	return j
}

func (s *Scorer) isExcluded(i, j int) bool {
	return slices.Contains(s.excluded[i], int32(j))
}

// isFormer reports whether mentee i and mentor j shared a pair before.
func (s *Scorer) isFormer(i, j int) bool {
	return s.former != nil && slices.Contains(s.former[i], int32(j))
}

// The hard rules, in the order they are checked and explained.
type rule int

const (
	ruleNone rule = iota
	ruleOrganisation
	ruleFormer
	ruleExcluded
	ruleLanguage
)

func (s *Scorer) forbiddenByRule(i, j int) rule {
	a, b := &s.a[i], &s.b[j]
	if s.set.SeparateOrganisations && a.org != 0 && a.org == b.org {
		return ruleOrganisation
	}
	if s.isFormer(i, j) {
		return ruleFormer
	}
	if s.excluded != nil && s.isExcluded(i, j) {
		return ruleExcluded
	}
	if s.set.RequireLanguage && !s.shareLang(a, j) {
		return ruleLanguage
	}
	return ruleNone
}

func (s *Scorer) shareLang(a *menteeRec, j int) bool {
	row := s.rows[j*s.stride : (j+1)*s.stride]
	var lang uint64
	for _, e := range s.ents[a.e[0]:a.e[1]] {
		lang |= row[e.blk] & e.mask
	}
	return lang != 0
}

// rowHas reports whether mentor j's row has bit (block<<6|bit) set.
func (s *Scorer) rowHas(j int, bit int32) bool {
	return s.rows[j*s.stride+int(bit>>6)]&(1<<(bit&63)) != 0
}

// nz is 1 when x is not zero, else 0, without a branch: whether two
// random people share a city is a coin toss the processor cannot
// predict, and a mispredicted branch costs more than this arithmetic.
func nz(x uint64) int64 { return int64((x | -x) >> 63) }

// eq is 1 when x == y, else 0.
func eq(x, y int32) int64 { return 1 - nz(uint64(uint32(x^y))) }

// measure fills pt with the pair's points per criterion, whatever the
// weights (Score multiplies them in). It is branch-free apart from loops
// whose length depends on the mentee alone, so the processor predicts
// them while Score runs along a mentee's row.
func (s *Scorer) measure(a *menteeRec, b *mentorRec, j int, pt *points) {
	row := s.rows[j*s.stride : (j+1)*s.stride]
	ents := s.ents[a.e[0]:a.e[4]]
	e1, e2, e3 := a.e[1]-a.e[0], a.e[2]-a.e[0], a.e[3]-a.e[0]

	var lang uint64
	for _, e := range ents[:e1] {
		lang |= row[e.blk] & e.mask
	}
	share := nz(lang)
	pt.shareLang = share != 0
	pt.p[cLanguage] = full * share

	var covered uint64
	for _, e := range ents[e1:e2] {
		covered |= e.tag & -uint64(nz(row[e.blk]&e.mask))
	}
	pt.covered = covered
	pt.p[cSkills] = int64(ratio[a.needCount][bits.OnesCount64(covered)])

	var fw uint64
	for _, e := range ents[e3:] {
		fw |= row[e.blk] & e.mask
	}
	same := eq(a.field, b.field) * nz(uint64(a.field))
	related := (1 - same) * nz(fw) // field words exist only for named fields
	pt.p[cField] = fieldTable[same|related<<1]

	city := eq(a.city, b.city) * nz(uint64(a.city))
	region := eq(a.region, b.region) * nz(uint64(a.region))
	dz := int32(a.zone) - int32(b.zone)
	beyond := max(dz, -dz) - closeZone - 1 // >= 0 when further apart than closeZone
	far := int64(a.zoneOK&b.zoneOK) * int64(1-uint32(beyond)>>31)
	level := placeTable[city|region<<1|int64(a.online&b.online)<<2|far<<3]
	pt.placeLevel = level
	pt.p[cLocation] = level

	pt.p[cAvailability] = int64(ratio[bits.OnesCount8(a.times)][bits.OnesCount8(a.times&b.times)])

	n := 0
	for _, e := range ents[e2:e3] {
		n += bits.OnesCount64(row[e.blk] & e.mask)
	}
	pt.p[cInterests] = int64(ratio[interestsCap][min(n, interestsCap)])

	pt.p[cCareer] = careerTable[a.stage+1][b.stage+1]

	met := uint64(wishField)*uint64(same|related) | uint64(wishInPerson)*uint64(city) |
		uint64(wishLanguage)*(row[a.wishLang>>6]>>(a.wishLang&63)&1) |
		uint64(wishStage)*uint64(eq(int32(a.wishStage), int32(b.stage)))
	met &= uint64(a.wishes)
	pt.wishesMet = uint8(met)
	pt.p[cPreference] = int64(ratio[bits.OnesCount8(a.wishes)][bits.OnesCount64(met)])
}

// fieldTable[same|related<<1] and placeTable[city|region<<1|online<<2|
// far<<3] turn what two profiles have in common into points.
var (
	fieldTable = [4]int64{0, full, fieldRelated, fieldRelated}
	placeTable = func() (t [16]int64) {
		for k := range t {
			switch {
			case k&1 != 0:
				t[k] = placeCity
			case k&2 != 0:
				t[k] = placeRegion
			case k&4 != 0 && k&8 != 0:
				t[k] = placeFar
			case k&4 != 0:
				t[k] = placeOnline
			}
		}
		return
	}()
)

// careerTable[mentee stage+1][mentor stage+1] is careerPoints, with 0
// when either stage is not given.
var careerTable = func() (t [6][6]int64) {
	for a := range 5 {
		for b := range 5 {
			t[a+1][b+1] = careerPoints[b-a+4]
		}
	}
	return
}()

func abs16(x int16) int16 {
	if x < 0 {
		return -x
	}
	return x
}

// Candidate is a mentor for one mentee, by index, with the pair's score.
type Candidate struct {
	Mentor int
	Score  int64
}

// Top returns mentee i's best k allowed mentors, best first (ties by
// index, so the order is stable). skip, if not nil, leaves mentors out
// (full ones, say).
func (s *Scorer) Top(i, k int, skip func(j int) bool) []Candidate {
	var out []Candidate
	for j := range s.mentors {
		if skip != nil && skip(j) {
			continue
		}
		sc, ok := s.Score(i, j)
		if !ok {
			continue
		}
		c := Candidate{Mentor: j, Score: sc}
		pos := sort.Search(len(out), func(a int) bool { return out[a].Score < sc })
		if pos >= k {
			continue
		}
		out = append(out, Candidate{})
		copy(out[pos+1:], out[pos:])
		out[pos] = c
		if len(out) > k {
			out = out[:k]
		}
	}
	return out
}

// Problem is the assignment problem of the whole cohort: every mentor
// with their profile's capacity, the settings' unmatched penalty.
func (s *Scorer) Problem() assign.Problem {
	return s.SubProblem(nil, nil, nil)
}

// SubProblem is the assignment problem of some mentees (rows, indices
// into the cohort) and mentors (cols) with the given capacities; nil rows
// or cols take everyone, nil capacity the profiles' capacities. Solution
// indices refer to positions in rows and cols.
func (s *Scorer) SubProblem(rows, cols, capacity []int) assign.Problem {
	if rows == nil {
		rows = make([]int, len(s.mentees))
		for i := range rows {
			rows[i] = i
		}
	}
	if cols == nil {
		cols = make([]int, len(s.mentors))
		for j := range cols {
			cols[j] = j
		}
	}
	if capacity == nil {
		capacity = make([]int, len(cols))
		for b, j := range cols {
			capacity[b] = s.mentors[j].Capacity
		}
	}
	score := func(a, b int) (float64, bool) {
		sc, ok := s.Score(rows[a], cols[b])
		return float64(sc), ok
	}
	if n := len(rows) * len(cols); n > tableMin && n <= tableMax {
		t, w := s.table(rows, cols), len(cols)
		score = func(a, b int) (float64, bool) {
			v := t[a*w+b]
			return float64(v), v != forbiddenCell
		}
	}
	return assign.Problem{
		Mentees:          len(rows),
		Mentors:          len(cols),
		Capacity:         capacity,
		UnmatchedPenalty: float64(s.Penalty()),
		Score:            score,
	}
}

// The solver's sparse path, which large cohorts take, reads every score
// two to four times; a table of all scores, two bytes a pair and filled
// on every core, makes each pair cost one Score. Below tableMin the
// solver's dense path reads each score once anyway; above tableMax the
// table would take more memory than the time it saves is worth.
const (
	tableMin      = 1 << 20
	tableMax      = 1 << 28 // 512 MiB
	forbiddenCell = math.MaxUint16
)

// table scores every pair of rows × cols, row-major; a forbidden pair is
// forbiddenCell. Scores fit: they are at most (8 criteria + question.MaxMatching) × 10 × 100.
func (s *Scorer) table(rows, cols []int) []uint16 {
	t := make([]uint16, len(rows)*len(cols))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := w; a < len(rows); a += workers {
				line := t[a*len(cols) : (a+1)*len(cols)]
				for b, j := range cols {
					sc, ok := s.Score(rows[a], j)
					if !ok {
						sc = forbiddenCell
					}
					line[b] = uint16(sc)
				}
			}
		}()
	}
	wg.Wait()
	return t
}
