package dashboard

import (
	"context"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// The steps of launching a program, in the order a coordinator takes them.
const (
	StepRules     = "rules"    // rules and dates
	StepTemplate  = "template" // agreement template
	StepPlan      = "plan"     // meeting plan
	StepInvite    = "invite"   // invitations
	StepApprove   = "approve"  // approvals
	StepMatch     = "match"    // matching
	StepPublish   = "publish"  // publishing the pairs
	StepFirstMeet = "first_meetings"
)

// Step states. Default means the program runs on the built-in version,
// which is fine to launch with; Blocked means an earlier step must be done
// first, so the step's action is not offered yet.
const (
	StateDone    = "done"
	StateDefault = "default"
	StateTodo    = "todo"
	StateBlocked = "blocked"
)

// Step is one line of the launch checklist. Count and Total carry the
// numbers its explanation names (pairs that met of all pairs, people
// waiting for a decision…).
type Step struct {
	Key    string
	State  string
	Detail string // the message key that explains the state
	Count  int
	Total  int
	Next   bool // the first step still to do: the one to take now
}

// Launch is a program's launch checklist.
type Launch struct {
	Steps []Step
	Done  bool // every step is done (or runs on its default)
	// Launched is true once pairs have been formed: the program runs, and
	// the checklist steps back (the overview folds it away).
	Launched bool
}

// Step returns the checklist's step by key; an empty step when unknown.
func (l *Launch) Step(key string) Step {
	for _, s := range l.Steps {
		if s.Key == key {
			return s
		}
	}
	return Step{}
}

// NextStep is the first step not yet done, which may be blocked (waiting
// for people to answer their invitations), or an empty step when the
// program is launched.
func (l *Launch) NextStep() Step {
	for _, s := range l.Steps {
		if s.State == StateTodo || s.State == StateBlocked {
			return s
		}
	}
	return Step{}
}

// Unblock is the step whose page moves a step forward: the step itself,
// or for a blocked one the step before it.
func Unblock(s Step) string {
	if s.State != StateBlocked {
		return s.Key
	}
	switch s.Key {
	case StepApprove:
		return StepInvite
	case StepMatch:
		return StepApprove
	case StepPublish:
		return StepMatch
	case StepFirstMeet:
		return StepPublish
	}
	return s.Key
}

// LaunchOf reads where a program stands on its way to running pairs, in a
// handful of counting queries. It does not check who asks: the pages that
// show it are the coordinators'.
func LaunchOf(ctx context.Context, q store.Q, prog *program.Program, now time.Time) (*Launch, error) {
	var c struct {
		template, plan, invitations              int
		pending, mentors, mentees                int
		draftRows, published, pairs, activePairs int
		met                                      int
		chosen                                   int
	}
	counts := []struct {
		dst   *int
		query string
		args  []any
	}{
		// Rules copied from another cohort or a template were chosen, though
		// nobody has edited the program since.
		{&c.chosen, `SELECT CASE rules_from WHEN 'copy' THEN 1 WHEN 'template' THEN 2 ELSE 0 END FROM programs WHERE id = ?`, nil},
		{&c.template, `SELECT COUNT(*) FROM agreement_templates WHERE program_id = ?`, nil},
		{&c.plan, `SELECT COUNT(*) FROM meeting_plans WHERE program_id = ?`, nil},
		{&c.invitations, `SELECT COUNT(*) FROM invitations WHERE program_id = ?`, nil},
		{&c.pending, `SELECT COUNT(*) FROM participants WHERE program_id = ? AND status = 'pending'`, nil},
		{&c.mentors, `SELECT COUNT(*) FROM participants WHERE program_id = ? AND status = 'approved' AND role = 'mentor'`, nil},
		{&c.mentees, `SELECT COUNT(*) FROM participants WHERE program_id = ? AND status = 'approved' AND role = 'mentee'`, nil},
		{&c.draftRows, `SELECT COUNT(*) FROM match_proposal_rows r JOIN match_proposals p ON p.id = r.proposal_id
			WHERE p.program_id = ? AND p.status = 'draft' AND r.pair_id IS NULL`, nil},
		{&c.published, `SELECT COUNT(*) FROM match_proposals WHERE program_id = ? AND status = 'published'`, nil},
		{&c.pairs, `SELECT COUNT(*) FROM pairs WHERE program_id = ?`, nil},
		{&c.activePairs, `SELECT COUNT(*) FROM pairs WHERE program_id = ? AND status = 'active'`, nil},
		// A pair has had its first meeting once a confirmed one has begun.
		{&c.met, `SELECT COUNT(*) FROM pairs p WHERE p.program_id = ? AND p.status = 'active' AND EXISTS (
			SELECT 1 FROM meetings m WHERE m.pair_id = p.id AND m.status = 'confirmed' AND m.starts_at <= ?)`, []any{now.UTC()}},
	}
	for _, k := range counts {
		if err := q.QueryRow(ctx, k.query, append([]any{prog.ID}, k.args...)...).Scan(k.dst); err != nil {
			return nil, err
		}
	}
	people := c.pending + c.mentors + c.mentees
	approved := c.mentors > 0 && c.mentees > 0
	l := &Launch{}
	add := func(key, state, detail string, count, total int) {
		l.Steps = append(l.Steps, Step{Key: key, State: state, Detail: "launch.detail." + key + "." + detail, Count: count, Total: total})
	}
	// The three set-up steps run on built-in defaults until the coordinator
	// saves their own; a program can launch on them.
	switch {
	case prog.UpdatedAt.After(prog.CreatedAt):
		add(StepRules, StateDone, "saved", 0, 0)
	case c.chosen == 1:
		add(StepRules, StateDone, "copied", 0, 0)
	case c.chosen == 2:
		add(StepRules, StateDone, "template", 0, 0)
	default:
		add(StepRules, StateDefault, "default", 0, 0)
	}
	if c.template > 0 {
		add(StepTemplate, StateDone, "saved", 0, 0)
	} else {
		add(StepTemplate, StateDefault, "default", 0, 0)
	}
	if c.plan > 0 {
		add(StepPlan, StateDone, "saved", 0, 0)
	} else {
		add(StepPlan, StateDefault, "default", 0, 0)
	}
	if c.invitations > 0 {
		add(StepInvite, StateDone, "sent", c.invitations, people)
	} else if people > 0 { // everyone came through the join link
		add(StepInvite, StateDone, "joined", 0, people)
	} else {
		add(StepInvite, StateTodo, "none", 0, 0)
	}
	switch {
	case c.pending > 0:
		add(StepApprove, StateTodo, "waiting", c.pending, people)
	case approved:
		add(StepApprove, StateDone, "approved", c.mentors, c.mentees)
	case people == 0:
		add(StepApprove, StateBlocked, "nobody", 0, 0)
	default: // approved people, but one side is still missing
		add(StepApprove, StateTodo, "one_side", c.mentors, c.mentees)
	}
	switch {
	case c.draftRows > 0:
		add(StepMatch, StateDone, "proposed", c.draftRows, c.pairs)
	case c.pairs > 0:
		add(StepMatch, StateDone, "matched", 0, c.pairs)
	case approved:
		add(StepMatch, StateTodo, "ready", c.mentors, c.mentees)
	default:
		add(StepMatch, StateBlocked, "need_people", 0, 0)
	}
	switch {
	case c.draftRows > 0:
		add(StepPublish, StateTodo, "draft", c.draftRows, 0)
	case c.pairs > 0 || c.published > 0:
		add(StepPublish, StateDone, "published", c.pairs, 0)
	default:
		add(StepPublish, StateBlocked, "need_match", 0, 0)
	}
	switch {
	case c.activePairs == 0 && c.pairs > 0:
		add(StepFirstMeet, StateDone, "ended", 0, 0) // every pair has ended
	case c.activePairs == 0:
		add(StepFirstMeet, StateBlocked, "need_pairs", 0, 0)
	case c.met == c.activePairs:
		add(StepFirstMeet, StateDone, "all_met", c.met, c.activePairs)
	default:
		add(StepFirstMeet, StateTodo, "some_met", c.met, c.activePairs)
	}
	l.Launched = c.pairs > 0
	l.Done = true
	for i := range l.Steps {
		if l.Steps[i].State == StateTodo && l.Done {
			l.Steps[i].Next = true
		}
		l.Done = l.Done && (l.Steps[i].State == StateDone || l.Steps[i].State == StateDefault)
	}
	return l, nil
}
