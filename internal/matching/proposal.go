package matching

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/matching/assign"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/store"
)

// Proposal statuses. A program has at most one draft; a published proposal
// stays as the record of how its pairs came about.
const (
	ProposalDraft     = "draft"
	ProposalPublished = "published"
)

// Proposal is a whole-cohort matching the coordinator reviews before
// publishing it.
type Proposal struct {
	ID, ProgramID int64
	Status        string
	Version       int // grows with every change
	SettingsHash  string
	Total         int64 // sum of the rows' stored scores
	RunBy         int64 // 0 once that account is gone
	RunByName     string
	RunAt         time.Time
	UpdatedAt     time.Time
	PublishedAt   *time.Time
	Rows          []Row
}

// Row places one mentee with one mentor. Score is the score when the row
// was made; the review recomputes it, with its explanation, from the
// current profiles. A locked row survives a re-run unchanged; rows the
// coordinator makes or changes by hand start locked.
type Row struct {
	MenteeID, MentorID     int64
	MenteeName, MentorName string
	Score                  int64
	Locked, Manual         bool
	PairID                 int64 // the pair it became, once published
}

const proposalCols = `p.id, p.program_id, p.status, p.version, p.settings_hash, p.total,
	COALESCE(p.run_by, 0), COALESCE(u.name, ''), p.run_at, p.updated_at, p.published_at`

