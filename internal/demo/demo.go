// Package demo fills a database with a sample mentoring program so that a
// newcomer can log in as each role and click through the product. It goes
// through the same domain functions the web pages use (accounts, program,
// join link, profile, approval, pairing, agreements, meetings, notes,
// goals, check points, endings), so the sample obeys every rule real data
// does.
//
// The program started four months ago, and its pairs are at every stage a
// coordinator meets: just matched, drafting the agreement, freshly signed,
// well under way, fallen behind, ended early and finished (stories.go). The
// past is played forward with a clock set back in time (story.go).
//
// Seeding is idempotent: people are found by email, the program by name and
// pairs by their mentee, so running it again adds only what is missing. A
// pair's history is played only in the run that matches the pair.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Login is one account a newcomer can use; every one has Password.
type Login struct {
	Role  string // admin, coordinator, mentor, mentee
	Name  string
	Email string
	Note  string // pending, or who the person is paired with and where the pair stands
}

// Result says what the sample holds after seeding.
type Result struct {
	Program *program.Program
	Logins  []Login
	// AdminSkipped is set when the installation already had an
	// administrator, so no demo administrator with a known password was
	// added.
	AdminSkipped bool
	Created      int // accounts created by this run
}

// seeder carries one run's state.
type seeder struct {
	db    *store.DB
	today time.Time    // when the demo runs: the story leads up to it
	clk   *clock.Fixed // the story's clock, set to each event's moment
	oslo  *time.Location
	// The services get the story clock and no outbox: every demo address
	// is fictional, so no email is queued.
	programs   *program.Service
	agreements *agreement.Service
	meetings   *meeting.Service
	goals      *goal.Service
	evals      *evaluation.Service
	bundle     *i18n.Bundle
	users      map[string]*account.User // by email
	prog       *program.Program
	res        *Result
}

