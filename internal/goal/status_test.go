package goal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// checkAgreement asserts what every reader of a pair's goals relies on:
// a goal's status is dropped or the one StatusFor gives its progress; a
// goal with sub-goals is at 100 % only when all that count are, and at 0 %
// only when none has begun; every row is stored in agreement with itself;
// and the program's counts count what the pages show.
func checkAgreement(t *testing.T, e *goalEnv, step string) []Goal {
	t.Helper()
	// The rule, written out here rather than taken from the code under test.
	rule := func(pct int) string {
		switch {
		case pct == 0:
			return StatusOpen
		case pct == 100:
			return StatusReached
		}
		return StatusInProgress
	}
	gs := e.list()
	var want Counts
	check := func(g Goal) {
		t.Helper()
		if g.Status != StatusDropped && g.Status != rule(g.Progress) {
			t.Fatalf("%s: goal %q shows %s at %d%%", step, g.Title, g.Status, g.Progress)
		}
		if !g.Derived() {
			if g.Progress != g.OwnProgress {
				t.Fatalf("%s: goal %q without sub-goals shows %d%%, own %d%%", step, g.Title, g.Progress, g.OwnProgress)
			}
			return
		}
		all, any := true, false
		for _, s := range g.SubGoals {
			if s.Status != StatusDropped {
				all = all && s.Progress == 100
				any = any || s.Progress > 0
			}
		}
		if (g.Progress == 100) != all || (g.Progress == 0) == any {
			t.Fatalf("%s: goal %q at %d%% from sub-goals %+v", step, g.Title, g.Progress, g.SubGoals)
		}
	}
	// Every row is stored in agreement with itself, for whatever reads the
	// table directly (exports, reports).
	rows, err := e.db.Query(context.Background(), `SELECT title, status, progress FROM goals WHERE pair_id = ?`, e.pair.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var title, st string
		var pct int
		if err := rows.Scan(&title, &st, &pct); err != nil {
			t.Fatal(err)
		}
		if st != StatusDropped && st != rule(pct) {
			t.Fatalf("%s: goal %q stored as %s at %d%%", step, title, st, pct)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		check(g)
		for _, s := range g.SubGoals {
			check(s)
		}
		switch g.Status {
		case StatusDropped:
			want.Dropped++
		case StatusReached:
			want.Reached++
			want.Total++
		default:
			want.Total++
		}
	}
	got, err := ProgramCounts(context.Background(), e.db, e.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s: program counts %+v, pages show %+v", step, got, want)
	}
	return gs
}

// refusals are the answers an edit of status or progress may get.
var refusals = []string{"goal.error.bad_status", "goal.error.bad_progress", "goal.error.progress_derived",
	"goal.error.reached_is_100", "goal.error.not_started_is_0", "goal.error.in_progress_range",
	"goal.error.status_from_sub_goals"}

// TestGoalStatusFollowsProgress makes random edits of status and progress,
// adds and deletes sub-goals, and checks after each that status and
// progress agree everywhere they are read. A refused edit must change
// nothing.
func TestGoalStatusFollowsProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		if err := e.sync(agreementDrafts()...); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Speak at a team meeting", "Read two books on leadership"} {
			if _, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(13, 4))
		progress := func() int {
			switch rng.IntN(8) {
			case 0:
				return 0
			case 1:
				return 100
			case 2:
				return []int{-1, 101}[rng.IntN(2)]
			}
			return 1 + rng.IntN(99)
		}
		status := func() string {
			if rng.IntN(12) == 0 {
				return "done"
			}
			return Statuses[rng.IntN(len(Statuses))]
		}
		gs := checkAgreement(t, e, "start")
		done, refused, seen := 0, 0, map[string]bool{}
		for i := range 120 {
			var all []Goal
			for _, g := range gs {
				all = append(all, g)
				all = append(all, g.SubGoals...)
			}
			g := all[rng.IntN(len(all))]
			who := e.mentee
			if rng.IntN(2) == 0 {
				who = e.mentor
			}
			var step string
			var err error
			switch op := rng.IntN(10); {
			case op < 3:
				st := status()
				step = fmt.Sprintf("%d: %q status %s", i, g.Title, st)
				_, err = e.svc.Update(ctx, who, e.pair.ID, g.ID, Update{Version: g.Version, Status: &st})
			case op < 6:
				p := progress()
				step = fmt.Sprintf("%d: %q progress %d", i, g.Title, p)
				_, err = e.svc.Update(ctx, who, e.pair.ID, g.ID, Update{Version: g.Version, Progress: &p})
			case op < 8:
				st, p := status(), progress()
				step = fmt.Sprintf("%d: %q status %s and progress %d", i, g.Title, st, p)
				_, err = e.svc.Update(ctx, who, e.pair.ID, g.ID, Update{Version: g.Version, Status: &st, Progress: &p})
			case op < 9 && g.ParentID == 0:
				step = fmt.Sprintf("%d: sub-goal under %q", i, g.Title)
				_, err = e.svc.Create(ctx, who, e.pair.ID, Input{ParentID: g.ID, Title: fmt.Sprintf("Step %d", i)})
				if errs.Is(err, errs.Invalid) {
					err = nil // at the limit of sub-goals
				}
			case g.ParentID != 0 && !g.InAgreement:
				step = fmt.Sprintf("%d: delete %q", i, g.Title)
				err = e.svc.Delete(ctx, who, e.pair.ID, g.ID, g.Version)
			default:
				continue
			}
			if err != nil {
				ve, ok := errs.As(err)
				if !ok || ve.Kind != errs.Invalid {
					t.Fatalf("%s: %v", step, err)
				}
				for _, f := range ve.Fields {
					if !slices.Contains(refusals, f.Key) {
						t.Fatalf("%s: refused with %s", step, f.Key)
					}
				}
				if after := e.list(); fmt.Sprint(after) != fmt.Sprint(gs) {
					t.Fatalf("%s: refused edit changed the goals", step)
				}
				refused++
				continue
			}
			gs = checkAgreement(t, e, step)
			done++
			for _, g := range gs {
				seen[g.Status] = true
			}
		}
		// The walk must mostly change things, or it proves little.
		if done < refused || len(seen) != len(Statuses) {
			t.Fatalf("%d edits made, %d refused, statuses seen %v", done, refused, seen)
		}
	})
}

