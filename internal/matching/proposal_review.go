package matching

import (
	"context"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// alternativesShown is how many other mentors the review suggests for
// each mentee: enough to see whether a swap is worth it, few enough to
// read.
const alternativesShown = 3

// Review is the coordinator's view of the program's draft, recomputed
// from the current profiles and settings each time it is shown.
type Review struct {
	Program         *program.Program
	Draft           *Proposal // nil before the first run and after publishing
	LastPublished   *Proposal // the latest published proposal, rows not loaded
	SettingsChanged bool      // the draft was made under other settings
	Total           int64     // the rows' current scores added up
	Max             int64     // the score of a perfect pair
	Mentees         int       // mentees who can be matched now
	Places          int       // free places of mentors who can take someone now
	Problems        int       // rows that cannot be published as they stand
	Pairs           []ReviewPair
	Unmatched       []Unmatched
	Open            []OpenMentor // mentors with a free place in the draft
	CohortMentees   []Person     // mentees who can be matched, for the manual form
	Left            []LeftOut    // mentees out of the pool since their pair closed
	scorer          *Scorer
}

// LeftOut is an approved mentee whose last pair closed without anyone
// asking for a new mentor: they are not matched until a coordinator
// returns them to the pool.
type LeftOut struct {
	Mentee  Person
	PairID  int64
	EndedAt time.Time
	Why     Note // how the pair closed, with the former mentors' names
}

// Person names someone in the review.
type Person struct {
	UserID int64
	Name   string
}

// ReviewPair is one row of the draft with what the coordinator needs to
// judge it.
type ReviewPair struct {
	Mentee, Mentor Person
	Score          int64
	Percent        int
	Locked, Manual bool
	Why            []Reason
	Problem        *Note // why it cannot be published as it stands
	Returned       *Note // why a mentee whose pair closed is matched again
	Alternatives   []Alternative
}

// Alternative is another allowed mentor for a mentee. Diff is the score
// against the mentee's current one (0 for an unmatched mentee); Free says
// whether the mentor has a place left in the draft, else taking them
// means a swap.
type Alternative struct {
	Mentor      Person
	Score       int64
	Percent     int
	Diff        int64
	DiffPercent int // Diff in percentage points of a perfect score
	Free        bool
}

// Points is the size of DiffPercent, for pages that say "higher" or
// "lower" in words.
func (a Alternative) Points() int {
	if a.DiffPercent < 0 {
		return -a.DiffPercent
	}
	return a.DiffPercent
}

// Unmatched is a mentee of the cohort without a row, and why.
type Unmatched struct {
	Mentee       Person
	Why          []Reason
	Returned     *Note // why a mentee whose pair closed is matched again
	Alternatives []Alternative
}

// OpenMentor is a mentor with places left in the draft.
type OpenMentor struct {
	Mentor Person
	Free   int
}

// Note is a translatable message about the review.
type Note struct {
	Key  string
	Args []any
}

// Localize renders the note in l's language.
func (n Note) Localize(l *i18n.Locale) string { return l.T(n.Key, n.Args...) }

// Percent turns a score into a share of a perfect pair's score.
func (r *Review) Percent(score int64) int {
	if r.scorer == nil {
		return 0
	}
	return r.scorer.Percent(score)
}

// Average is the rows' mean score as a share of a perfect pair's.
func (r *Review) Average() int {
	if len(r.Pairs) == 0 {
		return 0
	}
	return r.Percent(r.Total / int64(len(r.Pairs)))
}

// Review shows the program's draft to its coordinators.
func (s *Service) Review(ctx context.Context, actor *account.User, programID int64) (*Review, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, err
	}
	c, err := loadCohort(ctx, s.DB, prog)
	if err != nil {
		return nil, err
	}
	d, err := maybeProposal(loadProposal(ctx, s.DB, programID, ProposalDraft, false))
	if err != nil {
		return nil, err
	}
	last, err := maybeProposal(loadProposal(ctx, s.DB, programID, ProposalPublished, false))
	if err != nil {
		return nil, err
	}
	if last != nil {
		last.Rows = nil
	}
	return c.review(d, last), nil
}

