package evaluation

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestDefaultQuestionsInEveryLanguage(t *testing.T) {
	t.Parallel()
	for _, kind := range QuestionKinds {
		ds := defaultQuestions[kind]
		if len(ds) < 3 {
			t.Fatalf("%s has %d default questions", kind, len(ds))
		}
		for i, d := range ds {
			for _, lang := range i18n.Languages {
				if d.Prompt[lang] == "" {
					t.Errorf("%s question %d has no %s wording", kind, i, lang)
				}
				if len(d.Options[lang]) != len(d.Options["en"]) {
					t.Errorf("%s question %d: %s has %d options, en %d", kind, i, lang, len(d.Options[lang]), len(d.Options["en"]))
				}
			}
			if (d.Type == TypeChoice) != (len(d.Options["en"]) >= 2) {
				t.Errorf("%s question %d: type %s with %d options", kind, i, d.Type, len(d.Options["en"]))
			}
		}
	}
}

func TestReplanFollowsTheAgreement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()
		replan := func(pairID int64, tl Timeline) {
			t.Helper()
			if err := db.Tx(ctx, func(tx *store.Tx) error { return Replan(ctx, tx, pairID, tl) }); err != nil {
				t.Fatal(err)
			}
		}
		agreed := Timeline{Signed: e.clk.Now(), Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			End: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Midpoint: true, Final: true}
		replan(s.pair.ID, agreed)
		var mid, final time.Time
		if err := db.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'midpoint'`, s.pair.ID).Scan(&mid); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'final'`, s.pair.ID).Scan(&final); err != nil {
			t.Fatal(err)
		}
		// Half-way from the day it came into force (2 March) to 1 September.
		if !mid.UTC().Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) || !final.UTC().Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("mid-point %v, final %v", mid, final)
		}
		// Switched off in the program: nothing is scheduled.
		other := e.scene()
		replan(other.pair.ID, Timeline{Signed: e.clk.Now(), Start: other.prog.Start, End: other.prog.End})
		if n := e.count(`SELECT COUNT(*) FROM checkpoints WHERE pair_id = ?`, other.pair.ID); n != 0 {
			t.Fatalf("%d check points scheduled although switched off", n)
		}
		replan(other.pair.ID, Timeline{Signed: e.clk.Now(), Start: other.prog.Start, End: other.prog.End, Final: true})
		if err := db.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'final'`, other.pair.ID).Scan(&final); err != nil {
			t.Fatal(err)
		}
		if !final.UTC().Equal(other.prog.End) {
			t.Fatalf("final %v, want program end %v", final, other.prog.End)
		}
	})
}

func TestCoordinatorEditsQuestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s := e.scene()
		ctx := context.Background()

		set, err := e.svc.Questions(ctx, s.coord, s.prog.ID, KindFollowup)
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Questions) != len(defaultQuestions[KindFollowup]) || set.Questions[0].ID == 0 ||
			set.Questions[0].In("nb").Prompt != defaultQuestions[KindFollowup][0].Prompt["nb"] {
			t.Fatalf("defaults before any edit: %+v", set.Questions)
		}
		for _, u := range []struct {
			name string
			err  errs.Kind
		}{{"mentor", errs.Forbidden}, {"alien", errs.NotFound}} {
			who := s.mentor
			if u.name == "alien" {
				who = s.alien
			}
			_, err := e.svc.Questions(ctx, who, s.prog.ID, KindFollowup)
			wantErr(t, err, u.err, "")
			_, err = e.svc.AddQuestion(ctx, who, s.prog.ID, KindFollowup, "en", QuestionInput{Type: TypeText, Prompt: "Sneaky?"})
			wantErr(t, err, u.err, "")
		}
		all := 0
		for _, k := range QuestionKinds {
			all += len(defaultQuestions[k])
		}
		if n := e.count(`SELECT COUNT(*) FROM evaluation_questions`); n != all {
			t.Fatalf("refused edits wrote %d questions", n)
		}

		// Bad input changes nothing.
		_, err = e.svc.AddQuestion(ctx, s.coord, s.prog.ID, KindFollowup, "en", QuestionInput{Type: TypeChoice, Prompt: "Pick", Options: "only one"})
		wantErr(t, err, errs.Invalid, "")
		_, err = e.svc.AddQuestion(ctx, s.coord, s.prog.ID, KindFollowup, "en", QuestionInput{Type: "essay", Prompt: "x"})
		wantErr(t, err, errs.Invalid, "")
		_, err = e.svc.AddQuestion(ctx, s.coord, s.prog.ID, "party", "en", QuestionInput{Type: TypeText, Prompt: "x"})
		wantErr(t, err, errs.NotFound, "checkpoint.error.kind")

		id, err := e.svc.AddQuestion(ctx, s.coord, s.prog.ID, KindFollowup, "en", QuestionInput{Type: TypeChoice, Prompt: " Where do you meet? ", Options: "Office\n\nOnline\nCafé"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.EditQuestion(ctx, s.coord, s.prog.ID, id, "nb", QuestionInput{Prompt: "Hvor møtes dere?", Options: "Kontor\nNett\nKafé"}); err != nil {
			t.Fatal(err)
		}
		err = e.svc.EditQuestion(ctx, s.coord, s.prog.ID, id, "sv", QuestionInput{Prompt: "Var?", Options: "Kontor\nNätet"})
		wantErr(t, err, errs.Invalid, "")
		set, err = e.svc.Questions(ctx, s.coord, s.prog.ID, KindFollowup)
		if err != nil {
			t.Fatal(err)
		}
		n := len(defaultQuestions[KindFollowup])
		if len(set.Questions) != n+1 {
			t.Fatalf("%d questions after adding one", len(set.Questions))
		}
		last := set.Questions[n]
		if last.ID != id || last.In("en").Prompt != "Where do you meet?" || len(last.In("en").Options) != 3 ||
			last.In("nb").Prompt != "Hvor møtes dere?" || last.In("nb").Options[2] != "Kafé" || last.In("sv").Prompt != "Where do you meet?" {
			t.Fatalf("added question reads %+v", last)
		}

		// Reorder: up once makes it second to last; remove hides it.
		if err := e.svc.MoveQuestion(ctx, s.coord, s.prog.ID, id, true); err != nil {
			t.Fatal(err)
		}
		set, _ = e.svc.Questions(ctx, s.coord, s.prog.ID, KindFollowup)
		if set.Questions[n-1].ID != id {
			t.Fatalf("after moving up: %d at %d", set.Questions[n-1].ID, n-1)
		}
		first := set.Questions[0].ID
		if err := e.svc.RemoveQuestion(ctx, s.coord, s.prog.ID, first); err != nil {
			t.Fatal(err)
		}
		set, _ = e.svc.Questions(ctx, s.coord, s.prog.ID, KindFollowup)
		if len(set.Questions) != n || set.Questions[0].ID == first {
			t.Fatalf("after removing: %+v", set.Questions)
		}
		wantErr(t, e.svc.RemoveQuestion(ctx, s.coord, s.prog.ID, first), errs.NotFound, "checkpoint.error.question_not_found")
		// Another program's coordinator cannot reach the question through
		// their own program either.
		alienProg := e.program(s.alien)
		wantErr(t, e.svc.EditQuestion(ctx, s.alien, alienProg.ID, id, "en", QuestionInput{Prompt: "Mine now"}), errs.NotFound, "")
	})
}

// answerScene is a pair with its follow-up and final scheduled and open,
// and one goal.
func answerScene(t *testing.T, e *evalEnv) (scene, int64) {
	t.Helper()
	s := e.scene()
	ctx := context.Background()
	now := e.clk.Now()
	for _, k := range []string{KindFollowup, KindFinal} {
		if err := Schedule(ctx, e.db, s.pair.ID, k, now.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	err := e.db.Tx(ctx, func(tx *store.Tx) error {
		return goal.SyncFromAgreement(ctx, tx, s.pair.ID, []goal.Draft{{Key: "g1", Title: "Lead a project"}}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	gs, err := goal.List(ctx, e.db, s.pair.ID)
	if err != nil || len(gs) != 1 {
		t.Fatalf("goals %v %v", gs, err)
	}
	return s, gs[0].ID
}

func TestAnsweringPrivatelyAndResults(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEvalEnv(t, db)
		s, goalID := answerScene(t, e)
		ctx := context.Background()

		// The mentee (language id) sees the questions in Indonesian.
		f, err := e.svc.Form(ctx, s.mentee, s.pair.ID, KindFollowup)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Open() || f.Lang != "id" || f.Submitted != nil || f.Questions[0].In(f.Lang).Prompt != defaultQuestions[KindFollowup][0].Prompt["id"] {
			t.Fatalf("form %+v", f)
		}
		_, err = e.svc.Form(ctx, s.coord, s.pair.ID, KindFollowup)
		wantErr(t, err, errs.Forbidden, "")
		_, err = e.svc.Form(ctx, s.other, s.pair.ID, KindFollowup)
		wantErr(t, err, errs.NotFound, "")
		wantErr(t, e.svc.Submit(ctx, s.coord, s.pair.ID, KindFollowup, Submission{}), errs.Forbidden, "")

		// Questions are written out on the first answer; form ids come from
		// a fresh read.
		if err := db.Tx(ctx, func(tx *store.Tx) error { return EnsureQuestions(ctx, tx, s.prog.ID, e.clk.Now()) }); err != nil {
			t.Fatal(err)
		}
		qs, err := ListQuestions(ctx, db, s.prog.ID, KindFollowup)
		if err != nil {
			t.Fatal(err)
		}
		scale, yesno, good, better := qs[0].ID, qs[1].ID, qs[2].ID, qs[3].ID

		// Validation: every kind of bad value, nothing saved.
		err = e.svc.Submit(ctx, s.mentee, s.pair.ID, KindFollowup, Submission{Answers: map[int64]string{scale: "6", yesno: "maybe"}})
		ve, ok := errs.As(err)
		if !ok || ve.Kind != errs.Invalid {
			t.Fatalf("bad answers: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM checkpoint_responses`); n != 0 {
			t.Fatalf("refused answers wrote %d responses", n)
		}
		wantErr(t, e.svc.Submit(ctx, s.mentee, s.pair.ID, KindFollowup, Submission{Answers: map[int64]string{yesno: "yes"}}), errs.Invalid, "")

		mustSubmit := func(u string, sub Submission) {
			t.Helper()
			who := s.mentee
			if u == "mentor" {
				who = s.mentor
			}
			if err := e.svc.Submit(ctx, who, s.pair.ID, KindFollowup, sub); err != nil {
				t.Fatal(err)
			}
		}
		mustSubmit("mentee", Submission{Answers: map[int64]string{scale: "4", yesno: "yes", good: "Mentee secret praise"}})
		mustSubmit("mentor", Submission{Answers: map[int64]string{scale: "2", yesno: "no", better: "Mentor secret gripe"}})

		// Each sees only their own answers; what is due shrinks per person.
		f, _ = e.svc.Form(ctx, s.mentee, s.pair.ID, KindFollowup)
		if f.Submitted == nil || *f.Mine[scale].Value != 4 || f.Mine[good].Text != "Mentee secret praise" {
			t.Fatalf("mentee reads back %+v", f.Mine)
		}
		if _, ok := f.Mine[better]; ok {
			t.Fatal("mentee sees the mentor's text")
		}
		c, _ := DueFor(ctx, db, s.pair.ID, s.mentee.ID, e.clk.Now())
		if due := c.Waiting; len(due) != 1 || len(c.Upcoming) != 0 || due[0].Kind != KindFinal ||
			due[0].Path() != "/pairs/"+strconv.FormatInt(s.pair.ID, 10)+"/evaluations/final" {
			t.Fatalf("mentee still due %+v", c)
		}

		// Results pool both; text stays hidden until the program shares it.
		res, err := ProgramResults(ctx, db, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		fu := res.Kind(KindFollowup)
		if fu.Responses != 2 || fu.Questions[0].Average != 3 || fu.Questions[0].Counts[1] != 1 || fu.Questions[0].Counts[3] != 1 ||
			fu.Questions[1].Yes() != 1 || fu.Questions[1].No() != 1 || fu.Questions[2].Count != 1 || len(fu.Questions[2].Texts) != 0 {
			t.Fatalf("results %+v", fu)
		}
		if err := e.svc.SetShareText(ctx, s.coord, s.prog.ID, true); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.SetShareText(ctx, s.mentee, s.prog.ID, false), errs.Forbidden, "")
		o, err := e.svc.Overview(ctx, s.coord, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if txt := o.Results.Kind(KindFollowup).Questions[3].Texts; len(txt) != 1 || txt[0] != "Mentor secret gripe" {
			t.Fatalf("shared texts %v", txt)
		}
		cc := o.Completion[0].Checks[0]
		if cc.Kind != KindFollowup || cc.Done() != 2 || o.Completion[0].Checks[2].Done() != 0 {
			t.Fatalf("completion %+v", o.Completion)
		}
		_, err = e.svc.Overview(ctx, s.mentor, s.prog.ID)
		wantErr(t, err, errs.Forbidden, "")
		_, err = e.svc.Overview(ctx, s.alien, s.prog.ID)
		wantErr(t, err, errs.NotFound, "")
		if _, err = e.svc.Overview(ctx, s.admin, s.prog.ID); err != nil {
			t.Fatal(err)
		}

		// The final evaluation re-assesses each goal, and needs every one.
		fqs, _ := ListQuestions(ctx, db, s.prog.ID, KindFinal)
		ans := map[int64]string{}
		for _, qu := range fqs {
			switch qu.Type {
			case TypeScale:
				ans[qu.ID] = "5"
			case TypeYesNo:
				ans[qu.ID] = "yes"
			case TypeChoice:
				ans[qu.ID] = "2"
			}
		}
		err = e.svc.Submit(ctx, s.mentor, s.pair.ID, KindFinal, Submission{Answers: ans})
		wantErr(t, err, errs.Invalid, "")
		err = e.svc.Submit(ctx, s.mentor, s.pair.ID, KindFinal, Submission{Answers: ans,
			Goals: map[int64]GoalReview{goalID: {Status: GoalPartly, Comment: "Halfway there"}}})
		if err != nil {
			t.Fatal(err)
		}
		f, _ = e.svc.Form(ctx, s.mentor, s.pair.ID, KindFinal)
		if r := f.Reviews[goalID]; r.Status != GoalPartly || r.Comment != "Halfway there" || r.Title != "Lead a project" || len(f.Goals) != 1 {
			t.Fatalf("review read back %+v", f.Reviews)
		}
		f, _ = e.svc.Form(ctx, s.mentee, s.pair.ID, KindFinal)
		if len(f.Reviews) != 0 || f.Submitted != nil {
			t.Fatal("the mentee sees the mentor's final evaluation")
		}
		res, _ = ProgramResults(ctx, db, s.prog.ID)
		if g := res.Kind(KindFinal).Goals; g[GoalPartly] != 1 || g[GoalReached] != 0 {
			t.Fatalf("goal counts %v", g)
		}

		// Not yet open, and not after the pair ended.
		if err := Schedule(ctx, db, s.pair.ID, KindMidpoint, e.clk.Now().Add(30*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.Submit(ctx, s.mentor, s.pair.ID, KindMidpoint, Submission{}), errs.Conflict, "checkpoint.error.not_open")
		if err := e.progs.EndPair(ctx, s.coord, s.prog.ID, s.pair.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.Submit(ctx, s.mentor, s.pair.ID, KindFollowup, Submission{}), errs.Conflict, "checkpoint.error.ended")
	})
}