func scanProposal(row interface{ Scan(...any) error }) (*Proposal, error) {
	var p Proposal
	err := row.Scan(&p.ID, &p.ProgramID, &p.Status, &p.Version, &p.SettingsHash, &p.Total,
		&p.RunBy, &p.RunByName, &p.RunAt, &p.UpdatedAt, &p.PublishedAt)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// loadProposal reads a program's draft (or, with status published, its
// latest published proposal) with its rows; NotFound when there is none.
// forUpdate holds the row until the transaction ends on PostgreSQL,
// so two coordinators editing the same draft take turns; SQLite write
// transactions already hold the one write lock.
func loadProposal(ctx context.Context, q store.Q, programID int64, status string, forUpdate bool) (*Proposal, error) {
	query := `SELECT ` + proposalCols + ` FROM match_proposals p LEFT JOIN users u ON u.id = p.run_by
		WHERE p.program_id = ? AND p.status = ? ORDER BY p.id DESC LIMIT 1`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF p`
	}
	p, err := scanProposal(q.QueryRow(ctx, query, programID, status))
	if err != nil {
		return nil, store.NotFound(err, "matching.error.no_proposal")
	}
	rows, err := q.Query(ctx, `SELECT r.mentee_id, r.mentor_id, e.name, o.name, r.score, r.locked, r.manual,
		COALESCE(r.pair_id, 0)
		FROM match_proposal_rows r JOIN users e ON e.id = r.mentee_id JOIN users o ON o.id = r.mentor_id
		WHERE r.proposal_id = ? ORDER BY e.name, r.mentee_id`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.MenteeID, &r.MentorID, &r.MenteeName, &r.MentorName, &r.Score, &r.Locked, &r.Manual, &r.PairID); err != nil {
			return nil, err
		}
		p.Rows = append(p.Rows, r)
	}
	return p, rows.Err()
}

// maybeProposal turns "there is none" into a nil proposal, for callers
// to whom a missing draft is a normal state.
func maybeProposal(p *Proposal, err error) (*Proposal, error) {
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return p, err
}

// draftForEdit locks the program's draft for a change, refusing when there
// is none yet.
func draftForEdit(ctx context.Context, tx *store.Tx, programID int64) (*Proposal, error) {
	d, err := loadProposal(ctx, tx, programID, ProposalDraft, true)
	if errs.Is(err, errs.NotFound) {
		// The coordinator can act on this: run first.
		return nil, errs.E(errs.Conflict, "matching.error.no_proposal")
	}
	return d, err
}

func (p *Proposal) row(menteeID int64) (int, bool) {
	for i, r := range p.Rows {
		if r.MenteeID == menteeID {
			return i, true
		}
	}
	return -1, false
}

// load counts the rows each mentor has in the proposal.
func (p *Proposal) load() map[int64]int {
	n := map[int64]int{}
	for _, r := range p.Rows {
		n[r.MentorID]++
	}
	return n
}

// cohort is who can be matched in a program right now, scored under the
// program's current settings: approved mentees in the pool (not in an
// active pair and, if their last pair closed, asked back: see
// program.LoadHistory), and approved mentors with room left (capacity
// minus active pairs). No mentee is scored against a mentor they shared a
// pair with.
type cohort struct {
	prog      *program.Program
	mentees   []program.Participant
	mentors   []program.Participant
	room      []int // places left per mentor, outside any proposal
	menteeIdx map[int64]int
	mentorIdx map[int64]int
	people    map[int64]*program.Participant // everyone in the program, any status
	active    map[int64]int                  // active pairs per person
	history   *program.History
	left      []program.Participant // approved mentees out of the pool after their pair closed
	mentorsOf map[int64][]int64     // closed pair id → its mentors, made when the review needs it
	settings  Settings
	hash      string
	sc        *Scorer
}

func loadCohort(ctx context.Context, q store.Q, prog *program.Program) (*cohort, error) {
	set, err := LoadSettings(ctx, q, prog.ID)
	if err != nil {
		return nil, err
	}
	all, err := program.ListParticipants(ctx, q, prog.ID, program.ParticipantFilter{})
	if err != nil {
		return nil, err
	}
	active, err := activeCounts(ctx, q, prog.ID)
	if err != nil {
		return nil, err
	}
	h, err := program.LoadHistory(ctx, q, prog.ID)
	if err != nil {
		return nil, err
	}
	c := &cohort{prog: prog, menteeIdx: map[int64]int{}, mentorIdx: map[int64]int{},
		people: make(map[int64]*program.Participant, len(all)), active: active, history: h, settings: set}
	for i := range all {
		p := &all[i]
		c.people[p.UserID] = p
		if p.Status != program.StatusApproved {
			continue
		}
		switch {
		case p.Role == program.SideMentee && active[p.UserID] == 0 && !c.inPool(p.UserID):
			c.left = append(c.left, *p)
		case p.Role == program.SideMentee && active[p.UserID] == 0:
			c.menteeIdx[p.UserID] = len(c.mentees)
			c.mentees = append(c.mentees, *p)
		case p.Role == program.SideMentor && p.Capacity > active[p.UserID]:
			c.mentorIdx[p.UserID] = len(c.mentors)
			c.mentors = append(c.mentors, *p)
			c.room = append(c.room, p.Capacity-active[p.UserID])
		}
	}
	c.sc = NewScorer(c.mentees, c.mentors, set)
	c.sc.ExcludeFormer(h.Former)
	c.hash = settingsHash(set)
	return c, nil
}

// inPool reports whether a mentee without a running pair waits for a
// mentor: never paired, or asked back after their last pair closed.
func (c *cohort) inPool(menteeID int64) bool {
	l, ok := c.history.Left[menteeID]
	return !ok || l.InPool()
}

// settingsHash fingerprints what in the settings changes scores or the
// solver's choice, so the review can say when a draft was made under
// other settings. Self-match options are left out: they do not touch a
// proposal.
func settingsHash(set Settings) string {
	h := sha256.New()
	for _, c := range Criteria {
		fmt.Fprintf(h, "%s=%d;", c, set.Weight(c))
	}
	fmt.Fprintf(h, "lang=%t;org=%t;penalty=%d;", set.RequireLanguage, set.SeparateOrganisations, set.UnmatchedPenalty)
	ex := slices.Clone(set.Excluded)
	slices.SortFunc(ex, func(a, b Exclusion) int {
		return cmp.Or(cmp.Compare(a.MenteeID, b.MenteeID), cmp.Compare(a.MentorID, b.MentorID))
	})
	for _, e := range ex {
		fmt.Fprintf(h, "x%d-%d;", e.MenteeID, e.MentorID)
	}
	for _, r := range set.Questions {
		q := r.Question
		fmt.Fprintf(h, "q%d:%s:%d:", q.ID, q.MatchMode, q.MatchWeight)
		if q.MatchMode == question.MatchTable {
			for _, a := range q.Options {
				for _, b := range q.Options {
					fmt.Fprintf(h, "%d,", q.Points[[2]int64{a.ID, b.ID}])
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// activeCounts counts each person's active pairs in the program.
func activeCounts(ctx context.Context, q store.Q, programID int64) (map[int64]int, error) {
	rows, err := q.Query(ctx, `SELECT m.user_id, COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? AND p.status = 'active' GROUP BY m.user_id`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// score scores a pair of people by user id; ok is false when either is
// outside the cohort or the program's rules forbid the pair.
func (c *cohort) score(menteeID, mentorID int64) (int64, bool) {
	i, ok1 := c.menteeIdx[menteeID]
	j, ok2 := c.mentorIdx[mentorID]
	if !ok1 || !ok2 {
		return 0, false
	}
	return c.sc.Score(i, j)
}

func (c *cohort) name(userID int64) string {
	if p, ok := c.people[userID]; ok {
		return p.Name
	}
	return ""
}

// menteeProblem says why a mentee cannot be placed now, or nil.
func (c *cohort) menteeProblem(id int64, name string) *errs.Msg {
	if _, ok := c.menteeIdx[id]; ok {
		return nil
	}
	if p, ok := c.people[id]; ok && p.Status == program.StatusApproved && p.Role == program.SideMentee {
		if c.active[id] > 0 {
			return &errs.Msg{Key: "matching.problem.mentee_paired", Args: []any{"name", name}}
		}
		if l, ok := c.history.Left[id]; ok {
			return &errs.Msg{Key: "matching.problem.mentee_left", Args: []any{"name", name, "date", l.EndedAt}}
		}
	}
	return &errs.Msg{Key: "matching.problem.mentee_gone", Args: []any{"name", name}}
}

// mentorProblem says why a mentor cannot take `want` mentees now, or nil.
func (c *cohort) mentorProblem(id int64, name string, want int) *errs.Msg {
	p, ok := c.people[id]
	if !ok || p.Status != program.StatusApproved || p.Role != program.SideMentor {
		return &errs.Msg{Key: "matching.problem.mentor_gone", Args: []any{"name", name}}
	}
	room := p.Capacity - c.active[id]
	if want > room {
		return &errs.Msg{Key: "matching.problem.mentor_full", Args: []any{"name", name}}
	}
	return nil
}

// rowProblem says why a row cannot become a pair as it stands, or nil.
// load is the proposal's count of rows per mentor.
func (c *cohort) rowProblem(r Row, load map[int64]int) *errs.Msg {
	if m := c.menteeProblem(r.MenteeID, r.MenteeName); m != nil {
		return m
	}
	if m := c.mentorProblem(r.MentorID, r.MentorName, load[r.MentorID]); m != nil {
		return m
	}
	if _, ok := c.score(r.MenteeID, r.MentorID); !ok {
		return &errs.Msg{Key: "matching.problem.forbidden", Args: []any{"mentee", r.MenteeName, "mentor", r.MentorName}}
	}
	return nil
}

// solve places every cohort mentee not already in a kept row, optimally
// under the program's settings, in the places the kept rows leave. Kept
// rows get their current score when the pair is still allowed.
func (c *cohort) solve(keep []Row) ([]Row, error) {
	taken := map[int64]bool{}
	used := make([]int, len(c.mentors))
	out := make([]Row, 0, len(c.mentees))
	for _, r := range keep {
		taken[r.MenteeID] = true
		if j, ok := c.mentorIdx[r.MentorID]; ok {
			used[j]++
		}
		if s, ok := c.score(r.MenteeID, r.MentorID); ok {
			r.Score = s
		}
		out = append(out, r)
	}
	var free, cols, caps []int
	for i, m := range c.mentees {
		if !taken[m.UserID] {
			free = append(free, i)
		}
	}
	for j := range c.mentors {
		if n := c.room[j] - used[j]; n > 0 {
			cols = append(cols, j)
			caps = append(caps, n)
		}
	}
	if len(free) == 0 || len(cols) == 0 {
		return out, nil
	}
	sol, err := assign.Solve(c.sc.SubProblem(free, cols, caps))
	if err != nil {
		return nil, err
	}
	for a, b := range sol.MentorOf {
		if b < 0 {
			continue
		}
		i, j := free[a], cols[b]
		s, _ := c.sc.Score(i, j)
		out = append(out, Row{MenteeID: c.mentees[i].UserID, MentorID: c.mentors[j].UserID,
			MenteeName: c.mentees[i].Name, MentorName: c.mentors[j].Name, Score: s})
	}
	return out, nil
}

// Run makes a new draft proposal for the program: locked rows of the
// current draft stay as they are and use up their mentors' places, and
// every other mentee of the cohort is placed optimally in what is left.
func (s *Service) Run(ctx context.Context, actor *account.User, programID int64) (*Proposal, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		d, err := maybeProposal(loadProposal(ctx, tx, programID, ProposalDraft, true))
		if err != nil {
			return err
		}
		var keep []Row
		if d != nil {
			for _, r := range d.Rows {
				if r.Locked {
					keep = append(keep, r)
				}
			}
		}
		rows, err := c.solve(keep)
		if err != nil {
			return err
		}
		var total int64
		for _, r := range rows {
			total += r.Score
		}
		var id int64
		if d == nil {
			err = tx.QueryRow(ctx, `INSERT INTO match_proposals (program_id, status, settings_hash, total, run_by, run_at, updated_at)
				VALUES (?, 'draft', ?, ?, ?, ?, ?) RETURNING id`, programID, c.hash, total, actor.ID, now, now).Scan(&id)
			if store.IsUnique(err) {
				return errs.E(errs.Conflict, "matching.error.busy")
			}
			if err != nil {
				return err
			}
		} else {
			id = d.ID
			if _, err := tx.Exec(ctx, `DELETE FROM match_proposal_rows WHERE proposal_id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE match_proposals SET version = version + 1, settings_hash = ?, total = ?,
				run_by = ?, run_at = ?, updated_at = ? WHERE id = ?`, c.hash, total, actor.ID, now, now, id); err != nil {
				return err
			}
		}
		return insertRows(ctx, tx, id, rows)
	})
	if err != nil {
		return nil, err
	}
	return loadProposal(ctx, s.DB, programID, ProposalDraft, false)
}

// insertRows writes rows a few hundred at a time: one statement per row
// would make a large cohort's run wait on thousands of round trips to
// PostgreSQL.
func insertRows(ctx context.Context, tx *store.Tx, proposalID int64, rows []Row) error {
	const batch = 200
	for len(rows) > 0 {
		n := min(batch, len(rows))
		var b strings.Builder
		b.WriteString(`INSERT INTO match_proposal_rows (proposal_id, mentee_id, mentor_id, score, locked, manual) VALUES `)
		args := make([]any, 0, 6*n)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, proposalID, r.MenteeID, r.MentorID, r.Score, r.Locked, r.Manual)
		}
		if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// touch records a change to a draft: a new version and the new total.
func touch(ctx context.Context, tx *store.Tx, proposalID int64, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE match_proposals SET version = version + 1, updated_at = ?,
		total = (SELECT COALESCE(SUM(score), 0) FROM match_proposal_rows WHERE proposal_id = ?)
		WHERE id = ?`, now, proposalID, proposalID)
	return err
}

