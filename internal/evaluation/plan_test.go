package evaluation

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func planned(ps []Planned, kind string) Planned {
	for _, p := range ps {
		if p.Kind == kind {
			return p
		}
	}
	return Planned{}
}

// A program of five months, 2 March to 2 August 2026; pairs matched and
// signed at different points of it.
func TestPlanLateMatchedPairs(t *testing.T) {
	t.Parallel()
	start, end := date(2026, 3, 2), date(2026, 8, 2)
	all := func(signed time.Time) []Planned {
		return Plan(Timeline{Signed: signed, Start: start, End: end, Followup: true, Midpoint: true, Final: true})
	}

	// Signed on day one: everything on its own, in order.
	ps := all(start.Add(9 * time.Hour))
	if fu, mid := planned(ps, KindFollowup), planned(ps, KindMidpoint); !fu.Own() || !mid.Own() ||
		!fu.DueAt.Equal(start.Add(9*time.Hour+FollowupAfter)) || !mid.DueAt.Equal(date(2026, 5, 17)) {
		t.Fatalf("on time: %+v", ps)
	}

	// Matched in June: the mid-point counts from the pair's own start, not
	// the program's (which would put it on 17 May, before the signing).
	// Six weeks left: the follow-up would come after the mid-point, so it
	// is asked with it.
	signed := date(2026, 6, 20).Add(10 * time.Hour)
	ps = all(signed)
	fu, mid, fin := planned(ps, KindFollowup), planned(ps, KindMidpoint), planned(ps, KindFinal)
	if !mid.Own() || !mid.DueAt.Equal(date(2026, 7, 11)) || !fin.DueAt.Equal(end) {
		t.Fatalf("late pair: mid %+v final %+v", mid, fin)
	}
	if fu.Into != KindMidpoint || !fu.DueAt.Equal(mid.DueAt) || fu.Reason != ReasonFollowupMerged ||
		!fu.Natural.Equal(signed.Add(FollowupAfter)) {
		t.Fatalf("late pair's follow-up: %+v", fu)
	}

	// Under 30 days left: the follow-up would come after the final
	// evaluation and is left out; the mid-point still fits.
	ps = all(date(2026, 7, 10).Add(10 * time.Hour))
	if fu, mid := planned(ps, KindFollowup), planned(ps, KindMidpoint); !fu.Dropped || fu.Reason != ReasonFollowupDropped ||
		!mid.Own() || !mid.DueAt.Equal(date(2026, 7, 21)) {
		t.Fatalf("very late pair: %+v", ps)
	}

	// A week and a half left: no room for a mid-point either.
	ps = all(date(2026, 7, 23).Add(10 * time.Hour))
	if fu, mid, fin := planned(ps, KindFollowup), planned(ps, KindMidpoint), planned(ps, KindFinal); !fu.Dropped || !mid.Dropped ||
		mid.Reason != ReasonMidpointDropped || !fin.Own() || !fin.DueAt.Equal(end) {
		t.Fatalf("last-minute pair: %+v", ps)
	}

	// A first meeting three weeks after signing moves the follow-up after
	// its chemistry check.
	first := start.Add(40 * 24 * time.Hour)
	ps = Plan(Timeline{Signed: start, Start: start, End: end, FirstMeeting: &first, Followup: true, Midpoint: true, Final: true})
	if fu := planned(ps, KindFollowup); !fu.Own() || !fu.DueAt.Equal(first.Add(ChemistryWindow)) {
		t.Fatalf("follow-up before the chemistry check: %+v", fu)
	}

	// A follow-up somebody answered stays, whatever the new dates say.
	ps = Plan(Timeline{Signed: signed, Start: start, End: end, Followup: true, Midpoint: true, Final: true,
		Answered: map[string]bool{KindFollowup: true}})
	if fu, mid := planned(ps, KindFollowup), planned(ps, KindMidpoint); !fu.Own() || fu.DueAt.After(mid.DueAt) {
		t.Fatalf("answered follow-up: %+v", ps)
	}
}

