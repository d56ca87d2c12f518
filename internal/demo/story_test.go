package demo

import (
	"context"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/clock"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/health"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// The demo must show a coordinator every stage a pair goes through, read
// back the way the product reads it: the dashboard's health and agreement
// states, the analytics, the agreement and ending records. A story that
// goes missing or stops short fails here.
func TestStoryStages(t *testing.T) {
	t.Parallel()
	// Two days either side of a change of daylight saving time in Oslo,
	// so wall-clock meeting times and calendar dates are tried in both.
	for _, today := range []time.Time{
		time.Date(2026, 3, 30, 6, 30, 0, 0, time.UTC),
		time.Date(2026, 10, 27, 21, 45, 0, 0, time.UTC),
	} {
		t.Run(today.Format("2006-01-02"), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				checkStages(t, db, today)
			})
		})
	}
}

func checkStages(t *testing.T, db *store.DB, today time.Time) {
	ctx := context.Background()
	res, err := Seed(ctx, db, clock.NewFixed(today))
	if err != nil {
		t.Fatal(err)
	}
	prog := res.Program
	if now := today; now.Before(prog.Start) || !now.Before(prog.End) {
		t.Fatalf("the program (%s–%s) is not running today %s", prog.Start, prog.End, today)
	}
	coord, err := account.ByEmail(ctx, db, coordinator.Email)
	if err != nil {
		t.Fatal(err)
	}
	dash, err := dashboard.ForCoordinator(ctx, db, coord, prog.ID, today, dashboard.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]dashboard.Row{} // by mentee name
	for _, r := range dash.Rows {
		rows[r.Mentees[0]] = r
	}
	if len(rows) != len(stories) {
		t.Fatalf("dashboard shows %d pairs, want %d", len(rows), len(stories))
	}
	row := func(email string) dashboard.Row {
		for _, p := range mentees {
			if p.Email == email {
				return rows[p.Name]
			}
		}
		t.Fatalf("no mentee %s", email)
		return dashboard.Row{}
	}
	pairOf := func(email string) *program.Pair {
		p, err := program.GetPair(ctx, db, row(email).PairID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	signals := func(r dashboard.Row) []string {
		var out []string
		for _, s := range r.Health.Signals {
			out = append(out, s.Code)
		}
		return out
	}

	// Just matched: nothing done, nothing wrong yet.
	if r := row(olena); r.AgreementState != agreement.StateNotStarted || r.Facts.MeetingsHeld != 0 ||
		r.Facts.NextMeeting != nil || r.Health.Severity > health.Info {
		t.Errorf("just matched: state %s, %d held, next %v, signals %v", r.AgreementState, r.Facts.MeetingsHeld, r.Facts.NextMeeting, signals(r))
	}
	// Drafting: versions saved, none signed, one meeting held and the next
	// proposed and not yet answered.
	if r := row(amira); r.AgreementState != agreement.StateDrafting || r.Facts.MeetingsHeld != 1 ||
		r.Facts.NextMeeting == nil || r.Health.Severity > health.Info {
		t.Errorf("drafting: state %s, %d held, next %v, signals %v", r.AgreementState, r.Facts.MeetingsHeld, r.Facts.NextMeeting, signals(r))
	}
	st, err := agreement.StatusOf(ctx, db, row(amira).PairID, false)
	if err != nil || st.Current == nil || st.Current.Number < 2 || len(st.Current.Signatures) != 0 {
		t.Errorf("drafting pair's agreement: %+v, %v", st, err)
	}
	// Freshly signed: in force within the last fortnight, next meeting
	// booked with its agenda ready.
	if r := row(linnea); r.AgreementState != agreement.StateActive || r.Facts.Signed == nil ||
		today.Sub(*r.Facts.Signed) > 14*24*time.Hour || r.Facts.NextMeeting == nil || r.Health.Severity != health.OK {
		t.Errorf("signed: state %s, signed %v, next %v, signals %v", r.AgreementState, r.Facts.Signed, r.Facts.NextMeeting, signals(r))
	}
	// Under way and on track: several meetings, the next one booked.
	for _, email := range []string{ahmad, leila} {
		if r := row(email); r.AgreementState != agreement.StateActive || r.Facts.MeetingsHeld < 4 ||
			r.Facts.NextMeeting == nil || r.Health.Severity != health.OK {
			t.Errorf("%s under way: state %s, %d held, next %v, signals %v", email, r.AgreementState, r.Facts.MeetingsHeld, r.Facts.NextMeeting, signals(r))
		}
	}
	if p := pairOf(leila); len(p.Mentors) != 2 {
		t.Errorf("the association pair has %d mentors", len(p.Mentors))
	}
	// Fallen behind: the dashboard must flag the gap, the missing next
	// meeting and the overdue follow-up.
	if r := row(siti); r.AgreementState != agreement.StateActive || !r.Health.Has(health.GapTooLong) ||
		!r.Health.Has(health.NoNextMeeting) || !r.Health.Has(health.EvalOverdue) || r.Health.Severity != health.Critical {
		t.Errorf("behind: state %s, severity %s, signals %v", r.AgreementState, r.Health.Severity, signals(r))
	}
	// Ended early by a member, with a closing; finished at the planned end.
	if r := row(putu); r.AgreementState != agreement.StateEnded || !r.Health.Has(health.EndedEarly) {
		t.Errorf("ended early: state %s, signals %v", r.AgreementState, signals(r))
	}
	if e, err := program.GetEnding(ctx, db, row(putu).PairID); err != nil || e.How != program.EndedByMember || e.Side != program.SideMentee {
		t.Errorf("early ending: %+v, %v", e, err)
	}
	if r := row(yusuf); r.AgreementState != agreement.StateEnded || !r.Facts.EndedOnPlan || len(r.Health.Signals) != 0 {
		t.Errorf("finished: state %s, on plan %v, signals %v", r.AgreementState, r.Facts.EndedOnPlan, signals(r))
	}
	if e, err := program.GetEnding(ctx, db, row(yusuf).PairID); err != nil || e.How != program.EndedAsPlanned || !e.EndedAt.Before(today) {
		t.Errorf("planned ending: %+v, %v", e, err)
	}
	for _, email := range []string{putu, yusuf} {
		u, _ := account.ByEmail(ctx, db, email)
		c, err := (&agreement.Service{DB: db, Clock: clock.NewFixed(today)}).Closing(ctx, u, row(email).PairID)
		if err != nil || c.MeetingsHeld < 3 || c.Reflection == nil || len(c.Goals) == 0 {
			t.Errorf("closing of %s: %+v, %v", email, c, err)
		}
	}

	// Check points: the finished pair answered its final evaluation on
	// both sides, and every pair under way has answered what is due.
	completion, err := evaluation.ProgramCompletion(ctx, db, prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := map[int64]map[string]int{}
	for _, pc := range completion {
		done[pc.Pair.ID] = map[string]int{}
		for _, c := range pc.Checks {
			done[pc.Pair.ID][c.Kind] = c.Done()
		}
	}
	if d := done[row(yusuf).PairID]; d[evaluation.KindFinal] != 2 || d[evaluation.KindMidpoint] != 2 || d[evaluation.KindFollowup] != 2 {
		t.Errorf("finished pair's check points: %v", d)
	}
	if d := done[row(ahmad).PairID]; d[evaluation.KindFollowup] != 2 || d[evaluation.KindMidpoint] != 2 {
		t.Errorf("pair under way's check points: %v", d)
	}
	if d := done[row(leila).PairID]; d[evaluation.KindFollowup] != 3 || d[evaluation.KindMidpoint] != 3 {
		t.Errorf("association pair's check points: %v", d)
	}
	if d := done[row(siti).PairID]; d[evaluation.KindFollowup] != 1 {
		t.Errorf("behind pair's follow-up: %v", d)
	}

	// Everyone running who has met has answered the chemistry check, one
	// of them unsure.
	_, chem, err := (&evaluation.Service{DB: db, Clock: clock.NewFixed(today)}).ChemistryOverview(ctx, coord, prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	answered := map[int64]int{}
	for _, c := range chem {
		answered[c.Pair.ID] = c.Yes + c.Unsure + c.No
		if c.Pair.ID == row(siti).PairID && c.Unsure != 1 {
			t.Errorf("behind pair's chemistry: %+v", c)
		}
	}
	for _, email := range []string{amira, linnea, ahmad, leila, siti} {
		if p := pairOf(email); answered[p.ID] != len(p.Mentors)+len(p.Mentees) {
			t.Errorf("chemistry check of %s's pair: %d answers", email, answered[p.ID])
		}
	}

	// Meetings carry agendas, notes and action items, some done and some
	// carried over to the next meeting; goals have moved.
	p := pairOf(ahmad)
	ms, err := meeting.ForPair(ctx, db, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	docs, err := meeting.AgendaStatus(ctx, db, ids)
	if err != nil {
		t.Fatal(err)
	}
	prepared, noted := 0, 0
	for _, d := range docs {
		if d.Prepared() {
			prepared++
		}
		if d.Notes {
			noted++
		}
	}
	if prepared < 4 || noted < 4 {
		t.Errorf("pair under way: %d agendas and %d notes over %d meetings", prepared, noted, len(ms))
	}
	u, _ := account.ByEmail(ctx, db, ahmad)
	items, err := (&meeting.Service{DB: db, Clock: clock.NewFixed(today)}).ActionItems(ctx, u, p.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var doneItems, carried, open int
	for _, a := range items {
		switch {
		case a.Status == meeting.ActionDone:
			doneItems++
		case a.Open():
			open++
		}
		if a.Carried > 0 {
			carried++
		}
	}
	if doneItems == 0 || carried == 0 || open == 0 {
		t.Errorf("pair under way's action items: %d done, %d carried over, %d open", doneItems, carried, open)
	}
	gs, err := goal.List(ctx, db, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	moving := 0
	for _, g := range gs {
		if g.Progress > 0 && g.Progress < 100 {
			moving++
		}
		if g.Status != goal.StatusDropped && g.Status != goal.StatusFor(g.Progress) {
			t.Errorf("goal %q shows %s at %d%%", g.Title, g.Status, g.Progress)
		}
	}
	// Every goal the story wrote is stored with a status its progress agrees with.
	var disagree int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM goals WHERE status <> 'dropped' AND status <>
		CASE WHEN progress >= 100 THEN 'reached' WHEN progress <= 0 THEN 'open' ELSE 'in_progress' END`).Scan(&disagree); err != nil {
		t.Fatal(err)
	}
	if disagree != 0 {
		t.Errorf("%d demo goals stored with a status their progress contradicts", disagree)
	}
	if len(gs) < 3 || moving < 2 {
		t.Errorf("pair under way has %d goals, %d in progress", len(gs), moving)
	}

	// Every chart of the analytics has something real to show.
	a, err := dashboard.ProgramAnalytics(ctx, db, prog.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	months, cancelled := 0, 0
	for _, m := range a.Months {
		if m.Held > 0 {
			months++
		}
		cancelled += m.Cancelled
	}
	if months < 4 || cancelled == 0 {
		t.Errorf("meetings over time: %d months with meetings, %d cancelled: %+v", months, cancelled, a.Months)
	}
	for _, s := range a.PairStates {
		if s.Count == 0 && s.State != dashboard.PairWaiting {
			t.Errorf("no pair in state %s: %+v", s.State, a.PairStates)
		}
	}
	if a.Goals.Reached == 0 || a.Goals.Open == 0 || a.Goals.Dropped == 0 {
		t.Errorf("goals: %+v", a.Goals)
	}
	if a.Chemistry.Yes == 0 || a.Chemistry.Unsure == 0 {
		t.Errorf("chemistry: %+v", a.Chemistry)
	}
	for _, c := range a.Checkpoints {
		if c.Expected == 0 || c.Answered == 0 {
			t.Errorf("check point %s: %d of %d answered", c.Kind, c.Answered, c.Expected)
		}
	}
	if a.FirstMeeting.Met < 6 || a.FirstMeeting.NotYet != 1 {
		t.Errorf("first meetings: %+v", a.FirstMeeting)
	}
	for _, kind := range evaluation.QuestionKinds {
		if k := a.Evaluation.Kind(kind); k == nil || k.Responses == 0 {
			t.Errorf("no %s evaluation results", kind)
		}
	}
	if k := a.Evaluation.Kind(evaluation.KindFinal); k != nil && k.Goals[evaluation.GoalReached] == 0 {
		t.Errorf("final evaluation goal reviews: %v", k.Goals)
	}
	alerts, err := evaluation.AlertCount(ctx, db, prog.ID)
	if err != nil || alerts == 0 {
		t.Errorf("chemistry alerts: %d, %v", alerts, err)
	}
}