// edit runs one change to the program's draft in a transaction, for its
// coordinators only.
func (s *Service) edit(ctx context.Context, actor *account.User, programID int64,
	fn func(tx *store.Tx, prog *program.Program, d *Proposal, now time.Time) error) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		d, err := draftForEdit(ctx, tx, programID)
		if err != nil {
			return err
		}
		if err := fn(tx, prog, d, now); err != nil {
			return err
		}
		return touch(ctx, tx, d.ID, now)
	})
}

// SetLocked locks a mentee's row, so that a re-run keeps it, or unlocks it.
func (s *Service) SetLocked(ctx context.Context, actor *account.User, programID, menteeID int64, locked bool) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, d *Proposal, _ time.Time) error {
		if _, ok := d.row(menteeID); !ok {
			return errs.E(errs.NotFound, "matching.error.no_row")
		}
		_, err := tx.Exec(ctx, `UPDATE match_proposal_rows SET locked = ? WHERE proposal_id = ? AND mentee_id = ?`,
			locked, d.ID, menteeID)
		return err
	})
}

// Remove takes a mentee's row out of the draft; the mentee is unmatched
// until the next run or a manual pairing.
func (s *Service) Remove(ctx context.Context, actor *account.User, programID, menteeID int64) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, d *Proposal, _ time.Time) error {
		if _, ok := d.row(menteeID); !ok {
			return errs.E(errs.NotFound, "matching.error.no_row")
		}
		_, err := tx.Exec(ctx, `DELETE FROM match_proposal_rows WHERE proposal_id = ? AND mentee_id = ?`, d.ID, menteeID)
		return err
	})
}

