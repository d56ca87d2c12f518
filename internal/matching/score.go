package matching

import (
	"math/bits"
	"sort"
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
	max              int64

	a    []menteeRec
	b    []mentorRec
	ents []entry

	// Mentor rows: stride blocks each, the vocabularies at their offsets.
	rows                           []uint64
	stride                         int
	offLang, offNeed, offInt, offF int
	langs, needs, interests, field vocab

	excluded [][]int32 // per mentee, mentor indices; nil when nobody is excluded
}

type mentorRec struct {
	city, region, field, org int32
	zone                     int16
	stage                    int8 // -1: not given
	times                    uint8
	online, zoneOK, hasInt   bool
}

type menteeRec struct {
	city, region, field, org int32
	zone                     int16
	stage                    int8 // -1: not given
	times                    uint8
	online, zoneOK, hasInt   bool
	wishes                   uint8
	wishStage                int8
	needCount                int8
	wishLang                 int32 // block<<6|bit in the mentor rows; -1: nobody speaks it
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
	s.stride = s.offF + s.field.blocks()

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
		b.online, b.hasInt = p.OnlineOK, len(bInt[j]) > 0
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
		a.online, a.hasInt = p.OnlineOK, len(aInt[i]) > 0
		a.needCount = int8(len(aNeeds[i]))

		a.wishLang, a.wishStage = -1, stageOf(p.WishStage)
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

	if len(set.Excluded) > 0 {
		menteeAt, mentorAt := map[int64][]int{}, map[int64][]int{}
		for i, p := range mentees {
			menteeAt[p.UserID] = append(menteeAt[p.UserID], i)
		}
		for j, p := range mentors {
			mentorAt[p.UserID] = append(mentorAt[p.UserID], j)
		}
		s.excluded = make([][]int32, n)
		for _, e := range set.Excluded {
			for _, i := range menteeAt[e.MenteeID] {
				for _, j := range mentorAt[e.MentorID] {
					s.excluded[i] = append(s.excluded[i], int32(j))
				}
			}
		}
	}
	return s
}

// zoneOffset caches a time zone's offset; ok is false for a zone Go
// does not know.
type zoneOffset struct {
	min int16
	ok  bool
}

