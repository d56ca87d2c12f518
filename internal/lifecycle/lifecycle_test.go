package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/dashboard/factstest"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/jobs"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

const password = "long-enough-password"

// world is one program with its people, the services a server wires, and
// the random source that picks what happens next.
type world struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clk   *clock.Fixed
	rng   *rand.Rand
	l     *i18n.Locale
	progs *program.Service
	agr   *agreement.Service
	meets *meeting.Service
	goals *goal.Service
	evals *evaluation.Service
	match *matching.Service

	coord            *account.User
	prog             *program.Program
	mentors, mentees []*account.User
	users            map[int64]*account.User
	paired           map[[2]int64]bool // mentor, mentee: ever shared a pair
	trail            []string          // what happened, for the failure message
}

func newWorld(t *testing.T, db *store.DB, seed uint64) *world {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	w := &world{t: t, ctx: context.Background(), db: db, clk: clk, rng: rand.New(rand.NewPCG(seed, 2026)),
		l:      bundle.Locale("nb"),
		progs:  &program.Service{DB: db, Clock: clk, Outbox: out},
		agr:    &agreement.Service{DB: db, Clock: clk, Outbox: out},
		meets:  &meeting.Service{DB: db, Clock: clk, Outbox: out},
		goals:  &goal.Service{DB: db, Clock: clk, Outbox: out},
		evals:  &evaluation.Service{DB: db, Clock: clk, Outbox: out},
		match:  &matching.Service{DB: db, Clock: clk, Outbox: out},
		users:  map[int64]*account.User{},
		paired: map[[2]int64]bool{},
	}
	w.coord = w.user(account.RoleCoordinator, "sv")
	st := program.SettingsOf(program.Defaults(clk.Now(), "nb"))
	st.Name = fmt.Sprintf("Life %d", seed)
	st.Start, st.End = "2026-03-01", "2026-07-31"
	if w.prog, err = w.progs.Create(w.ctx, w.coord, st); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		w.mentors = append(w.mentors, w.participant(program.SideMentor, []string{"nb", "sv"}[i%2]))
	}
	for i := range 6 {
		w.mentees = append(w.mentees, w.participant(program.SideMentee, []string{"id", "en", "nb"}[i%3]))
	}
	for i := range 3 {
		w.pairUp(w.mentors[i], w.mentees[i])
	}
	return w
}

// people numbers the accounts; the SQLite and PostgreSQL runs go side by side.
var people atomic.Int64

