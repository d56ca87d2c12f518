package evaluation

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

// evalEnv is the evaluation service over a fresh database with a fixed
// clock, and a program service to set the scene with.
type evalEnv struct {
	t     *testing.T
	db    *store.DB
	clk   *clock.Fixed
	svc   *Service
	progs *program.Service
	n     int
}

func newEvalEnv(t *testing.T, db *store.DB) *evalEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	return &evalEnv{t: t, db: db, clk: clk,
		svc:   &Service{DB: db, Clock: clk, Outbox: out},
		progs: &program.Service{DB: db, Clock: clk, Outbox: out}}
}

func (e *evalEnv) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "e" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *evalEnv) program(coord *account.User) *program.Program {
	e.t.Helper()
	in := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	in.Name = "Spring cohort " + strconv.Itoa(e.n)
	p, err := e.progs.Create(context.Background(), coord, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *evalEnv) participant(programID int64, u *account.User, role string) {
	e.t.Helper()
	now := e.clk.Now()
	_, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, 'approved', 3, ?, ?)`, programID, u.ID, role, now, now)
	if err != nil {
		e.t.Fatal(err)
	}
}

// scene is a program with its coordinator, one pair, another participant
// of the program and a coordinator of another program.
type scene struct {
	prog                                *program.Program
	coord, mentor, mentee, other, alien *account.User
	admin                               *account.User
	pair                                *program.Pair
}

func (e *evalEnv) scene() scene {
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
	p, err := e.progs.CreatePair(context.Background(), s.coord, s.prog.ID, []int64{s.mentor.ID}, []int64{s.mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	s.pair = p
	return s
}

// meeting adds a meeting to the pair directly, as the meeting feature would.
func (e *evalEnv) meeting(pairID int64, status string, start time.Time) {
	e.t.Helper()
	e.n++
	now := e.clk.Now()
	_, err := e.db.Exec(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
		created_at, updated_at) VALUES (?, ?, ?, ?, 'Europe/Oslo', 60, ?, ?)`,
		pairID, "m"+strconv.Itoa(e.n)+"@test", status, start.UTC(), now, now)
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *evalEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantErr(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error %v, want kind %d %s", err, kind, key)
	}
}
