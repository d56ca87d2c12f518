package meeting

import (
	"context"
	"fmt"
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

// notesFixture is a program with one pair and everyone the role matrix
// needs: both sides, another participant, the program's coordinator, a
// coordinator of another program and an administrator.
type notesFixture struct {
	db      *store.DB
	svc     *Service
	clock   *clock.Fixed
	bundle  *i18n.Bundle
	prog    *program.Program
	pair    *program.Pair
	mentor  *account.User
	mentee  *account.User
	other   *account.User // a mentee of the same program, not on the pair
	coord   *account.User
	foreign *account.User // coordinator of another program
	admin   *account.User
}

func newNotesFixture(t *testing.T, db *store.DB) *notesFixture {
	t.Helper()
	ctx := context.Background()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	accounts := &account.Service{DB: db, Clock: clk}
	programs := &program.Service{DB: db, Clock: clk}
	f := &notesFixture{db: db, clock: clk, bundle: bundle, svc: &Service{DB: db, Clock: clk, Outbox: outbox}}
	user := func(email, name, role, lang, tz string) *account.User {
		u, err := accounts.Create(ctx, account.NewUser{Email: email, Name: name, Password: "password-" + email,
			Role: role, Language: lang, Timezone: tz})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.admin = user("admin@example.org", "Ada Admin", account.RoleAdmin, "en", "UTC")
	f.coord = user("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en", "UTC")
	f.foreign = user("foreign@example.org", "Finn Foreign", account.RoleCoordinator, "en", "UTC")
	f.mentor = user("mentor@example.org", "Marit Mentor", account.RoleMember, "nb", "Europe/Oslo")
	f.mentee = user("mentee@example.org", "Ola Mentee", account.RoleMember, "en", "UTC")
	f.other = user("other@example.org", "Oscar Other", account.RoleMember, "en", "UTC")

	in := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	in.Name = "Into work"
	if f.prog, err = programs.Create(ctx, f.coord, in); err != nil {
		t.Fatal(err)
	}
	in.Name = "Elsewhere"
	if _, err = programs.Create(ctx, f.foreign, in); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		u    *account.User
		role string
	}{{f.mentor, "mentor"}, {f.mentee, "mentee"}, {f.other, "mentee"}} {
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 2, ?, ?)`, f.prog.ID, p.u.ID, p.role, clk.Now(), clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if f.pair, err = programs.CreatePair(ctx, f.coord, f.prog.ID, []int64{f.mentor.ID}, []int64{f.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	return f
}

// meeting adds a meeting of the pair directly, as the planning feature
// would, starting days after the fixture's clock.
func (f *notesFixture) meeting(t *testing.T, days int, status string) int64 {
	t.Helper()
	return addMeeting(t, f.db, f.pair.ID, f.clock.Now().AddDate(0, 0, days), status)
}

// meetingSeq makes uids unique; storetest.Each runs tests side by side.
var meetingSeq atomic.Int64

func addMeeting(t testing.TB, db *store.DB, pairID int64, at time.Time, status string) int64 {
	t.Helper()
	seq := meetingSeq.Add(1)
	return insertID(t, db, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
		created_at, updated_at) VALUES (?, ?, ?, ?, 'Europe/Oslo', 60, ?, ?) RETURNING id`,
		pairID, fmt.Sprintf("m%d-%d@test", seq, at.UnixNano()), status, at.UTC(), at.UTC(), at.UTC())
}

// insertID runs an INSERT … RETURNING id in a write transaction.
func insertID(t testing.TB, db *store.DB, query string, args ...any) int64 {
	t.Helper()
	var id int64
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *notesFixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// addGoal adds a goal to a pair directly, as the goals feature would.
func (f *notesFixture) addGoal(t *testing.T, pairID int64, title string) int64 {
	t.Helper()
	return insertID(t, f.db, `INSERT INTO goals (pair_id, title, created_at, updated_at)
		VALUES (?, ?, ?, ?) RETURNING id`, pairID, title, f.clock.Now(), f.clock.Now())
}