// offsetOf gives a zone's offset from UTC in minutes, averaged over a
// winter and a summer day so that the answer does not depend on the day
// the cohort is scored and daylight saving counts half an hour.
func offsetOf(cache map[string]zoneOffset, name string) (int16, bool) {
	if z, ok := cache[name]; ok {
		return z.min, z.ok
	}
	var z zoneOffset
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		_, w := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
		_, s := time.Date(2025, 7, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
		z = zoneOffset{min: int16((w + s) / 120), ok: true}
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

// points holds one pair's points per criterion (0..100), with judged
// telling which criteria could be judged at all, and what explanations
// need besides.
type points struct {
	p          [len8]int64
	judged     [len8]bool
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
	if s.excluded != nil && s.isExcluded(i, j) {
		return 0, false
	}
	var pt points
	s.measure(a, b, j, &pt)
	if s.set.RequireLanguage && !pt.shareLang {
		return 0, false
	}
	var total int64
	for k := range len8 {
		if s.must[k] && pt.judged[k] && pt.p[k] == 0 {
			return 0, false
		}
		total += s.w[k] * pt.p[k]
	}
	return total, true
}

func (s *Scorer) isExcluded(i, j int) bool {
	for _, x := range s.excluded[i] {
		if int(x) == j {
			return true
		}
	}
	return false
}

// The hard rules, in the order they are checked and explained.
type rule int

const (
	ruleNone rule = iota
	ruleOrganisation
	ruleExcluded
	ruleLanguage
)

func (s *Scorer) forbiddenByRule(i, j int) rule {
	a, b := &s.a[i], &s.b[j]
	if s.set.SeparateOrganisations && a.org != 0 && a.org == b.org {
		return ruleOrganisation
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
	for _, e := range s.ents[a.e[0]:a.e[1]] {
		if row[e.blk]&e.mask != 0 {
			return true
		}
	}
	return false
}

// rowHas reports whether mentor j's row has bit (block<<6|bit) set.
func (s *Scorer) rowHas(j int, bit int32) bool {
	return s.rows[j*s.stride+int(bit>>6)]&(1<<(bit&63)) != 0
}

// measure fills pt with the pair's points per criterion. Criteria with
// weight 0 are skipped: they change nothing.
func (s *Scorer) measure(a *menteeRec, b *mentorRec, j int, pt *points) {
	w := &s.w
	row := s.rows[j*s.stride : (j+1)*s.stride]
	ents := s.ents[a.e[0]:a.e[4]]
	e1, e2, e3 := a.e[1]-a.e[0], a.e[2]-a.e[0], a.e[3]-a.e[0]

	for _, e := range ents[:e1] {
		if row[e.blk]&e.mask != 0 {
			pt.shareLang = true
			break
		}
	}
	if w[cLanguage] > 0 {
		pt.judged[cLanguage] = true
		if pt.shareLang {
			pt.p[cLanguage] = full
		}
	}
	if w[cSkills] > 0 && a.needCount > 0 {
		pt.judged[cSkills] = true
		var covered uint64
		for _, e := range ents[e1:e2] {
			if row[e.blk]&e.mask != 0 {
				covered |= e.tag
			}
		}
		pt.covered = covered
		pt.p[cSkills] = int64(ratio[a.needCount][bits.OnesCount64(covered)])
	}
	sameField := a.field != 0 && a.field == b.field
	relatedField := false
	if !sameField && a.field != 0 && b.field != 0 && (w[cField] > 0 || a.wishes&wishField != 0) {
		for _, e := range ents[e3:] {
			if row[e.blk]&e.mask != 0 {
				relatedField = true
				break
			}
		}
	}
	if w[cField] > 0 && a.field != 0 && b.field != 0 {
		pt.judged[cField] = true
		switch {
		case sameField:
			pt.p[cField] = full
		case relatedField:
			pt.p[cField] = fieldRelated
		}
	}
	sameCity := a.city != 0 && a.city == b.city
	if w[cLocation] > 0 {
		pt.judged[cLocation] = true
		switch {
		case sameCity:
			pt.placeLevel = placeCity
		case a.region != 0 && a.region == b.region:
			pt.placeLevel = placeRegion
		case a.online && b.online:
			pt.placeLevel = placeOnline
			if a.zoneOK && b.zoneOK && abs16(a.zone-b.zone) > closeZone {
				pt.placeLevel = placeFar
			}
		}
		pt.p[cLocation] = pt.placeLevel
	}
	if w[cAvailability] > 0 && a.times != 0 && b.times != 0 {
		pt.judged[cAvailability] = true
		pt.p[cAvailability] = int64(ratio[bits.OnesCount8(a.times)][bits.OnesCount8(a.times&b.times)])
	}
	if w[cInterests] > 0 && a.hasInt && b.hasInt {
		pt.judged[cInterests] = true
		n := 0
		for _, e := range ents[e2:e3] {
			n += bits.OnesCount64(row[e.blk] & e.mask)
		}
		pt.p[cInterests] = int64(ratio[interestsCap][min(n, interestsCap)])
	}
	if w[cCareer] > 0 && a.stage >= 0 && b.stage >= 0 {
		pt.judged[cCareer] = true
		pt.p[cCareer] = careerPoints[b.stage-a.stage+4]
	}
	if wishes := a.wishes; w[cPreference] > 0 && wishes != 0 {
		pt.judged[cPreference] = true
		var met uint8
		if wishes&wishField != 0 && (sameField || relatedField) {
			met |= wishField
		}
		if wishes&wishInPerson != 0 && sameCity {
			met |= wishInPerson
		}
		if wishes&wishLanguage != 0 && a.wishLang >= 0 && row[a.wishLang>>6]&(1<<(a.wishLang&63)) != 0 {
			met |= wishLanguage
		}
		if wishes&wishStage != 0 && a.wishStage == b.stage {
			met |= wishStage
		}
		pt.wishesMet = met
		pt.p[cPreference] = int64(ratio[bits.OnesCount8(wishes)][bits.OnesCount8(met)])
	}
}

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
	return assign.Problem{
		Mentees:          len(rows),
		Mentors:          len(cols),
		Capacity:         capacity,
		UnmatchedPenalty: float64(s.Penalty()),
		Score: func(a, b int) (float64, bool) {
			sc, ok := s.Score(rows[a], cols[b])
			return float64(sc), ok
		},
	}
}