func (w *world) user(role, lang string) *account.User {
	w.t.Helper()
	n := strconv.FormatInt(people.Add(1), 10)
	var u *account.User
	err := w.db.Tx(w.ctx, func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(w.ctx, tx, w.clk.Now(), account.NewUser{
			Email: "life" + n + "@example.org", Name: "Person " + n,
			Password: password, Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	w.users[u.ID] = u
	return u
}

func (w *world) participant(side, lang string) *account.User {
	w.t.Helper()
	u := w.user(account.RoleMember, lang)
	now := w.clk.Now()
	if _, err := w.db.Exec(w.ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
		VALUES (?, ?, ?, 'approved', 2, ?, ?)`, w.prog.ID, u.ID, side, now, now); err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) pairUp(mentor, mentee *account.User) (*program.Pair, error) {
	p, err := w.progs.CreatePair(w.ctx, w.coord, w.prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err == nil {
		w.paired[[2]int64{mentor.ID, mentee.ID}] = true
	}
	return p, err
}

func (w *world) pairs() []program.Pair {
	w.t.Helper()
	ps, err := program.Pairs(w.ctx, w.db, w.prog.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

// pick chooses a pair, a running one three times in four: what is refused
// on an ended pair is tried often enough, and running pairs get far enough
// to meet, answer check points and be rematched.
func (w *world) pick(ps []program.Pair) *program.Pair {
	var running []program.Pair
	for _, p := range ps {
		if p.Active() {
			running = append(running, p)
		}
	}
	if len(running) > 0 && w.rng.IntN(4) > 0 {
		ps = running
	}
	if len(ps) == 0 {
		return nil
	}
	return &ps[w.rng.IntN(len(ps))]
}

// member picks one person of the pair.
func (w *world) member(p *program.Pair) *account.User {
	all := append(slices.Clone(p.Mentors), p.Mentees...)
	return w.users[all[w.rng.IntN(len(all))].UserID]
}

// ids runs a query that lists ids.
func (w *world) ids(query string, args ...any) []int64 {
	w.t.Helper()
	rows, err := w.db.Query(w.ctx, query, args...)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (w *world) proposal(at time.Time) meeting.Proposal {
	at = at.In(time.UTC)
	return meeting.Proposal{Date: at.Format(time.DateOnly), Time: "10:00", Timezone: "UTC", Minutes: 60,
		Place: "Library", Reason: "Something came up", ConfirmLength: true}
}

// step is one thing a person or the server may do. It returns the action
// the model must allow for it to succeed ("" when the model does not
// decide, as for the coordinator's matching run), the pair it acts on and
// the outcome.
type step struct {
	name   string
	weight int
	do     func(w *world) (program.Action, *program.Pair, error)
}

var steps = []step{
	{"book", 6, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		at := w.clk.Now().AddDate(0, 0, 1+w.rng.IntN(40))
		_, err := w.meets.Propose(w.ctx, w.member(p), p.ID, w.proposal(at))
		return program.ActBook, p, err
	}},
	{"accept", 5, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		ms := w.ids(`SELECT id FROM meetings WHERE pair_id = ? AND status = 'proposed' AND starts_at > ? ORDER BY id`, p.ID, w.clk.Now())
		if len(ms) == 0 {
			return "", nil, nil
		}
		m := ms[w.rng.IntN(len(ms))]
		var seq int
		var by *int64
		if err := w.db.QueryRow(w.ctx, `SELECT sequence, proposed_by FROM meetings WHERE id = ?`, m).Scan(&seq, &by); err != nil {
			w.t.Fatal(err)
		}
		actor := w.users[p.Mentees[0].UserID]
		if by != nil && p.SideOf(*by) == program.SideMentee {
			actor = w.users[p.Mentors[0].UserID]
		}
		_, err := w.meets.Accept(w.ctx, actor, p.ID, m, seq)
		return program.ActReschedule, p, err
	}},
	{"cancel", 2, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		ms := w.ids(`SELECT id FROM meetings WHERE pair_id = ? AND status IN ('proposed', 'confirmed') AND starts_at > ? ORDER BY id`, p.ID, w.clk.Now())
		if len(ms) == 0 {
			return "", nil, nil
		}
		_, err := w.meets.Cancel(w.ctx, w.member(p), p.ID, ms[w.rng.IntN(len(ms))], "Ill")
		return program.ActReschedule, p, err
	}},
	{"move", 2, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		ms := w.ids(`SELECT id FROM meetings WHERE pair_id = ? AND status = 'confirmed' AND starts_at > ? ORDER BY id`, p.ID, w.clk.Now())
		if len(ms) == 0 {
			return "", nil, nil
		}
		at := w.clk.Now().AddDate(0, 0, 1+w.rng.IntN(20))
		_, err := w.meets.Move(w.ctx, w.member(p), p.ID, ms[w.rng.IntN(len(ms))], w.proposal(at))
		return program.ActReschedule, p, err
	}},
	{"draft", 4, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		u := w.member(p)
		d, err := w.agr.DraftFor(w.ctx, u, p.ID, w.l)
		if err != nil {
			return program.ActDraft, p, err
		}
		c := d.Content
		// A late-matched pair may plan to end after a few weeks; others
		// run to the program's end.
		c.StartDate = p.CreatedAt.Format(time.DateOnly)
		c.EndDate = w.clk.Now().AddDate(0, 0, 10+w.rng.IntN(150)).Format(time.DateOnly)
		c.Goals = []agreement.Goal{{Key: "g1", Title: "Speak up in meetings", Measure: "Twice a week"}}
		if w.rng.IntN(2) == 0 {
			c.Goals = append(c.Goals, agreement.Goal{Key: "g2", Title: "Build a network", Measure: "Five coffees",
				SubGoals: []agreement.Goal{{Key: "g2a", Title: "List people"}, {Key: "g2b", Title: "Write to them"}}})
		}
		_, err = w.agr.SaveDraft(w.ctx, u, p.ID, d.Base, c, w.l)
		return program.ActDraft, p, err
	}},
	{"sign", 4, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		st, err := agreement.StatusOf(w.ctx, w.db, p.ID, !p.Active())
		if err != nil {
			w.t.Fatal(err)
		}
		if st.Current == nil {
			return "", nil, nil
		}
		u := w.member(p)
		_, err = w.agr.Sign(w.ctx, u, p.ID, st.Current.Number, password, u.Name)
		return program.ActSign, p, err
	}},
	{"chemistry", 4, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		answer := []string{"yes", "unsure", "no"}[w.rng.IntN(3)]
		return program.ActAnswer, p, w.evals.AnswerChemistry(w.ctx, w.member(p), p.ID, answer, "")
	}},
	{"check point", 3, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		u := w.member(p)
		kind := []string{evaluation.KindFollowup, evaluation.KindMidpoint, evaluation.KindFinal}[w.rng.IntN(3)]
		// Mostly what waits for the person, as they would find it.
		if due, err := w.evals.Due(w.ctx, u, p.ID); err == nil && len(due.Waiting) > 0 && w.rng.IntN(4) > 0 {
			if d := due.Waiting[w.rng.IntN(len(due.Waiting))]; d.Kind != evaluation.KindChemistry {
				kind = d.Kind
			}
		}
		f, err := w.evals.Form(w.ctx, u, p.ID, kind)
		if err != nil {
			return program.ActAnswer, p, err
		}
		sub := evaluation.Submission{Answers: map[int64]string{}, Goals: map[int64]evaluation.GoalReview{}}
		for _, q := range f.Questions {
			v := "a few words"
			switch q.Type {
			case evaluation.TypeScale:
				v = "4"
			case evaluation.TypeYesNo:
				v = "yes"
			case evaluation.TypeChoice:
				v = "0"
			}
			sub.Answers[q.ID] = v
		}
		for _, g := range f.Goals {
			sub.Goals[g.ID] = evaluation.GoalReview{Status: evaluation.GoalPartly}
		}
		return program.ActAnswer, p, w.evals.Submit(w.ctx, u, p.ID, kind, sub)
	}},
	{"goal", 4, func(w *world) (program.Action, *program.Pair, error) {
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		u := w.member(p)
		gs, err := goal.List(w.ctx, w.db, p.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		var all []goal.Goal
		for _, g := range gs {
			all = append(all, g)
			all = append(all, g.SubGoals...)
		}
		if len(all) == 0 || w.rng.IntN(4) == 0 {
			in := goal.Input{Title: "Goal " + strconv.Itoa(w.rng.IntN(100))}
			if len(gs) > 0 && w.rng.IntN(2) == 0 {
				in.ParentID = gs[w.rng.IntN(len(gs))].ID
			}
			_, err := w.goals.Create(w.ctx, u, p.ID, in)
			return program.ActGoals, p, err
		}
		g := all[w.rng.IntN(len(all))]
		up := goal.Update{Version: g.Version}
		switch w.rng.IntN(3) {
		case 0:
			pct := []int{0, 10, 50, 80, 100}[w.rng.IntN(5)]
			up.Progress = &pct
		case 1:
			st := []string{goal.StatusOpen, goal.StatusInProgress, goal.StatusReached, goal.StatusDropped}[w.rng.IntN(4)]
			up.Status = &st
		default:
			pct := w.rng.IntN(101)
			st := []string{goal.StatusOpen, goal.StatusInProgress, goal.StatusReached}[w.rng.IntN(3)]
			up.Progress, up.Status = &pct, &st
		}
		_, err = w.goals.Update(w.ctx, u, p.ID, g.ID, up)
		return program.ActGoals, p, err
	}},
	{"end", 1, func(w *world) (program.Action, *program.Pair, error) {
		if w.rng.IntN(4) > 0 {
			return "", nil, nil // pairs mostly run their course
		}
		p := w.pick(w.pairs())
		if p == nil {
			return "", nil, nil
		}
		return program.ActEnd, p, w.agr.End(w.ctx, w.member(p), p.ID, "")
	}},
	{"coordinator ends", 1, func(w *world) (program.Action, *program.Pair, error) {
		if w.rng.IntN(4) > 0 {
			return "", nil, nil // pairs mostly run their course
		}
		p := w.pick(w.pairs())
		if p == nil || !p.Active() {
			return "", nil, nil // ending an ended pair is a no-op by design
		}
		return program.ActEnd, p, w.progs.EndPair(w.ctx, w.coord, w.prog.ID, p.ID)
	}},
	{"rematch", 2, func(w *world) (program.Action, *program.Pair, error) {
		// Mostly a pair where someone had doubts, as a coordinator would.
		ps := w.pairs()
		doubted := w.ids(`SELECT DISTINCT c.pair_id FROM checkpoints c JOIN chemistry_answers a ON a.checkpoint_id = c.id
			WHERE a.answer IN ('no', 'unsure') ORDER BY c.pair_id`)
		if len(doubted) > 0 && w.rng.IntN(4) > 0 {
			ps = slices.DeleteFunc(ps, func(p program.Pair) bool { return !slices.Contains(doubted, p.ID) })
		}
		p := w.pick(ps)
		if p == nil {
			return "", nil, nil
		}
		return program.ActRematch, p, w.evals.Rematch(w.ctx, w.coord, w.prog.ID, p.ID)
	}},
	{"pair by hand", 1, func(w *world) (program.Action, *program.Pair, error) {
		mentor, mentee := w.mentors[w.rng.IntN(len(w.mentors))], w.mentees[w.rng.IntN(len(w.mentees))]
		if w.paired[[2]int64{mentor.ID, mentee.ID}] {
			return "", nil, nil
		}
		_, err := w.pairUp(mentor, mentee)
		return "", nil, err
	}},
	{"matching", 1, func(w *world) (program.Action, *program.Pair, error) {
		prop, err := w.match.Run(w.ctx, w.coord, w.prog.ID)
		if err != nil {
			return "", nil, err
		}
		for _, r := range prop.Rows {
			if w.paired[[2]int64{r.MentorID, r.MenteeID}] {
				w.t.Fatalf("matching proposed a former pair again: mentor %d, mentee %d\n%s", r.MentorID, r.MenteeID, w.story())
			}
		}
		if len(prop.Rows) > 0 && w.rng.IntN(2) == 0 {
			ids, err := w.match.Publish(w.ctx, w.coord, w.prog.ID, prop.Version)
			if err == nil {
				for _, r := range prop.Rows {
					w.paired[[2]int64{r.MentorID, r.MenteeID}] = true
				}
				w.trail = append(w.trail, fmt.Sprintf("  published %d pairs", len(ids)))
			}
			return "", nil, err
		}
		return "", nil, nil
	}},
}

func (w *world) story() string {
	from := max(0, len(w.trail)-40)
	return strings.Join(w.trail[from:], "\n")
}

// TestPairLife drives random lives and checks the model's promises after
// every step: one life of 200 steps per database by default, more with
// MENTORSKAP_LIFE_SEEDS=N (30 ran clean when this was written).
func TestPairLife(t *testing.T) {
	t.Parallel()
	seeds := 1
	if n, err := strconv.Atoi(os.Getenv("MENTORSKAP_LIFE_SEEDS")); err == nil && n > 0 {
		seeds = n
	}
	total := 0
	for _, s := range steps {
		total += s.weight
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		done := map[string]int{}
		defer func() { t.Logf("steps that succeeded: %v", done) }()
		for seed := range uint64(seeds) {
			w := newWorld(t, db, seed+1)
			for i := range 200 {
				// Time passes between steps, past the program's end by the
				// last of them, so planned endings happen too.
				w.clk.Set(w.clk.Now().Add(time.Duration(1+w.rng.IntN(40)) * time.Hour))
				n := w.rng.IntN(total)
				var s step
				for _, s = range steps {
					if n < s.weight {
						break
					}
					n -= s.weight
				}
				var stage program.Stage
				act, p, err := s.do(w)
				if p != nil {
					stage = p.StageAt(w.clk.Now())
				}
				if p != nil || err != nil || act != "" || s.name == "matching" || s.name == "pair by hand" {
					w.trail = append(w.trail, fmt.Sprintf("%3d %s %s: pair %d (%s): %v", i, w.clk.Now().Format("Mon 01-02 15h"), s.name, pairID(p), stage, err))
				}
				switch {
				case err != nil && errs.KindOf(err) == errs.Internal:
					t.Fatalf("step %d %s: %v\n%s", i, s.name, err, w.story())
				case err == nil && act != "" && !stage.Allows(act):
					t.Fatalf("step %d %s succeeded on a pair at stage %s, which does not allow %s\n%s", i, s.name, stage, act, w.story())
				}
				if err == nil {
					done[s.name]++
				} else {
					done[s.name+" refused: "+err.Error()]++
				}
				done["closed at the planned end"] += w.server()
				w.check(i)
			}
		}
	})
}

func pairID(p *program.Pair) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

// server does what the server's periodic jobs do: close pairs at their
// planned end and queue reminders. It returns how many pairs it closed.
func (w *world) server() int {
	w.t.Helper()
	n, err := w.agr.CloseDueIn(w.ctx, program.ActivePairsOf(w.prog.ID))
	if err != nil {
		w.t.Fatal(err)
	}
	if n > 0 {
		w.trail = append(w.trail, fmt.Sprintf("    closed %d at the planned end", n))
	}
	if _, err := jobs.Scan(w.ctx, w.db, w.clk.Now()); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// check asserts every invariant of the pair's life on every pair.
func (w *world) check(i int) {
	w.t.Helper()
	now := w.clk.Now()
	fail := func(format string, args ...any) {
		w.t.Helper()
		w.t.Fatalf("after step %d: "+format+"\n%s", append(append([]any{i}, args...), w.story())...)
	}
	for _, p := range w.pairs() {
		stage := p.StageAt(now)
		if stage.Closed() != !p.Active() {
			fail("pair %d is %s at stage %s", p.ID, p.Status, stage)
		}
		if got, want := factstest.Stored(w.t, w.db, p.ID), factstest.Recomputed(w.t, w.db, p.ID); got.String() != want.String() {
			fail("pair %d facts\n%s\nwant\n%s", p.ID, got, want)
		}
		w.checkCheckpoints(&p, fail)
		w.checkGoals(&p, fail)
		for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
			due, err := w.evals.Due(w.ctx, w.users[m.UserID], p.ID)
			if err != nil {
				w.t.Fatal(err)
			}
			if stage.Closed() && len(due.Waiting)+len(due.Upcoming) > 0 {
				fail("ended pair %d has check points due for %s: %+v", p.ID, m.Name, due)
			}
			for _, d := range due.Waiting {
				if now.Before(d.OpensAt) {
					fail("pair %d: %s waits for %s but opens only %s", p.ID, d.Kind, m.Name, d.OpensAt)
				}
			}
			for _, d := range due.Upcoming {
				if !now.Before(d.OpensAt) {
					fail("pair %d: %s is upcoming for %s but opened %s", p.ID, d.Kind, m.Name, d.OpensAt)
				}
			}
		}
		if !stage.Closed() {
			continue
		}
		var live int
		if err := w.db.QueryRow(w.ctx, `SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status IN ('proposed', 'confirmed')
			AND starts_at > ?`, p.ID, *p.EndedAt).Scan(&live); err != nil {
			w.t.Fatal(err)
		}
		if live > 0 {
			fail("ended pair %d keeps %d live meetings after its end", p.ID, live)
		}
		w.checkReminders(&p, fail)
	}
}

// checkReminders: nothing is queued for a pair once it has ended.
func (w *world) checkReminders(p *program.Pair, fail func(string, ...any)) {
	rows, err := w.db.Query(w.ctx, `SELECT key, payload, run_at FROM jobs WHERE kind = ? AND run_at >= ?`, jobs.JobSend, *p.EndedAt)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, payload string
		var created time.Time
		if err := rows.Scan(&key, &payload, &created); err != nil {
			w.t.Fatal(err)
		}
		var r struct {
			PairID int64 `json:"pair_id"`
		}
		if err := json.Unmarshal([]byte(payload), &r); err != nil {
			w.t.Fatal(err)
		}
		if r.PairID == p.ID {
			fail("reminder %s queued for pair %d at %s, after it ended at %s", key, p.ID, created, *p.EndedAt)
		}
	}
}

// checkCheckpoints: a pair's check points fall in their order.
func (w *world) checkCheckpoints(p *program.Pair, fail func(string, ...any)) {
	rows, err := w.db.Query(w.ctx, `SELECT kind, due_at FROM checkpoints WHERE pair_id = ?`, p.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	due := map[string]time.Time{}
	for rows.Next() {
		var kind string
		var at time.Time
		if err := rows.Scan(&kind, &at); err != nil {
			w.t.Fatal(err)
		}
		due[kind] = at
	}
	order := []string{evaluation.KindFollowup, evaluation.KindMidpoint, evaluation.KindFinal}
	for a := range order {
		for b := a + 1; b < len(order); b++ {
			da, okA := due[order[a]]
			db, okB := due[order[b]]
			if okA && okB && da.After(db) {
				fail("pair %d: %s due %s after %s due %s", p.ID, order[a], da, order[b], db)
			}
		}
	}
}

// checkGoals: a goal's status and progress say the same thing.
func (w *world) checkGoals(p *program.Pair, fail func(string, ...any)) {
	gs, err := goal.List(w.ctx, w.db, p.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, g := range gs {
		for _, x := range append([]goal.Goal{g}, g.SubGoals...) {
			if msg := disagreement(x); msg != "" {
				fail("pair %d goal %q: %s", p.ID, x.Title, msg)
			}
		}
	}
}

// disagreement says how a goal's status contradicts its progress, or "".
func disagreement(g goal.Goal) string {
	switch {
	case g.Status == goal.StatusReached && g.Progress != 100:
		return fmt.Sprintf("reached at %d %%", g.Progress)
	case g.Status == goal.StatusOpen && g.Progress != 0:
		return fmt.Sprintf("not started at %d %%", g.Progress)
	case g.Status == goal.StatusInProgress && (g.Progress == 0 || g.Progress == 100):
		return fmt.Sprintf("in progress at %d %%", g.Progress)
	}
	return ""
}
