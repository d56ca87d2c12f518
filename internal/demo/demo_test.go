package demo

import (
	"context"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// counts is what the demo leaves in the database.
type counts struct {
	users, programs, participants, pending, pairs, members, coordinators, outbox int
	// what the pairs' histories wrote
	meetings, versions, signatures, actions, goals, responses, messages, endings, reflections int
}

func count(t *testing.T, db *store.DB) counts {
	t.Helper()
	var c counts
	for q, dst := range map[string]*int{
		`SELECT COUNT(*) FROM users`:                                 &c.users,
		`SELECT COUNT(*) FROM programs`:                              &c.programs,
		`SELECT COUNT(*) FROM participants`:                          &c.participants,
		`SELECT COUNT(*) FROM participants WHERE status = 'pending'`: &c.pending,
		`SELECT COUNT(*) FROM pairs`:                                 &c.pairs,
		`SELECT COUNT(*) FROM pair_members`:                          &c.members,
		`SELECT COUNT(*) FROM program_coordinators`:                  &c.coordinators,
		`SELECT COUNT(*) FROM outbox`:                                &c.outbox,
		`SELECT COUNT(*) FROM meetings`:                              &c.meetings,
		`SELECT COUNT(*) FROM agreement_versions`:                    &c.versions,
		`SELECT COUNT(*) FROM agreement_signatures`:                  &c.signatures,
		`SELECT COUNT(*) FROM action_items`:                          &c.actions,
		`SELECT COUNT(*) FROM goals`:                                 &c.goals,
		`SELECT COUNT(*) FROM checkpoint_responses`:                  &c.responses,
		`SELECT COUNT(*) FROM messages`:                              &c.messages,
		`SELECT COUNT(*) FROM pair_endings`:                          &c.endings,
		`SELECT COUNT(*) FROM pair_reflections`:                      &c.reflections,
	} {
		if err := db.QueryRow(context.Background(), q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return c
}

func TestSeedTwice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		first, err := Seed(ctx, db, clk)
		if err != nil {
			t.Fatal(err)
		}
		want := counts{
			users:        2 + len(mentors) + len(mentees),
			programs:     1,
			participants: len(mentors) + len(mentees),
			pending:      2,
			pairs:        len(stories),
			members:      2*len(stories) + 1, // the association pair has two mentors
			coordinators: 1,
			outbox:       0, // fictional addresses get no mail
			endings:      3, // two ended early, one at its planned end
			reflections:  4, // both sides of the finished pair and of the first to end early
		}
		got := count(t, db)
		// The histories' sizes are the story's business; that they exist
		// and stay the same on the second run is this test's.
		for name, n := range map[string]int{"meetings": got.meetings, "versions": got.versions, "signatures": got.signatures,
			"action items": got.actions, "goals": got.goals, "check point responses": got.responses, "messages": got.messages} {
			if n == 0 {
				t.Errorf("the demo wrote no %s", name)
			}
		}
		want.meetings, want.versions, want.signatures, want.actions = got.meetings, got.versions, got.signatures, got.actions
		want.goals, want.responses, want.messages = got.goals, got.responses, got.messages
		if got != want {
			t.Fatalf("after first run: %+v, want %+v", got, want)
		}
		// An ended or finished pair has no meeting left to come: its
		// ending called off whatever was booked after it.
		var live int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM meetings m JOIN pairs p ON p.id = m.pair_id
			WHERE p.status = 'ended' AND m.status <> 'cancelled' AND m.starts_at > p.ended_at`).Scan(&live); err != nil {
			t.Fatal(err)
		}
		if live != 0 {
			t.Fatalf("%d meetings still live after their pair ended", live)
		}
		if first.Created != want.users || first.AdminSkipped {
			t.Fatalf("first run created %d accounts (admin skipped %v), want %d", first.Created, first.AdminSkipped, want.users)
		}
		if len(first.Logins) != want.users {
			t.Fatalf("%d logins listed, want %d", len(first.Logins), want.users)
		}

		extras := countExtras(t, db)
		checkExtras(t, extras)

		clk.Advance(time.Hour)
		second, err := Seed(ctx, db, clk)
		if err != nil {
			t.Fatalf("second run: %v", err)
		}
		if got := count(t, db); got != want {
			t.Fatalf("after second run: %+v, want %+v", got, want)
		}
		if again := countExtras(t, db); again != extras {
			t.Fatalf("the second run changed the program's own pieces: %+v, then %+v", extras, again)
		}
		if second.Created != 0 || second.Program.ID != first.Program.ID {
			t.Fatalf("second run created %d accounts and program %d (first %d)", second.Created, second.Program.ID, first.Program.ID)
		}

		prog := first.Program
		if prog.DefaultLanguage != "nb" || prog.MinMeetings != 4 || !prog.End.Equal(prog.Start.AddDate(0, 5, 0)) {
			t.Fatalf("program rules: lang %q, min meetings %d, %s–%s", prog.DefaultLanguage, prog.MinMeetings, prog.Start, prog.End)
		}
		langs := map[string]bool{}
		for _, group := range [][]person{mentors, mentees} {
			for _, p := range group {
				langs[p.Lang] = true
			}
		}
		for _, l := range []string{"en", "nb", "sv", "id"} {
			if !langs[l] {
				t.Errorf("no demo participant uses %s", l)
			}
		}

		pairs, err := program.Pairs(ctx, db, prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		association := false
		for _, p := range pairs {
			association = association || (len(p.Mentors) == 2 && len(p.Mentees) == 1)
		}
		if !association {
			t.Fatal("no pair has two people on the mentor side")
		}
		part, err := program.GetParticipant(ctx, db, prog.ID, pairs[0].Mentees[0].UserID)
		if err != nil {
			t.Fatal(err)
		}
		if part.Status != program.StatusApproved || part.Field == "" || len(part.Languages) == 0 {
			t.Fatalf("paired mentee's profile: %+v", part)
		}
	})
}

func TestDemoLogins(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		res, err := Seed(ctx, db, clk)
		if err != nil {
			t.Fatal(err)
		}
		accounts := &account.Service{DB: db, Clock: clk}
		roles := map[string]string{}
		for _, l := range res.Logins {
			roles[l.Role] = l.Email
		}
		for _, role := range []string{"admin", "coordinator", "mentor", "mentee"} {
			u, token, err := accounts.Login(ctx, roles[role], Password, "192.0.2.1")
			if err != nil || token == "" {
				t.Fatalf("%s login %s: %v", role, roles[role], err)
			}
			if role == "admin" && !u.IsAdmin() || role == "coordinator" && !u.CanCreatePrograms() {
				t.Fatalf("%s login has role %q", role, u.Role)
			}
		}
		if _, _, err := accounts.Login(ctx, roles["mentee"], "wrong-password", "192.0.2.1"); err == nil {
			t.Fatal("a wrong password logged in")
		}
	})
}

// An installation that already has an administrator gets no demo
// administrator with a published password.
func TestSeedKeepsExistingAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		accounts := &account.Service{DB: db, Clock: clk}
		if _, err := accounts.Create(ctx, account.NewUser{Email: "owner@example.org", Name: "Owner",
			Password: "a-long-secret-password", Role: account.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		res, err := Seed(ctx, db, clk)
		if err != nil {
			t.Fatal(err)
		}
		if !res.AdminSkipped {
			t.Fatal("AdminSkipped not set")
		}
		var admins int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin'`).Scan(&admins); err != nil {
			t.Fatal(err)
		}
		if admins != 1 {
			t.Fatalf("%d administrators, want only the owner", admins)
		}
		for _, l := range res.Logins {
			if l.Role == "admin" {
				t.Fatalf("demo listed an admin login: %+v", l)
			}
		}
	})
}

