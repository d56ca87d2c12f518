package audit

import (
	"context"
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

// seed makes a program with one pair and returns the people involved.
func seed(t *testing.T, db *store.DB) (admin, coord, mentor, mentee, stranger *account.User, programID, pairID int64) {
	t.Helper()
	ctx := context.Background()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	out := &notify.Outbox{Bundle: bundle, BaseURL: "http://mentorskap.test"}
	accounts := &account.Service{DB: db, Clock: clk, Outbox: out}
	programs := &program.Service{DB: db, Clock: clk, Outbox: out}
	mk := func(email, role string) *account.User {
		u, err := accounts.Create(ctx, account.NewUser{Email: email, Name: "Name " + email, Password: "password-" + email, Role: role, Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin, coord = mk("a@x.test", account.RoleAdmin), mk("c@x.test", account.RoleCoordinator)
	mentor, mentee, stranger = mk("m1@x.test", account.RoleMember), mk("m2@x.test", account.RoleMember), mk("s@x.test", account.RoleMember)
	in := program.SettingsOf(program.Defaults(clk.Now(), "en"))
	in.Name = "P"
	prog, err := programs.Create(ctx, coord, in)
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	for _, p := range []struct {
		u    *account.User
		role string
	}{{mentor, "mentor"}, {mentee, "mentee"}} {
		if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?)`, prog.ID, p.u.ID, p.role, now, now); err != nil {
			t.Fatal(err)
		}
	}
	pair, err := programs.CreatePair(ctx, coord, prog.ID, []int64{mentor.ID}, []int64{mentee.ID})
	if err != nil {
		t.Fatal(err)
	}
	return admin, coord, mentor, mentee, stranger, prog.ID, pair.ID
}

func TestAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		admin, coord, mentor, mentee, stranger, programID, pairID := seed(t, db)
		at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)

		if wrote, err := PairAccess(ctx, db, at, mentor.ID, pairID, ActionPairView, "GET /pairs/1"); err != nil || wrote {
			t.Fatalf("member's own read: wrote=%v err=%v", wrote, err)
		}
		if wrote, err := PairAccess(ctx, db, at, coord.ID, pairID, ActionPairView, "GET /pairs/1"); err != nil || !wrote {
			t.Fatalf("coordinator read: wrote=%v err=%v", wrote, err)
		}
		if _, err := PairAccess(ctx, db, at, coord.ID, pairID+100, ActionPairView, ""); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown pair: %v", err)
		}
		if err := Record(ctx, db, at.Add(time.Minute), coord.ID, ActionExport, programID, 0, 0, "GET /programs/1/export/pairs.csv"); err != nil {
			t.Fatal(err)
		}
		if err := Record(ctx, db, at.Add(2*time.Minute), mentee.ID, ActionExport, 0, 0, mentee.ID, "GET /profile/data/download"); err != nil {
			t.Fatal(err)
		}

		if _, err := List(ctx, db, coord, Filter{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("coordinator reading the log: %v", err)
		}
		if _, err := List(ctx, db, nil, Filter{}); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("anonymous reading the log: %v", err)
		}
		all, err := List(ctx, db, admin, Filter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("admin list: %d rows, %v", len(all), err)
		}
		if all[0].Detail != "GET /profile/data/download" || all[2].PairID != pairID || all[2].ActorName != coord.Name || !all[2].At.Equal(at) {
			t.Fatalf("order or content: %+v", all)
		}
		exports, _ := List(ctx, db, admin, Filter{Action: ActionExport, ProgramID: programID})
		if len(exports) != 1 || exports[0].ProgramName != "P" {
			t.Fatalf("filtered list: %+v", exports)
		}
		page, _ := List(ctx, db, admin, Filter{Before: all[0].ID, Limit: 1})
		if len(page) != 1 || page[0].ID != all[1].ID {
			t.Fatalf("paging: %+v", page)
		}

		// Both members see the coordinator's visit; the mentee does not see
		// her own download; a stranger sees nothing.
		for _, u := range []*account.User{mentor, mentee} {
			es, err := AboutMe(ctx, db, u, 0, 0)
			if err != nil || len(es) != 1 || es[0].ActorID != coord.ID {
				t.Fatalf("%s access log: %+v %v", u.Email, es, err)
			}
		}
		if es, _ := AboutMe(ctx, db, stranger, 0, 0); len(es) != 0 {
			t.Fatalf("stranger sees %+v", es)
		}
	})
}
