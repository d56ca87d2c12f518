package goal

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// goalEnv is a pair in a program, with a goal service over a fresh database.
type goalEnv struct {
	t                     testing.TB
	db                    *store.DB
	clk                   *clock.Fixed
	svc                   *Service
	coord, mentor, mentee *account.User
	outsider, otherCoord  *account.User
	admin                 *account.User
	prog                  *program.Program
	pair                  *program.Pair
	n                     int
	progSvc               *program.Service
}

func newGoalEnv(t testing.TB, db *store.DB) *goalEnv {
	t.Helper()
	e := &goalEnv{t: t, db: db, clk: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	e.svc = &Service{DB: db, Clock: e.clk}
	e.progSvc = &program.Service{DB: db, Clock: e.clk}
	ctx := context.Background()
	e.admin = e.user(account.RoleAdmin)
	e.coord = e.user(account.RoleCoordinator)
	e.otherCoord = e.user(account.RoleCoordinator)
	e.mentor, e.mentee, e.outsider = e.user(account.RoleMember), e.user(account.RoleMember), e.user(account.RoleMember)
	s := program.SettingsOf(program.Defaults(e.clk.Now(), "en"))
	s.Name, s.Purpose = "Goals cohort", "Testing goals"
	var err error
	if e.prog, err = e.progSvc.Create(ctx, e.coord, s); err != nil {
		t.Fatal(err)
	}
	s.Name = "Another cohort"
	if _, err = e.progSvc.Create(ctx, e.otherCoord, s); err != nil {
		t.Fatal(err)
	}
	e.participant(e.mentor, "mentor")
	e.participant(e.mentee, "mentee")
	e.participant(e.outsider, "mentee")
	if e.pair, err = e.progSvc.CreatePair(ctx, e.coord, e.prog.ID, []int64{e.mentor.ID}, []int64{e.mentee.ID}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *goalEnv) user(role string) *account.User {
	e.t.Helper()
	e.n++
	var u *account.User
	err := e.db.Tx(context.Background(), func(tx *store.Tx) (err error) {
		u, err = account.CreateUser(context.Background(), tx, e.clk.Now(), account.NewUser{
			Email: "g" + strconv.Itoa(e.n) + "@example.org", Name: "Person " + strconv.Itoa(e.n),
			Password: "long-enough-password", Role: role, Language: "en",
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *goalEnv) participant(u *account.User, role string) {
	e.t.Helper()
	now := e.clk.Now()
	if _, err := e.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, capacity,
		created_at, updated_at) VALUES (?, ?, ?, 'approved', 1, ?, ?)`, e.prog.ID, u.ID, role, now, now); err != nil {
		e.t.Fatal(err)
	}
}

func (e *goalEnv) sync(drafts ...Draft) error {
	return e.db.Tx(context.Background(), func(tx *store.Tx) error {
		return SyncFromAgreement(context.Background(), tx, e.pair.ID, drafts, e.clk.Now())
	})
}

func (e *goalEnv) list() []Goal {
	e.t.Helper()
	gs, err := List(context.Background(), e.db, e.pair.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return gs
}

func (e *goalEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantKey(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != kind || e.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid {
		t.Fatalf("error %v, want a validation error", err)
	}
	if got := e.Fields[field].Key; got != key {
		t.Fatalf("field %s: %q, want %q (all: %v)", field, got, key, e.Fields)
	}
}

func ptr[T any](v T) *T { return &v }

func agreementDrafts() []Draft {
	return []Draft{
		{Key: "g1", Title: "Get a first job interview", Measure: "One interview booked", TargetDate: "2026-06-01",
			SubGoals: []Draft{
				{Key: "g1a", Title: "Rewrite the CV"},
				{Key: "g1b", Title: "Apply to five places", TargetDate: "2026-05-01"},
			}},
		{Key: "g2", Title: "Learn how Norwegian workplaces make decisions"},
	}
}

func TestSyncFromAgreementIdempotentAndUpdates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		if err := e.sync(agreementDrafts()...); err != nil {
			t.Fatal(err)
		}
		gs := e.list()
		if len(gs) != 2 || len(gs[0].SubGoals) != 2 || gs[0].Title != "Get a first job interview" ||
			gs[0].SubGoals[1].TargetDate != "2026-05-01" || !gs[0].InAgreement || !gs[0].SubGoals[0].InAgreement {
			t.Fatalf("after first sync: %+v", gs)
		}
		events := e.count(`SELECT COUNT(*) FROM goal_events`)
		if events != 4 {
			t.Fatalf("%d events after creating four goals", events)
		}

		// The same agreement signed again changes nothing.
		e.clk.Advance(time.Hour)
		if err := e.sync(agreementDrafts()...); err != nil {
			t.Fatal(err)
		}
		again := e.list()
		if e.count(`SELECT COUNT(*) FROM goals`) != 4 || e.count(`SELECT COUNT(*) FROM goal_events`) != events ||
			again[0].Version != gs[0].Version || !again[0].UpdatedAt.Equal(gs[0].UpdatedAt) {
			t.Fatalf("second sync with the same drafts changed something: %+v", again)
		}

		// The pair works on a sub-goal; a new version rewords a goal, drops
		// g2 and adds g3. Progress survives and g2 is kept, out of the agreement.
		sub := gs[0].SubGoals[0]
		if _, err := e.svc.Update(ctx, e.mentee, e.pair.ID, sub.ID, Update{Version: sub.Version, Progress: ptr(60), Status: ptr(StatusInProgress)}); err != nil {
			t.Fatal(err)
		}
		g2 := gs[1]
		if _, err := e.svc.Update(ctx, e.mentor, e.pair.ID, g2.ID, Update{Version: g2.Version, Progress: ptr(30)}); err != nil {
			t.Fatal(err)
		}
		d := agreementDrafts()
		d[0].Title = "Get two job interviews"
		d[0].SubGoals[0].TargetDate = "2026-04-15"
		d = append(d[:1], Draft{Key: "g3", Title: "Build a network of ten contacts"})
		if err := e.sync(d...); err != nil {
			t.Fatal(err)
		}
		gs = e.list()
		if len(gs) != 3 {
			t.Fatalf("goals after new version: %+v", gs)
		}
		byKey := map[string]Goal{}
		for _, g := range gs {
			byKey[g.AgreementKey] = g
		}
		if byKey["g1"].Title != "Get two job interviews" || byKey["g1"].SubGoals[0].TargetDate != "2026-04-15" ||
			byKey["g1"].SubGoals[0].OwnProgress != 60 || byKey["g1"].SubGoals[0].Status != StatusInProgress {
			t.Fatalf("updated goal: %+v", byKey["g1"])
		}
		if g := byKey["g2"]; g.InAgreement || g.OwnProgress != 30 || !g.Editable() {
			t.Fatalf("goal left out of the agreement: %+v", g)
		}
		if g := byKey["g3"]; !g.InAgreement || g.Title != "Build a network of ten contacts" {
			t.Fatalf("new goal: %+v", g)
		}
		det, err := e.svc.Get(ctx, e.mentee, e.pair.ID, byKey["g1"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(det.History) != 2 || det.History[0].Field != fieldTitle || !det.History[0].ByAgreement ||
			det.History[0].Old != "Get a first job interview" || det.History[0].New != "Get two job interviews" {
			t.Fatalf("history of a reworded goal: %+v", det.History)
		}

		// g2 comes back in a later version: in the agreement again, progress kept.
		if err := e.sync(append(d, Draft{Key: "g2", Title: "Learn how Norwegian workplaces make decisions"})...); err != nil {
			t.Fatal(err)
		}
		for _, g := range e.list() {
			if g.AgreementKey == "g2" && (!g.InAgreement || g.OwnProgress != 30) {
				t.Fatalf("goal back in the agreement: %+v", g)
			}
		}
	})
}

func TestSyncFromAgreementRefusesBadDrafts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		cases := []struct {
			drafts []Draft
			field  string
			key    string
		}{
			{[]Draft{{Key: "a", Title: "  "}}, "goals.0.title", "goal.error.title_required"},
			{[]Draft{{Key: "a", Title: "A", TargetDate: "2026-13-01"}}, "goals.0.target_date", "goal.error.bad_date"},
			{[]Draft{{Key: "a", Title: "A"}, {Key: "a", Title: "B"}}, "goals.1.key", "goal.error.duplicate_key"},
			{[]Draft{{Key: "a", Title: "A", SubGoals: []Draft{{Key: "b", Title: "B", SubGoals: []Draft{{Key: "c", Title: "C"}}}}}},
				"goals.0.sub_goals.0.sub_goals", "goal.error.too_deep"},
			{[]Draft{{Key: "a", Title: strings.Repeat("x", MaxTitle+1)}}, "goals.0.title", "goal.error.title_too_long"},
		}
		for _, c := range cases {
			wantField(t, e.sync(c.drafts...), c.field, c.key)
		}
		if n := e.count(`SELECT COUNT(*) FROM goals`); n != 0 {
			t.Fatalf("%d goals after refused drafts", n)
		}
		// Drafts without keys get them from their place.
		if err := e.sync(Draft{Title: "A", SubGoals: []Draft{{Title: "A1"}}}, Draft{Title: "B"}); err != nil {
			t.Fatal(err)
		}
		gs := e.list()
		if gs[0].AgreementKey != "1" || gs[0].SubGoals[0].AgreementKey != "1.1" || gs[1].AgreementKey != "2" {
			t.Fatalf("derived keys: %+v", gs)
		}
	})
}

func TestSyncMovesSubGoalsOneLevel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		if err := e.sync(Draft{Key: "a", Title: "A"}, Draft{Key: "b", Title: "B"}); err != nil {
			t.Fatal(err)
		}
		a := e.list()[0]
		if _, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{ParentID: a.ID, Title: "Own step under A"}); err != nil {
			t.Fatal(err)
		}
		// The next version makes A a sub-goal of B: the pair's own step moves
		// under B too instead of ending up two levels deep and out of sight.
		if err := e.sync(Draft{Key: "b", Title: "B", SubGoals: []Draft{{Key: "a", Title: "A"}}}); err != nil {
			t.Fatal(err)
		}
		gs := e.list()
		if len(gs) != 1 || gs[0].AgreementKey != "b" || len(gs[0].SubGoals) != 2 {
			t.Fatalf("after moving A under B: %+v", gs)
		}
		if e.count(`SELECT COUNT(*) FROM goals`) != 3 {
			t.Fatal("a goal went missing")
		}
	})
}

func TestGoalCRUDAndProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()

		_, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "", TargetDate: "soon"})
		wantField(t, err, "title", "goal.error.title_required")
		wantField(t, err, "target_date", "goal.error.bad_date")

		g, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "  Speak at a team meeting ", Measure: "Once, in Norwegian", TargetDate: "2026-05-20"})
		if err != nil {
			t.Fatal(err)
		}
		if g.Title != "Speak at a team meeting" || g.Status != StatusOpen || g.InAgreement || g.CreatedBy != e.mentee.ID {
			t.Fatalf("created goal: %+v", g)
		}
		s1, err := e.svc.Create(ctx, e.mentor, e.pair.ID, Input{ParentID: g.ID, Title: "Practise the talk"})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{ParentID: g.ID, Title: "Ask the manager for a slot"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Create(ctx, e.mentee, e.pair.ID, Input{ParentID: s1.ID, Title: "Too deep"})
		wantKey(t, err, errs.Invalid, "goal.error.too_deep")

		// Progress of a goal with sub-goals is their mean; a reached one counts 100.
		if _, err := e.svc.Update(ctx, e.mentee, e.pair.ID, s1.ID, Update{Version: s1.Version, Progress: ptr(50)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Update(ctx, e.mentee, e.pair.ID, s2.ID, Update{Version: s2.Version, Status: ptr(StatusReached)}); err != nil {
			t.Fatal(err)
		}
		gs := e.list()
		if len(gs) != 1 || !gs[0].Derived() || gs[0].Progress != 75 || gs[0].SubGoals[1].Progress != 100 {
			t.Fatalf("derived progress: %+v", gs)
		}
		g = &gs[0]
		_, err = e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Progress: ptr(10)})
		wantField(t, err, "progress", "goal.error.progress_derived")

		// A dropped sub-goal no longer counts.
		s1v := gs[0].SubGoals[0]
		if _, err := e.svc.Update(ctx, e.mentor, e.pair.ID, s1v.ID, Update{Version: s1v.Version, Status: ptr(StatusDropped)}); err != nil {
			t.Fatal(err)
		}
		if got := e.list()[0].Progress; got != 100 {
			t.Fatalf("progress with one sub-goal dropped: %d", got)
		}

		// Bad input changes nothing; a stale version is refused.
		_, err = e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Status: ptr("done"), Title: ptr("")})
		wantField(t, err, "status", "goal.error.bad_status")
		wantField(t, err, "title", "goal.error.title_required")
		_, err = e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version + 5, Title: ptr("Old")})
		wantKey(t, err, errs.Conflict, "goal.error.stale")
		// Its status follows the sub-goals as its progress does: the one
		// left counting is reached, so the goal is.
		if got := e.list()[0]; got.Title != "Speak at a team meeting" || got.Status != StatusReached {
			t.Fatalf("refused updates changed the goal: %+v", got)
		}

		up, err := e.svc.Update(ctx, e.mentor, e.pair.ID, g.ID, Update{Version: g.Version, Title: ptr("Speak twice at a team meeting"),
			TargetDate: ptr(""), Status: ptr(StatusDropped)})
		if err != nil {
			t.Fatal(err)
		}
		if up.Title != "Speak twice at a team meeting" || up.TargetDate != "" || up.Version != g.Version+1 {
			t.Fatalf("updated goal: %+v", up)
		}
		det, err := e.svc.Get(ctx, e.mentee, e.pair.ID, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, ev := range det.History {
			fields = append(fields, ev.Field+":"+ev.UserName)
		}
		want := "status:" + e.mentor.Name + " target_date:" + e.mentor.Name + " title:" + e.mentor.Name +
			" sub_goal:" + e.mentee.Name + " sub_goal:" + e.mentor.Name + " created:" + e.mentee.Name
		if got := strings.Join(fields, " "); got != want {
			t.Fatalf("history\n got %s\nwant %s", got, want)
		}

		// Deleting a goal takes its sub-goals and history with it.
		wantKey(t, e.svc.Delete(ctx, e.mentee, e.pair.ID, g.ID, g.Version), errs.Conflict, "goal.error.stale")
		if err := e.svc.Delete(ctx, e.mentee, e.pair.ID, g.ID, up.Version); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM goals`) + e.count(`SELECT COUNT(*) FROM goal_events`); n != 0 {
			t.Fatalf("%d rows left after delete", n)
		}
	})
}

func TestGoalReachedSetsProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		g, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "Finish the course"})
		if err != nil {
			t.Fatal(err)
		}
		g, err = e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Status: ptr(StatusReached)})
		if err != nil {
			t.Fatal(err)
		}
		if g.Progress != 100 {
			t.Fatalf("reached goal at %d%%", g.Progress)
		}
		c, err := ProgramCounts(ctx, db, e.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c != (Counts{Total: 1, Reached: 1}) {
			t.Fatalf("counts %+v", c)
		}
	})
}