func (c *cohort) review(d *Proposal, last *Proposal) *Review {
	rv := &Review{Program: c.prog, Draft: d, LastPublished: last, Max: c.sc.Max(), Mentees: len(c.mentees), scorer: c.sc}
	for _, n := range c.room {
		rv.Places += n
	}
	for _, m := range c.mentees {
		rv.CohortMentees = append(rv.CohortMentees, Person{m.UserID, m.Name})
	}
	for _, m := range c.left {
		l := c.history.Left[m.UserID]
		rv.Left = append(rv.Left, LeftOut{Mentee: Person{m.UserID, m.Name}, PairID: l.PairID, EndedAt: l.EndedAt,
			Why: c.leftNote(l)})
	}
	if d == nil {
		return rv
	}
	rv.SettingsChanged = d.SettingsHash != c.hash
	load := d.load()
	free := make([]int, len(c.mentors))
	for j, m := range c.mentors {
		free[j] = c.room[j] - load[m.UserID]
		if free[j] > 0 {
			rv.Open = append(rv.Open, OpenMentor{Person{m.UserID, m.Name}, free[j]})
		}
	}
	alternatives := func(i, current int, base int64) []Alternative {
		top := c.sc.Top(i, alternativesShown, func(j int) bool { return j == current })
		out := make([]Alternative, 0, len(top))
		for _, t := range top {
			m := c.mentors[t.Mentor]
			a := Alternative{Mentor: Person{m.UserID, m.Name}, Score: t.Score, Percent: c.sc.Percent(t.Score), Free: free[t.Mentor] > 0}
			if current >= 0 {
				a.Diff = t.Score - base
				a.DiffPercent = a.Percent - c.sc.Percent(base)
			}
			out = append(out, a)
		}
		return out
	}
	placed := map[int64]bool{}
	for _, r := range d.Rows {
		placed[r.MenteeID] = true
		p := ReviewPair{Mentee: Person{r.MenteeID, r.MenteeName}, Mentor: Person{r.MentorID, r.MentorName},
			Score: r.Score, Locked: r.Locked, Manual: r.Manual, Returned: c.returnedNote(r.MenteeID)}
		if m := c.rowProblem(r, load); m != nil {
			p.Problem = &Note{m.Key, m.Args}
			rv.Problems++
		}
		i, ok1 := c.menteeIdx[r.MenteeID]
		j, ok2 := c.mentorIdx[r.MentorID]
		if ok1 && ok2 {
			p.Why = c.sc.Explain(i, j)
			if sc, ok := c.sc.Score(i, j); ok {
				p.Score = sc
			}
			p.Alternatives = alternatives(i, j, p.Score)
		}
		p.Percent = c.sc.Percent(p.Score)
		rv.Total += p.Score
		rv.Pairs = append(rv.Pairs, p)
	}
	for i, m := range c.mentees {
		if placed[m.UserID] {
			continue
		}
		u := Unmatched{Mentee: Person{m.UserID, m.Name}, Alternatives: alternatives(i, -1, 0), Returned: c.returnedNote(m.UserID)}
		// Someone the solver could still place has a mentor with a free
		// place: they were removed by hand, or joined after the run, or
		// the penalty made leaving them out worth it.
		for j := range c.mentors {
			if _, ok := c.sc.Score(i, j); ok && free[j] > 0 {
				u.Why = []Reason{{Key: "matching.unmatched.free_place"}}
				break
			}
		}
		if u.Why == nil {
			u.Why = c.sc.WhyUnmatchable(i)
		}
		rv.Unmatched = append(rv.Unmatched, u)
	}
	return rv
}

// nameList renders names joined, or says "former participant" when every
// account is gone.
type nameList []string

func (n nameList) Localize(l *i18n.Locale) string {
	if len(n) == 0 {
		return l.T("privacy.former_participant")
	}
	return strings.Join(n, ", ")
}

// formerMentors names the mentors of a closed pair, for the review.
func (c *cohort) formerMentors(pairID int64) nameList {
	if c.mentorsOf == nil {
		c.mentorsOf = map[int64][]int64{}
		for _, f := range c.history.Former {
			if !slices.Contains(c.mentorsOf[f.PairID], f.MentorID) { // once per mentee of a group pair
				c.mentorsOf[f.PairID] = append(c.mentorsOf[f.PairID], f.MentorID)
			}
		}
	}
	var names nameList
	for _, id := range c.mentorsOf[pairID] {
		if n := c.name(id); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// leftNote says how a left-out mentee's last pair closed and that nobody
// asked for a new mentor.
func (c *cohort) leftNote(l program.Left) Note {
	how := "other"
	switch {
	case l.EndedHow == program.EndedByMember && l.EndedSide == program.SideMentee:
		how = "member_mentee"
	case l.EndedHow == program.EndedByMember:
		how = "member_mentor"
	case l.EndedHow == program.EndedByCoordinator:
		how = "coordinator"
	case l.EndedHow == program.EndedAsPlanned:
		how = "planned"
	}
	return Note{Key: "matching.left." + how, Args: []any{"mentors", c.formerMentors(l.PairID), "date", l.EndedAt}}
}

// returnedNote says why a mentee whose last pair closed is in the pool
// again, or nil for a mentee who never had a pair.
func (c *cohort) returnedNote(menteeID int64) *Note {
	l, ok := c.history.Left[menteeID]
	if !ok || !l.InPool() {
		return nil
	}
	return &Note{Key: "matching.returned." + l.Return, Args: []any{"date", l.EndedAt, "returned", *l.ReturnedAt,
		"mentors", c.formerMentors(l.PairID)}}
}
