package matching

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// propEnv is a program with a coordinator, built directly in the database
// so that these tests depend on nothing but the proposal code.
type propEnv struct {
	t     testing.TB
	db    *store.DB
	svc   *Service
	coord *account.User
	prog  *program.Program
	n     int
}

func newPropEnv(t testing.TB, db *store.DB) *propEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	e := &propEnv{t: t, db: db, svc: &Service{DB: db, Clock: clk, Outbox: out}}
	e.coord = e.user("Cora Coordinator", account.RoleCoordinator, "en")
	progs := &program.Service{DB: db, Clock: clk, Outbox: out}
	st := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	st.Name = "Spring cohort"
	if e.prog, err = progs.Create(context.Background(), e.coord, st); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *propEnv) user(name, role, lang string) *account.User {
	e.t.Helper()
	e.n++
	u, err := (&account.Service{DB: e.db, Clock: e.svc.Clock}).Create(context.Background(), account.NewUser{
		Email: fmt.Sprintf("p%d@example.org", e.n), Name: name, Password: "long-enough-password", Role: role, Language: lang,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// propPerson is the part of a profile these tests vary.
type propPerson struct {
	name, langs, field, skills, needs, org string
	capacity                               int
}

func (e *propEnv) join(role string, p propPerson) *account.User {
	e.t.Helper()
	u := e.user(p.name, account.RoleMember, "en")
	now := e.svc.Clock.Now()
	if p.capacity == 0 {
		p.capacity = 1
	}
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status,
		languages, field, skills, needs, organisation, capacity, created_at, updated_at)
		VALUES (?, ?, ?, 'approved', ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.prog.ID, u.ID, role, p.langs, p.field, p.skills, p.needs, p.org, p.capacity, now, now); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func propWant(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

// bruteForce finds the best objective over every assignment of mentees to
// mentors (or to nobody) within capacities: the sum of scores minus the
// penalty for each mentee left out, which is what the proposal maximises.
func bruteForce(sc *Scorer, caps []int) int64 {
	n, m := len(sc.Mentees()), len(sc.Mentors())
	used := make([]int, m)
	pen := sc.Penalty()
	var best int64 = -1 << 62
	var rec func(i int, total int64)
	rec = func(i int, total int64) {
		if i == n {
			best = max(best, total)
			return
		}
		rec(i+1, total-pen)
		for j := range m {
			if used[j] >= caps[j] {
				continue
			}
			if s, ok := sc.Score(i, j); ok {
				used[j]++
				rec(i+1, total+s)
				used[j]--
			}
		}
	}
	rec(0, 0)
	return best
}

func TestProposalIsOptimal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPropEnv(t, db)
		ctx := context.Background()
		langs := []string{"nb", "en", "nb,en", "sv", "id", "en,sv"}
		fields := []string{"Software", "Health care", "Teaching", "Software testing"}
		skills := []string{"career change\nnetworking", "leadership", "public speaking\nnetworking", "writing"}
		for k := range 4 {
			e.join("mentor", propPerson{name: fmt.Sprintf("Mentor %d", k), langs: langs[(k*2)%len(langs)],
				field: fields[k], skills: skills[k], capacity: 1 + k%2, org: []string{"Acme", "", "Birch", ""}[k]})
		}
		for k := range 6 {
			e.join("mentee", propPerson{name: fmt.Sprintf("Mentee %d", k), langs: langs[k], field: fields[(k+1)%4],
				needs: skills[(k+2)%4], org: []string{"", "Acme", "", "Birch", "", ""}[k]})
		}
		p, err := e.svc.Run(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := loadCohort(ctx, db, e.prog)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.mentees) != 6 || len(c.mentors) != 4 {
			t.Fatalf("cohort %d×%d", len(c.mentees), len(c.mentors))
		}
		want := bruteForce(c.sc, c.room)
		got := p.Total - c.sc.Penalty()*int64(len(c.mentees)-len(p.Rows))
		if got != want {
			t.Fatalf("proposal objective %d (total %d, %d rows), brute force %d", got, p.Total, len(p.Rows), want)
		}
		var sum int64
		load := map[int64]int{}
		for _, r := range p.Rows {
			s, ok := c.score(r.MenteeID, r.MentorID)
			if !ok || s != r.Score {
				t.Fatalf("row %+v: scorer says %d, %v", r, s, ok)
			}
			sum += s
			load[r.MentorID]++
		}
		for j, m := range c.mentors {
			if load[m.UserID] > c.room[j] {
				t.Fatalf("%s has %d mentees, room for %d", m.Name, load[m.UserID], c.room[j])
			}
		}
		if sum != p.Total {
			t.Fatalf("stored total %d, rows add up to %d", p.Total, sum)
		}
	})
}

func TestProposalRerunKeepsLocks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPropEnv(t, db)
		ctx := context.Background()
		// Two mentees both fit the networking mentor best; locking the
		// weaker pair must survive a re-run and use up that place.
		strong := e.join("mentor", propPerson{name: "Nora", langs: "nb", field: "Software", skills: "networking\nleadership"})
		weak := e.join("mentor", propPerson{name: "Olav", langs: "nb", field: "Farming", skills: "baking"})
		a := e.join("mentee", propPerson{name: "Anna", langs: "nb", field: "Software", needs: "networking\nleadership"})
		b := e.join("mentee", propPerson{name: "Bo", langs: "nb", field: "Software", needs: "networking\npublic speaking"})
		p, err := e.svc.Run(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		mentorOf := func(p *Proposal) map[int64]int64 {
			m := map[int64]int64{}
			for _, r := range p.Rows {
				m[r.MenteeID] = r.MentorID
			}
			return m
		}
		if got := mentorOf(p); got[a.ID] != strong.ID || got[b.ID] != weak.ID {
			t.Fatalf("first run %v", got)
		}
		if err := e.svc.Swap(ctx, e.coord, e.prog.ID, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetLocked(ctx, e.coord, e.prog.ID, b.ID, true); err != nil {
			t.Fatal(err)
		}
		p, err = e.svc.Run(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := mentorOf(p); got[b.ID] != strong.ID || got[a.ID] != weak.ID {
			t.Fatalf("re-run lost the lock: %v", got)
		}
		if err := e.svc.SetLocked(ctx, e.coord, e.prog.ID, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetLocked(ctx, e.coord, e.prog.ID, b.ID, false); err != nil {
			t.Fatal(err)
		}
		p, err = e.svc.Run(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := mentorOf(p); got[a.ID] != strong.ID {
			t.Fatalf("unlocked re-run %v", got)
		}
		var drafts int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM match_proposals WHERE program_id = ?`, e.prog.ID).Scan(&drafts); err != nil {
			t.Fatal(err)
		}
		if drafts != 1 || p.Version != 7 {
			t.Fatalf("%d proposals, version %d", drafts, p.Version)
		}
	})
}

func TestProposalEditsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPropEnv(t, db)
		ctx := context.Background()
		nora := e.join("mentor", propPerson{name: "Nora", langs: "nb", org: "Acme"})
		olav := e.join("mentor", propPerson{name: "Olav", langs: "sv"})
		anna := e.join("mentee", propPerson{name: "Anna", langs: "nb"})
		bo := e.join("mentee", propPerson{name: "Bo", langs: "nb,sv", org: "Acme"})

		propWant(t, e.svc.SetLocked(ctx, e.coord, e.prog.ID, anna.ID, true), errs.Conflict, "matching.error.no_proposal")
		if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
			t.Fatal(err)
		}
		// Anna speaks only Norwegian, Bo may not have Nora (same
		// organisation): Anna–Nora and Bo–Olav is the only proposal.
		d, _ := loadProposal(ctx, db, e.prog.ID, ProposalDraft, false)
		if len(d.Rows) != 2 {
			t.Fatalf("rows %+v", d.Rows)
		}
		propWant(t, e.svc.Swap(ctx, e.coord, e.prog.ID, anna.ID, bo.ID), errs.Invalid, "matching.error.forbidden_because")
		propWant(t, e.svc.AddManual(ctx, e.coord, e.prog.ID, bo.ID, nora.ID), errs.Invalid, "matching.error.forbidden_because")
		propWant(t, e.svc.AddManual(ctx, e.coord, e.prog.ID, anna.ID, nora.ID), errs.Invalid, "matching.error.already_there")
		propWant(t, e.svc.AddManual(ctx, e.coord, e.prog.ID, anna.ID, anna.ID), errs.Invalid, "matching.problem.mentor_gone")
		propWant(t, e.svc.Remove(ctx, e.coord, e.prog.ID, nora.ID), errs.NotFound, "matching.error.no_row")
		after, _ := loadProposal(ctx, db, e.prog.ID, ProposalDraft, false)
		if after.Version != d.Version || len(after.Rows) != 2 {
			t.Fatalf("a refused edit changed the draft: %+v", after)
		}
		_ = olav

		// Publishing a stale draft changes nothing.
		if _, err := db.Exec(ctx, `UPDATE participants SET capacity = 0 WHERE user_id = ?`, olav.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Publish(ctx, e.coord, e.prog.ID, 0)
		propWant(t, err, errs.Conflict, "matching.problem.mentor_full")
		var pairs int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM pairs`).Scan(&pairs)
		if pairs != 0 {
			t.Fatalf("%d pairs after a refused publish", pairs)
		}
	})
}

func TestProposalReviewFlagsStaleRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPropEnv(t, db)
		ctx := context.Background()
		nora := e.join("mentor", propPerson{name: "Nora", langs: "nb", skills: "networking"})
		anna := e.join("mentee", propPerson{name: "Anna", langs: "nb", needs: "networking"})
		bo := e.join("mentee", propPerson{name: "Bo", langs: "sv", needs: "networking"})
		if _, err := e.svc.Run(ctx, e.coord, e.prog.ID); err != nil {
			t.Fatal(err)
		}
		rv, err := e.svc.Review(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rv.SettingsChanged || rv.Problems != 0 || len(rv.Pairs) != 1 || len(rv.Unmatched) != 1 || len(rv.Pairs[0].Why) == 0 {
			t.Fatalf("fresh review %+v", rv)
		}
		if u := rv.Unmatched[0]; u.Mentee.UserID != bo.ID || len(u.Why) != 1 || u.Why[0].Key != "score.unmatchable.all_language" {
			t.Fatalf("Bo unmatched %+v", u)
		}

		// The coordinator rules the pair out after the run: the review
		// says so and publishing refuses.
		if err := AddExclusion(ctx, db, e.prog.ID, anna.ID, nora.ID); err != nil {
			t.Fatal(err)
		}
		rv, err = e.svc.Review(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !rv.SettingsChanged || rv.Problems != 1 || rv.Pairs[0].Problem == nil || rv.Pairs[0].Problem.Key != "matching.problem.forbidden" {
			t.Fatalf("stale review %+v", rv)
		}
		_, err = e.svc.Publish(ctx, e.coord, e.prog.ID, 0)
		propWant(t, err, errs.Conflict, "matching.problem.forbidden")

		// A new run follows the new rule: nobody can be paired.
		p, err := e.svc.Run(ctx, e.coord, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != 0 {
			t.Fatalf("rows %+v", p.Rows)
		}
		_, err = e.svc.Publish(ctx, e.coord, e.prog.ID, 0)
		propWant(t, err, errs.Invalid, "matching.error.empty")
	})
}
