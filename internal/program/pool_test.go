package program

import (
	"context"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestPoolAfterClose checks the pool rules at the one closing path: who
// shared a pair is a former pair whatever the ending, and only the mentee
// who asked, or every mentee when a coordinator or a rematch asks, waits
// for a new mentor.
func TestPoolAfterClose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newProgEnv(t, db)
		ctx := context.Background()
		coord := e.user(account.RoleCoordinator, "en")
		alien := e.user(account.RoleCoordinator, "en")
		p := e.program(coord)
		e.program(alien)
		mentor := e.user(account.RoleMember, "nb")
		asker, quiet, solo := e.user(account.RoleMember, "en"), e.user(account.RoleMember, "en"), e.user(account.RoleMember, "en")
		e.participant(p.ID, mentor, "mentor", StatusApproved, 2)
		for _, u := range []*account.User{asker, quiet, solo} {
			e.participant(p.ID, u, "mentee", StatusApproved, 1)
		}
		// A group pair: two mentees with one mentor.
		group, err := e.svc.CreatePair(ctx, coord, p.ID, []int64{mentor.ID}, []int64{asker.ID, quiet.ID})
		if err != nil {
			t.Fatal(err)
		}
		single, err := e.svc.CreatePair(ctx, coord, p.ID, []int64{mentor.ID}, []int64{solo.ID})
		if err != nil {
			t.Fatal(err)
		}
		history := func() *History {
			t.Helper()
			h, err := LoadHistory(ctx, db, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		if h := history(); len(h.Former) != 0 || len(h.Left) != 0 {
			t.Fatalf("running pairs in the history: %+v", h)
		}
		close := func(e Ending) {
			t.Helper()
			err := db.Tx(ctx, func(tx *store.Tx) error {
				ok, err := Close(ctx, tx, e)
				if err == nil && !ok {
					t.Fatal("not closed")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		now := e.clk.Now()
		close(Ending{PairID: group.ID, How: EndedByMember, EndedBy: asker.ID, Side: SideMentee, EndedAt: now, Return: ReturnAsked})
		close(Ending{PairID: single.ID, How: EndedAsPlanned, EndedAt: now})

		h := history()
		for _, u := range []*account.User{asker, quiet, solo} {
			if f, ok := h.FormerOf(u.ID, mentor.ID); !ok || !f.EndedAt.Equal(now) {
				t.Fatalf("former pair of %d: %+v %v", u.ID, f, ok)
			}
		}
		if !h.Left[asker.ID].InPool() || h.Left[quiet.ID].InPool() || h.Left[solo.ID].InPool() {
			t.Fatalf("pool after the endings: %+v", h.Left)
		}
		if h.Left[quiet.ID].EndedHow != EndedByMember || h.Left[quiet.ID].EndedSide != SideMentee || h.Left[solo.ID].EndedHow != EndedAsPlanned {
			t.Fatalf("how they ended: %+v", h.Left)
		}

		// Only the program's coordinators return a mentee.
		for _, who := range []*account.User{nil, alien, mentor, quiet} {
			if err := e.svc.ReturnToPool(ctx, who, p.ID, quiet.ID); err == nil {
				t.Fatalf("%v returned a mentee", who)
			}
		}
		if history().Left[quiet.ID].InPool() {
			t.Fatal("a refused return changed the pool")
		}
		e.clk.Set(now.Add(time.Hour))
		if err := e.svc.ReturnToPool(ctx, coord, p.ID, quiet.ID); err != nil {
			t.Fatal(err)
		}
		l := history().Left[quiet.ID]
		if !l.InPool() || l.Return != ReturnCoordinator || !l.ReturnedAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("after the return: %+v", l)
		}
		wantKey(t, e.svc.ReturnToPool(ctx, coord, p.ID, quiet.ID), errs.Conflict, "matching.error.return_already")
		wantKey(t, e.svc.ReturnToPool(ctx, coord, p.ID, mentor.ID), errs.Invalid, "matching.error.return_mentees_only")

		// A new pair, ended without asking, takes the mentee out again.
		again, err := e.svc.CreatePairAgain(ctx, coord, p.ID, []int64{mentor.ID}, []int64{quiet.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := history().Left[quiet.ID]; ok {
			t.Fatal("a mentee in a running pair counts as left")
		}
		wantKey(t, e.svc.ReturnToPool(ctx, coord, p.ID, quiet.ID), errs.Conflict, "matching.error.return_paired")
		e.clk.Set(now.Add(2 * time.Hour))
		if err := e.svc.EndPair(ctx, coord, p.ID, again.ID); err != nil {
			t.Fatal(err)
		}
		if l := history().Left[quiet.ID]; l.PairID != again.ID || l.InPool() || l.EndedHow != EndedByCoordinator {
			t.Fatalf("after the second pair: %+v", l)
		}
		if err := e.svc.EndPairReturning(ctx, coord, p.ID, again.ID); err != nil {
			t.Fatal(err) // ending an ended pair changes nothing
		}
		if history().Left[quiet.ID].InPool() {
			t.Fatal("ending an ended pair returned the mentee")
		}
	})
}