// TestPlanOrderAlwaysHolds draws many calendars, switches and answers and
// checks the plan's promises on each: the order chemistry ≤ follow-up ≤
// mid-point ≤ final, a week between forms asked on their own, nothing
// answered merged or dropped, and a reason for everything that is.
func TestPlanOrderAlwaysHolds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 2026))
	day := 24 * time.Hour
	instant := func(from time.Time, days int) time.Time {
		return from.Add(time.Duration(rng.IntN(days*24*60)) * time.Minute)
	}
	seen := map[string]int{}
	for i := range 50000 {
		progStart := instant(date(2025, 1, 1), 700).Truncate(day)
		progEnd := progStart.Add(time.Duration(1+rng.IntN(400)) * day)
		start, end := progStart, progEnd
		if rng.IntN(3) == 0 { // the pair's own dates in the agreement
			start = instant(progStart.Add(-20*day), 60).Truncate(day)
			end = start.Add(time.Duration(1+rng.IntN(300)) * day)
		}
		// Signed anywhere from before the start to the planned end's day.
		signed := instant(start.Add(-30*day), int(end.Sub(start)/day)+31)
		tl := Timeline{Signed: signed, Start: start, End: end,
			Followup: rng.IntN(5) > 0, Midpoint: rng.IntN(5) > 0, Final: rng.IntN(5) > 0,
			Answered: map[string]bool{}}
		if rng.IntN(2) == 0 {
			first := instant(signed.Add(-60*day), int(end.Sub(signed)/day)+60)
			tl.FirstMeeting = &first
		}
		for _, k := range QuestionKinds {
			tl.Answered[k] = rng.IntN(6) == 0
		}
		ps := Plan(tl)
		fail := func(why string) {
			t.Fatalf("case %d: %s\ntimeline %+v\nfirst %v\nplan %+v", i, why, tl, tl.FirstMeeting, ps)
		}
		want := 0
		for _, on := range []bool{tl.Followup, tl.Midpoint, tl.Final} {
			if on {
				want++
			}
		}
		if len(ps) != want {
			fail("kinds switched on and planned differ")
		}
		var chem time.Time
		if tl.FirstMeeting != nil {
			chem = tl.FirstMeeting.Add(ChemistryWindow)
		}
		var prev *Planned
		for j := range ps {
			p := &ps[j]
			if j > 0 && slices.Index(QuestionKinds, p.Kind) <= slices.Index(QuestionKinds, ps[j-1].Kind) {
				fail("kinds out of order")
			}
			if (p.Dropped || p.Into != "") != (p.Reason != "") {
				fail(p.Kind + ": a reason without a change, or a change without a reason")
			}
			if tl.Answered[p.Kind] && !p.Own() {
				fail(p.Kind + " answered, yet merged or dropped")
			}
			if p.Dropped {
				continue
			}
			if p.Into != "" {
				mid := planned(ps, p.Into)
				if p.Kind != KindFollowup || p.Into != KindMidpoint || !mid.Own() || !p.DueAt.Equal(mid.DueAt) {
					fail("merged into something that is not an own mid-point on the same date")
				}
			}
			if prev != nil && p.DueAt.Before(prev.DueAt) {
				fail(prev.Kind + " after " + p.Kind)
			}
			if prev != nil && p.Own() && prev.Own() && !tl.Answered[p.Kind] && !tl.Answered[prev.Kind] &&
				p.DueAt.Sub(prev.DueAt) < OpenBefore {
				fail(prev.Kind + " and " + p.Kind + " open in the same week")
			}
			if p.Kind != KindFinal && !tl.Answered[p.Kind] && !chem.IsZero() && p.DueAt.Before(chem) {
				fail(p.Kind + " before the chemistry check")
			}
			if p.Kind == KindFollowup && !tl.Answered[p.Kind] && p.Own() && p.DueAt.Before(signed.Add(FollowupAfter)) {
				fail("follow-up less than a month after signing")
			}
			if p.Kind == KindFinal && !p.DueAt.Equal(end) && !end.Before(day0(signed)) {
				fail("final evaluation off the planned end")
			}
			if p.Kind == KindFinal && !chem.IsZero() && !chem.After(end) && p.DueAt.Before(chem) {
				fail("final evaluation before the chemistry check")
			}
			prev = p
		}
		for _, p := range ps {
			switch {
			case p.Dropped:
				seen[p.Kind+" dropped"]++
			case p.Into != "":
				seen[p.Kind+" merged"]++
			default:
				seen[p.Kind+" own"]++
			}
		}
	}
	// The draw reaches every outcome, so the checks above were exercised.
	for _, k := range []string{"followup own", "followup merged", "followup dropped", "midpoint own", "midpoint dropped", "final own"} {
		if seen[k] < 100 {
			t.Errorf("only %d plans with %s: %v", seen[k], k, seen)
		}
	}
}