func TestAgreementGoalWordingIsTheAgreements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		if err := e.sync(agreementDrafts()...); err != nil {
			t.Fatal(err)
		}
		g := e.list()[1]
		_, err := e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Title: ptr("Something else")})
		wantField(t, err, "title", "goal.error.set_in_agreement")
		// Sending the same wording back (as a form does) is fine.
		if _, err := e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Title: ptr(g.Title), Progress: ptr(20)}); err != nil {
			t.Fatal(err)
		}
		wantKey(t, e.svc.Delete(ctx, e.mentee, e.pair.ID, g.ID, g.Version+1), errs.Conflict, "goal.error.delete_in_agreement")
	})
}

func TestGoalAccess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		g, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "Private goal"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			actor *account.User
			kind  errs.Kind
		}{
			{"anonymous", nil, errs.Unauthorized},
			{"other participant", e.outsider, errs.NotFound},
			{"coordinator", e.coord, errs.Forbidden},
			{"other coordinator", e.otherCoord, errs.NotFound},
			{"administrator", e.admin, errs.Forbidden},
		} {
			if _, _, err := e.svc.List(ctx, c.actor, e.pair.ID); errs.KindOf(err) != c.kind {
				t.Errorf("%s list: %v", c.name, err)
			}
			if _, err := e.svc.Get(ctx, c.actor, e.pair.ID, g.ID); errs.KindOf(err) != c.kind {
				t.Errorf("%s get: %v", c.name, err)
			}
			if _, err := e.svc.Create(ctx, c.actor, e.pair.ID, Input{Title: "x"}); errs.KindOf(err) != c.kind {
				t.Errorf("%s create: %v", c.name, err)
			}
			if _, err := e.svc.Update(ctx, c.actor, e.pair.ID, g.ID, Update{Version: g.Version, Title: ptr("x")}); errs.KindOf(err) != c.kind {
				t.Errorf("%s update: %v", c.name, err)
			}
			if err := e.svc.Delete(ctx, c.actor, e.pair.ID, g.ID, g.Version); errs.KindOf(err) != c.kind {
				t.Errorf("%s delete: %v", c.name, err)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM goals`); n != 1 {
			t.Fatalf("%d goals after refused changes", n)
		}

		// A goal of another pair is not found through this pair.
		if _, err := e.svc.Get(ctx, e.mentee, e.pair.ID, g.ID+1000); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown goal: %v", err)
		}

		// An ended pair's goals are a record: readable, not changeable.
		if err := e.progSvc.EndPair(ctx, e.coord, e.prog.ID, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.List(ctx, e.mentor, e.pair.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Update(ctx, e.mentee, e.pair.ID, g.ID, Update{Version: g.Version, Progress: ptr(10)})
		wantKey(t, err, errs.Conflict, "goal.error.pair_ended")
	})
}

// Both sides saving from the same version at once: exactly one change
// lands, the other is told the goal changed, and the history holds one edit.
func TestGoalConcurrentEdits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newGoalEnv(t, db)
		ctx := context.Background()
		g, err := e.svc.Create(ctx, e.mentee, e.pair.ID, Input{Title: "Shared goal"})
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 2)
		for i, who := range []*account.User{e.mentor, e.mentee} {
			go func() {
				_, err := e.svc.Update(ctx, who, e.pair.ID, g.ID, Update{Version: g.Version, Progress: ptr(10 * (i + 1))})
				errc <- err
			}()
		}
		var ok, stale int
		for range 2 {
			switch err := <-errc; {
			case err == nil:
				ok++
			case errs.Is(err, errs.Conflict):
				stale++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || stale != 1 {
			t.Fatalf("%d saved, %d refused", ok, stale)
		}
		if n := e.count(`SELECT COUNT(*) FROM goal_events WHERE field = 'progress'`); n != 1 {
			t.Fatalf("%d progress events", n)
		}
	})
}
