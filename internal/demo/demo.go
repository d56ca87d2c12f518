// Package demo fills a database with a sample mentoring program so that a
// newcomer can log in as each role and click through the product. It goes
// through the same domain functions the web pages use (accounts, program,
// join link, profile, approval, pairing), so the sample obeys every rule
// real data does.
//
// Seeding is idempotent: people are found by email, the program by name and
// pairs by their mentee, so running it again adds only what is missing.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Login is one account a newcomer can use; every one has Password.
type Login struct {
	Role  string // admin, coordinator, mentor, mentee
	Name  string
	Email string
	Note  string // pending, or who the person is paired with
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
	db       *store.DB
	clk      clock.Clock
	programs *program.Service
	users    map[string]*account.User // by email
	res      *Result
}

// Seed creates the sample program and its people, or completes it. No email
// is queued: the program service gets no outbox, because every demo address
// is fictional.
func Seed(ctx context.Context, db *store.DB, clk clock.Clock) (*Result, error) {
	s := &seeder{
		db:       db,
		clk:      clk,
		programs: &program.Service{DB: db, Clock: clk},
		users:    map[string]*account.User{},
		res:      &Result{},
	}
	if err := s.admin(ctx); err != nil {
		return nil, err
	}
	coord, err := s.user(ctx, coordinator, account.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	s.res.Logins = append(s.res.Logins, Login{Role: "coordinator", Name: coord.Name, Email: coord.Email})
	prog, err := s.program(ctx, coord)
	if err != nil {
		return nil, err
	}
	s.res.Program = prog
	for _, group := range []struct {
		role   string
		people []person
	}{{"mentor", mentors}, {"mentee", mentees}} {
		for _, p := range group.people {
			if err := s.participant(ctx, coord, prog, group.role, p); err != nil {
				return nil, fmt.Errorf("demo participant %s: %w", p.Email, err)
			}
		}
	}
	if err := s.pairs(ctx, coord, prog); err != nil {
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

// program finds the sample program by name or creates it. It started three
// weeks ago so that the matched pairs are under way, and keeps the seed
// documents' rhythm: five months, four meetings at least, once a month.
func (s *seeder) program(ctx context.Context, coord *account.User) (*program.Program, error) {
	var id int64
	switch err := s.db.QueryRow(ctx, `SELECT id FROM programs WHERE name = ? ORDER BY id LIMIT 1`, programName).Scan(&id); {
	case err == nil:
		return program.Get(ctx, s.db, id)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	d := program.Defaults(s.clk.Now().AddDate(0, 0, -21), "nb")
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
// are, so edits made while trying the demo survive a second run.
func (s *seeder) participant(ctx context.Context, coord *account.User, prog *program.Program, role string, p person) error {
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
	return s.programs.Decide(ctx, coord, prog.ID, u.ID, true)
}

// pairs makes the sample matches. A mentee is in one active pair at most,
// so a mentee already paired means that match exists.
func (s *seeder) pairs(ctx context.Context, coord *account.User, prog *program.Program) error {
	existing, err := program.Pairs(ctx, s.db, prog.ID)
	if err != nil {
		return err
	}
	paired := map[int64]bool{}
	for _, pr := range existing {
		if pr.Active() {
			for _, m := range pr.Mentees {
				paired[m.UserID] = true
			}
		}
	}
	for _, pr := range pairs {
		ids := func(emails []string) []int64 {
			out := make([]int64, len(emails))
			for i, e := range emails {
				out[i] = s.users[e].ID
			}
			return out
		}
		mentorIDs, menteeIDs := ids(pr.Mentors), ids(pr.Mentees)
		if paired[menteeIDs[0]] {
			continue
		}
		if _, err := s.programs.CreatePair(ctx, coord, prog.ID, mentorIDs, menteeIDs); err != nil {
			return fmt.Errorf("demo pair %v–%v: %w", pr.Mentors, pr.Mentees, err)
		}
	}
	s.notePairs()
	return nil
}

// notePairs tells each paired login who is on the other side.
func (s *seeder) notePairs() {
	for _, pr := range pairs {
		for i := range s.res.Logins {
			l := &s.res.Logins[i]
			switch {
			case slices.Contains(pr.Mentors, l.Email):
				l.Note = "paired with " + s.names(pr.Mentees)
			case slices.Contains(pr.Mentees, l.Email):
				l.Note = "paired with " + s.names(pr.Mentors)
			}
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
