package agreement

import (
	"context"
	"reflect"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestStandingOfMatchesOnePair checks that reading every active pair's
// agreement at once gives each pair the terms and status it has when read
// alone, with versions and signatures of several pairs in the tables.
func TestStandingOfMatchesOnePair(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ps := &program.Service{DB: db, Clock: f.clk}
		n := 0
		newPair := func() (*program.Pair, *account.User, *account.User) {
			t.Helper()
			var us [2]*account.User
			for k, role := range []string{program.SideMentor, program.SideMentee} {
				n++
				email := role + string(rune('a'+n)) + "@example.org"
				err := db.Tx(ctx, func(tx *store.Tx) (err error) {
					us[k], err = account.CreateUser(ctx, tx, f.clk.Now(), account.NewUser{Email: email, Name: "Person " + email,
						Password: "password-" + email, Role: account.RoleMember, Language: "en"})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
					VALUES (?, ?, ?, 'approved', 1, ?, ?)`, f.prog.ID, us[k].ID, role, f.clk.Now(), f.clk.Now()); err != nil {
					t.Fatal(err)
				}
			}
			p, err := ps.CreatePair(ctx, f.coord, f.prog.ID, []int64{us[0].ID}, []int64{us[1].ID})
			if err != nil {
				t.Fatal(err)
			}
			return p, us[0], us[1]
		}
		sign := func(pairID int64, u *account.User, number int) {
			t.Helper()
			if _, err := f.svc.Sign(ctx, u, pairID, number, "password-"+u.Email, u.Name); err != nil {
				t.Fatal(err)
			}
		}

		// The fixture's pair: version 1 in force with its own terms,
		// version 2 signed by the mentee only.
		c := sampleContent()
		c.MeetingCount, c.CancelNoticeHours = 7, 24
		if _, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, c, f.l); err != nil {
			t.Fatal(err)
		}
		sign(f.pair.ID, f.mentor, 1)
		sign(f.pair.ID, f.mentee, 1)
		c.Frequency = "Every other week"
		if _, err := f.svc.SaveDraft(ctx, f.mentee, f.pair.ID, 1, c, f.l); err != nil {
			t.Fatal(err)
		}
		sign(f.pair.ID, f.mentee, 2)
		// A pair waiting for its mentee's signature, one with nothing
		// saved, and an ended one with a signed agreement.
		waiting, wMentor, _ := newPair()
		if _, err := f.svc.SaveDraft(ctx, wMentor, waiting.ID, 0, sampleContent(), f.l); err != nil {
			t.Fatal(err)
		}
		sign(waiting.ID, wMentor, 1)
		empty, _, _ := newPair()
		ended, eMentor, eMentee := newPair()
		if _, err := f.svc.SaveDraft(ctx, eMentor, ended.ID, 0, sampleContent(), f.l); err != nil {
			t.Fatal(err)
		}
		sign(ended.ID, eMentor, 1)
		sign(ended.ID, eMentee, 1)
		if _, err := db.Exec(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, f.clk.Now(), ended.ID); err != nil {
			t.Fatal(err)
		}

		all, err := StandingOf(ctx, db, program.ActivePairs())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d active pairs read, want 3", len(all))
		}
		for _, id := range []int64{f.pair.ID, waiting.ID, empty.ID, ended.ID} {
			terms, err := TermsFor(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			one, err := StandingOf(ctx, db, program.OnePair(id))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one[id].Terms, terms) {
				t.Errorf("pair %d: terms %+v, alone %+v", id, one[id].Terms, terms)
			}
			st, err := StatusOf(ctx, db, id, id == ended.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one[id].Status, st) || one[id].Pair == nil || one[id].Pair.ID != id {
				t.Errorf("pair %d: status %+v, alone %+v", id, one[id].Status, st)
			}
			if id == ended.ID {
				if _, ok := all[id]; ok || terms.State != StateEnded {
					t.Errorf("ended pair: among the active %v, state %s", ok, terms.State)
				}
				continue
			}
			if !reflect.DeepEqual(all[id], one[id]) {
				t.Errorf("pair %d: in bulk %+v, alone %+v", id, all[id], one[id])
			}
		}
		if got := all[f.pair.ID].Terms; got.State != StateActive || got.InForce != 1 || got.Version != 2 ||
			got.Draft != StateWaiting || got.MinMeetings != 7 || got.CancelNoticeHours != 24 {
			t.Errorf("signed pair: %+v", got)
		}
		if got := all[waiting.ID].Terms; got.State != StateWaiting || got.InForce != 0 || got.MinMeetings != f.prog.MinMeetings {
			t.Errorf("waiting pair: %+v", got)
		}
		if got := all[empty.ID]; got.Terms.State != StateNotStarted || got.Status.Current != nil {
			t.Errorf("empty pair: %+v", got)
		}
		if _, err := TermsFor(ctx, db, ended.ID+1000); !errs.Is(err, errs.NotFound) {
			t.Error("terms of a pair that does not exist")
		}
	})
}