// TestGoalStatusRules pins down the rule a mentee meets on the goal page.
func TestGoalStatusRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		g, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "Finish the course"})
		if err != nil {
			t.Fatal(err)
		}
		step := func(up Update, wantStatus string, wantProgress int) {
			t.Helper()
			up.Version = g.Version
			got, err := e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, up)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != wantStatus || got.Progress != wantProgress {
				t.Fatalf("%s at %d%%, want %s at %d%%", got.Status, got.Progress, wantStatus, wantProgress)
			}
			g = got
		}
		refused := func(up Update, field, key string) {
			t.Helper()
			up.Version = g.Version
			_, err := e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, up)
			wantField(t, err, field, key)
		}
		step(Update{Progress: ptr(50)}, StatusInProgress, 50) // progress moves the status
		step(Update{Progress: ptr(100)}, StatusReached, 100)
		step(Update{Progress: ptr(80)}, StatusInProgress, 80)
		refused(Update{Status: ptr(StatusReached), Progress: ptr(40)}, "progress", "goal.error.reached_is_100")
		refused(Update{Status: ptr(StatusOpen), Progress: ptr(40)}, "progress", "goal.error.not_started_is_0")
		// A form sends the whole goal back: the value it did not change is
		// not a contradiction.
		step(Update{Status: ptr(StatusReached), Progress: ptr(80)}, StatusReached, 100)
		step(Update{Status: ptr(StatusOpen), Progress: ptr(100)}, StatusOpen, 0)
		refused(Update{Status: ptr(StatusInProgress)}, "progress", "goal.error.in_progress_range")
		refused(Update{Status: ptr(StatusInProgress), Progress: ptr(100)}, "progress", "goal.error.in_progress_range")
		step(Update{Status: ptr(StatusInProgress), Progress: ptr(30)}, StatusInProgress, 30)
		step(Update{Status: ptr(StatusDropped)}, StatusDropped, 30) // a decision keeps the progress
		step(Update{Progress: ptr(100)}, StatusDropped, 100)
		step(Update{Status: ptr(StatusReached)}, StatusReached, 100)

		// A goal with sub-goals takes its status from them.
		s1, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{ParentID: g.ID, Title: "Pass the exam"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Update(ctx, e.mentee, e.pair.ID, s1.ID, Update{Version: s1.Version, Status: ptr(StatusReached)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{ParentID: g.ID, Title: "Hand in the project"}); err != nil {
			t.Fatal(err)
		}
		g = &e.list()[0]
		if g.Status != StatusInProgress || g.Progress != 50 {
			t.Fatalf("goal with one of two sub-goals reached: %s at %d%%", g.Status, g.Progress)
		}
		refused(Update{Status: ptr(StatusReached)}, "status", "goal.error.status_from_sub_goals")
		if !slices.Equal(g.Choices(), []string{StatusInProgress, StatusDropped}) {
			t.Fatalf("choices %v", g.Choices())
		}
		step(Update{Status: ptr(StatusDropped)}, StatusDropped, 50)
		refused(Update{Status: ptr(StatusOpen)}, "status", "goal.error.status_from_sub_goals")
		step(Update{Status: ptr(StatusInProgress)}, StatusInProgress, 50)
		c, err := ProgramCounts(ctx, db, e.prog.ID)
		if err != nil || c != (Counts{Total: 1}) {
			t.Fatalf("counts %+v %v", c, err)
		}
	})
}

// TestGoalRowsMigrated checks that migration 0026 brings rows written
// before the rule into agreement: reached stays reached at 100 %, other
// rows take the status of their progress, dropped ones keep theirs.
func TestGoalRowsMigrated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		rows := []struct {
			status   string
			progress int
			want     string
			wantPct  int
		}{
			{StatusOpen, 50, StatusInProgress, 50},
			{StatusOpen, 100, StatusReached, 100},
			{StatusInProgress, 0, StatusOpen, 0},
			{StatusInProgress, 100, StatusReached, 100},
			{StatusReached, 40, StatusReached, 100},
			{StatusDropped, 40, StatusDropped, 40},
			{StatusInProgress, 60, StatusInProgress, 60},
		}
		for i, r := range rows {
			if _, err := db.Exec(ctx, `INSERT INTO goals (pair_id, title, status, progress, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, e.pair.ID, fmt.Sprintf("Goal %d", i), r.status, r.progress, e.clk.Now(), e.clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `DELETE FROM schema_migrations WHERE version = 26`); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			var st string
			var pct, version int
			if err := db.QueryRow(ctx, `SELECT status, progress, version FROM goals WHERE title = ?`,
				fmt.Sprintf("Goal %d", i)).Scan(&st, &pct, &version); err != nil {
				t.Fatal(err)
			}
			changed := st != r.status || pct != r.progress
			if st != r.want || pct != r.wantPct || changed != (version > 1) {
				t.Errorf("%s at %d%% became %s at %d%% (version %d), want %s at %d%%", r.status, r.progress, st, pct, version, r.want, r.wantPct)
			}
		}
		checkAgreement(t, e, "after migration")
	})
}
