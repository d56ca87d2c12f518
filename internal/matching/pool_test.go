package matching_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// These tests end pairs through the real use cases of every package that
// ends one (a member, a coordinator, the chemistry rematch, the planned
// end), which is why they live outside package matching: evaluation
// imports matching.

type poolEnv struct {
	t      *testing.T
	db     *store.DB
	clk    *clock.Fixed
	match  *matching.Service
	progs  *program.Service
	agrees *agreement.Service
	evals  *evaluation.Service
	coord  *account.User
	prog   *program.Program
	n      int
}

func newPoolEnv(t *testing.T, db *store.DB) *poolEnv {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e := &poolEnv{t: t, db: db, clk: clk,
		match:  &matching.Service{DB: db, Clock: clk},
		progs:  &program.Service{DB: db, Clock: clk},
		agrees: &agreement.Service{DB: db, Clock: clk},
		evals:  &evaluation.Service{DB: db, Clock: clk}}
	e.coord = e.user("Cora Coordinator", account.RoleCoordinator)
	st := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	st.Name = "Spring cohort"
	var err error
	if e.prog, err = e.progs.Create(context.Background(), e.coord, st); err != nil {
		t.Fatal(err)
	}
	return e
}

// user is written straight into the table: hashing a password for each
// of twenty people would be most of the test's time.
func (e *poolEnv) user(name, role string) *account.User {
	e.t.Helper()
	e.n++
	u := &account.User{Name: name, Email: "pool" + strconv.Itoa(e.n) + "@example.org", Role: role, Language: "en", Timezone: "UTC"}
	err := e.db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
			VALUES (?, ?, 'x', ?, 'en', 'UTC', ?) RETURNING id`, u.Email, name, role, e.clk.Now()).Scan(&u.ID)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// join adds an approved participant whose topic makes them the best
// match for the other side's person with the same topic, so that any
// former pair left in the pool would be proposed again.
func (e *poolEnv) join(role, name string, topic int) *account.User {
	e.t.Helper()
	u := e.user(name, account.RoleMember)
	now := e.clk.Now()
	word := fmt.Sprintf("topic%c", 'a'+topic)
	skills, needs := "", ""
	if role == program.SideMentor {
		skills = word
	} else {
		needs = word
	}
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status,
		languages, field, skills, needs, capacity, created_at, updated_at)
		VALUES (?, ?, ?, 'approved', 'en', ?, ?, ?, 1, ?, ?)`,
		e.prog.ID, u.ID, role, "Field "+word, skills, needs, now, now); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *poolEnv) pair(mentor, mentee *account.User) *program.Pair {
	e.t.Helper()
	p, err := e.progs.CreatePair(context.Background(), e.coord, e.prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *poolEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// rematch ends the pair after the mentee answers the chemistry check
// "not sure" following a first meeting.
func (e *poolEnv) rematch(p *program.Pair, mentee *account.User) {
	e.t.Helper()
	ctx := context.Background()
	now := e.clk.Now()
	_, err := e.db.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
		VALUES (?, ?, 'confirmed', ?, 'UTC', 60, ?, ?)`, p.ID, "pool"+strconv.FormatInt(p.ID, 10)+"@test", now.Add(-time.Hour), now, now)
	e.must(err)
	e.must(e.evals.AnswerChemistry(ctx, mentee, p.ID, evaluation.AnswerUnsure, ""))
	e.must(e.evals.Rematch(ctx, e.coord, e.prog.ID, p.ID))
}

// TestPoolAfterEveryEnding ends pairs in every way a pair ends and checks
// who the next proposal places, with whom, and what the review says.
func TestPoolAfterEveryEnding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPoolEnv(t, db)
		ctx := context.Background()
		names := []string{"Quietly", "Asked", "ByMentor", "ByCoord", "CoordReturned", "Rematched", "Finished"}
		mentors := make([]*account.User, len(names))
		mentees := make([]*account.User, len(names))
		pairs := make([]*program.Pair, len(names))
		for k, n := range names {
			mentors[k] = e.join(program.SideMentor, "Mentor "+n, k)
			mentees[k] = e.join(program.SideMentee, "Mentee "+n, k)
			pairs[k] = e.pair(mentors[k], mentees[k])
		}
		fresh := e.join(program.SideMentee, "Mentee Fresh", 10)
		e.must(e.agrees.End(ctx, mentees[0], pairs[0].ID, "Done for now"))
		e.must(e.agrees.EndWith(ctx, mentees[1], pairs[1].ID, agreement.EndRequest{NewMentor: true}))
		e.must(e.agrees.End(ctx, mentors[2], pairs[2].ID, ""))
		e.must(e.progs.EndPair(ctx, e.coord, e.prog.ID, pairs[3].ID))
		e.must(e.progs.EndPairReturning(ctx, e.coord, e.prog.ID, pairs[4].ID))
		e.rematch(pairs[5], mentees[5])
		// The planned end: the program runs five months.
		e.clk.Set(e.clk.Now().AddDate(0, 6, 0))
		if n, err := e.agrees.CloseDueIn(ctx, program.OnePair(pairs[6].ID)); err != nil || n != 1 {
			t.Fatalf("planned end closed %d: %v", n, err)
		}

		wantIn := []int64{mentees[1].ID, mentees[4].ID, mentees[5].ID, fresh.ID}
		check := func(stage string, wantIn []int64, wantLeft map[int64]string) {
			t.Helper()
			p, err := e.match.Run(ctx, e.coord, e.prog.ID)
			if err != nil {
				t.Fatal(err)
			}
			var placed []int64
			for _, r := range p.Rows {
				placed = append(placed, r.MenteeID)
				for k := range names {
					if r.MenteeID == mentees[k].ID && r.MentorID == mentors[k].ID {
						t.Fatalf("%s: former pair %s proposed again", stage, names[k])
					}
				}
			}
			slices.Sort(placed)
			want := slices.Sorted(slices.Values(wantIn))
			if !slices.Equal(placed, want) {
				t.Fatalf("%s: placed %v, want %v", stage, placed, want)
			}
			rv, err := e.match.Review(ctx, e.coord, e.prog.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rv.Mentees != len(wantIn) {
				t.Fatalf("%s: review counts %d mentees, want %d", stage, rv.Mentees, len(wantIn))
			}
			for _, rp := range rv.Pairs {
				for _, a := range rp.Alternatives {
					for k := range names {
						if rp.Mentee.UserID == mentees[k].ID && a.Mentor.UserID == mentors[k].ID {
							t.Fatalf("%s: former mentor of %s offered as an alternative", stage, names[k])
						}
					}
				}
			}
			left := map[int64]string{}
			for _, l := range rv.Left {
				left[l.Mentee.UserID] = l.Why.Key
			}
			if fmt.Sprint(left) != fmt.Sprint(wantLeft) {
				t.Fatalf("%s: left out %v, want %v", stage, left, wantLeft)
			}
		}
		wantLeft := map[int64]string{
			mentees[0].ID: "matching.left.member_mentee",
			mentees[2].ID: "matching.left.member_mentor",
			mentees[3].ID: "matching.left.coordinator",
			mentees[6].ID: "matching.left.planned",
		}
		check("after the endings", wantIn, wantLeft)

		rv, err := e.match.Review(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		returned := map[int64]string{}
		for _, rp := range rv.Pairs {
			if rp.Returned != nil {
				returned[rp.Mentee.UserID] = rp.Returned.Key
			}
		}
		want := map[int64]string{mentees[1].ID: "matching.returned.asked", mentees[4].ID: "matching.returned.coordinator",
			mentees[5].ID: "matching.returned.rematch"}
		if fmt.Sprint(returned) != fmt.Sprint(want) {
			t.Fatalf("returned notes %v, want %v", returned, want)
		}

		// The coordinator returns the one who ended quietly: in the pool
		// again, still never with their former mentor.
		e.must(e.progs.ReturnToPool(ctx, e.coord, e.prog.ID, mentees[0].ID))
		delete(wantLeft, mentees[0].ID)
		check("after returning one", append(wantIn, mentees[0].ID), wantLeft)

		// Refusals change nothing.
		for _, c := range []struct {
			who  int64
			kind errs.Kind
			key  string
		}{
			{mentees[0].ID, errs.Conflict, "matching.error.return_already"},
			{fresh.ID, errs.Conflict, "matching.error.return_never_paired"},
			{mentors[0].ID, errs.Invalid, "matching.error.return_mentees_only"},
		} {
			err := e.progs.ReturnToPool(ctx, e.coord, e.prog.ID, c.who)
			if x, ok := errs.As(err); !ok || x.Kind != c.kind || x.Key != c.key {
				t.Fatalf("returning %d: %v, want %s", c.who, err, c.key)
			}
		}

		// A manual pairing in the proposal may not bring a former pair
		// back either.
		err = e.match.AddManual(ctx, e.coord, e.prog.ID, mentees[1].ID, mentors[1].ID)
		if x, ok := errs.As(err); !ok || x.Key != "matching.error.forbidden_because" {
			t.Fatalf("manual former pair: %v", err)
		}

		// Once paired again, a later ending without asking takes the
		// mentee out again, however they came back before.
		ids, err := e.match.Publish(ctx, e.coord, e.prog.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var again *program.Pair
		for _, id := range ids {
			p, err := program.GetPair(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Mentees[0].UserID == mentees[1].ID {
				again = p
			}
		}
		e.clk.Set(e.clk.Now().Add(time.Hour))
		e.must(e.agrees.End(ctx, mentees[1], again.ID, ""))
		h, err := program.LoadHistory(ctx, db, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if l := h.Left[mentees[1].ID]; l.PairID != again.ID || l.InPool() {
			t.Fatalf("after the second pair ended: %+v", l)
		}
	})
}

// TestEndingAsksForNewMentor: only the mentee side may ask, and a refused
// request ends nothing.
func TestEndingAsksForNewMentor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPoolEnv(t, db)
		ctx := context.Background()
		mentor := e.join(program.SideMentor, "Mentor", 0)
		mentee := e.join(program.SideMentee, "Mentee", 0)
		p := e.pair(mentor, mentee)
		err := e.agrees.EndWith(ctx, mentor, p.ID, agreement.EndRequest{NewMentor: true})
		if x, ok := errs.As(err); !ok || x.Kind != errs.Invalid || x.Fields["new_mentor"].Key != "ending.error.new_mentor_mentees" {
			t.Fatalf("a mentor asking for a new mentor: %v", err)
		}
		if got, _ := program.GetPair(ctx, db, p.ID); !got.Active() {
			t.Fatal("the refused ending ended the pair")
		}
	})
}

// TestSelfMatchAfterEnding: suggestions follow the same pool and never
// offer a former mentor.
func TestSelfMatchAfterEnding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPoolEnv(t, db)
		ctx := context.Background()
		set := matching.DefaultSettings()
		set.SelfMatch = true
		e.must(e.match.SaveSettings(ctx, e.coord, e.prog.ID, set))
		former := e.join(program.SideMentor, "Former", 0)
		other := e.join(program.SideMentor, "Other", 1)
		quiet := e.join(program.SideMentee, "Quiet", 0)
		asker := e.join(program.SideMentee, "Asker", 0)
		p1 := e.pair(former, quiet)
		e.must(e.agrees.End(ctx, quiet, p1.ID, ""))
		e.clk.Set(e.clk.Now().Add(time.Minute))
		p2, err := e.progs.CreatePair(ctx, e.coord, e.prog.ID, []int64{former.ID}, []int64{asker.ID})
		e.must(err)
		e.must(e.agrees.EndWith(ctx, asker, p2.ID, agreement.EndRequest{NewMentor: true}))

		v, err := e.match.SelfMatchFor(ctx, asker, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Left != nil || !v.CanRequest() || len(v.Suggestions) != 1 || v.Suggestions[0].Mentor.UserID != other.ID {
			t.Fatalf("asker's suggestions %+v (left %v)", v.Suggestions, v.Left)
		}
		if _, err := e.match.RequestMentor(ctx, asker, e.prog.ID, former.ID, ""); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("asking a former mentor: %v", err)
		}

		v, err = e.match.SelfMatchFor(ctx, quiet, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Left == nil || v.CanRequest() || len(v.Suggestions) != 0 {
			t.Fatalf("quiet mentee's view: left %v, suggestions %+v", v.Left, v.Suggestions)
		}
		_, err = e.match.RequestMentor(ctx, quiet, e.prog.ID, other.ID, "")
		if x, ok := errs.As(err); !ok || x.Key != "matching.error.selfmatch_left" {
			t.Fatalf("left-out mentee asking: %v", err)
		}
		e.must(e.progs.ReturnToPool(ctx, e.coord, e.prog.ID, quiet.ID))
		v, err = e.match.SelfMatchFor(ctx, quiet, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Left != nil || len(v.Suggestions) != 1 || v.Suggestions[0].Mentor.UserID != other.ID {
			t.Fatalf("returned mentee's suggestions %+v", v.Suggestions)
		}
	})
}