// Seed creates the sample program, its people and its pairs' histories, or
// completes them. clk gives today; the histories end before it.
func Seed(ctx context.Context, db *store.DB, clk clock.Clock) (*Result, error) {
	oslo, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("demo needs the time zone database: %w", err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	today := clk.Now().UTC()
	story := clock.NewFixed(today)
	s := &seeder{
		db: db, today: today, clk: story, oslo: oslo,
		programs:   &program.Service{DB: db, Clock: story},
		agreements: &agreement.Service{DB: db, Clock: story},
		meetings:   &meeting.Service{DB: db, Clock: story},
		goals:      &goal.Service{DB: db, Clock: story},
		evals:      &evaluation.Service{DB: db, Clock: story},
		bundle:     bundle,
		users:      map[string]*account.User{},
		res:        &Result{},
	}
	if err := s.set(s.at(-140, "09:00")); err != nil {
		return nil, err
	}
	if err := s.admin(ctx); err != nil {
		return nil, err
	}
	s.set(s.at(-135, "10:30"))
	coord, err := s.user(ctx, coordinator, account.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	s.res.Logins = append(s.res.Logins, Login{Role: "coordinator", Name: coord.Name, Email: coord.Email})
	s.set(s.at(-130, "13:00"))
	prog, err := s.program(ctx, coord)
	if err != nil {
		return nil, err
	}
	s.res.Program, s.prog = prog, prog
	for _, group := range []struct {
		role   string
		people []person
	}{{"mentor", mentors}, {"mentee", mentees}} {
		for i, p := range group.people {
			if err := s.participant(ctx, coord, prog, group.role, p, i); err != nil {
				return nil, fmt.Errorf("demo participant %s: %w", p.Email, err)
			}
		}
	}
	if err := s.pairs(ctx, coord, prog); err != nil {
		return nil, err
	}
	if err := s.extras(ctx, coord); err != nil {
		return nil, err
	}
	return s.res, nil
}

// user finds or creates the account for p.
func (s *seeder) user(ctx context.Context, p person, role string) (*account.User, error) {
	u, err := account.ByEmail(ctx, s.db, p.Email)
	if errs.Is(err, errs.NotFound) {
		err = s.db.Tx(ctx, func(tx *store.Tx) (err error) {
			u, err = account.CreateUser(ctx, tx, s.clk.Now(), account.NewUser{
				Email: p.Email, Name: p.Name, Password: Password, Role: role,
				Language: p.Lang, Timezone: p.Timezone,
			})
			return err
		})
		if err == nil {
			s.res.Created++
		}
	}
	if err != nil {
		return nil, fmt.Errorf("demo account %s: %w", p.Email, err)
	}
	s.users[u.Email] = u
	return u, nil
}

// admin adds the demo administrator, unless the installation already has a
// real one: a known password must not open an installation someone runs.
func (s *seeder) admin(ctx context.Context) error {
	if _, err := account.ByEmail(ctx, s.db, admin.Email); err != nil {
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = ?`, account.RoleAdmin).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			s.res.AdminSkipped = true
			return nil
		}
	}
	u, err := s.user(ctx, admin, account.RoleAdmin)
	if err != nil {
		return err
	}
	s.res.Logins = append(s.res.Logins, Login{Role: "admin", Name: u.Name, Email: u.Email})
	return nil
}

// program finds the sample program by name or creates it. It started four
// months ago, so that its first pairs have run their course while the rest
// are under way, and keeps the seed documents' rhythm: five months, four
// meetings at least, once a month.
func (s *seeder) program(ctx context.Context, coord *account.User) (*program.Program, error) {
	var id int64
	switch err := s.db.QueryRow(ctx, `SELECT id FROM programs WHERE name = ? ORDER BY id LIMIT 1`, programName).Scan(&id); {
	case err == nil:
		return program.Get(ctx, s.db, id)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	d := program.Defaults(s.at(programStart, "12:00"), "nb")
	in := program.SettingsOf(d)
	in.Name, in.Purpose, in.Goals, in.FocusAreas = programName, programPurpose, programGoals, programFocus
	// The join link is how the sample participants enrol, as real
	// applicants would.
	in.JoinEnabled, in.JoinRole = true, program.JoinChoose
	prog, err := s.programs.Create(ctx, coord, in)
	if err != nil {
		return nil, fmt.Errorf("demo program: %w", err)
	}
	return prog, nil
}

// participant enrols p through the join link, fills in the profile and has
// the coordinator approve them. Someone already enrolled is left as they
// are, so edits made while trying the demo survive a second run. The i-th
// person of a group applies in the weeks before the start; those still
// pending applied in the last few days.
func (s *seeder) participant(ctx context.Context, coord *account.User, prog *program.Program, role string, p person, i int) error {
	joined := s.at(programStart-10+i%6, fmt.Sprintf("%02d:%02d", 18+i%4, 7*i%60))
	if p.Pending {
		joined = s.at(-1, "21:10")
		if role == program.SideMentor {
			joined = s.at(-4, "08:25")
		}
	}
	if err := s.set(joined); err != nil {
		return err
	}
	u, err := s.user(ctx, p, account.RoleMember)
	if err != nil {
		return err
	}
	note := ""
	if p.Pending {
		note = "pending approval"
	}
	s.res.Logins = append(s.res.Logins, Login{Role: role, Name: u.Name, Email: u.Email, Note: note})
	_, err = program.GetParticipant(ctx, s.db, prog.ID, u.ID)
	if err == nil || !errs.Is(err, errs.NotFound) {
		return err
	}
	if !prog.JoinEnabled {
		return fmt.Errorf("the join link of %q is closed; open it so the demo can enrol the rest", prog.Name)
	}
	if _, err := s.programs.Join(ctx, u, prog.JoinToken, program.Acceptance{Role: role}); err != nil {
		return err
	}
	if _, err := s.programs.SaveProfile(ctx, u, prog.ID, program.Profile{
		Languages: p.Languages, Location: p.Location, OnlineOK: p.OnlineOK, Field: p.Field,
		Skills: p.Skills, Needs: p.Needs, Goals: p.Goals, Interests: p.Interests, Education: p.Education,
		CareerStage: p.CareerStage, Availability: p.Availability, Organisation: p.Organisation,
		Capacity: p.Capacity, About: p.About,
	}); err != nil {
		return err
	}
	if p.Pending {
		return nil
	}
	s.set(s.at(programStart-2, "09:30"))
	return s.programs.Decide(ctx, coord, prog.ID, u.ID, true)
}

// pairs makes the sample matches and plays each new pair's history. A
// mentee is in one pair of the story at most, so a pair with that mentee,
// running or ended, means the match exists; it is left as it is.
func (s *seeder) pairs(ctx context.Context, coord *account.User, prog *program.Program) error {
	existing, err := program.Pairs(ctx, s.db, prog.ID)
	if err != nil {
		return err
	}
	paired := map[int64]bool{}
	for _, pr := range existing {
		for _, m := range pr.Mentees {
			paired[m.UserID] = true
		}
	}
	for _, st := range stories {
		ids := func(emails []string) []int64 {
			out := make([]int64, len(emails))
			for i, e := range emails {
				out[i] = s.users[e].ID
			}
			return out
		}
		mentorIDs, menteeIDs := ids(st.Mentors), ids(st.Mentees)
		if paired[menteeIDs[0]] {
			continue
		}
		if err := s.set(s.at(st.Matched, "10:00")); err != nil {
			return err
		}
		p, err := s.programs.CreatePair(ctx, coord, prog.ID, mentorIDs, menteeIDs)
		if err != nil {
			return fmt.Errorf("demo pair %v–%v: %w", st.Mentors, st.Mentees, err)
		}
		r := &storyline{s: s, ctx: ctx, pair: p, lang: st.Lang, items: map[string]int64{}}
		if st.Play != nil {
			st.Play(r)
		}
		if r.err != nil {
			return fmt.Errorf("demo story of %v–%v: %w", st.Mentors, st.Mentees, r.err)
		}
	}
	s.clk.Set(s.today)
	s.notePairs()
	return nil
}

// notePairs tells each paired login who is on the other side and where
// the pair stands.
func (s *seeder) notePairs() {
	for _, st := range stories {
		for i := range s.res.Logins {
			l := &s.res.Logins[i]
			note := ""
			switch {
			case slices.Contains(st.Mentors, l.Email):
				note = "paired with " + s.names(st.Mentees) + " (" + st.Stage + ")"
			case slices.Contains(st.Mentees, l.Email):
				note = "paired with " + s.names(st.Mentors) + " (" + st.Stage + ")"
			default:
				continue
			}
			if l.Note != "" {
				note = l.Note + "; " + note
			}
			l.Note = note
		}
	}
}

func (s *seeder) names(emails []string) string {
	names := make([]string, len(emails))
	for i, e := range emails {
		names[i] = s.users[e].Name
	}
	return strings.Join(names, " and ")
}
