package jobs

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// remindEnv is a database with a fixed clock and the services that set the
// scene, and a worker with the reminder jobs registered.
type remindEnv struct {
	t     testing.TB
	db    *store.DB
	clk   *clock.Fixed
	out   *notify.Outbox
	progs *program.Service
	n     int
	tag   string // keeps names unique when tests share a database
}

var envs atomic.Int32

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newRemindEnv(t testing.TB, db *store.DB) *remindEnv {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(start)
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	return &remindEnv{t: t, db: db, clk: clk, out: out, tag: strconv.Itoa(int(envs.Add(1))), progs: &program.Service{DB: db, Clock: clk, Outbox: out}}
}

func (e *remindEnv) worker(db *store.DB, id string) *Worker {
	w := &Worker{DB: db, Clock: e.clk, Log: slog.New(slog.DiscardHandler), ID: id, Batch: 3, Lease: time.Minute}
	(&Reminders{Outbox: e.out}).Register(w, nil)
	return w
}

func (e *remindEnv) user(role, lang string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "r" + strconv.Itoa(e.n) + "-" + e.tag + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: lang,
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *remindEnv) program(coord *account.User) *program.Program {
	e.t.Helper()
	in := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	in.Name = "Cohort " + strconv.Itoa(e.n)
	p, err := e.progs.Create(context.Background(), coord, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *remindEnv) pair(prog *program.Program, coord, mentor, mentee *account.User) *program.Pair {
	e.t.Helper()
	now := e.clk.Now()
	for _, x := range []struct {
		u    *account.User
		role string
	}{{mentor, program.SideMentor}, {mentee, program.SideMentee}} {
		if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
			created_at, updated_at) VALUES (?, ?, ?, 'approved', 3, ?, ?)`, prog.ID, x.u.ID, x.role, now, now); err != nil {
			e.t.Fatal(err)
		}
	}
	p, err := e.progs.CreatePair(context.Background(), coord, prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// scene is one program with its coordinator and one pair.
type scene struct {
	prog                  *program.Program
	coord, mentor, mentee *account.User
	pair                  *program.Pair
}

func (e *remindEnv) scene() scene {
	var s scene
	s.coord = e.user(account.RoleCoordinator, "nb")
	s.mentor = e.user(account.RoleMember, "sv")
	s.mentee = e.user(account.RoleMember, "id")
	s.prog = e.program(s.coord)
	s.pair = e.pair(s.prog, s.coord, s.mentor, s.mentee)
	return s
}

func (e *remindEnv) meeting(pairID int64, status string, at time.Time) int64 {
	e.t.Helper()
	e.n++
	now := e.clk.Now()
	var id int64
	err := e.db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
			created_at, updated_at) VALUES (?, ?, ?, ?, 'Europe/Oslo', 60, ?, ?) RETURNING id`,
			pairID, "m"+strconv.Itoa(e.n)+"@test-"+e.tag, status, at.UTC(), now, now).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *remindEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// scan runs a scan at the clock's time and returns the reminder keys
// queued so far for kind and user.
func (e *remindEnv) scan(kind string, userID int64) []string {
	e.t.Helper()
	if _, err := Scan(context.Background(), e.db, e.clk.Now()); err != nil {
		e.t.Fatal(err)
	}
	rows, err := e.db.Query(context.Background(), `SELECT key FROM jobs WHERE kind = ? ORDER BY id`, JobSend)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	prefix := "remind:" + kind
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			e.t.Fatal(err)
		}
		if strings.HasPrefix(k, prefix) && strings.Contains(k, ":"+strconv.FormatInt(userID, 10)+":") {
			out = append(out, k)
		}
	}
	return out
}

type mail struct{ To, Subject, Body string }

func (e *remindEnv) mails(db *store.DB) []mail {
	e.t.Helper()
	rows, err := db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []mail
	for rows.Next() {
		var m mail
		if err := rows.Scan(&m.To, &m.Subject, &m.Body); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// drain runs w until no job is due.
func drain(t *testing.T, w *Worker) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs never ran out")
}