// TestDemoMatchingAfterEndings runs the coordinator's matching over the
// demo: the mentees of the finished and the ended-early pair did not ask
// for a new mentor, so they are left out (and the review says why); once
// returned they are placed, but never with their former mentors.
func TestDemoMatchingAfterEndings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		res, err := Seed(ctx, db, clk)
		if err != nil {
			t.Fatal(err)
		}
		var coordEmail string
		for _, l := range res.Logins {
			if l.Role == "coordinator" {
				coordEmail = l.Email
			}
		}
		coord, _, err := (&account.Service{DB: db, Clock: clk}).Login(ctx, coordEmail, Password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		id := func(email string) int64 {
			var n int64
			if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		former := map[int64]int64{id(yusuf): id(james), id(putu): id(johan), id(daniel): id(kristian)}
		svc := &matching.Service{DB: db, Clock: clk}
		progs := &program.Service{DB: db, Clock: clk}
		prog := res.Program.ID

		p, err := svc.Run(ctx, coord, prog)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Rows {
			if _, ok := former[r.MenteeID]; ok {
				t.Fatalf("%s proposed although their pair ended without asking for a new mentor", r.MenteeName)
			}
		}
		rv, err := svc.Review(ctx, coord, prog)
		if err != nil {
			t.Fatal(err)
		}
		left := map[int64]string{}
		for _, l := range rv.Left {
			left[l.Mentee.UserID] = l.Why.Key
		}
		if left[id(yusuf)] != "matching.left.planned" || left[id(putu)] != "matching.left.member_mentee" ||
			left[id(daniel)] != "matching.left.member_mentee" || len(left) != 3 {
			t.Fatalf("left out %v", left)
		}

		for mentee := range former {
			if err := progs.ReturnToPool(ctx, coord, prog, mentee); err != nil {
				t.Fatal(err)
			}
		}
		if p, err = svc.Run(ctx, coord, prog); err != nil {
			t.Fatal(err)
		}
		placed := 0
		for _, r := range p.Rows {
			if mentor, ok := former[r.MenteeID]; ok {
				placed++
				if r.MentorID == mentor {
					t.Fatalf("%s proposed with their former mentor %s", r.MenteeName, r.MentorName)
				}
			}
		}
		if rv, err = svc.Review(ctx, coord, prog); err != nil {
			t.Fatal(err)
		}
		for _, pr := range rv.Pairs {
			for _, a := range pr.Alternatives {
				if m, ok := former[pr.Mentee.UserID]; ok && a.Mentor.UserID == m {
					t.Fatalf("%s offered their former mentor as an alternative", pr.Mentee.Name)
				}
			}
		}
		for _, u := range rv.Unmatched {
			for _, a := range u.Alternatives {
				if m, ok := former[u.Mentee.UserID]; ok && a.Mentor.UserID == m {
					t.Fatalf("%s offered their former mentor", u.Mentee.Name)
				}
			}
		}
		if placed != len(former) {
			t.Fatalf("%d of the %d returned mentees placed", placed, len(former))
		}
	})
}
