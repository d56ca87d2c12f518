package outcome

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// env is the outcome service over a fresh database with a fixed clock,
// and a program service to set the scene with.
type env struct {
	t     *testing.T
	db    *store.DB
	clk   *clock.Fixed
	out   *notify.Outbox
	svc   *Service
	progs *program.Service
	n     int
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	return &env{t: t, db: db, clk: clk, out: out,
		svc:   &Service{DB: db, Clock: clk, Outbox: out},
		progs: &program.Service{DB: db, Clock: clk, Outbox: out}}
}

func (e *env) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "o" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) program(coord *account.User) *program.Program {
	e.t.Helper()
	in := program.SettingsOf(program.Defaults(e.clk.Now(), "nb"))
	in.Name = "Ny i arbeid " + strconv.Itoa(e.n)
	p, err := e.progs.Create(context.Background(), coord, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) participant(programID int64, u *account.User, role string) {
	e.t.Helper()
	now := e.clk.Now()
	_, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, 'approved', 3, ?, ?)`, programID, u.ID, role, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) pair(coord *account.User, programID int64, mentor, mentee *account.User) *program.Pair {
	e.t.Helper()
	p, err := e.progs.CreatePairAgain(context.Background(), coord, programID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) end(coord *account.User, p *program.Pair) {
	e.t.Helper()
	if err := e.progs.EndPair(context.Background(), coord, p.ProgramID, p.ID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) enable(coord *account.User, programID int64, mentors bool) {
	e.t.Helper()
	if err := e.svc.SetSettings(context.Background(), coord, programID, Settings{Enabled: true, IncludeMentors: mentors}); err != nil {
		e.t.Fatal(err)
	}
}

// scan runs the sweep at the clock's time.
func (e *env) scan() int {
	e.t.Helper()
	n, err := Scan(context.Background(), e.db, e.out, e.clk.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// surveyOf is the id of the person's questionnaire of a round.
func (e *env) surveyOf(u *account.User, round int) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM outcome_surveys WHERE user_id = ? AND round = ?`,
		u.ID, round).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// scene is a program with its coordinator, one pair that has ended, a
// coordinator of another program and another participant.
type scene struct {
	prog                         *program.Program
	coord, alien                 *account.User
	mentor, mentee, other, admin *account.User
	pair                         *program.Pair
	endedAt                      time.Time
}

func (e *env) scene(mentors bool) scene {
	e.t.Helper()
	var s scene
	s.coord = e.user(account.RoleCoordinator, "nb")
	s.alien = e.user(account.RoleCoordinator, "en")
	s.admin = e.user(account.RoleAdmin, "en")
	s.mentor = e.user(account.RoleMember, "sv")
	s.mentee = e.user(account.RoleMember, "id")
	s.other = e.user(account.RoleMember, "en")
	s.prog = e.program(s.coord)
	e.program(s.alien)
	e.participant(s.prog.ID, s.mentor, program.SideMentor)
	e.participant(s.prog.ID, s.mentee, program.SideMentee)
	e.participant(s.prog.ID, s.other, program.SideMentee)
	e.enable(s.coord, s.prog.ID, mentors)
	s.pair = e.pair(s.coord, s.prog.ID, s.mentor, s.mentee)
	e.clk.Advance(40 * 24 * time.Hour)
	s.endedAt = e.clk.Now()
	e.end(s.coord, s.pair)
	return s
}

func wantErr(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error %v, want kind %d %s", err, kind, key)
	}
}