// Swap gives two mentees each other's mentors. The second may be an
// unmatched mentee of the cohort, who then takes the first one's mentor
// while the first becomes unmatched. No mentor's load changes, but both
// new pairs must be allowed by the program's rules. The changed rows are
// locked: a re-run should not undo what the coordinator chose.
func (s *Service) Swap(ctx context.Context, actor *account.User, programID, menteeA, menteeB int64) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, prog *program.Program, d *Proposal, _ time.Time) error {
		var v errs.Validation
		ia, okA := d.row(menteeA)
		v.Check(okA, "mentee", "matching.error.pick_row")
		v.Check(menteeB != 0, "other_mentee", "matching.error.pick_other")
		v.Check(menteeB != menteeA || !okA, "other_mentee", "matching.error.same_mentee")
		if err := v.Err(); err != nil {
			return err
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		a := d.Rows[ia]
		if ib, ok := d.row(menteeB); ok {
			b := d.Rows[ib]
			sa, err := c.check(a.MenteeID, a.MenteeName, b.MentorID, b.MentorName)
			if err != nil {
				return err
			}
			sb, err := c.check(b.MenteeID, b.MenteeName, a.MentorID, a.MentorName)
			if err != nil {
				return err
			}
			if err := setRow(ctx, tx, d.ID, a.MenteeID, b.MentorID, sa); err != nil {
				return err
			}
			return setRow(ctx, tx, d.ID, b.MenteeID, a.MentorID, sb)
		}
		sb, err := c.check(menteeB, c.name(menteeB), a.MentorID, a.MentorName)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM match_proposal_rows WHERE proposal_id = ? AND mentee_id = ?`, d.ID, a.MenteeID); err != nil {
			return err
		}
		return insertRows(ctx, tx, d.ID, []Row{{MenteeID: menteeB, MentorID: a.MentorID, Score: sb, Locked: true}})
	})
}

// check refuses a new pair of a mentee with a mentor, saying why, unless
// both are free to be paired and the program's rules allow it; it
// returns the pair's score. The mentor's load in a proposal is the
// caller's to check.
func (c *cohort) check(menteeID int64, menteeName string, mentorID int64, mentorName string) (int64, error) {
	if _, ok := c.people[menteeID]; !ok {
		return 0, errs.E(errs.Invalid, "matching.error.unknown_mentee")
	}
	if _, ok := c.people[mentorID]; !ok {
		return 0, errs.E(errs.Invalid, "matching.error.unknown_mentor")
	}
	if m := c.menteeProblem(menteeID, menteeName); m != nil {
		return 0, errs.E(errs.Invalid, m.Key, m.Args...)
	}
	if m := c.mentorProblem(mentorID, mentorName, 1); m != nil {
		return 0, errs.E(errs.Invalid, m.Key, m.Args...)
	}
	i, j := c.menteeIdx[menteeID], c.mentorIdx[mentorID]
	if sc, ok := c.sc.Score(i, j); ok {
		return sc, nil
	}
	for _, r := range c.sc.Explain(i, j) {
		if r.HardRule() {
			return 0, errs.E(errs.Invalid, "matching.error.forbidden_because", "mentee", menteeName, "mentor", mentorName, "reason", r)
		}
	}
	return 0, errs.E(errs.Invalid, "matching.error.forbidden", "mentee", menteeName, "mentor", mentorName)
}

func setRow(ctx context.Context, tx *store.Tx, proposalID, menteeID, mentorID, score int64) error {
	_, err := tx.Exec(ctx, `UPDATE match_proposal_rows SET mentor_id = ?, score = ?, locked = ? WHERE proposal_id = ? AND mentee_id = ?`,
		mentorID, score, true, proposalID, menteeID)
	return err
}

// AddManual pairs a mentee with a mentor of the coordinator's choosing,
// replacing the mentee's row if they have one. Any pair the program's
// rules allow may be chosen, whatever its score; the mentor needs a free
// place in the proposal. The row is locked.
func (s *Service) AddManual(ctx context.Context, actor *account.User, programID, menteeID, mentorID int64) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, prog *program.Program, d *Proposal, _ time.Time) error {
		var v errs.Validation
		v.Check(menteeID != 0, "mentee", "matching.error.pick_mentee")
		v.Check(mentorID != 0, "mentor", "matching.error.pick_mentor")
		if err := v.Err(); err != nil {
			return err
		}
		c, err := loadCohort(ctx, tx, prog)
		if err != nil {
			return err
		}
		menteeName, mentorName := c.name(menteeID), c.name(mentorID)
		score, err := c.check(menteeID, menteeName, mentorID, mentorName)
		if err != nil {
			return err
		}
		load := d.load()
		if i, ok := d.row(menteeID); ok {
			if d.Rows[i].MentorID == mentorID {
				return errs.E(errs.Invalid, "matching.error.already_there", "mentee", menteeName, "mentor", mentorName)
			}
			load[d.Rows[i].MentorID]--
		}
		if load[mentorID] >= c.room[c.mentorIdx[mentorID]] {
			return errs.E(errs.Invalid, "matching.error.mentor_taken", "name", mentorName)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM match_proposal_rows WHERE proposal_id = ? AND mentee_id = ?`, d.ID, menteeID); err != nil {
			return err
		}
		return insertRows(ctx, tx, d.ID, []Row{{MenteeID: menteeID, MentorID: mentorID, Score: score, Locked: true, Manual: true}})
	})
}