func day0(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// TestReplanMergesAndDrops stores a late pair's plan and reads it back the
// way the pages do: the merged follow-up rides with the mid-point (one
// form, both check points answered), the dropped one is gone with its
// reason kept, and a new agreement version that gives the pair more time
// undoes both.
func TestReplanMergesAndDrops(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		replan := func(tl Timeline) {
			t.Helper()
			if err := db.Tx(ctx, func(tx *store.Tx) error { return Replan(ctx, tx, s.pair.ID, tl) }); err != nil {
				t.Fatal(err)
			}
		}
		now := e.clk.Now() // 2 March 2026
		late := Timeline{Signed: now, Start: date(2026, 3, 1), End: date(2026, 4, 12), Followup: true, Midpoint: true, Final: true}
		replan(late)
		// Mid-point 22 March, follow-up would be 1 April: merged.
		adj, err := Adjustments(ctx, db, s.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, ok := adj[KindFollowup]
		if !ok || !a.Merged() || a.Into != KindMidpoint || a.Reason != ReasonFollowupMerged || !a.Natural.Equal(now.Add(FollowupAfter)) {
			t.Fatalf("adjustments %+v", adj)
		}
		c, err := DueFor(ctx, db, s.pair.ID, s.mentee.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Waiting) != 0 || len(c.Upcoming) != 2 || c.Upcoming[0].Kind != KindMidpoint ||
			len(c.Upcoming[0].With) != 1 || c.Upcoming[0].With[0] != KindFollowup || c.Upcoming[1].Kind != KindFinal {
			t.Fatalf("due %+v", c)
		}

		// The follow-up's own page explains and refuses answers; the
		// mid-point asks both sets of questions once it opens.
		f, err := e.svc.Form(ctx, s.mentee, s.pair.ID, KindFollowup)
		if err != nil {
			t.Fatal(err)
		}
		if f.Open() || f.Adjustment == nil || !f.IntoDue.Equal(date(2026, 3, 22)) {
			t.Fatalf("merged follow-up form %+v", f)
		}
		wantErr(t, e.svc.Submit(ctx, s.mentee, s.pair.ID, KindFollowup, Submission{}), errs.Conflict, "checkpoint.error.merged")
		e.clk.Set(date(2026, 3, 16))
		f, err = e.svc.Form(ctx, s.mentee, s.pair.ID, KindMidpoint)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Open() || len(f.Sections) != 2 || f.Sections[0].Kind != KindFollowup || f.Sections[1].Kind != KindMidpoint ||
			len(f.Questions) != len(f.Sections[0].Questions)+len(f.Sections[1].Questions) {
			t.Fatalf("mid-point form %+v", f.Sections)
		}
		sub := Submission{Answers: map[int64]string{}}
		for _, q := range f.Questions {
			switch q.Type {
			case TypeScale:
				sub.Answers[q.ID] = "4"
			case TypeYesNo:
				sub.Answers[q.ID] = "yes"
			case TypeChoice:
				sub.Answers[q.ID] = "0"
			}
		}
		if err := e.svc.Submit(ctx, s.mentee, s.pair.ID, KindMidpoint, sub); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM checkpoint_responses r JOIN checkpoints c ON c.id = r.checkpoint_id
			WHERE c.pair_id = ? AND r.user_id = ?`, s.pair.ID, s.mentee.ID); n != 2 {
			t.Fatalf("one form answered %d check points, want 2", n)
		}
		res, err := ProgramResults(ctx, db, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind(KindFollowup).Responses != 1 || res.Kind(KindMidpoint).Responses != 1 {
			t.Fatalf("results count follow-up %d, mid-point %d", res.Kind(KindFollowup).Responses, res.Kind(KindMidpoint).Responses)
		}
		c, _ = DueFor(ctx, db, s.pair.ID, s.mentee.ID, e.clk.Now())
		if len(c.Waiting) != 0 || len(c.Upcoming) != 1 || c.Upcoming[0].Kind != KindFinal {
			t.Fatalf("after answering: %+v", c)
		}

		// A pair that signs with under 30 days left has no follow-up at
		// all, and the coordinator reads why.
		other := e.scene()
		e.clk.Set(now)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return Replan(ctx, tx, other.pair.ID, Timeline{Signed: now, Start: date(2026, 3, 1), End: date(2026, 3, 20),
				Followup: true, Midpoint: true, Final: true})
		}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM checkpoints WHERE pair_id = ? AND kind = 'followup'`, other.pair.ID); n != 0 {
			t.Fatal("a dropped follow-up was scheduled")
		}
		done, err := ProgramCompletion(ctx, db, other.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fu := done[0].Checks[0]; fu.Kind != KindFollowup || fu.Scheduled || fu.Adjustment == nil ||
			fu.Adjustment.Outcome != OutcomeDropped || fu.Adjustment.Reason != ReasonFollowupDropped {
			t.Fatalf("coordinator sees %+v", done[0].Checks)
		}

		// A new version of the agreement gives that pair the whole summer:
		// the follow-up comes back on its own and the reason goes.
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return Replan(ctx, tx, other.pair.ID, Timeline{Signed: now, Start: date(2026, 3, 1), End: date(2026, 8, 31),
				Followup: true, Midpoint: true, Final: true})
		}); err != nil {
			t.Fatal(err)
		}
		adj, _ = Adjustments(ctx, db, other.pair.ID)
		c, _ = DueFor(ctx, db, other.pair.ID, other.mentee.ID, now)
		if len(adj) != 0 || len(c.Upcoming) != 3 || c.Upcoming[0].Kind != KindFollowup || !c.Upcoming[0].DueAt.Equal(now.Add(FollowupAfter)) {
			t.Fatalf("after more time: adjustments %+v, due %+v", adj, c)
		}
	})
}

// TestWaitingIsOpenOnly: a check point that has not opened is never
// waiting for an answer; the day it opens, it is.
func TestWaitingIsOpenOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		now := e.clk.Now()
		due := now.Add(30 * 24 * time.Hour)
		if err := Schedule(ctx, db, s.pair.ID, KindFollowup, due); err != nil {
			t.Fatal(err)
		}
		c, err := e.svc.Due(ctx, s.mentee, s.pair.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Waiting) != 0 || len(c.Upcoming) != 1 || !c.Upcoming[0].OpensAt.Equal(due.Add(-OpenBefore)) {
			t.Fatalf("a month ahead: %+v", c)
		}
		e.clk.Set(due.Add(-OpenBefore))
		if c, _ = e.svc.Due(ctx, s.mentee, s.pair.ID); len(c.Waiting) != 1 || len(c.Upcoming) != 0 {
			t.Fatalf("the day it opens: %+v", c)
		}
		_, err = e.svc.Due(ctx, s.coord, s.pair.ID)
		wantErr(t, err, errs.Forbidden, "")
	})
}
